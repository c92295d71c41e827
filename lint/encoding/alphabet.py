"""The characters each encoding check looks for, as sets (shared by scan and checks).

The sets that come from ftfy's badness pattern (MOJIBAKE_SUSPECTS, HOT) are built on
first use (PEP 562 `__getattr__`), from ranges stored for the installed ftfy release:
importing ftfy costs a large share of a warm run, which scans no note, and more than a
run that re-parses one note spends on it (bench/README.md, "Figures moved from code
comments"). ftfy is imported when a note has a run
worth asking it about (lint/encoding/mojibake.py).
"""

from __future__ import annotations

import importlib.metadata
import re

from lint.encoding.invisible import C1_CONTROLS, INVISIBLE


def _badness_alphabet() -> frozenset[str]:
    """Every non-ASCII character BADNESS_RE mentions, alone or in a range. Stored for the
    ftfy release it was read from, so that scanning a note does not import ftfy (a run
    that re-parses one note would spend more on that import than on the note);
    derived from the installed ftfy's pattern for any other release."""
    if _installed_ftfy() == _BADNESS_FTFY:
        return frozenset(chr(c) for first, last in _BADNESS_RANGES for c in range(first, last + 1))
    return derive_badness_alphabet()


def derive_badness_alphabet() -> frozenset[str]:
    from ftfy.badness import BADNESS_RE

    pattern = BADNESS_RE.pattern
    chars = {c for c in pattern if c > "\x7f"}
    for m in re.finditer(r"([^\x00-\x7f])-([^\x00-\x7f])", pattern):
        chars.update(map(chr, range(ord(m.group(1)), ord(m.group(2)) + 1)))
    return frozenset(chars)


def _installed_ftfy() -> str | None:
    try:
        return importlib.metadata.version("ftfy")  # reads its metadata: no import
    except importlib.metadata.PackageNotFoundError:
        return None


# derive_badness_alphabet() for ftfy 6.3.1, as code point ranges (tests/test_chars.py checks
# them against the installed ftfy; `python -m lint.encoding.alphabet` prints them).
_BADNESS_FTFY = "6.3.1"
_BADNESS_RANGES: tuple[tuple[int, int], ...] = (
    (0x0080, 0x00FC), (0x0100, 0x0107), (0x010C, 0x0113), (0x0116, 0x011B), (0x011E, 0x011F),
    (0x0122, 0x0123), (0x012A, 0x012B), (0x012F, 0x0130), (0x0136, 0x0137), (0x0139, 0x013E),
    (0x0141, 0x0143), (0x0145, 0x0145), (0x0147, 0x0147), (0x014C, 0x014C), (0x0150, 0x0150),
    (0x0152, 0x0153), (0x0155, 0x0155), (0x0158, 0x0158), (0x015A, 0x015B), (0x015E, 0x0162),
    (0x0164, 0x0165), (0x016A, 0x016A), (0x016E, 0x016E), (0x0170, 0x0170), (0x0172, 0x0172),
    (0x0178, 0x017E), (0x0192, 0x0192), (0x02C6, 0x02C7), (0x02D8, 0x02D8), (0x02DB, 0x02DD),
    (0x0384, 0x0386), (0x0388, 0x038A), (0x038C, 0x038C), (0x038E, 0x038F), (0x0391, 0x03C9),
    (0x0401, 0x045F), (0x0490, 0x0491), (0x2013, 0x2015), (0x2018, 0x201A), (0x201C, 0x201E),
    (0x2020, 0x2022), (0x2026, 0x2026), (0x2030, 0x2030), (0x2039, 0x203A), (0x2044, 0x2044),
    (0x20A7, 0x20A7), (0x20AC, 0x20AC), (0x2116, 0x2116), (0x2122, 0x2122), (0x2202, 0x2202),
    (0x2206, 0x2206), (0x220F, 0x220F), (0x2211, 0x2211), (0x221A, 0x221A), (0x221E, 0x221E),
    (0x2229, 0x2229), (0x222B, 0x222B), (0x2248, 0x2248), (0x2260, 0x2261), (0x2264, 0x2265),
    (0x2310, 0x2310), (0x2502, 0x2502), (0x250C, 0x250C), (0x2510, 0x2510), (0x2518, 0x2518),
    (0x251C, 0x251C), (0x2524, 0x2524), (0x252C, 0x252C), (0x253C, 0x253C), (0x2550, 0x256C),
    (0x2580, 0x2580), (0x2584, 0x2584), (0x2588, 0x2588), (0x258C, 0x258C), (0x2590, 0x2593),
    (0x25CA, 0x25CA), (0xF8FF, 0xF8FF), (0xFB01, 0xFB02), (0xFFFD, 0xFFFD),
)


def _suspects() -> frozenset[str]:
    # BADNESS_RE cannot match around a run without one of these. It names the Cyrillic
    # and Greek alphabets only to spot Windows-1251/1253 mojibake, and each of those
    # alternatives also needs a character outside the plain letters (`вЂ`, `β€`), so
    # correct Russian or Greek words need no search.
    return _badness_alphabet() - frozenset(
        "ЁАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяё"
        "ΆΈΉΊΌΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίΰαβγδεζηθικλμνξοπρςστυφχψωϊϋόύώ"
    )


# A lone non-ASCII character between ASCII ones matches only these alternatives of
# BADNESS_RE: `[c1]`, `[Œœ][^A-Za-z]`, and those for `Ã `/`Â ` (a no-break space lost).
MOJIBAKE_LONE = C1_CONTROLS | frozenset("ŒœÃÂ")

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


if __name__ == "__main__":  # the stored ranges for the installed ftfy
    ranges: list[list[int]] = []
    for code in sorted(map(ord, derive_badness_alphabet())):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    print(f"_BADNESS_FTFY = {_installed_ftfy()!r}")
    print(", ".join(f"(0x{first:04X}, 0x{last:04X})" for first, last in ranges))
