"""NoteFacts: what other notes may know of a note, compact enough to cache and to send
between processes. Cross-note rules read only these, never a note's text."""

from __future__ import annotations

import copyreg
import pickle
import posixpath
import zlib
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from lint import markdown
from lint.markdown import BlockId, Heading, Link, Markdown

# Frozen slotted dataclasses unpickle through dataclasses' generic __setstate__, which
# looks up the fields for every object: 1.7 s for a warm 10,000-note vault. Reducing
# them to their constructor with positional fields is ten times faster.
copyreg.pickle(Link, lambda x: (markdown._new_link, (
    x.kind, x.target, x.fragment, x.display, x.start, x.end, x.target_start, x.target_end, x.external)))
copyreg.pickle(Heading, lambda x: (Heading, (x.level, x.text, x.start, x.end)))
copyreg.pickle(BlockId, lambda x: (BlockId, (x.id, x.start, x.end)))
copyreg.pickle(Markdown, lambda x: (Markdown, (x.headings, x.block_ids, x.links, x.code, x.comments)))


class Named:
    """What Note and NoteFacts both derive from their path and front matter data."""

    path: str
    data: dict[str, Any] | None

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
        return (self.data,
                tuple((h.level, h.text, h.start, h.end) for h in self.md.headings),
                tuple((b.id, b.start, b.end) for b in self.md.block_ids))

    @classmethod
    def lite(cls, path: str, digest: str, export: tuple) -> NoteFacts:
        """Another note's facts as seen from here: everything but its links."""
        data, headings, blocks = export
        md = Markdown(tuple(Heading(*h) for h in headings), tuple(BlockId(*b) for b in blocks),
                      (), (), ())
        return cls(path, digest, data, md, array("q", (0,)), 0)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1


# Facts and exports travel between processes and sit in the cache as bytes, decoded
# only where a rule needs them: a warm run over 50,000 notes decodes almost none.
def pack(value: object, compress: bool = False) -> bytes:
    raw = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return zlib.compress(raw, 1) if compress else raw


def unpack(blob: bytes, compressed: bool = False) -> object:
    return pickle.loads(zlib.decompress(blob) if compressed else blob)


def export_of(value: tuple | bytes) -> tuple:
    return value if isinstance(value, tuple) else unpack(value)  # type: ignore[return-value]
