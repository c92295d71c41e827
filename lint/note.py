"""The immutable Note: a file read and decoded once, parsed once, then only read."""

from __future__ import annotations

import dataclasses
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lint import frontmatter as fm_mod
from lint import markdown
from lint.facts import Named, NoteFacts
from lint.readfile import content_digest
from lint.text import Decoded, InvalidByte, LineIndex, decode, split_lines


@dataclass(frozen=True, eq=False)
class Note(Named):
    path: str  # POSIX, relative to the vault root
    text: str  # decoded, BOM stripped, line endings as in the file
    bom: bool
    invalid: tuple[InvalidByte, ...]  # bytes that were not UTF-8
    encoding: str | None  # a whole file in another encoding ("UTF-16 LE"): what it seems to be
    frontmatter: fm_mod.FrontMatter | None
    body_start: int
    md: markdown.Markdown
    digest: str  # content hash of the raw bytes (the fixer checks it before writing)
    lines: LineIndex  # every note needs it: its facts keep the line starts

    @property
    def data(self) -> dict[str, Any] | None:  # type: ignore[override]
        return self.frontmatter.data if self.frontmatter else None

    def _lines(self) -> tuple[Sequence[int], int]:
        return self.lines.starts, self.lines.length

    def facts(self) -> NoteFacts:
        """What other notes may know of this one (see lint/facts.py)."""
        md = markdown.Markdown(self.md.headings, self.md.block_ids, self.md.links, (), ())
        return NoteFacts(self.path, self.digest, self.data, md, array("q", self.lines.starts),
                         len(self.text))

    def in_code(self, offset: int) -> bool:
        return in_spans(self.md.code, offset)


def in_spans(spans: tuple[tuple[int, int], ...], offset: int) -> bool:
    """Whether offset lies inside one of the sorted, non-overlapping [start, end) spans."""
    i = bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def parse_note(path: str, data: bytes) -> Note:
    """Decode and parse one file. Never raises for any input bytes."""
    digest = content_digest(data)
    decoded, encoding = _decode(data)
    text = decoded.text
    front = fm_mod.parse(text)
    body_start = front.end if front else 0
    split = split_lines(text)  # once, for the LineIndex and the block pass
    md = markdown.scan(text, body_start, split)
    if front is not None and front.data and text.find("[[", front.yaml_start, front.yaml_end) >= 0:
        props = _property_links(text, front)
        if props:
            md = dataclasses.replace(md, links=props + md.links)
    return Note(
        path=path,
        text=text,
        bom=decoded.bom,
        invalid=decoded.invalid,
        encoding=encoding,
        frontmatter=front,
        body_start=body_start,
        md=md,
        digest=digest,
        lines=LineIndex(text, split[1]),
    )


def _property_links(text: str, front: fm_mod.FrontMatter) -> tuple[markdown.Link, ...]:
    """The links of the front matter: top-level string values, and the string items of
    top-level lists, that are exactly a wikilink (markdown.property_link)."""
    found: dict[tuple[int, int], markdown.Link] = {}  # by span: an alias repeats its anchor's
    for key, value in (front.data or {}).items():
        if isinstance(value, str):
            items: list[tuple[tuple[str | int, ...], object]] = [((key,), value)]
        elif isinstance(value, list):
            items = [((key, i), v) for i, v in enumerate(value)]
        else:
            continue
        for path, item in items:
            if not isinstance(item, str) or not item.startswith("[["):
                continue
            place = front.places.get(path)
            if place is None:
                continue
            link = markdown.property_link(text, item, place.value_start, place.value_end)
            if link is not None:
                found.setdefault((link.start, link.end), link)
    return tuple(sorted(found.values(), key=lambda lk: lk.start))


def parse_text(path: str, text: str) -> Note:
    """A note given as text (the API, --stdin-filename)."""
    return parse_note(path, text.encode("utf-8", "surrogatepass"))


def decode_text(data: bytes) -> str:
    """A file's text as parse_note() decodes it, without parsing it."""
    return _decode(data)[0].text


def _decode(data: bytes) -> tuple[Decoded, str | None]:
    decoded = decode(data)
    if not decoded.invalid:
        return decoded, None
    from lint.encoding.sniff import sniff_encoding

    encoding = sniff_encoding(data)
    if encoding is None:
        return decoded, None
    codec = {"UTF-16 LE": "utf-16-le", "UTF-16 BE": "utf-16-be", "UTF-16": "utf-16",
             "UTF-32 LE": "utf-32-le", "UTF-32 BE": "utf-32-be", "UTF-32": "utf-32",
             "Windows-1251": "cp1251"}.get(
        encoding, "cp1252"
    )
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("latin-1")
    # Strip a BOM that the codec kept; the invalid-utf8 rule reports the file once.
    return Decoded(text.lstrip("\ufeff"), False, ()), encoding
