"""The characters each encoding check looks for, as sets (shared by scan and checks).

The sets that come from ftfy's badness pattern (MOJIBAKE_SUSPECTS, HOT) are built on
first use (PEP 562 `__getattr__`): importing ftfy costs 70-110 ms, a quarter of a warm
run, which runs no content rule and so never needs them.
"""

from __future__ import annotations

import re


def _badness_alphabet() -> frozenset[str]:
    """Every non-ASCII character BADNESS_RE mentions, alone or in a range."""
    from ftfy.badness import BADNESS_RE

    pattern = BADNESS_RE.pattern
    chars = {c for c in pattern if c > "\x7f"}
    for m in re.finditer(r"([^\x00-\x7f])-([^\x00-\x7f])", pattern):
        chars.update(map(chr, range(ord(m.group(1)), ord(m.group(2)) + 1)))
    return frozenset(chars)


def _suspects() -> frozenset[str]:
    # BADNESS_RE cannot match around a run without one of these. It names the Cyrillic
    # and Greek alphabets only to spot Windows-1251/1253 mojibake, and each of those
    # alternatives also needs a character outside the plain letters (`вЂ`, `β€`), so
    # correct Russian or Greek words need no search.
    return _badness_alphabet() - frozenset(
        "ЁАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяё"
        "ΆΈΉΊΌΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίΰαβγδεζηθικλμνξοπρςστυφχψωϊϋόύώ"
    )
C1_CONTROLS = frozenset(map(chr, range(0x80, 0xA0)))
# A lone non-ASCII character between ASCII ones matches only these alternatives of
# BADNESS_RE: `[c1]`, `[Œœ][^A-Za-z]`, and those for `Ã `/`Â ` (a no-break space lost).
MOJIBAKE_LONE = C1_CONTROLS | frozenset("ŒœÃÂ")

# Invisible characters (issue 4). Removal is safe for the zero-width ones and the soft
# hyphen; the bidirectional controls change how text displays, so removing them is not.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MARKS = frozenset("\u200e\u200f\u061c")  # LRM, RLM, ALM: legitimate in mixed text
OTHER_INVISIBLE = frozenset(
    "\u2061\u2062\u2063\u2064"  # invisible math operators
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated format characters
    "\ufff9\ufffa\ufffb"  # interlinear annotation
) | frozenset(map(chr, range(0xE0000, 0xE0080)))  # tags: legitimate only in 🏴 flags
INVISIBLE = ZERO_WIDTH | BIDI_CONTROLS | BIDI_MARKS | OTHER_INVISIBLE

REPLACEMENT = "\ufffd"

LONE_HOT = MOJIBAKE_LONE | INVISIBLE | {REPLACEMENT}


def __getattr__(name: str) -> frozenset[str]:
    if name not in ("MOJIBAKE_SUSPECTS", "HOT"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    suspects = _suspects()
    # HOT: what makes a run worth a closer look, for any check. Both are stored as
    # plain globals, so this runs once.
    globals().update(MOJIBAKE_SUSPECTS=suspects, HOT=suspects | LONE_HOT)
    return globals()[name]
