from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator

from lint.diagnostic import Severity, Violation
from lint.discover import compile_glob
from lint.rule import Context, NoteRule, RuleOptions

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern, re.M)
    except re.error as e:
        raise ValueError(f"not a regular expression: {e}") from None
    return pattern


class Options(RuleOptions):
    pattern: Annotated[str, AfterValidator(_regex)] = r"^From:\s*\[\[[^\]]+\]\]"
    # Which notes need a source: those whose front matter has one of these keys...
    when_fields: list[str] = ["videoId"]
    # ...or whose path matches one of these globs.
    paths: list[str] = []
    # Front matter keys whose non-empty value counts as the source.
    source_fields: list[str] = []


class MissingSource(NoteRule):
    """A note derived from a source does not name it.

    ## What it does
    A note whose front matter has `videoId` (configurable: `when-fields`, or
    `paths` globs) must name its source on a body line matching
    `From: [[...]]` (configurable: `pattern`, a regular expression matched at
    the start of each line) before its first heading or in it, outside code: a
    source line followed by a `---` line is a setext heading in CommonMark, and
    still names the source. A front
    matter key listed in `source-fields` (e.g. `source`) counts as the source too.
    Whether the source link resolves is `broken-link`'s business, not this rule's.

    ## Why it matters
    A summary whose source line went missing cannot be traced back or credited.

    ## Example
    ```markdown
    ---
    title: Open-source versus closed-source AI models
    videoId: rYXeQbTuVl0
    ---

    The debate over open weights...
    ```

    ## Fixed
    ```markdown
    ---
    title: Open-source versus closed-source AI models
    videoId: rYXeQbTuVl0
    ---

    From: [[dwarkeshpatel]] <br/>
    The debate over open weights...
    ```

    ## Fix safety
    No automatic fix: the source is not in the note.
    """

    code = "SRC001"
    name = "missing-source"
    summary = "A note derived from a video has no `From: [[...]]` source line"
    severity = Severity.ERROR
    Options = Options

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        opts: Options = ctx.options
        data = note.data or {}
        needs = any(k in data for k in opts.when_fields) or any(
            compile_glob(g).match(note.path) for g in opts.paths
        )
        if not needs:
            return
        if any(data.get(k) not in (None, "", [], {}) for k in opts.source_fields):
            return
        rx = ctx.shared("missing-source.pattern", lambda: re.compile(opts.pattern, re.M))
        text = note.text
        # the first heading's own lines count: `From: [[x]] <br/>` over a `---` line
        # is a setext heading (issue 12.8)
        end = note.md.headings[0].end if note.md.headings else len(text)
        for m in rx.finditer(text, note.body_start, end):
            if not note.in_code(m.start()):
                return
        # Point at the first line of the body, where the source line belongs.
        at = note.body_start
        while at < end and text[at] in " \t\r\n":
            at += 1
        at = at if at < len(text) else note.body_start
        where = "before its first heading" if note.md.headings else "in its body"
        wanted = "`From: [[...]]`" if opts.pattern == Options().pattern else f"`{opts.pattern}`"
        yield Violation(at, at, f"no source line: expected a line matching {wanted} {where}",
                        help="add the source, e.g. `From: [[channel]] <br/>`, as the first body line")
