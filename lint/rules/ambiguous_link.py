from __future__ import annotations

from collections.abc import Iterator

from lint.diagnostic import Severity, Violation
from lint.facts import NoteFacts
from lint.rule import Context, LinkRule, RuleOptions
from lint.vault import strip_md


class Options(RuleOptions):
    # Check links inside `<!-- -->` and `%% %%` comments too.
    check_comments: bool = False


class AmbiguousLink(LinkRule):
    """A link that several files match, settled by a tie-break.

    ## What it does
    Reports a link whose target matches more than one file (shared/docs/links.md:
    `[[note]]` with `a/note.md` and `b/note.md`, or `acquiredFM.md` next to
    `acquiredfm.md`, since case is ignored), names every candidate and the one the
    tie-break chose: the file in the linking note's folder (or, for a path, the
    one relative to it), else the shortest path, else the exact letter case.
    A target that is a file's whole path from the vault root (`[[x]]` for `x.md`
    beside `sub/x.md`) wins outright and is not reported: no link could be more
    specific. The `quartz` profile has no tie-break (a bare name must be unique
    there), so the rule is silent with it. Links inside `<!-- -->` and `%% %%`
    comments are skipped unless `check-comments = true`.

    ## Why it matters
    The link works today, and points elsewhere as soon as a file is added or moved;
    a reader on another tool may land on the other note.

    ## Example
    ```markdown
    See [[note]].
    ```

    ## Fixed
    ```markdown
    See [[a/note]].
    ```

    ## Fix safety
    No automatic fix: which note was meant is the author's call.
    """

    code = "LNK003"
    name = "ambiguous-link"
    summary = "A link that several files match, decided by the tie-break"
    severity = Severity.WARNING
    Options = Options
    example_vault = {"a/note.md": "# A\n", "b/note.md": "# B\n"}

    def check(self, note: NoteFacts, ctx: Context) -> Iterator[Violation]:
        comments = ctx.options.check_comments
        for link, res in ctx.vault.links(note, ctx.config.resolution):
            if not link.target or not res.candidates or res.path is None:
                continue
            if link.origin == "comment" and not comments:
                continue
            others = ", ".join(f"`{c}`" for c in res.candidates)
            winner = strip_md(res.path)
            yield Violation(
                link.target_start, link.target_end,
                f"`{link.target}` matches {len(res.candidates)} files ({others}); "
                f"`{res.path}` wins: {res.reason}",
                help=f"write the path to say which: [[{winner}]]")
