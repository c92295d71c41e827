from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Severity, Violation
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class FrontmatterSyntax(NoteRule):
    """Front matter that is not a YAML mapping of string keys.

    ## What it does
    Reports front matter that YAML cannot load (at the line and column of the
    error), a block opened with `---` that is never closed, duplicate keys, a
    block that is a list or a single value instead of a mapping, keys that are
    not strings, tags that would construct objects (`!!python/object`), and
    alias expansions past a safe bound. YAML is only ever loaded safely.

    ## Why it matters
    Obsidian, Quartz and every tool downstream read front matter as a mapping.
    When it does not load, the note loses its title and fields silently. PyYAML
    keeps the last of two duplicate keys without a word; YAML forbids them.

    ## Example
    ```markdown
    ---
    title: [Open models
    videoId: rYXeQbTuVl0
    ---
    ```

    ## Fixed
    ```markdown
    ---
    title: "[Open models"
    videoId: rYXeQbTuVl0
    ---
    ```

    ## Fix safety
    No automatic fix: the intended value cannot be known.
    """

    code = "FM001"
    name = "frontmatter-syntax"
    summary = "Front matter is not valid YAML, not closed, or not a mapping of unique string keys"
    severity = Severity.ERROR

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        fm = note.frontmatter
        if fm is None:
            return
        for problem in fm.problems:
            yield Violation(problem.start, max(problem.end, problem.start + 1), problem.message,
                            help=_help(problem.message))


def _help(message: str) -> str | None:
    if message.startswith("duplicate key"):
        return "keep one of the two values"
    if "never closed" in message:
        return "end the front matter with a line holding only `---`"
    if "not a string" in message:
        return None
    if "template placeholder" in message:
        # Not `exclude`: an excluded folder's files are no link targets (issue 12.3).
        return ("quote it; or, if this note is a template, name its folder in Obsidian's "
                "Templates settings (.obsidian/templates.json) or give it "
                '`"Templates/**" = ["ALL"]` in `[per-file-ignores]`: either way links to it '
                "still resolve")
    if message.startswith("invalid YAML"):
        return "quote values that start with `[`, `{`, `*`, `&`, `!`, `%`, `@` or contain `: `"
    return None
