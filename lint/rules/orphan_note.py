from __future__ import annotations

from collections.abc import Iterator

from lint.diagnostic import Severity, Violation
from lint.discover import compile_glob
from lint.rule import Context, RuleOptions, VaultRule
from lint.vault import checked_links


class Options(RuleOptions):
    # Notes that need no incoming link (home pages, indexes): globs.
    ignore: list[str] = []


class OrphanNote(VaultRule):
    """A note that no other note links to.

    ## What it does
    Resolves every link of every note in the vault and reports the notes that
    none of them reaches. A note's links to itself do not count; embeds do, and so
    do links in front matter values (Obsidian lists them as backlinks) and in comments.
    Notes matching an `ignore` glob (a home page, an index) are never reported.
    Off by default: select it with `extend-select = ["orphan-note"]`.

    ## Why it matters
    In a wiki, a note nobody links to is found only by search: often a draft
    that was never connected, or one whose links were all renamed away.

    ## Example
    ```markdown
    A note that nothing links to.
    ```

    ## Fixed
    Another note links to it: `other.md` says `See [[example]].`

    ## Fix safety
    No automatic fix: where the link belongs is the author's call.
    """

    code = "LNK004"
    name = "orphan-note"
    summary = "A note that no other note links to"
    severity = Severity.WARNING
    default = False
    Options = Options
    example_vault = {"other.md": "# Other\n"}

    def check_vault(self, paths: list[str], ctx: Context) -> Iterator[tuple[str, Violation]]:
        vault = ctx.vault
        profile = ctx.config.resolution
        linked: set[str] = set()
        for path in vault.note_paths:
            facts = vault.note(path)
            if facts is None:
                continue
            for link in checked_links(facts.md):
                if link.target:
                    hit = vault.resolve(link.target, path, profile).path
                    if hit is not None and hit != path:
                        linked.add(hit)
        ignored = [compile_glob(g) for g in ctx.options.ignore]
        for path in paths:
            if path in linked or not path.lower().endswith(".md") or vault.note(path) is None:
                continue
            if any(rx.match(path) for rx in ignored):
                continue
            yield path, Violation(0, 0, f"orphan note: no note links to `{path}`",
                                  help="link it from a related note or an index, or remove it")
