from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.encoding.show import groups
from lint.rule import Context, Rule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)

# How to convert, by what the file seems to be (iconv's names).
_ICONV = {"UTF-16 LE": "UTF-16LE", "UTF-16 BE": "UTF-16BE", "UTF-32 LE": "UTF-32LE",
          "UTF-32 BE": "UTF-32BE", "Latin-1/Windows-1252": "WINDOWS-1252",
          "Windows-1251": "WINDOWS-1251"}


class InvalidUtf8(Rule):
    """Bytes that are not UTF-8, or a whole file in another encoding.

    ## What it does
    Reports each place where the file's bytes are not valid UTF-8, at its line and
    column (columns count the characters before it). The bytes are kept as they
    are and the rest of the note is still linted; the same place is not reported
    again as `replacement-character`.

    A file that is not UTF-8 at all gets one finding that says what it seems to
    be: UTF-16 or UTF-32 (with a byte order mark, or by the NUL bytes ASCII text
    leaves in them), Windows-1252/Latin-1 or Windows-1251. Its text is decoded
    that way for the other rules.

    ## Why it matters
    Obsidian, Quartz and git diffs show the bytes as `�` or refuse the file; a
    later save by some tool turns them into `�` for good.

    ## Example
    A note saved as Windows-1252:
    ```markdown
    Le café était fermé.
    ```

    ## Fixed
    The same note saved as UTF-8.

    ## Fix safety
    A whole file in another encoding is not converted automatically: convert it
    with your editor or `iconv`. A lone invalid byte that reads as a letter or
    common punctuation in Windows-1252 (most often it is one: `caf\\xe9` for
    `café`) gets an unsafe fix replacing it with that character; the guess may be
    wrong, so check it. Runs of invalid bytes get no fix.
    """

    code = "ENC002"
    name = "invalid-utf8"
    summary = "Bytes that are not valid UTF-8, or a whole file in another encoding"
    severity = Severity.ERROR
    fixable = True
    # The docs test writes the Example in this encoding (UTF-8 cannot show the problem).
    example_encoding: ClassVar[str] = "cp1252"

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        if note.encoding is not None:
            iconv = _ICONV.get(note.encoding, note.encoding)
            yield Violation(
                0, 0, f"the file is not UTF-8: it seems to be {note.encoding}",
                help=f"convert it to UTF-8, e.g. `iconv -f {iconv} -t UTF-8`",
            )
            return
        if not note.invalid:
            return
        byte_at = {b.offset: b.byte for b in note.invalid}
        for start, end in groups(sorted(byte_at)):
            raw = bytes(byte_at[o] for o in range(start, end))
            shown = " ".join(f"0x{b:02X}" for b in raw)
            noun = "byte" if len(raw) == 1 else "bytes"
            guess = _windows_1252(raw)
            yield Violation(
                start, end, f"invalid UTF-8 {noun} {shown}",
                help=(f"if it is Windows-1252, it reads `{guess}`; re-type it or re-save the "
                      "note as UTF-8") if guess else "re-type the character or re-save the note as UTF-8",
                fix=Fix((Edit(start, end, guess),), Applicability.UNSAFE) if guess else None,
            )


def _windows_1252(raw: bytes) -> str | None:
    """What a lone byte reads as in Windows-1252, when that is a letter or typography.

    Not for runs of bytes, nor for C2 and C3: those are most often UTF-8 sequences
    that lost a byte, not `Â` or `Ã`.
    """
    if len(raw) != 1 or raw in (b"\xc2", b"\xc3"):
        return None
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text if text.isalpha() or text in "‘’“”–—…•€£§°«»×" else None
