"""What a reader cannot see: the one definition of invisible and control characters.

Every part of notelint that finds, strips, escapes or names such characters asks this
module: the finders (lint/encoding/chars.py), the shared scan, messages
(lint/encoding/show.py), link resolution (lint/vault.py) and the escaping of all
output (lint/diagnostic.py). Only the standard library's `re`: lint/diagnostic.py,
which every run imports, uses it.

Invisible characters are a list, not a Unicode category: category Cf also holds
characters that display (U+0600 ARABIC NUMBER SIGN, U+06DD ARABIC END OF AYAH,
U+110BD KAITHI NUMBER SIGN), and grows with each Unicode release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Invisible characters (issue 4). Removal is safe for the zero-width ones and the soft
# hyphen; the bidirectional controls change how text displays, so removing them is not.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MARKS = frozenset("\u200e\u200f\u061c")  # LRM, RLM, ALM: legitimate in mixed text
OTHER_INVISIBLE = frozenset(
    "\u2061\u2062\u2063\u2064"  # invisible math operators
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated format characters
    "\ufff9\ufffa\ufffb"  # interlinear annotation
)
TAGS = frozenset(map(chr, range(0xE0000, 0xE0080)))  # legitimate only in 🏴 flags
INVISIBLE = ZERO_WIDTH | BIDI_CONTROLS | BIDI_MARKS | OTHER_INVISIBLE | TAGS

# Control characters: Unicode category Cc.
C0_CONTROLS = frozenset(map(chr, range(0x20)))
DELETE = "\x7f"
C1_CONTROLS = frozenset(map(chr, range(0x80, 0xA0)))
CONTROLS = C0_CONTROLS | {DELETE} | C1_CONTROLS
# The controls plain text is made of; every other control is reported in a note.
TEXT_CONTROLS = frozenset("\t\n\r")
REPORTED_CONTROLS = CONTROLS - TEXT_CONTROLS

# Lone surrogates: what a byte that is not UTF-8 becomes under `surrogateescape`
# (U+DC80-U+DCFF); no encoder writes them, so output must spell them out.
SURROGATES = range(0xD800, 0xE000)


def is_surrogate(c: str) -> bool:
    return "\ud800" <= c <= "\udfff"


def invisible_in(s: str) -> list[str]:
    """The invisible characters in s, in order."""
    if s.isascii():  # O(1); no ASCII character is invisible (asked of every file name)
        return []
    return [c for c in s if c in INVISIBLE]


def without_invisible(s: str) -> str:
    """s with its invisible characters removed."""
    if s.isascii():
        return s
    return "".join(c for c in s if c not in INVISIBLE)


def code_point_escape(c: str) -> str:
    """A character as a Python escape: `\\x07`, `\\u200b`, `\\U000e0041`."""
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def char_class(chars: Iterable[str], surrogates: bool = False) -> str:
    """A regular expression character class matching exactly chars (and lone
    surrogates when asked), with consecutive code points as ranges."""
    codes = sorted(map(ord, chars))
    if surrogates:
        codes = sorted({*codes, *SURROGATES})
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = (
        re.escape(chr(first)) if first == last else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
        for first, last in ranges
    )
    return "[" + "".join(parts) + "]"


# What output must not show as is: controls (a terminal escape, a newline that would
# start a `::error` workflow command) and lone surrogates (not valid UTF-8).
UNSAFE_TO_PRINT_RE = re.compile(char_class(CONTROLS, surrogates=True))
# What a message about a note's text escapes: the above, and invisible characters,
# which a message must show since they are what it is about.
ESCAPED_IN_MESSAGES_RE = re.compile(char_class(CONTROLS | INVISIBLE, surrogates=True))
