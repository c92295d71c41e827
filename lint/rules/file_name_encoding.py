from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Severity, Violation
from lint.encoding.chars import find_control, find_invisible
from lint.encoding.mojibake import find_mojibake
from lint.encoding.show import visible
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class FileNameEncoding(NoteRule):
    """A file or folder name with invisible, control or garbled characters.

    ## What it does
    Gives a note's path the same scrutiny as its text: bytes that are not UTF-8,
    invisible characters (a zero-width space, a bidi control), control characters,
    mojibake (`KrakÃ³w.md`), and names not in Unicode NFC (as macOS may write
    them). The finding is on the file, at its first line. Off by default: select it.

    ## Why it matters
    The note's name is what `[[links]]` name. `[[Kraków]]` does not find
    `KrakÃ³w.md`; a zero-width space makes two names that look the same differ;
    a name in NFD is not the NFC name a link or another system types.

    ## Example
    A note named `Krak\u00c3\u00b3w.md` (`Kraków` garbled):
    ```markdown
    Notes on the city.
    ```

    ## Fixed
    The same note named `Kraków.md`.

    ## Fix safety
    No automatic fix: renaming a note breaks the links to it; rename it in your
    editor, which updates them.
    """

    code = "ENC009"
    name = "file-name-encoding"
    summary = "A file or folder name with invisible, control or garbled characters, or not NFC"
    severity = Severity.WARNING
    default = False
    # The docs test writes the Example under this name (the problem is in the name).
    example_name = "Krak\u00c3\u00b3w.md"

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        path = note.path
        if path.isascii():
            return
        shown = visible(path, 200)
        if any("\udc80" <= c <= "\udcff" for c in path):
            yield Violation(0, 0, f"file name `{shown}` is not valid UTF-8",
                            help="rename the file")
            return
        problems = [f.name for f in find_invisible(path)]
        problems += [c.name for c in find_control(path)]
        problems += [f"mojibake `{visible(path[g.start:g.end])}` for `{g.repair}`"
                     for g in find_mojibake(path)]
        if not unicodedata.is_normalized("NFC", path):
            problems.append("characters not in Unicode NFC")
        if problems:
            yield Violation(0, 0, f"file name `{shown}` holds " + ", ".join(dict.fromkeys(problems)),
                            help="rename the file (your editor updates the links to it)")
