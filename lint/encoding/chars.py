"""Single characters that do not belong in a note: invisible ones and controls (issue 4).

Both finders start from the shared scan (lint/encoding/scan.py): every character
they look for is non-ASCII except the C0 controls, which the scan already flags, so a
clean note costs a couple of attribute reads.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from lint.encoding.invisible import (
    BIDI_MARKS,
    C1_CONTROLS,
    CONTROLS,
    INVISIBLE,
    REPORTED_CONTROLS,
    TAGS,
    ZERO_WIDTH,
    char_class,
)
from lint.encoding.scan import scan


class Invisible(NamedTuple):
    offset: int
    char: str
    name: str  # "U+200B ZERO WIDTH SPACE"
    removable_safely: bool  # False for bidi controls and marks, whose removal changes display


class Control(NamedTuple):
    offset: int
    char: str
    name: str  # "U+0007 BELL"


def char_name(c: str) -> str:
    """`U+200B ZERO WIDTH SPACE`; controls, which have no Unicode name, by their alias."""
    name = unicodedata.name(c, "") or _CONTROL_NAMES.get(c, "")
    return f"U+{ord(c):04X} {name}".rstrip()


def parse_char(spec: str) -> str:
    """A character as configuration names it: `U+00AD`, or the character itself."""
    spec = spec.strip()
    if spec[:2].upper() == "U+":
        return chr(int(spec[2:], 16))
    return spec


def find_invisible(text: str, start: int = 0, end: int | None = None) -> list[Invisible]:
    """Invisible characters in text[start:end], except where they do a job (see `_legit`)."""
    sc = scan(text)
    if not sc.hot:
        return []
    end = len(text) if end is None else end
    found: list[Invisible] = []
    for k in sc.hot:
        rs, re_ = sc.runs[k]
        if re_ <= start or rs >= end:
            continue
        for m in _INVISIBLE_RE.finditer(text, max(rs, start), min(re_, end)):
            i = m.start()
            c = text[i]
            if not _legit(text, i, c):
                found.append(Invisible(i, c, char_name(c), c in _SAFE_TO_REMOVE))
    return found


def find_control(text: str, start: int = 0, end: int | None = None) -> list[Control]:
    """C0 controls other than tab, LF and CR; DEL; C1 controls, in text[start:end]."""
    sc = scan(text)
    if not sc.ascii_controls and not sc.hot:
        return []
    end = len(text) if end is None else end
    if sc.ascii_controls:  # rare: one regex pass over the range
        return [Control(m.start(), m.group(), char_name(m.group()))
                for m in _CONTROL_RE.finditer(text, start, end)]
    found: list[Control] = []
    for k in sc.hot:  # C1 controls are non-ASCII: only hot runs can hold them
        rs, re_ = sc.runs[k]
        if re_ <= start or rs >= end:
            continue
        for m in _C1_RE.finditer(text, max(rs, start), min(re_, end)):
            found.append(Control(m.start(), m.group(), char_name(m.group())))
    return found


_INVISIBLE_RE = re.compile(char_class(INVISIBLE))
_CONTROL_RE = re.compile(char_class(REPORTED_CONTROLS))
_C1_RE = re.compile(char_class(C1_CONTROLS))
# Removing these changes nothing a reader sees. Bidi controls and marks reorder text,
# invisible operators and tags carry meaning or hidden text: unsafe.
_SAFE_TO_REMOVE = ZERO_WIDTH | frozenset("\u206a\u206b\u206c\u206d\u206e\u206f")

_ZWSP, _ZWNJ, _ZWJ, _MVS = "\u200b", "\u200c", "\u200d", "\u180e"
_TAG_CANCEL, _BLACK_FLAG = "\U000e007f", "\U0001f3f4"


def _legit(text: str, i: int, c: str) -> bool:
    """Whether the invisible character at i does a job there, so must stay silent.

    - ZWJ inside an emoji sequence (👩‍💻), or in a script that shapes with it
      (Arabic, Indic: it selects a half form).
    - ZWNJ in those scripts (Persian `می‌خواهم`, Hindi conjunct control).
    - ZWSP between letters of scripts written without spaces (Thai, Lao, Myanmar,
      Khmer, Tibetan), where it marks word boundaries for line breaking.
    - LRM, RLM, ALM on a line with right-to-left text.
    - Tag characters in an emoji flag sequence (🏴 + tags + cancel tag).
    - Mongolian vowel separator after a Mongolian letter.
    """
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if c == _ZWJ and _emoji_side(text, i, -1) and _emoji_side(text, i, 1):
        return True
    if c in (_ZWJ, _ZWNJ):
        return _joining_script(before) or _joining_script(after)
    if c == _ZWSP:
        return _unspaced_script(before) and _unspaced_script(after)
    if c in BIDI_MARKS:
        line_start = text.rfind("\n", 0, i) + 1
        line_end = text.find("\n", i)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        return any(_rtl(ch) for ch in line if ch not in BIDI_MARKS)
    if c in TAGS:
        j = i
        while j > 0 and "\U000e0020" <= text[j - 1] <= "\U000e007e":
            j -= 1
        return j > 0 and text[j - 1] == _BLACK_FLAG and (
            c == _TAG_CANCEL or _TAG_CANCEL in text[i : i + 40]
        )
    if c == _MVS:
        return "\u1800" <= before <= "\u18af"
    return False


# Emoji sequence joiners: variation selector 16, skin tones, the keycap combiner.
_EMOJI_MODIFIERS = frozenset("\ufe0f\u20e3") | frozenset(map(chr, range(0x1F3FB, 0x1F400)))


def _emoji_side(text: str, i: int, step: int) -> bool:
    """Whether the character next to i (skipping modifiers) in direction step is an emoji."""
    j = i + step
    while 0 <= j < len(text) and text[j] in _EMOJI_MODIFIERS:
        j += step
    return 0 <= j < len(text) and _emoji(text[j])


def _emoji(c: str) -> bool:
    o = ord(c)
    return (
        0x1F000 <= o <= 0x1FAFF  # pictographs, emoticons, transport, supplemental
        or 0x2600 <= o <= 0x27BF  # miscellaneous symbols, dingbats (♀ ♂ ⚕ ✈ ❤)
        or 0x2B00 <= o <= 0x2BFF  # ⬛ ⭐
        or 0x2300 <= o <= 0x23FF  # ⌚ ⏰
        or 0x2194 <= o <= 0x21AA  # ↔ ↕ ↩ (🙂‍↔️ shakes its head)
        or o in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def _joining_script(c: str) -> bool:
    """Scripts where ZWJ and ZWNJ select letter forms: Arabic, Syriac, Thaana, NKo,
    the Indic scripts through Sinhala, Tibetan, Myanmar, Khmer, Mongolian."""
    if not c:
        return False
    o = ord(c)
    return (
        0x0600 <= o <= 0x08FF
        or 0x0900 <= o <= 0x0DFF
        or 0x0F00 <= o <= 0x109F
        or 0x1780 <= o <= 0x18AF
        or 0xA8E0 <= o <= 0xA8FF  # Devanagari extended
        or 0xFB50 <= o <= 0xFDFF
        or 0xFE70 <= o <= 0xFEFF
    )


def _unspaced_script(c: str) -> bool:
    """Thai, Lao, Tibetan, Myanmar (with its extensions, used for Shan), Khmer."""
    if not c:
        return False
    o = ord(c)
    return (
        0x0E00 <= o <= 0x0FFF
        or 0x1000 <= o <= 0x109F
        or 0x1780 <= o <= 0x17FF
        or 0xA9E0 <= o <= 0xA9FF
        or 0xAA60 <= o <= 0xAA7F
    )


def _rtl(c: str) -> bool:
    return unicodedata.bidirectional(c) in ("R", "AL")


# Controls have no Unicode name; these are their formal aliases (NameAliases.txt).
_CONTROL_NAMES = dict(
    zip(
        sorted(CONTROLS),
        (
            "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
            "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION",
            "LINE FEED", "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT",
            "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO",
            "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
            "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM",
            "SUBSTITUTE", "ESCAPE", "INFORMATION SEPARATOR FOUR",
            "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
            "INFORMATION SEPARATOR ONE", "DELETE",
            "PADDING CHARACTER", "HIGH OCTET PRESET", "BREAK PERMITTED HERE", "NO BREAK HERE",
            "INDEX", "NEXT LINE", "START OF SELECTED AREA", "END OF SELECTED AREA",
            "CHARACTER TABULATION SET", "CHARACTER TABULATION WITH JUSTIFICATION",
            "LINE TABULATION SET", "PARTIAL LINE FORWARD", "PARTIAL LINE BACKWARD",
            "REVERSE LINE FEED", "SINGLE SHIFT TWO", "SINGLE SHIFT THREE",
            "DEVICE CONTROL STRING", "PRIVATE USE ONE", "PRIVATE USE TWO", "SET TRANSMIT STATE",
            "CANCEL CHARACTER", "MESSAGE WAITING", "START OF GUARDED AREA",
            "END OF GUARDED AREA", "START OF STRING", "SINGLE GRAPHIC CHARACTER INTRODUCER",
            "SINGLE CHARACTER INTRODUCER", "CONTROL SEQUENCE INTRODUCER", "STRING TERMINATOR",
            "OPERATING SYSTEM COMMAND", "PRIVACY MESSAGE", "APPLICATION PROGRAM COMMAND",
        ),
        strict=True,
    )
)
