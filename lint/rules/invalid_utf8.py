from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.encoding.show import groups
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)

# How to convert, by what the file seems to be (iconv's names).
_ICONV = {"UTF-16 LE": "UTF-16LE", "UTF-16 BE": "UTF-16BE", "UTF-32 LE": "UTF-32LE",
          "UTF-32 BE": "UTF-32BE", "Latin-1/Windows-1252": "WINDOWS-1252",
          "Windows-1251": "WINDOWS-1251"}


# Encodings whose files note.py decodes one byte to one character.
_SINGLE_BYTE = {"Latin-1/Windows-1252": "cp1252", "Windows-1251": "cp1251"}


class InvalidUtf8(NoteRule):
    """Bytes that are not UTF-8, or a whole file in another encoding.

    ## What it does
    Reports each place where the file's bytes are not valid UTF-8, at its line and
    column (columns count the characters before it). The bytes are kept as they
    are and the rest of the note is still linted; the same place is not reported
    again as `replacement-character`.

    A file that is not UTF-8 at all gets one finding that says what it seems to
    be: UTF-16 or UTF-32 (with a byte order mark, or by the NUL bytes ASCII text
    leaves in them), Windows-1252/Latin-1 or Windows-1251. Its text is decoded
    that way for the other rules. For Windows-1252 and Windows-1251 the finding
    is at the first byte that is not UTF-8 (an ASCII note with one stray byte is
    reported at that byte); a UTF-16 or UTF-32 file is reported at its start.

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
            at, byte = _first_invalid(note.text, note.encoding)
            shown = f" (first invalid byte 0x{byte:02X})" if byte is not None else ""
            yield Violation(
                at, at + 1 if byte is not None else at,
                f"the file is not UTF-8: it seems to be {note.encoding}{shown}",
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


def _first_invalid(text: str, encoding: str) -> tuple[int, int | None]:
    """The offset in `text` of the character holding the file's first byte that is not
    UTF-8, and that byte (issue 12: a stray byte in an ASCII note is reported where it is).

    Known only for the single-byte encodings, where the file's bytes are the text
    encoded again, one byte a character. A UTF-16 or UTF-32 file is reported at 1:1:
    its BOM, when it had one (stripped from the text), is its first invalid byte.
    """
    codec = _SINGLE_BYTE.get(encoding)
    if codec is None:
        return 0, None
    try:
        raw = text.encode(codec)
    except UnicodeEncodeError:  # bytes cp1252 leaves undefined: note.py read it as Latin-1
        raw = text.encode("latin-1", "replace")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start, raw[e.start]
    return 0, None


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
