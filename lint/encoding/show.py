"""Putting encoding damage into words for messages: visible text, codec names, spans."""

from __future__ import annotations

import re
from bisect import bisect_right

from lint.encoding.invisible import C1_CONTROLS, ESCAPED_IN_MESSAGES_RE, code_point_escape
from lint.encoding.mojibake import Garble, Plan

_CODEC_NAMES = {
    "latin-1": "Latin-1",
    "iso-8859-2": "ISO-8859-2",
    "macroman": "MacRoman",
    "cp437": "code page 437",
}


def visible(text: str, limit: int = 60) -> str:
    """text as a message can show it: invisible and control characters, and lone
    surrogates, escaped (lint/encoding/invisible.py)."""
    shown = ESCAPED_IN_MESSAGES_RE.sub(_escape, text[:limit])
    return shown + ("…" if len(text) > limit else "")


def _escape(m: re.Match[str]) -> str:
    return code_point_escape(m.group())


def codec_name(codec: str) -> str:
    """`sloppy-windows-1252` -> `Windows-1252`."""
    codec = codec.removeprefix("sloppy-")
    if codec.startswith("windows-"):
        return "Windows-" + codec[len("windows-"):]
    return _CODEC_NAMES.get(codec, codec)


def describe(plan: Plan, span: str = "") -> str:
    """What happened to the text, from ftfy's plan: `UTF-8 read as Windows-1252, twice`.

    ftfy says Latin-1 whenever Latin-1 can encode the span; unless the span holds a
    C1 control, Windows-1252 reads those bytes the same, and is the likelier culprit.
    """
    c1 = not C1_CONTROLS.isdisjoint(span)
    read_as = [
        "Windows-1252" if codec == "latin-1" and not c1 else codec_name(codec)
        for action, codec in plan if action == "encode"
    ]
    if not read_as:
        return "mixed-up encodings"
    if len(read_as) > 1 and len(set(read_as)) == 1:
        return f"UTF-8 read as {read_as[0]}, {'twice' if len(read_as) == 2 else f'{len(read_as)} times'}"
    return "UTF-8 read as " + ", then as ".join(read_as)


class Spans:
    """Sorted, non-overlapping spans (garbled text) with a fast membership test."""

    __slots__ = ("starts", "ends")

    def __init__(self, garbles: list[Garble]) -> None:
        ordered = sorted((g.start, g.end) for g in garbles)
        self.starts = [s for s, _ in ordered]
        self.ends = [e for _, e in ordered]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


def groups(offsets: list[int]) -> list[tuple[int, int]]:
    """Consecutive offsets as (start, end) spans: `[3, 4, 5, 9]` -> `[(3, 6), (9, 10)]`."""
    out: list[tuple[int, int]] = []
    for o in offsets:
        if out and out[-1][1] == o:
            out[-1] = (out[-1][0], o + 1)
        else:
            out.append((o, o + 1))
    return out
