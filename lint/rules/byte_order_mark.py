from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Fix, Severity, Violation
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class ByteOrderMark(NoteRule):
    """A byte order mark at the start of a UTF-8 file.

    ## What it does
    Reports the three bytes `EF BB BF` that some Windows editors put at the start
    of UTF-8 files. (A byte order mark further into the text is an
    `invisible-character` finding.)

    ## Why it matters
    UTF-8 has no byte order to mark. Tools that do not expect it see it as text:
    front matter then no longer starts with `---` for them, and a shebang or a
    first heading breaks.

    ## Example
    ```markdown
    \ufeff---
    title: Starts with a BOM
    ---
    ```

    ## Fixed
    ```markdown
    ---
    title: Starts with a BOM
    ---
    ```

    ## Fix safety
    Safe: removing it changes no character of the text.
    """

    code = "ENC006"
    name = "byte-order-mark"
    summary = "UTF-8 byte order mark at the start of the file"
    severity = Severity.INFO
    fixable = True

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        if note.bom:
            yield Violation(0, 0, "byte order mark (EF BB BF) at the start of the file",
                            help="remove it: UTF-8 needs none",
                            fix=Fix((), Applicability.SAFE, drop_bom=True))
