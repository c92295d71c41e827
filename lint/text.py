"""Decoding bytes once, and mapping offsets to lines and columns."""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

BOM = "\ufeff"
_LINE_END = re.compile(r"(\r\n|\r|\n)")


def _one_replacement_per_byte(err: UnicodeError) -> tuple[str, int]:
    # Python's "replace" folds a run of bad bytes into one U+FFFD; one character per
    # byte keeps offsets identical to a surrogateescape decode, which is what lets the
    # fixer write back a file with invalid bytes without touching them.
    if not isinstance(err, UnicodeDecodeError):  # a handler for decoding only
        raise err
    return "\ufffd", err.start + 1


codecs.register_error("notelint-replace", _one_replacement_per_byte)


@dataclass(frozen=True, slots=True)
class InvalidByte:
    offset: int  # offset of the U+FFFD standing in for it in the decoded text
    byte: int


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    bom: bool
    invalid: tuple[InvalidByte, ...]


def decode(data: bytes) -> Decoded:
    """UTF-8 with an optional BOM; invalid bytes become U+FFFD and are recorded."""
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[3:]
    try:
        return Decoded(data.decode("utf-8"), bom, ())
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "notelint-replace")
    raw = data.decode("utf-8", "surrogateescape")
    invalid = tuple(
        InvalidByte(i, ord(c) - 0xDC00) for i, c in enumerate(raw) if "\udc80" <= c <= "\udcff"
    )
    return Decoded(text, bom, invalid)


def encode_like(text: str, decoded_with_invalid: bool) -> bytes:
    """Inverse of decode for text whose invalid bytes are lone surrogates (see fix.py)."""
    return text.encode("utf-8", "surrogateescape" if decoded_with_invalid else "strict")


def changed_span(old: str, new: str) -> tuple[int, int]:
    """How many characters old and new share at their start, and then at their end: what
    lies between is what changed."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def split_lines(text: str) -> tuple[list[str], list[int]]:
    """The lines of text without their endings, and the offset where each starts. A note
    is split once: its LineIndex and the Markdown block pass both use this."""
    if "\r" in text:
        parts = _LINE_END.split(text)
        lines = parts[0::2]
        lengths = map(len, parts)  # a line, its ending, the next line, ...
        pairs = map(int.__add__, lengths, lengths)  # each line with its ending
    else:
        lines = text.split("\n")
        pairs = map((1).__add__, map(len, lines))
    # Line lengths summed in C, not a find() loop: the loop was several times slower
    # (bench/README.md, "Figures moved from code comments").
    starts = list(accumulate(pairs, initial=0))
    del starts[len(lines):]  # no line starts after the last one
    return lines, starts


class LineIndex:
    """Offset <-> (line, column), both 1-based, columns counted in characters."""

    __slots__ = ("starts", "length")

    def __init__(self, text: str, starts: list[int] | None = None) -> None:
        """`starts`: the line starts from split_lines(text), when the caller has them."""
        self.starts: list[int] = split_lines(text)[1] if starts is None else starts
        self.length = len(text)

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def line_text(self, text: str, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(text)
        return text[start:end].rstrip("\r\n")


def line_ending_of(text: str) -> str:
    """The note's dominant line ending, for writers that add lines."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf >= lf and crlf >= cr and crlf:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"
