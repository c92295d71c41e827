"""Guess which encoding a whole file is in, when it is not UTF-8 (issue 4).

Only what can be told apart with confidence: UTF-16 and UTF-32 (a BOM, or the NUL
bytes that ASCII text leaves in them), Windows-1252/Latin-1 (isolated accented
letters among ASCII words), Windows-1251 (runs of Cyrillic letters). A UTF-8 file
with a few damaged bytes is still UTF-8: its damage is reported place by place.
"""

from __future__ import annotations

import codecs

_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "UTF-16 BE"),
)
_CODECS = {"UTF-32 LE": "utf-32-le", "UTF-32 BE": "utf-32-be",
           "UTF-16 LE": "utf-16-le", "UTF-16 BE": "utf-16-be"}
_SAMPLE = 1 << 16
_HIGH_ONLY = bytes(0x20 if b < 0x80 else b for b in range(256))
# Windows-1252 characters that Western text uses besides letters.
_WESTERN_MARKS = frozenset("‘’‚“”„–—…•€£¥§°±²³µ·×÷«»¡¿©®™ªº¼½¾\xa0")


def sniff_encoding(data: bytes) -> str | None:
    """The encoding `data` seems to be in: "UTF-16 LE", "UTF-16 BE", "UTF-32 LE",
    "UTF-32 BE", "Latin-1/Windows-1252" or "Windows-1251"; None for UTF-8 (even with
    some invalid bytes) and for anything else."""
    for bom, name in _BOMS:
        if data.startswith(bom) and _decodes(data[len(bom):], _CODECS[name]):
            return name
    if b"\x00" in data:
        return _sniff_nul_pattern(data)
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    return _sniff_8bit(data)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_nul_pattern(data: bytes) -> str | None:
    """UTF-16/32 without a BOM: ASCII characters leave NULs at fixed positions."""
    sample = data[:_SAMPLE]
    n = len(sample)
    if n < 4:
        return None
    for width, lanes in ((4, ("UTF-32 LE", "UTF-32 BE")), (2, ("UTF-16 LE", "UTF-16 BE"))):
        usable = sample[: n - n % width]
        units = len(usable) // width
        # Share of NUL bytes at each position within a code unit.
        share = [usable[i::width].count(0) / units for i in range(width)]
        # LE: the low byte (first) carries ASCII, the others are NUL; BE: the reverse.
        for name, text_lane in zip(lanes, (0, width - 1)):
            others = [s for i, s in enumerate(share) if i != text_lane]
            if share[text_lane] < 0.1 and min(others) > 0.6 and _decodes(
                data[: len(data) - len(data) % width], _CODECS[name]
            ):
                return name
    return None


def _sniff_8bit(data: bytes) -> str | None:
    """A single-byte encoding, when no valid multi-byte UTF-8 speaks against it."""
    text = data.decode("utf-8", "surrogateescape")
    invalid = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    valid = sum(1 for c in text if c > "\x7f" and not "\udc80" <= c <= "\udcff")
    # A few valid sequences in a file of invalid bytes happen by chance (`Ã©` is two
    # Latin-1 letters); more means a UTF-8 file with damage, reported place by place.
    if valid * 10 > invalid:
        return None
    # Western text has accented letters between ASCII ones; Cyrillic has whole words
    # of high bytes.
    runs = data.translate(_HIGH_ONLY).split()
    mean_run = sum(map(len, runs)) / len(runs)
    if mean_run < 2.5:
        try:
            decoded = data.decode("cp1252")
        except UnicodeDecodeError:
            return None  # bytes Windows-1252 leaves undefined: not Western text
        high = [c for c in decoded if c > "\x7f"]
        plausible = sum(1 for c in high if c.isalpha() or c in _WESTERN_MARKS)
        return "Latin-1/Windows-1252" if plausible >= 0.9 * len(high) else None
    decoded = data.decode("cp1251", "replace")
    high = [c for c in decoded if c > "\x7f"]
    cyrillic = sum(1 for c in high if "\u0400" <= c <= "\u04ff")
    return "Windows-1251" if cyrillic >= 0.8 * len(high) else None
