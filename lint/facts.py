"""NoteFacts: what other notes may know of a note, compact enough to cache and to send
between processes. Cross-note rules read only these, never a note's text."""

from __future__ import annotations

import pickle
import posixpath
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from lint.markdown import BlockId, Heading, Link, Markdown

# Links, headings and block ids are named tuples: pickled as themselves, each would cost
# a Python call (`__getnewargs__`) to write and another to read. NoteFacts pickle as one
# flat tuple of plain tuples, turned back into named tuples by C (`map` over
# `tuple.__new__`): no Python call per object. Faster to pack and much faster to unpickle
# than a dataclass's reduce and a copyreg reducer for Markdown (figures: bench/README.md).
_as_link = partial(tuple.__new__, Link)
_as_heading = partial(tuple.__new__, Heading)
_as_block = partial(tuple.__new__, BlockId)


def _unpickle_facts(path: str, digest: str, data: dict[str, Any] | None, headings: tuple,
                    block_ids: tuple, links: tuple, line_starts: bytes, length: int) -> NoteFacts:
    starts = array("q")
    starts.frombytes(line_starts)  # native byte order: the cache never leaves the machine
    md = Markdown(tuple(map(_as_heading, headings)), tuple(map(_as_block, block_ids)),
                  tuple(map(_as_link, links)), (), ())
    return NoteFacts(path, digest, data, md, starts, length)


class Named:
    """What Note and NoteFacts both derive from their path, front matter data and line
    starts (a finding is placed by either)."""

    path: str
    data: dict[str, Any] | None

    def _lines(self) -> tuple[Sequence[int], int]:
        """The offsets where lines start, and the text's length."""
        raise NotImplementedError

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a text offset, both 1-based, columns in characters."""
        starts, length = self._lines()
        offset = max(0, min(offset, length))
        line = bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    @property
    def name(self) -> str:
        """The file name without `.md`: what a bare wikilink names."""
        base = posixpath.basename(self.path)
        return base[:-3] if base.lower().endswith(".md") else base

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def title(self) -> str | None:
        title = self.data.get("title") if self.data else None
        return title if isinstance(title, str) else None

    @property
    def aliases(self) -> tuple[str, ...]:
        data = self.data or {}
        raw = data.get("aliases", data.get("Aliases"))
        if isinstance(raw, str):
            return (raw,)
        if isinstance(raw, list):
            return tuple(a for a in raw if isinstance(a, str))
        return ()


@dataclass(frozen=True, eq=False)
class NoteFacts(Named):
    path: str
    digest: str
    data: dict[str, Any] | None  # front matter data (None: none, or it did not load)
    md: Markdown  # headings, block ids and links; code and comment spans are left empty
    line_starts: array  # array('q'): 8 bytes a line, not a 36-byte int object
    length: int

    @property
    def export(self) -> tuple:
        """What other notes may see, as plain tuples (cheap to pickle)."""
        return (self.data, tuple(map(tuple, self.md.headings)), tuple(map(tuple, self.md.block_ids)))

    @classmethod
    def lite(cls, path: str, digest: str, export: tuple) -> NoteFacts:
        """Another note's facts as seen from here: everything but its links."""
        data, headings, blocks = export
        md = Markdown(tuple(map(_as_heading, headings)), tuple(map(_as_block, blocks)), (), (), ())
        return cls(path, digest, data, md, array("q", (0,)), 0)

    def __reduce__(self) -> tuple:
        md = self.md  # code and comment spans are not kept in facts (see Note.facts)
        return (_unpickle_facts, (self.path, self.digest, self.data, tuple(map(tuple, md.headings)),
                                  tuple(map(tuple, md.block_ids)), tuple(map(tuple, md.links)),
                                  self.line_starts.tobytes(), self.length))

    def _lines(self) -> tuple[Sequence[int], int]:
        return self.line_starts, self.length


# Facts and exports travel between processes and sit in the cache as bytes, decoded
# only where a rule needs them: a warm run over 50,000 notes decodes almost none.
def pack(value: object, compress: bool = False) -> bytes:
    raw = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return zlib.compress(raw, 1) if compress else raw


def unpack(blob: bytes, compressed: bool = False) -> object:
    return pickle.loads(zlib.decompress(blob) if compressed else blob)


def export_of(value: tuple | bytes) -> tuple:
    return value if isinstance(value, tuple) else unpack(value)  # type: ignore[return-value]
