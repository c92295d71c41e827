from __future__ import annotations

import re
from collections.abc import Iterator

from lint.diagnostic import Severity, Violation
from lint.facts import NoteFacts
from lint.rule import Context, LinkRule, RuleOptions
from lint.vault import heading_key

# What a link to a heading leaves out of it (Obsidian writes `[[n#Sub bold]]`
# for `## Sub **bold**`).
_MARKUP = re.compile(r"\*\*?|`|==|~~|\[\[|\]\]|[|^:#]|%%")


# A Markdown link's fragment that is a time in the note's video or audio, not a heading:
# the W3C media fragment `#t=00:02:56` and a bare clock time `#52:06`, as generated
# transcript wikis write them for their players (Obsidian has no such heading either).
_TIME = re.compile(r"(?:t=)?(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?|t=\d+(?:\.\d+)?")


class Options(RuleOptions):
    # Check links inside `<!-- -->` and `%% %%` comments too.
    check_comments: bool = False


class BrokenAnchor(LinkRule):
    """A link to a heading or block that the target note does not have.

    ## What it does
    For `[[Note#Heading]]`, `[[Note#H1#H2]]` (H2 inside H1's section),
    `[[Note#^block-id]]`, `[[#Heading]]` (this note) and `[x](Note.md#heading)`,
    looks the fragment up in the note the link resolves to. Headings are compared
    as Obsidian compares them, both sides alike: case ignored, Unicode in NFC, the
    ASCII punctuation `` !"#$%&()*+,./:;<=>?@[\\]^_`{|}~ `` turned into spaces, runs
    of spaces shrunk, so `[[FAQ#How large can it be]]` finds `## How large can it
    be?`. Other punctuation (`’`, a fullwidth `？`) must be written as in the
    heading. Case-insensitivity is our guess, with good support. Markdown links
    may also use GitHub's anchors (`#my-heading`). Block ids are the ` ^id`
    markers at the end of a line. Links whose note does not exist are
    `broken-link`'s; fragments of other files (`#page=3` of a PDF) are not checked,
    nor are Markdown links to a time in the note's media (`[00:02:56](#t=00:02:56)`,
    `[00:52:08](#52:08)`, as transcript wikis write them).
    Front matter values that are exactly a wikilink are checked too; links inside
    `<!-- -->` and `%% %%` comments (template lines kept to uncomment later) only with
    `check-comments = true`.

    ## Why it matters
    Obsidian opens the top of the note instead of the section; a published site
    links to an anchor that is not there. Headings get renamed; the links do not.

    ## Example
    ```markdown
    See [[other#Key Idea]] and [[#Summry]].

    # Summary
    ```

    ## Fixed
    ```markdown
    See [[other#Key Ideas]] and [[#Summary]].

    # Summary
    ```

    ## Fix safety
    No automatic fix: a renamed heading and a section still to be written look
    the same. The help names a heading that has every word of the fragment
    (`#Mitigation` for `Mitigation Efforts`), else the closest heading.
    """

    code = "LNK002"
    name = "broken-anchor"
    summary = "A link to a heading or block id that the target note does not have"
    severity = Severity.ERROR
    Options = Options
    example_vault = {"other.md": "# Other\n\n## Key Ideas\n\nText.\n"}

    def check(self, note: NoteFacts, ctx: Context) -> Iterator[Violation]:
        vault = ctx.vault
        comments = ctx.options.check_comments
        for link, res in vault.links(note, ctx.config.resolution):
            fragment = link.fragment
            if fragment is None or link.origin == "comment" and not comments:
                continue
            if link.kind == "markdown" and _TIME.fullmatch(fragment):
                continue
            path = res.path
            if path is None or not path.lower().endswith(".md"):
                continue
            if vault.has_anchor(path, fragment, slugs=link.kind == "markdown") is not False:
                continue
            where = "this note" if path == note.path else f"`{path}`"
            if fragment.startswith("^"):
                yield Violation(link.start, link.end, f"broken anchor: no block `{fragment}` in {where}",
                                help="mark the block with ` ^id` at the end of its line")
                continue
            anchors = vault.anchors(path)  # loaded: has_anchor said False, not None
            headings = anchors.texts if anchors is not None else ()
            yield Violation(link.start, link.end, f"broken anchor: no heading `{fragment}` in {where}",
                            help=_closest(headings, fragment, link.target))


def _closest(headings: tuple[str, ...], fragment: str, target: str) -> str | None:
    if not headings:
        return "the note has no headings"
    from rapidfuzz import fuzz, process

    wanted = heading_key(fragment.rsplit("#", 1)[-1])
    keys = [heading_key(h) for h in headings]
    # A heading that has every word of the fragment is what a shortened or reordered
    # link meant (`#Mitigation` for `Mitigation Efforts`, not the alike `Limitations`).
    words = set(wanted.split())
    having = {i: k for i, k in enumerate(keys) if words and words <= set(k.split())}
    best = process.extractOne(wanted, having or keys, scorer=fuzz.ratio,
                              score_cutoff=None if having else 60)
    if best is None:
        return None
    return f"did you mean [[{target}#{_MARKUP.sub('', headings[best[2]]).strip()}]]?"
