r"""The one Markdown pass every note gets: headings, block ids, links, and what is not prose.

A line scanner with precompiled regexes, not a full CommonMark parser: markdown-it-py
takes 6 (docs full of lists and code) to 25 (generated prose) times as long on the
same notes, and tests/test_markdown.py holds it up as the oracle for what is code.
A note in which nothing can be code (no backtick, `~~~`, `$`, `<!--`, indented line
or setext underline) skips the line pass, and the commonest lines (blank, text,
a heading or a bullet item at the margin) take a short path through it. The
scanner follows CommonMark's block structure where it decides whether text is code
(fences, indented code, code spans) and Obsidian's syntax for the rest (wikilinks,
embeds, block ids, `$` math). Where the two are vague, or where we are pragmatic
on purpose:

- A `<!--` in prose opens a comment that runs to the next `-->` anywhere in the
  note, across blank lines and blocks, or to the end of the note (shared/docs/
  links.md: "may span lines; unclosed runs to the end"). The rest of the line
  after `-->` is prose again.
- `$$` at the start of a line opens a math block that runs to the next `$$` (or
  to the end of the note, like an unclosed fence); `$$...$$` and `$...$` inside
  a paragraph are inline math. Inline `$` follows pandoc: no space after the
  opener or before the closer, no digit after the closer, so "$5 and $10" is
  not math.
- Lists and block quotes are tracked only as far as code needs them: quote
  markers are stripped; a list item's content column decides whether a line is
  indented code (4 columns past it, after a line that is not paragraph text) and
  whether a fence belongs to the item (a fence ends where its item or quote
  ends). An item whose text starts 5+ columns after its marker is text, not code.
- Setext headings (a paragraph underlined with `===` or `---`) are headings, as
  in CommonMark and Obsidian; the heading spans the text lines.
- HTML blocks are prose (Obsidian renders wikilinks in them), code spans in them
  included.
- Links inside an HTML comment or an Obsidian `%%comment%%` are found and marked
  `origin="comment"` (issue 12.4: templates keep lines there to uncomment later, and
  the link rules leave them alone unless asked). A `%%` opens a comment unless it is
  in code or an HTML comment; the next such `%%` closes it, across lines and blocks,
  or it runs to the end of the note, as in Obsidian. Code in a comment is still
  code. A reference definition inside an HTML comment defines nothing.
- Links: a wikilink stays on one line; `[[]]`, `[[ ]]` and `[[|x]]` are text; the
  first `|` (or `\|`, in tables) starts the display, which may hold code spans, math,
  brackets and HTML (issue 12.7): only code over the `[[`, target or fragment unmakes
  the link. A Markdown link's text stays
  on one line and its destination needs `<...>` for spaces; `[x][ref]`, `[ref][]`
  and `[ref]` are links only when `[ref]: dest` is defined; `[x]()` is not a link.
- A link's target span leaves out the spaces around the target, so a fix that
  rewrites it keeps the author's `[[target | display]]` spacing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote

from lint.text import split_lines


# Heading, BlockId and Link are named tuples, not frozen dataclasses: a vault makes
# hundreds of thousands of links, and a tuple is built in C (several times faster than
# the dataclass, even with its slots set directly; bench/README.md), reads its fields
# through C descriptors, and pickles as a plain tuple with no Python call per object
# (facts.py). Immutable all the same.
class Heading(NamedTuple):
    level: int  # 1-6
    text: str  # trimmed, without the #'s and an optional closing #-sequence
    start: int  # first character of the heading line
    end: int  # end of the line, before the line ending


class BlockId(NamedTuple):
    id: str  # without the caret
    start: int  # span of "^id"
    end: int


class Link(NamedTuple):
    kind: str  # "wikilink" | "embed" | "markdown"
    target: str  # trimmed; markdown: percent-decoded, without <>; "" for [[#H]]
    fragment: str | None  # after the first '#', trimmed; None when no '#'
    display: str | None  # after the first '|' (wikilinks), the [text] (markdown)
    start: int  # span of the whole link
    end: int
    # Span of the target as written (before decoding, without surrounding
    # spaces or <>), so a fix can rewrite it and keep the author's spacing;
    # empty at the '#' when there is no target. For [x][ref] it is the
    # definition's destination.
    target_start: int
    target_end: int
    external: bool = False  # markdown link with a URL scheme or //host
    # Where the link was written: "" the body; "comment" inside <!-- --> or %% %%;
    # "property" a front matter value that is exactly a wikilink, its spans exact;
    # "property-escaped" the same written with YAML escapes: the spans cover the
    # whole value, and no fix may edit it.
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Markdown:
    headings: tuple[Heading, ...]
    block_ids: tuple[BlockId, ...]
    links: tuple[Link, ...]
    code: tuple[tuple[int, int], ...]  # sorted spans that are not prose
    comments: tuple[tuple[int, int], ...]  # the HTML comment spans alone (not %% ones)


# The generated __new__ of a named tuple is a Python function; tuple.__new__ is not.
_TUPLE = tuple.__new__


_EOL = re.compile(r"(\r\n|\r|\n)")
_QUOTE = re.compile(r" {0,3}> ?")
_FENCE_OPEN = re.compile(r"(`{3,})[^`]*$|(~{3,})")
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ \t]*$")
_ATX = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
_HRULE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"(?:[-+*]|(\d{1,9})[.)])(?=[ \t]|$)([ \t]*)")
# For the fast path (no code can exist): what needs the line pass after all, and
# an ATX heading line, after quote markers.
_NEEDS_LINES = re.compile(r"^[> ]* {4}|^[> ]*(?:=+|-+) *$|^[> ]*(?:[-+*]|\d{1,9}[.)]) +#", re.M)
# Possessive: `> ?` and ` {0,3}` could share spaces, and a line of `> > > ...` without
# `#` then backtracked exponentially. Giving spaces back never helps a match here.
_PLAIN_ATX = re.compile(r"^(?: {0,3}> ?)*+ {0,3}(#{1,6})(?:[ ]+(.*?))?[ ]*$", re.M)
# Characters a line must start with (after indentation) to be more than paragraph text.
_BLOCK_START = frozenset("`~#$<-*_+=0123456789")
_NOT_PLAIN = _BLOCK_START | frozenset(" \t>")

_INLINE_MATH = re.compile(r"\$(?=[^\s$])(?:[^$\\\r\n]|\\.)*?(?<=[^\s\\])\$(?!\d)")

# [[target#fragment|display]]. A lone ']' may sit inside ([[Sq]uare]]); '[['
# may not (the inner one starts the link). In a table the separator is written
# '\|', and '\' cannot end a file name, so it goes with the separator.
# Possessive loops keep a failed match linear; the literal '[[' up front lets
# the engine skip to candidates.
_WIKI_CHAR = r"(?:[^\]\[\r\n#|\\]++|\\(?!\|)|\](?!\])|\[(?!\[))"
_WIKILINK = re.compile(
    r"\[\[(" + _WIKI_CHAR + r"*+)"
    r"(?:#((?:#|" + _WIKI_CHAR + r")*+))?"
    r"(?:\\?\|((?:[^\]\[\r\n]++|\](?!\])|\[(?!\[))*+))?\]\]"
)
_DEST = (
    r"(?:<((?:[^<>\\\r\n]|\\.)*)>"
    r"|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+))"
)
_TITLE = r"""(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?"""
# Matched at the '(' after "](": the destination and optional title.
_MD_DEST = re.compile(r"\([ \t]*" + _DEST + _TITLE + r"[ \t]*\)")
# Matched at a line start found from "]:"; "[^1]:" is a footnote, not a definition.
_MD_DEFINITION = re.compile(
    r" {0,3}\[(?!\^)((?:[^\[\]\\\r\n]|\\.)+)\]:[ \t]*" + _DEST + _TITLE + r"[ \t]*(?=[\r\n]|\Z)"
)
_MD_REFERENCE = re.compile(
    r"\[((?:[^\[\]\\\r\n]|\\.)+)\](?:\[((?:[^\[\]\\\r\n]|\\.)*)\])?(?![(:\[])"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:|//")
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*(?=[\r\n]|\Z)")
_ESCAPABLE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BRACKET = re.compile(r"\\.|[\[\]]")
# What opens a code span, comment or math inside a paragraph.
_DELIMITERS = ("`", "<!--", "$")


def scan(text: str, start: int = 0, split: tuple[list[str], list[int]] | None = None) -> Markdown:
    """Scan text[start:] (start = where the body begins, after front matter).

    All offsets are absolute indices into `text`. `split`: split_lines(text), when the
    caller has it (a note's LineIndex is made from the same split).
    """
    headings: list[Heading] = []
    code: list[tuple[int, int]] = []
    comments: list[tuple[int, int]] = []
    if not _plain_headings(text, start, headings):
        _blocks(text, start, headings, code, comments, split)
        code.sort()
    spans = _Spans(code)
    hidden = _obsidian_comments(text, start, spans) if "%%" in text else []
    if comments:
        # links are looked for inside HTML comments too, and marked below; the code
        # spans written in a comment (`![[...]]` in a maintenance note) stay code
        html = set(comments)
        prose = [s for s in code if s not in html]
        for a, b in comments:
            if text.find("`", a, b) >= 0:
                _inline(text, a + 4, b, prose, [], ("`",))
        links = _links(text, start, _Spans(sorted(prose)), spans)
    else:
        links = _links(text, start, spans, spans)
    if links and (comments or hidden):
        links = _mark_commented(links, _Spans(_merged(comments + hidden)))
    return Markdown(
        headings=tuple(headings),
        block_ids=_block_ids(text, start, spans),
        links=links,
        code=tuple(code),
        comments=tuple(comments),
    )


def property_link(text: str, value: str, start: int, end: int) -> Link | None:
    """The link a front matter value makes, when the value is exactly a wikilink:
    Obsidian's properties link `topics: ["[[Emergence]]"]` and `cover: "[[x.jpg]]"`
    (help.obsidian.md, Properties: "Text and List type properties can contain
    [[Internal links]]"); an embed `"![[x]]"` and text around a link are plain text
    there (guess: the properties view shows them as text). text[start:end] is the
    value as written in the YAML, quotes included."""
    if not (value.startswith("[[") and value.endswith("]]")):
        return None
    found: list[Link] = []
    _wikilinks(value, 0, _Spans([]), found)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(value):
        return None
    # the quoted value, after any anchor or tag (`&x "[[a]]"`)
    written = text[start:end]
    quote = written[-1:]
    at = end - 1 - len(value)
    if (quote in ("'", '"') and at > start and text[at - 1] == quote
            and (at - 1 == start or text[at - 2] in " \t") and written.endswith(value + quote)):
        lk = found[0]
        return lk._replace(start=lk.start + at, end=lk.end + at, target_start=lk.target_start + at,
                           target_end=lk.target_end + at, origin="property")
    # escapes, folded lines or a block scalar: no offset inside maps to the value's
    return found[0]._replace(start=start, end=end, target_start=start, target_end=end,
                             origin="property-escaped")


def _obsidian_comments(text: str, start: int, code: _Spans) -> list[tuple[int, int]]:
    """The `%%...%%` spans: each `%%` outside code (HTML comments included) opens or
    closes one; an unclosed one runs to the end of the note."""
    out: list[tuple[int, int]] = []
    opening = -1
    k = text.find("%%", start)
    while k >= 0:
        if code.overlaps(k, k + 2):
            k = text.find("%%", k + 1)
            continue
        if opening < 0:
            opening = k
        else:
            out.append((opening, k + 2))
            opening = -1
        k = text.find("%%", k + 2)
    if opening >= 0:
        out.append((opening, len(text)))
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, overlapping ones joined (a `%%` comment may hold an HTML one)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _mark_commented(links: tuple[Link, ...], comments: _Spans) -> tuple[Link, ...]:
    """The links whose opening lies in a comment, marked so (a comment inside a
    link's display text leaves it a link)."""
    return tuple(
        lk._replace(origin="comment") if comments.overlaps(lk.start, lk.start + 1) else lk
        for lk in links
    )


def _plain_headings(text: str, start: int, headings: list[Heading]) -> bool:
    """The fast path: a note where nothing can be code needs no line pass, only
    its ATX headings. False (and nothing added) when the note needs the line pass:
    it has a code, comment or math delimiter, a line indented by 4 columns, a
    setext underline, or a list item opening with a heading."""
    if "`" in text or "$" in text or "~~~" in text or "<!--" in text or "\r" in text or "\t" in text:
        return False
    if _NEEDS_LINES.search(text, start):
        return False
    for m in _PLAIN_ATX.finditer(text, start):
        headings.append(Heading(len(m[1]), _atx_text(m[2]), m.start(), m.end()))
    return True


def _indent(s: str) -> int:
    """Columns of leading whitespace, tabs to the next multiple of 4."""
    col = 0
    for ch in s:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def _strip_quotes(line: str, limit: int = 99) -> tuple[int, int]:
    """(quote depth, offset after the markers), at most `limit` markers."""
    depth = off = 0
    while depth < limit:
        m = _QUOTE.match(line, off)
        if m is None:
            break
        depth += 1
        off = m.end()
    return depth, off


def _atx_text(raw: str | None) -> str:
    if not raw:
        return ""
    # raw has no trailing spaces, so only a raw ending in "#" can hold a closing sequence
    return _ATX_CLOSE.sub("", raw).strip() if raw[-1] == "#" else raw.strip()


def _add_setext(text: str, first: int, last_end: int, c: str, headings: list[Heading]) -> None:
    raw = text[first:last_end]
    parts = [ln[_strip_quotes(ln)[1]:].strip() for ln in _EOL.split(raw)[0::2]]
    headings.append(Heading(1 if c == "=" else 2, " ".join(p for p in parts if p), first, last_end))


def _blocks(
    text: str,
    start: int,
    headings: list[Heading],
    code: list[tuple[int, int]],
    comments: list[tuple[int, int]],
    split: tuple[list[str], list[int]] | None = None,
) -> None:
    """The block pass: fences, indented code, math blocks, headings, and the
    paragraph runs whose inline code, comments and math `_inline` finds."""
    lines, starts = split if split is not None else split_lines(text)
    first = bisect_left(starts, start)  # the body's first line
    if first == len(starts) or starts[first] != start:
        # the body begins inside a line (front matter closed with no line end): its own lines
        lines, tail = split_lines(text[start:])
        starts, first = [start + k for k in tail], 0
    _BlockPass(text, start, headings, code, comments, lines, starts).run(first)


class _Paragraphs:
    """The paragraph side of the block pass: the run of paragraph lines not yet
    scanned for code spans, comments and math, and what closing it finds.

    When a comment or math block closes past the run it opened in, `jump` says
    where it ends, and the block pass goes on from there.
    """

    __slots__ = (
        "text", "lines", "starts", "headings", "code", "comments", "delims", "next_delim",
        "run_start", "run_end", "in_para", "para_ok", "para_depth", "para_base", "jump",
    )

    def __init__(
        self,
        text: str,
        start: int,
        headings: list[Heading],
        code: list[tuple[int, int]],
        comments: list[tuple[int, int]],
        lines: list[str],
        starts: list[int],
    ) -> None:
        self.text, self.headings, self.code, self.comments = text, headings, code, comments
        self.lines, self.starts = lines, starts
        self.delims = tuple(d for d in _DELIMITERS if d in text)
        self.next_delim = _next_delimiter(text, start, self.delims)
        self.run_start = self.run_end = -1  # the paragraph run not yet scanned inline
        self.in_para = False
        self.para_ok = False  # may a setext underline follow this paragraph?
        self.para_depth = self.para_base = 0  # its quote depth and list item column
        self.jump = -1

    def _open_paragraph(self, s: int, e: int, depth: int, base: int, underline_ok: bool) -> None:
        self.run_start, self.run_end = s, e
        self.in_para = True
        self.para_ok = underline_ok
        self.para_depth, self.para_base = depth, base

    def _close_paragraph(self) -> bool:
        """Scan the open run inline; True when something in it ran past it (a jump)."""
        start = self.run_start
        if start < 0:
            return False
        self.run_start = -1
        if self.next_delim >= self.run_end:
            return False  # _scan's first test, saving a call for the many runs with no delimiter
        self.jump = self._scan(start, self.run_end)
        return self.jump >= 0

    def _scan(self, pos: int, end: int) -> int:
        """`_inline` over text[pos:end], unless no delimiter lies in it: -1, or
        where to go on when a comment or math block ran past `end`."""
        if self.next_delim < pos:
            self.next_delim = _next_delimiter(self.text, pos, self.delims)
        if self.next_delim >= end:
            return -1
        jump = _inline(self.text, pos, end, self.code, self.comments, self.delims)
        self.next_delim = _next_delimiter(self.text, end if jump < 0 else jump, self.delims)
        return jump

    def _heading(self, m: re.Match[str], s: int, e: int) -> None:
        """An ATX heading: its line is scanned inline like a paragraph of its own."""
        self.headings.append(_TUPLE(Heading, (len(m[1]), _atx_text(m[2]), s, e)))
        if self.next_delim < e:  # as in _close_paragraph
            self.jump = self._scan(s, e)

    def _math_block(self, p: int) -> None:
        """`$$` at p runs to the next `$$`, wherever it is, or to the end of the note."""
        close = self.text.find("$$", p + 2)
        self.jump = len(self.text) if close < 0 else close + 2
        self.code.append((p, self.jump))

    def _resume(self) -> int:
        """Go on after a jump: the rest of the line it lands on is prose."""
        jump = self.jump
        i = bisect_right(self.starts, jump) - 1
        end = self.starts[i] + len(self.lines[i])
        self.in_para = bool(self.text[jump:end].strip())
        self.para_ok = False
        self.run_start, self.run_end = (jump, end) if self.in_para else (-1, -1)
        self.jump = -1
        return i + 1

    def _setext(self, i: int, c: str) -> int:
        """An underline: the paragraph above is a heading."""
        first, last = self.run_start, self.run_end
        if self._close_paragraph():
            return i
        if first >= 0:
            _add_setext(self.text, first, last, c, self.headings)
        self.in_para = False
        return i + 1


class _BlockPass(_Paragraphs):
    """The block pass over one note's lines: the list items, quotes and code block
    open at the current line, and one method per kind of line.

    The methods given a line return the index of the line to look at next; when
    one sets `jump`, the pass goes on from there instead, unless the index returned
    already ran past the last line. The commonest lines (code in a fence, blank,
    text at the margin) are taken in `run` and `_fence_lines` without a call each:
    a call would cost more than the rest of the work on such a line.
    """

    __slots__ = ("stack", "cur_depth", "fence", "icode")

    def __init__(
        self,
        text: str,
        start: int,
        headings: list[Heading],
        code: list[tuple[int, int]],
        comments: list[tuple[int, int]],
        lines: list[str],
        starts: list[int],
    ) -> None:
        super().__init__(text, start, headings, code, comments, lines, starts)
        self.stack: list[int] = []  # content columns of the open list items
        self.cur_depth = 0  # the quote depth the list stack belongs to
        self.fence: tuple[str, int, int, int, int] | None = None  # char, length, base, depth, start
        self.icode: tuple[int, int, int, int] | None = None  # base, depth, start, end

    def run(self, i: int) -> None:
        lines, starts, size = self.lines, self.starts, len(self.text)
        n = len(lines)
        while i < n:
            if self.jump >= 0:
                if self.jump >= size:
                    return
                i = self._resume()
                continue
            line = lines[i]
            c = line[:1]
            if self.fence is not None:
                i = self._fence_lines(self.fence, i)
                continue
            if self.icode is None:
                if not c:  # _blank, inlined for the commonest line
                    if self.run_start < 0 or not self._close_paragraph():
                        self.in_para = False
                        i += 1
                    continue
                if c not in _NOT_PLAIN:  # text at the margin that starts no block
                    if not self.in_para:
                        self.stack = []  # column 0 closes every list item
                        self.cur_depth = 0
                        self._open_paragraph(starts[i], -1, 0, 0, True)
                    # the plain lines after it only go on with the paragraph
                    i += 1
                    while i < n and lines[i][:1] and lines[i][0] not in _NOT_PLAIN:
                        i += 1
                    self.run_end = starts[i - 1] + len(lines[i - 1])
                    continue
                if c == "#" or c in "-*+":
                    at_margin = self._margin_block(i, line, c)
                    if at_margin >= 0:
                        i = at_margin
                        continue
            i = self._line(i, line)
        self._finish()

    def _finish(self) -> None:
        """The block still open at the end of the note ends there."""
        if self.fence is not None:
            self.code.append((self.fence[4], len(self.text)))
        elif self.icode is not None:
            self.code.append((self.icode[2], self.icode[3]))
        else:
            self._close_paragraph()

    def _blank(self, i: int) -> int:
        if self._close_paragraph():
            return i
        self.in_para = False
        return i + 1

    def _margin_block(self, i: int, line: str, c: str) -> int:
        """The commonest block lines at the margin, taken without the general path's
        quote and indentation work: an ATX heading, and a bullet item whose text
        starts no block (what `_line` would conclude). -1 for any other line."""
        if c == "#":
            m = _ATX.match(line)
            if m is not None:
                if self.run_start >= 0 and self._close_paragraph():
                    return i
                self.stack = []  # no container survives a heading at the margin
                self.cur_depth = 0
                self.in_para = False
                self._heading(m, self.starts[i], self.starts[i] + len(line))
                return i + 1
        elif line[1:2] == " " and line[2:3] and line[2] not in _NOT_PLAIN:
            if self.run_start >= 0 and self._close_paragraph():
                return i
            self.stack = [2]
            self.cur_depth = 0
            self._open_paragraph(self.starts[i], self.starts[i] + len(line), 0, 2, True)
            return i + 1
        return -1

    def _fence_lines(self, fence: tuple[str, int, int, int, int], i: int) -> int:
        """Line i on, inside the open fence: the line after the one closing it, or
        the general path's answer for the first line past the fence's container."""
        lines = self.lines
        n = len(lines)
        fch, flen, fbase, fdepth, fstart = fence
        while i < n:
            line = lines[i]
            c = line[:1]
            if c != fch and c != " " and c != "\t" and not fbase and not fdepth:
                i += 1  # the common case: a line of code
                continue
            depth, off = _strip_quotes(line, fdepth) if fdepth else (0, 0)
            rest = line[off:]
            stripped = rest.lstrip(" \t")
            ind = _indent(rest)
            if depth != fdepth or (stripped and ind < fbase):
                # the list item or quote holding the fence ended before this line
                self.code.append((fstart, self.starts[i - 1] + len(lines[i - 1])))
                self.fence = None
                return self._line(i, line)
            i += 1
            if ind - fbase < 4 and _closes_fence(stripped, fch, flen):
                self.code.append((fstart, self.starts[i - 1] + len(line)))
                self.fence = None
                return i
        return i

    def _line(self, i: int, line: str) -> int:
        """A line the fast paths leave: its quote markers and indentation decide what it is."""
        s = self.starts[i]
        e = s + len(line)
        depth, off = _strip_quotes(line) if ">" in line[:4] else (0, 0)
        rest = line[off:]
        stripped = rest.lstrip(" \t")
        ind = _indent(rest) if stripped and rest[0] in " \t" else 0
        if self.icode is not None and self._in_indented_code(self.icode, depth, stripped, ind, e):
            return i + 1
        if not stripped:
            return self._blank(i)
        base = 0  # the content column of the innermost list item the line is indented into
        if depth == self.cur_depth:
            for col in reversed(self.stack):
                if col <= ind:
                    base = col
                    break
        c = stripped[0]
        kind = None
        if ind - base >= 4:
            kind = None if self.in_para else "icode"
        elif c in _BLOCK_START:
            setext_ok = (self.in_para and self.para_ok and depth == self.para_depth
                         and ind >= self.para_base)
            kind = _block_kind(stripped, c, self.in_para, setext_ok)
        if kind is None:
            if self.in_para:  # a continuation line, maybe lazy
                self.run_end = e
            else:
                self._close_items(depth, ind)
                self._open_paragraph(s, e, depth, base, True)
            return i + 1
        if kind == "setext":
            return self._setext(i, c)
        return self._block_start(i, kind, stripped, s, e, depth, ind, base)

    def _in_indented_code(
        self, icode: tuple[int, int, int, int], depth: int, stripped: str, ind: int, e: int
    ) -> bool:
        """Does the line belong to the open indented code block? If not, the block ends."""
        ibase, idepth, istart, iend = icode
        if depth == idepth and (not stripped or ind >= ibase + 4):
            if stripped:  # blank lines inside stay code only if code follows them
                self.icode = (ibase, idepth, istart, e)
            return True
        self.code.append((istart, iend))
        self.icode = None
        return False

    def _close_items(self, depth: int, ind: int) -> None:
        """The list items a line at this quote depth and indentation ends."""
        if depth != self.cur_depth:
            self.stack, self.cur_depth = [], depth
        stack = self.stack
        while stack and stack[-1] > ind:
            stack.pop()

    def _block_start(
        self, i: int, kind: str, stripped: str, s: int, e: int, depth: int, ind: int, base: int
    ) -> int:
        """A block other than an underline starts here, and ends the paragraph before it."""
        if self.run_start >= 0 and self._close_paragraph():
            return i
        self.in_para = False
        self._close_items(depth, ind)
        if kind == "icode":
            self.icode = (base, depth, s, e)
        elif kind == "fence":
            self.fence = _fence(stripped, base, depth, s)
        elif kind == "heading":
            m = _ATX.match(stripped)
            assert m is not None
            self._heading(m, s, e)
        elif kind == "math":
            self._math_block(e - len(stripped))
        elif kind == "comment":
            # a run of its own, so `_inline` finds where the comment ends; never a heading
            self._open_paragraph(s, e, depth, base, False)
        elif kind == "list":
            self._list_item(stripped, s, e, depth, ind)
        # "hrule": it only ends the paragraph
        return i + 1

    def _list_item(self, stripped: str, s: int, e: int, depth: int, ind: int) -> None:
        m = _LIST_ITEM.match(stripped)
        assert m is not None
        item = stripped[m.end():]
        gap = _indent(m[2]) if item else 1
        content = ind + m.end() - len(m[2]) + (gap if gap <= 4 else 1)
        self.stack.append(content)
        inner = _block_kind(item, item[0], False, False) if item and gap <= 4 else None
        if inner == "fence":  # "- ```": the fence belongs to the item
            self.fence = _fence(item, content, depth, s)
        elif inner == "heading":
            m = _ATX.match(item)
            assert m is not None
            self._heading(m, s, e)
        elif item:
            self._open_paragraph(s, e, depth, content, True)


def _fence(stripped: str, base: int, depth: int, s: int) -> tuple[str, int, int, int, int]:
    """The fence a line (quote markers and indentation removed) opens at s."""
    c = stripped[0]
    return (c, len(stripped) - len(stripped.lstrip(c)), base, depth, s)


def _closes_fence(stripped: str, fch: str, flen: int) -> bool:
    if stripped[:1] != fch:
        return False
    m = _FENCE_CLOSE.match(stripped)
    return m is not None and m[1][0] == fch and len(m[1]) >= flen


def _block_kind(stripped: str, c: str, in_para: bool, setext_ok: bool) -> str | None:
    """What block a line (quote markers and indentation removed) starts, or None for text."""
    if c in "`~":
        return "fence" if _FENCE_OPEN.match(stripped) else None
    if c == "#":
        return "heading" if _ATX.match(stripped) else None
    if c == "$":
        return "math" if stripped.startswith("$$") else None
    if c == "<":
        return "comment" if stripped.startswith("<!--") else None
    if setext_ok and c in "=-" and _SETEXT.match(stripped):
        return "setext"
    if c in "-*_" and _HRULE.match(stripped):
        return "hrule"
    if c not in "_=":
        m = _LIST_ITEM.match(stripped)
        if m and not (in_para and (m.end() == len(stripped) or m[1] is not None and m[1] != "1")):
            # CommonMark: an empty item, or one not numbered 1, cannot interrupt
            # a paragraph ("2024. was a year" in running text is text)
            return "list"
    return None


def _next_delimiter(text: str, pos: int, delimiters: tuple[str, ...]) -> int:
    """Where the next of `delimiters` starts from pos, or len(text)."""
    best = len(text)
    for d in delimiters:
        k = text.find(d, pos, best)
        if k >= 0:
            best = k
    return best


def _inline(
    text: str,
    pos: int,
    end: int,
    code: list[tuple[int, int]],
    comments: list[tuple[int, int]],
    delimiters: tuple[str, ...],
) -> int:
    """Code spans, comments and math in the paragraph text[pos:end].

    `delimiters` are those of _DELIMITERS that occur in the note at all. Returns
    -1, or where to go on when a comment ran past `end`.
    """
    if not delimiters:
        return -1
    # str.find per delimiter beats one regex over the paragraph several times over
    nxt = [text.find(d, pos, end) for d in delimiters]
    while True:
        k = -1
        for j, at in enumerate(nxt):
            if 0 <= at < pos:
                at = nxt[j] = text.find(delimiters[j], pos, end)
            if at >= 0 and (k < 0 or at < k):
                k = at
        if k < 0:
            return -1
        c = text[k]
        escaped = _escaped(text, k, pos)
        if c == "`":
            run = k + 1
            while run < end and text[run] == "`":
                run += 1
            if escaped:
                k += 1  # "\``x`": the rest of the run still opens
            pos = run
            close = _closing_backticks(text, run, end, run - k)
            if k < run and close >= 0:
                code.append((k, close))
                pos = close
        elif escaped:
            pos = k + 1
        elif c == "<":
            pos = _html_comment(text, k, code, comments)
            if pos > end:
                return pos
        else:
            pos = _math_span(text, k, end, code)


def _html_comment(
    text: str, k: int, code: list[tuple[int, int]], comments: list[tuple[int, int]]
) -> int:
    """The comment opened at k runs to the next `-->` anywhere, or to the end; its end."""
    after = k + 4
    # CommonMark 0.31: "<!-->" and "<!--->" are whole comments
    if text.startswith(">", after):
        close = after + 1
    elif text.startswith("->", after):
        close = after + 2
    else:
        close = text.find("-->", after)
        close = len(text) if close < 0 else close + 3
    code.append((k, close))
    comments.append((k, close))
    return close


def _math_span(text: str, k: int, end: int, code: list[tuple[int, int]]) -> int:
    """`$$...$$` or `$...$` at k, if it closes before `end`; where to go on."""
    if text.startswith("$$", k):
        close = text.find("$$", k + 2, end)
        if close < 0:
            return k + 2
        code.append((k, close + 2))
        return close + 2
    m = _INLINE_MATH.match(text, k, end)
    if m is None:
        return k + 1
    code.append((k, m.end()))
    return m.end()


def _closing_backticks(text: str, pos: int, end: int, n: int) -> int:
    """End of the next run of exactly n backticks in text[pos:end], or -1."""
    k = text.find("`", pos, end)
    while k >= 0:
        run = k + 1
        while run < end and text[run] == "`":
            run += 1
        if run - k == n:
            return run
        k = text.find("`", run, end)
    return -1


class _Spans:
    """The sorted, disjoint non-prose spans, asked whether an offset or a range touches one."""

    __slots__ = ("starts", "ends")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def overlaps(self, a: int, b: int) -> bool:
        if not self.starts:
            return False
        k = bisect_right(self.ends, a)
        return k < len(self.starts) and self.starts[k] < b


def _escaped(text: str, pos: int, floor: int) -> bool:
    """Is text[pos] escaped by an odd run of backslashes (none before `floor` count)?"""
    k = pos
    while k > floor and text[k - 1] == "\\":
        k -= 1
    return (pos - k) % 2 == 1


def _links(text: str, start: int, spans: _Spans, code: _Spans) -> tuple[Link, ...]:
    """Links outside `spans` (the code, without the HTML comments: links in those are
    found too); reference definitions only outside `code`, comments included."""
    links: list[Link] = []
    if "[[" in text:
        _wikilinks(text, start, spans, links)
    if "](" in text or "]:" in text:
        wikis = _Spans([(lk.start, lk.end) for lk in links])
        n = len(links)
        _markdown_links(text, start, spans, wikis, links, code)
        if len(links) > n:
            links.sort(key=lambda lk: lk.start)
    return tuple(links)


def _wikilinks(text: str, start: int, spans: _Spans, out: list[Link]) -> None:
    finditer = _WIKILINK.finditer
    # matches come in order, so one walk over the spans beats a bisect per link
    span_starts, span_ends = spans.starts, spans.ends
    n_spans = len(span_starts)
    j = 0
    pos = start
    while True:
        # finditer, not a search per link; the rare match that must be looked at again
        # from inside itself (escaped, or in code) restarts it from there
        for m in finditer(text, pos):
            opening = m.start()
            if opening > start and text[opening - 1] in "\\!":
                if _escaped(text, opening, start):
                    pos = opening + 1
                    break
                embed = text[opening - 1] == "!" and not _escaped(text, opening - 1, start)
            else:
                embed = False
            end = m.end()
            if j < n_spans:
                while j < n_spans and span_ends[j] <= opening:
                    j += 1
                # code in the display text ([[t | `x`]]) leaves the link a link
                head = m.start(3)
                if j < n_spans and span_starts[j] < (end if head < 0 else head):
                    pos = opening + 2
                    break
            raw, fragment, display = m.group(1, 2, 3)
            target = raw.strip()
            if target is raw:  # str.strip() returns the string itself when there is nothing to strip
                t_start, t_end = m.span(1)
                if not target and fragment is None:
                    continue  # "[[]]", "[[|x]]": Obsidian shows them as text
            elif target:
                t_start = m.start(1) + len(raw) - len(raw.lstrip())
                t_end = t_start + len(target)
            elif fragment is None:
                continue  # "[[ ]]"
            else:
                t_start = t_end = m.end(1)
            out.append(_TUPLE(Link, (
                "embed" if embed else "wikilink",
                target,
                None if fragment is None else fragment.strip(),
                None if display is None else display.strip(),
                opening - embed,
                end,
                t_start,
                t_end,
                False,
                "",
            )))
        else:
            return


class _LineBounds:
    """Where the line holding an offset starts and ends, by bisection over the line
    breaks found once: searching back and forth from each `](` was O(lines x size)."""

    __slots__ = ("starts", "ends", "floor", "size")

    def __init__(self, text: str, start: int) -> None:
        breaks = [(m.start(), m.end()) for m in _EOL.finditer(text, start)]
        self.starts = [a for a, _ in breaks]
        self.ends = [b for _, b in breaks]
        self.floor, self.size = start, len(text)

    def around(self, k: int) -> tuple[int, int]:
        i = bisect_left(self.starts, k)
        line_end = self.starts[i] if i < len(self.starts) else self.size
        line_start = self.ends[i - 1] if i > 0 else self.floor
        return line_start, line_end


def _markdown_links(
    text: str, start: int, spans: _Spans, wikis: _Spans, out: list[Link], code: _Spans
) -> None:
    bounds = _LineBounds(text, start)
    definitions = _definitions(text, start, code, wikis, out, bounds) if "]:" in text else {}
    k = text.find("](", start)
    line_end = -1
    pairs: dict[int, int] = {}
    while k >= 0:
        if k >= line_end:  # pair the brackets of this line
            line_start, line_end = bounds.around(k)
            pairs = _bracket_pairs(text, max(line_start, start), line_end, spans)
        opening = pairs.get(k, -1)
        m = _MD_DEST.match(text, k + 1) if opening >= 0 else None
        if (
            m is not None
            and not spans.overlaps(k, m.end())
            and not wikis.overlaps(opening, m.end())
        ):
            image = opening > start and text[opening - 1] == "!" and not _escaped(text, opening - 1, start)
            g = 1 if m.start(1) >= 0 else 2
            link = _markdown_link(
                m[g], m.start(g), text[opening + 1:k].strip(), opening - image, m.end()
            )
            if link is not None:
                out.append(link)
        k = text.find("](", k + 2)
    if definitions:
        _references(text, start, spans, wikis, definitions, out)


def _bracket_pairs(text: str, lo: int, hi: int, spans: _Spans) -> dict[int, int]:
    """Each ']' in text[lo:hi] that closes a '[', mapped to that '['.

    One pass a line, so a line full of "](" costs linear time; brackets in
    code spans and escaped ones do not count.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACKET.finditer(text, lo, hi):
        ch = m.group()
        if len(ch) > 1 or spans.overlaps(m.start(), m.start() + 1):
            continue
        if ch == "[":
            stack.append(m.start())
        elif stack:
            pairs[m.start()] = stack.pop()
    return pairs


def _definitions(
    text: str, start: int, spans: _Spans, wikis: _Spans, out: list[Link], bounds: _LineBounds
) -> dict[str, tuple[str, int]]:
    """Reference definitions "[label]: dest" (links themselves), by normalised label."""
    found: dict[str, tuple[str, int]] = {}
    k = text.find("]:", start)
    while k >= 0:
        # A definition starts its line, so only a line's first `]:` can close its label:
        # one match a line, then on to the next line (many `]:` on a line stay linear).
        line, line_end = bounds.around(k)
        m = _MD_DEFINITION.match(text, line)
        if m is not None and m.end(1) == k and not spans.overlaps(line, m.end()) \
                and not wikis.overlaps(line, m.end()):
            g = 2 if m.start(2) >= 0 else 3
            found.setdefault(_label(m[1]), (m[g], m.start(g)))
            link = _markdown_link(m[g], m.start(g), m[1].strip(), m.start(1) - 1, m.end())
            if link is not None:
                out.append(link)
        k = text.find("]:", max(k + 2, line_end))
    return found


def _references(
    text: str,
    start: int,
    spans: _Spans,
    wikis: _Spans,
    definitions: dict[str, tuple[str, int]],
    out: list[Link],
) -> None:
    """[text][label], [label][] and [label] where a definition of label exists."""
    for m in _MD_REFERENCE.finditer(text, start):
        label = m[2] if m[2] else m[1]
        found = definitions.get(_label(label))
        if found is None or m[1].startswith("^"):
            continue
        opening = m.start()
        if (
            _escaped(text, opening, start)
            or spans.overlaps(opening, opening + 1)
            or spans.overlaps(m.end(1), m.end())
            or wikis.overlaps(opening, m.end())
        ):
            continue
        image = opening > start and text[opening - 1] == "!" and not _escaped(text, opening - 1, start)
        dest, d_start = found
        link = _markdown_link(dest, d_start, m[1].strip(), opening - image, m.end())
        if link is not None:
            out.append(link)


def _label(raw: str) -> str:
    return " ".join(raw.split()).casefold()


def _markdown_link(dest: str, d_start: int, display: str, start: int, end: int) -> Link | None:
    if not dest:
        return None  # [x]() points nowhere
    hash_ = dest.find("#")
    raw = dest if hash_ < 0 else dest[:hash_]
    fragment = None if hash_ < 0 else _decode(dest[hash_ + 1:]).strip()
    target = _decode(raw).strip()
    if not target and fragment is None:
        return None  # "<  >" points nowhere either
    if not raw.strip():
        t_start = t_end = d_start + len(raw)
    else:
        t_start = d_start + len(raw) - len(raw.lstrip())
        t_end = d_start + len(raw.rstrip())
    external = _SCHEME.match(raw.strip()) is not None
    return _TUPLE(Link, ("markdown", target, fragment, display, start, end, t_start, t_end, external, ""))


def _decode(raw: str) -> str:
    if "\\" in raw:
        raw = _ESCAPABLE.sub(r"\1", raw)
    return unquote(raw) if "%" in raw else raw


def _block_ids(text: str, start: int, spans: _Spans) -> tuple[BlockId, ...]:
    """' ^id' at the end of a line, or '^id' alone on it."""
    if "^" not in text:
        return ()
    out = []
    for m in _BLOCK_ID.finditer(text, start):
        a = m.start()
        if a > start and text[a - 1] not in " \t\r\n":
            continue
        if not spans.overlaps(a, a + 1):
            out.append(BlockId(m[1], a, m.end(1)))
    return tuple(out)
