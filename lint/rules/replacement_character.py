from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Severity, Violation
from lint.encoding.show import groups
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class ReplacementCharacter(NoteRule):
    """U+FFFD `�` in the text: a character already lost upstream.

    ## What it does
    Reports each run of U+FFFD REPLACEMENT CHARACTER in the note's text. Invalid
    bytes in the file are `invalid-utf8`'s findings, not this rule's.

    ## Why it matters
    Some program could not decode the original character and put `�` in its
    place before the file was written: `caf�` was `café`, but the file no longer
    says so. Only the source can tell what it was.

    ## Example
    ```markdown
    The caf� was closed.
    ```

    ## Fixed
    ```markdown
    The café was closed.
    ```

    ## Fix safety
    No automatic fix: the lost character is not in the file.
    """

    code = "ENC003"
    name = "replacement-character"
    summary = "U+FFFD replacement character: a character lost before the file was written"
    severity = Severity.ERROR

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        text = note.text
        if "\ufffd" not in text:  # a search at C speed: all a clean note costs
            return
        invalid = {b.offset for b in note.invalid}
        offsets = []
        i = text.find("\ufffd")
        while i >= 0:
            if i not in invalid:
                offsets.append(i)
            i = text.find("\ufffd", i + 1)
        for start, end in groups(offsets):
            n = end - start
            yield Violation(
                start, end,
                "replacement character U+FFFD: the original character was lost"
                if n == 1 else f"{n} replacement characters U+FFFD: the original characters were lost",
                help="restore the text from its source",
            )
