from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.rule import Context, NoteRule
from lint.text import line_ending_of

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)

_ENDING = re.compile(r"\r\n|\r|\n")
_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


class MixedLineEndings(NoteRule):
    """Lines ending differently within one file: some CRLF, some LF.

    ## What it does
    When a note mixes line endings (CRLF, LF, lone CR), reports each line whose
    ending differs from the one most lines use. A file that uses one ending
    throughout, whichever it is, is fine. Off by default: select it.

    ## Why it matters
    Mixed endings come from editing one file on two systems or pasting between
    them; diffs then show whole lines as changed, and some tools split lines on
    LF only, leaving a stray `\\r` at the end of a heading or a link target.

    ## Example
    A note whose first line ends with CRLF and the others with LF.
    ```markdown
    # Title
    Body line.
    Another line.
    ```

    ## Fixed
    ```markdown
    # Title
    Body line.
    Another line.
    ```

    ## Fix safety
    Safe: the odd line endings become the file's usual one; nothing else changes.
    """

    code = "ENC008"
    name = "mixed-line-endings"
    summary = "A file that mixes line endings (CRLF, LF, CR)"
    severity = Severity.WARNING
    fixable = True
    default = False

    @classmethod
    def examples(cls) -> tuple[str | None, str | None]:
        # A docstring cannot hold the CR (its lines are split on it): put it back
        # where the Example's prose says it is.
        example, fixed = super().examples()
        return (example.replace("\n", "\r\n", 1) if example else example), fixed

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        text = note.text
        if "\r" not in text:  # LF only (or one line): the common case costs one search
            return
        crlf = text.count("\r\n")
        lf = text.count("\n") - crlf
        cr = text.count("\r") - crlf
        if (crlf > 0) + (lf > 0) + (cr > 0) < 2:
            return
        usual = line_ending_of(text)
        counts = {"\r\n": crlf, "\n": lf, "\r": cr}
        for m in _ENDING.finditer(text):
            ending = m.group()
            if ending != usual:
                yield Violation(
                    m.start(), m.end(),
                    f"line ends with {_NAMES[ending]}; {counts[usual]} of "
                    f"{crlf + lf + cr} lines end with {_NAMES[usual]}",
                    help=f"end it with {_NAMES[usual]} like the rest",
                    fix=Fix((Edit(m.start(), m.end(), usual),), Applicability.SAFE),
                )
