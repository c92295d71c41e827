from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.encoding.chars import char_name
from lint.encoding.scan import scan
from lint.encoding.show import visible
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class UnicodeNormalization(NoteRule):
    """Text not in Unicode NFC: `e` + combining accent where `é` is meant.

    ## What it does
    Reports each stretch of text that Unicode normalization form C would change:
    a letter followed by combining marks that compose into one character (text
    pasted from macOS file names, PDFs and some keyboards), and characters with a
    canonical equivalent (U+212B ANGSTROM SIGN for `Å`). Off by default: select it.

    ## Why it matters
    `café` typed and `café` pasted look the same and are different strings: search,
    links (`[[café]]`), note titles and sorting treat them as different.

    ## Example
    ```markdown
    The cafe\u0301 opens at nine.
    ```

    ## Fixed
    ```markdown
    The café opens at nine.
    ```

    ## Fix safety
    Safe: NFC only swaps characters for canonically equivalent ones, which look
    the same. Unsafe for CJK compatibility ideographs, whose glyph variants some
    names need and which NFC replaces with the unified ideograph.
    """

    code = "ENC007"
    name = "unicode-normalization"
    summary = "Text not in Unicode NFC (decomposed accents, canonical singletons)"
    severity = Severity.WARNING
    fixable = True
    default = False

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        text = note.text
        if text.isascii() or unicodedata.is_normalized("NFC", text):
            return
        for a, b in scan(text).runs:
            # A combining mark composes with the (ASCII) letter before the run.
            if a and unicodedata.combining(text[a]):
                a -= 1
            segment = text[a:b]
            if unicodedata.is_normalized("NFC", segment):
                continue
            nfc = unicodedata.normalize("NFC", segment)
            p = 0
            while p < min(len(segment), len(nfc)) and segment[p] == nfc[p]:
                p += 1
            s = 0
            while s < min(len(segment), len(nfc)) - p and segment[-1 - s] == nfc[-1 - s]:
                s += 1
            old, new = segment[p : len(segment) - s], nfc[p : len(nfc) - s]
            names = " + ".join(char_name(c) for c in old[:4]) + (" + …" if len(old) > 4 else "")
            compat = any(0xF900 <= ord(c) <= 0xFAFF or 0x2F800 <= ord(c) <= 0x2FA1F for c in old)
            yield Violation(
                a + p, a + p + len(old), f"not in Unicode NFC: `{visible(old)}` ({names})",
                help=f"use the composed form `{visible(new)}`",
                fix=Fix((Edit(a + p, a + p + len(old), new),),
                        Applicability.UNSAFE if compat else Applicability.SAFE),
            )
