"""The one Markdown pass every note gets: headings, block ids, links, and what is not prose.

A line scanner with precompiled regexes, not a full CommonMark parser: a full
markdown-it-py parse costs about 0.8 ms a note, this about a tenth of that.
It follows CommonMark's block structure where it decides whether text is code
(fences, indented code, code spans) and Obsidian's syntax for the rest
(wikilinks, embeds, block ids, ``$`` math). The choices where the two are vague,
or where we are pragmatic on purpose:

- A ``<!--`` in prose opens a comment that runs to the next ``-->`` anywhere in
  the note, across blank lines and blocks, or to the end of the note
  (/work/shared/docs/links.md: "may span lines; unclosed runs to the end").
  The rest of the line after ``-->`` is prose again.
- ``$$`` at the start of a line opens a math block that runs to the next ``$$``
  (or to the end of the note, like an unclosed fence); ``$$...$$`` and
  ``$...$`` inside a paragraph are inline math. Inline ``$`` follows pandoc:
  no space after the opener or before the closer, no digit after the closer,
  so "$5 and $10" is not math.
- Lists and block quotes are tracked only as far as code needs them: a quote
  marker is stripped, a list item's content column decides whether a line
  is indented code (4 columns past it, after a non-paragraph line) and
  whether a fence belongs to the item (a fence ends where its list item or
  quote ends).
- Setext headings (a paragraph underlined with ``===`` or ``---``) are
  headings, as in CommonMark and Obsidian; the heading spans the text lines.
- HTML blocks other than comments are prose: Obsidian renders wikilinks in them.
- Obsidian's ``%%comment%%`` is prose: Obsidian still indexes links in it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1-6
    text: str  # trimmed, without the #'s and an optional closing #-sequence
    start: int  # first character of the heading line
    end: int  # end of the line, before the line ending


@dataclass(frozen=True, slots=True)
class BlockId:
    id: str  # without the caret
    start: int  # span of "^id"
    end: int


@dataclass(frozen=True, slots=True)
class Link:
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


@dataclass(frozen=True, slots=True)
class Markdown:
    headings: tuple[Heading, ...]
    block_ids: tuple[BlockId, ...]
    links: tuple[Link, ...]
    code: tuple[tuple[int, int], ...]  # sorted spans that are not prose
    comments: tuple[tuple[int, int], ...]  # the HTML comment spans alone


_EOL = re.compile(r"(\r\n|\r|\n)")
_QUOTE = re.compile(r" {0,3}> ?")
_FENCE_OPEN = re.compile(r"(`{3,})[^`]*$|(~{3,})")
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ \t]*$")
_ATX = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
_HRULE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"(?:[-+*]|(\d{1,9})[.)])(?=[ \t]|$)([ \t]*)")
# Characters a line must start with (after indentation) to be more than paragraph text.
_BLOCK_START = frozenset("`~#$<-*_+=0123456789")

_INLINE = re.compile(r"\\.|`+|<!--|\$\$?")
_BACKTICKS = re.compile(r"`+")
_INLINE_MATH = re.compile(r"\$(?=[^\s$])(?:[^$\\\r\n]|\\.)*?(?<=[^\s\\])\$(?!\d)")

# A lone ']' may sit inside the target ([[Sq]uare]]); '[[' may not (the inner
# one starts the link). Possessive loops keep a failed match linear.
_WIKILINK = re.compile(r"(!?)\[\[((?:[^\]\[\r\n]++|\](?!\])|\[(?!\[))*+)\]\]")
_BRACKETS = r"(?:[^\[\]\\\r\n]|\\.|\[(?:[^\[\]\\\r\n]|\\.)*\])*"
_DEST = (
    r"(?:<((?:[^<>\\\r\n]|\\.)*)>"
    r"|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+))"
)
_TITLE = r"""(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?"""
_MD_INLINE = re.compile(r"(!?)\[(" + _BRACKETS + r")\]\([ \t]*" + _DEST + _TITLE + r"[ \t]*\)")
_MD_DEFINITION = re.compile(
    r"(?<![^\r\n]) {0,3}\[(?!\^)((?:[^\[\]\\\r\n]|\\.)+)\]:[ \t]*" + _DEST + _TITLE
    + r"[ \t]*(?=[\r\n]|\Z)"
)
_MD_REFERENCE = re.compile(
    r"(!?)\[(" + _BRACKETS + r")\](?:\[((?:[^\[\]\\\r\n]|\\.)*)\])?(?![(:\[])"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:|//")
_BLOCK_ID = re.compile(r"(?:(?<=[ \t])|(?<![^\r\n]))\^([A-Za-z0-9-]+)[ \t]*(?=[\r\n]|\Z)")
_ESCAPABLE = re.compile(r"\\([!-/:-@\[-`{-~])")


def scan(text: str, start: int = 0) -> Markdown:
    """Scan text[start:] (start = where the body begins, after front matter).

    All offsets are absolute indices into `text`.
    """
    headings: list[Heading] = []
    code: list[tuple[int, int]] = []
    comments: list[tuple[int, int]] = []
    _blocks(text, start, headings, code, comments)
    code.sort()
    spans = _Spans(code)
    return Markdown(
        headings=tuple(headings),
        block_ids=_block_ids(text, start, spans),
        links=_links(text, start, spans),
        code=tuple(code),
        comments=tuple(comments),
    )


def _lines(text: str, start: int) -> tuple[list[str], list[int]]:
    body = text[start:]
    if "\r" in body:
        parts = _EOL.split(body)
        lines = parts[0::2]
        seps = [len(p) for p in parts[1::2]]
    else:
        lines = body.split("\n")
        seps = None
    starts = []
    pos = start
    for k, line in enumerate(lines):
        starts.append(pos)
        pos += len(line) + (1 if seps is None else seps[k] if k < len(seps) else 0)
    return lines, starts


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
    return _ATX_CLOSE.sub("", raw).strip()


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
) -> None:
    """The block pass: fences, indented code, math blocks, headings, and the
    paragraph runs whose inline code, comments and math `_inline` finds.

    When a comment or math block closes past the run it opened in, the pass
    jumps to its closing delimiter and goes on from there.
    """
    lines, starts = _lines(text, start)
    n = len(lines)
    stack: list[int] = []  # content columns of the open list items
    cur_depth = 0  # the quote depth the list stack belongs to
    in_para = False
    para_ok = False  # may a setext underline follow this paragraph?
    para_depth = para_base = 0
    run_start = run_end = -1  # the paragraph not yet scanned inline
    fence: tuple[str, int, int, int, int] | None = None  # char, length, base, depth, start
    icode: tuple[int, int, int, int] | None = None  # base, depth, start, end
    prev_end = start
    jump = -1
    i = 0
    while i < n:
        if jump >= 0:
            if jump >= len(text):
                return
            i = bisect_right(starts, jump) - 1
            end = starts[i] + len(lines[i])
            # the rest of the line after a comment or math block is prose
            in_para = bool(text[jump:end].strip())
            para_ok = False
            run_start, run_end = (jump, end) if in_para else (-1, -1)
            prev_end = end
            jump = -1
            i += 1
            continue
        s = starts[i]
        line = lines[i]
        e = s + len(line)

        if fence is not None:
            fch, flen, fbase, fdepth, fstart = fence
            depth, off = _strip_quotes(line, fdepth) if fdepth else (0, 0)
            rest = line[off:]
            stripped = rest.lstrip(" \t")
            ind = _indent(rest)
            if depth == fdepth and (not stripped or ind >= fbase):
                if ind - fbase < 4 and stripped[:1] == fch:
                    m = _FENCE_CLOSE.match(stripped)
                    if m and m[1][0] == fch and len(m[1]) >= flen:
                        code.append((fstart, e))
                        fence = None
                prev_end = e
                i += 1
                continue
            # the list item or quote holding the fence ended before this line
            code.append((fstart, prev_end))
            fence = None

        depth, off = _strip_quotes(line) if ">" in line[:4] else (0, 0)
        rest = line[off:]
        stripped = rest.lstrip(" \t")
        ind = _indent(rest) if stripped and rest[0] in " \t" else 0

        if icode is not None:
            ibase, idepth, istart, iend = icode
            if depth == idepth and (not stripped or ind >= ibase + 4):
                if stripped:
                    icode = (ibase, idepth, istart, e)
                prev_end = e
                i += 1
                continue
            code.append((istart, iend))
            icode = None

        if not stripped:
            if run_start >= 0:
                jump = _inline(text, run_start, run_end, code, comments)
                run_start = -1
                if jump >= 0:
                    continue
            in_para = False
            prev_end = e
            i += 1
            continue

        base = 0
        if depth == cur_depth:
            for col in reversed(stack):
                if col <= ind:
                    base = col
                    break
        c = stripped[0]
        kind = None
        if ind - base >= 4:
            kind = None if in_para else "icode"
        elif c in _BLOCK_START:
            setext_ok = in_para and para_ok and depth == para_depth and ind >= para_base
            kind = _block_kind(stripped, c, in_para, setext_ok)

        if kind is None:
            if not in_para:  # a new paragraph; a continuation line is lazy
                if depth != cur_depth:
                    stack, cur_depth = [], depth
                while stack and stack[-1] > ind:
                    stack.pop()
                run_start = s
                in_para, para_ok = True, True
                para_depth, para_base = depth, base
            run_end = prev_end = e
            i += 1
            continue

        # a block starts here and ends the paragraph before it
        if run_start >= 0:
            jump = _inline(text, run_start, run_end, code, comments)
            if jump >= 0:
                run_start = -1
                continue
            if kind == "setext":
                _add_setext(text, run_start, run_end, c, headings)
            run_start = -1
        in_para = False
        prev_end = e
        i += 1
        if kind == "setext":
            continue
        if depth != cur_depth:
            stack, cur_depth = [], depth
        while stack and stack[-1] > ind:
            stack.pop()
        if kind == "icode":
            icode = (base, depth, s, e)
        elif kind == "fence":
            fence = (c, len(stripped) - len(stripped.lstrip(c)), base, depth, s)
        elif kind == "heading":
            m = _ATX.match(stripped)
            assert m is not None
            headings.append(Heading(len(m[1]), _atx_text(m[2]), s, e))
            jump = _inline(text, s, e, code, comments)
        elif kind == "math":
            p = e - len(stripped)
            close = text.find("$$", p + 2)
            jump = len(text) if close < 0 else close + 2
            code.append((p, jump))
        elif kind == "comment":
            run_start, run_end = s, e
            in_para, para_ok = True, False
            para_depth, para_base = depth, base
        elif kind == "list":
            m = _LIST_ITEM.match(stripped)
            assert m is not None
            item = stripped[m.end():]
            gap = _indent(m[2]) if item else 1
            content = ind + m.end() - len(m[2]) + (gap if gap <= 4 else 1)
            stack.append(content)
            if item:
                run_start, run_end = s, e
                in_para, para_ok = True, True
                para_depth, para_base = depth, content

    if fence is not None:
        code.append((fence[4], len(text)))
    elif icode is not None:
        code.append((icode[2], icode[3]))
    elif run_start >= 0:
        _inline(text, run_start, run_end, code, comments)


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


def _inline(
    text: str,
    pos: int,
    end: int,
    code: list[tuple[int, int]],
    comments: list[tuple[int, int]],
) -> int:
    """Code spans, comments and math in the paragraph text[pos:end].

    Returns -1, or where to go on when a comment ran past `end`.
    """
    search = _INLINE.search
    while True:
        m = search(text, pos, end)
        if m is None:
            return -1
        tok = m.group()
        c = tok[0]
        if c == "\\":
            pos = m.end()
        elif c == "`":
            # CommonMark: a code span closes at the next run of exactly as many
            # backticks; with none, the run is literal text
            n = len(tok)
            pos = m.end()
            for close in _BACKTICKS.finditer(text, pos, end):
                if close.end() - close.start() == n:
                    code.append((m.start(), close.end()))
                    pos = close.end()
                    break
        elif c == "<":
            after = m.end()
            if text.startswith(">", after):
                close_end = after + 1
            elif text.startswith("->", after):
                close_end = after + 2
            else:
                k = text.find("-->", after)
                close_end = len(text) if k < 0 else k + 3
            code.append((m.start(), close_end))
            comments.append((m.start(), close_end))
            if close_end > end:
                return close_end
            pos = close_end
        elif tok == "$$":
            k = text.find("$$", m.end(), end)
            if k < 0:
                pos = m.end()
            else:
                code.append((m.start(), k + 2))
                pos = k + 2
        else:
            mm = _INLINE_MATH.match(text, m.start(), end)
            if mm is None:
                pos = m.end()
            else:
                code.append((m.start(), mm.end()))
                pos = mm.end()


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
    """Is text[pos] escaped by an odd run of backslashes?"""
    k = pos
    while k > floor and text[k - 1] == "\\":
        k -= 1
    return (pos - k) % 2 == 1


def _links(text: str, start: int, spans: _Spans) -> tuple[Link, ...]:
    links: list[Link] = []
    taken: list[tuple[int, int]] = []
    if "[[" in text:
        _wikilinks(text, start, spans, links)
        taken = [(lk.start, lk.end) for lk in links]
    if "](" in text or "]:" in text or "][" in text:
        _markdown_links(text, start, spans, _Spans(taken), links)
        links.sort(key=lambda lk: lk.start)
    return tuple(links)


def _wikilinks(text: str, start: int, spans: _Spans, out: list[Link]) -> None:
    pos = start
    search = _WIKILINK.search
    while True:
        m = search(text, pos)
        if m is None:
            return
        bang = m.start(1) < m.end(1)
        opening = m.end(1)  # the first '['
        if _escaped(text, opening, start):
            pos = opening + 1
            continue
        if spans.overlaps(m.start(), m.end()):
            pos = opening + 2
            continue
        if bang and _escaped(text, m.start(), start):
            bang = False
        link = _wikilink(m[2], m.start(2), m.start() if bang else opening, m.end(), bang)
        if link is not None:
            out.append(link)
        pos = m.end()


def _wikilink(content: str, at: int, start: int, end: int, embed: bool) -> Link | None:
    pipe = content.find("|")
    display = None
    head = content
    if pipe >= 0:
        display = content[pipe + 1:].strip()
        # in a table the separator is written '\|'; '\' cannot end a file name
        head = content[:pipe - 1] if pipe and content[pipe - 1] == "\\" else content[:pipe]
    hash_ = head.find("#")
    if hash_ >= 0:
        raw, fragment = head[:hash_], head[hash_ + 1:].strip()
    else:
        raw, fragment = head, None
    target = raw.strip()
    if not target and fragment is None:
        return None  # "[[]]", "[[ ]]", "[[|x]]": Obsidian shows them as text
    if target:
        t_start = at + len(raw) - len(raw.lstrip())
        t_end = t_start + len(target)
    else:
        t_start = t_end = at + hash_
    return Link("embed" if embed else "wikilink", target, fragment, display, start, end, t_start, t_end)


def _markdown_links(
    text: str, start: int, spans: _Spans, wikis: _Spans, out: list[Link]
) -> None:
    definitions: dict[str, tuple[str, int, int]] = {}  # label -> raw destination, span
    if "]:" in text:
        for m in _MD_DEFINITION.finditer(text, start):
            if spans.overlaps(m.start(), m.end()) or wikis.overlaps(m.start(), m.end()):
                continue
            g = 2 if m.start(2) >= 0 else 3
            label = _label(m[1])
            definitions.setdefault(label, (m[g], m.start(g), m.end(g)))
            link = _markdown_link(m[g], m.start(g), m[1].strip(), m.start(), m.end())
            if link is not None:
                out.append(link)
    if "](" in text:
        pos = start
        search = _MD_INLINE.search
        while True:
            m = search(text, pos)
            if m is None:
                break
            opening = m.end(1)
            pos = m.start(2)  # an image may sit inside the link text
            if (
                _escaped(text, opening, start)
                or spans.overlaps(opening, opening + 1)
                or spans.overlaps(m.end(2), m.end())
                or wikis.overlaps(m.start(), m.end())
                or _escaped(text, m.start(), start) and m.start() < opening
            ):
                pos = opening + 1
                continue
            g = 3 if m.start(3) >= 0 else 4
            link = _markdown_link(m[g], m.start(g), m[2].strip(), m.start(), m.end())
            if link is not None:
                out.append(link)
    if definitions:
        for m in _MD_REFERENCE.finditer(text, start):
            ref = m[3] if m[3] else m[2]
            found = definitions.get(_label(ref)) if ref.strip() else None
            if found is None or m[2].startswith("^"):
                continue
            if (
                _escaped(text, m.end(1), start)
                or spans.overlaps(m.end(1), m.end(1) + 1)
                or spans.overlaps(m.end(2), m.end())
                or wikis.overlaps(m.start(), m.end())
            ):
                continue
            dest, d_start, _ = found
            link = _markdown_link(dest, d_start, m[2].strip(), m.start(), m.end())
            if link is not None:
                out.append(link)


def _label(raw: str) -> str:
    return " ".join(raw.split()).casefold()


def _markdown_link(dest: str, d_start: int, display: str, start: int, end: int) -> Link | None:
    if not dest:
        return None  # [x]() points nowhere worth resolving
    hash_ = dest.find("#")
    raw = dest if hash_ < 0 else dest[:hash_]
    fragment = None if hash_ < 0 else _decode(dest[hash_ + 1:]).strip()
    target = _decode(raw).strip()
    t_start = d_start + len(raw) - len(raw.lstrip())
    t_end = d_start + len(raw.rstrip())
    external = _SCHEME.match(raw) is not None
    return Link("markdown", target, fragment, display, start, end, t_start, t_end, external)


def _decode(raw: str) -> str:
    if "\\" in raw:
        raw = _ESCAPABLE.sub(r"\1", raw)
    return unquote(raw) if "%" in raw else raw


def _block_ids(text: str, start: int, spans: _Spans) -> tuple[BlockId, ...]:
    if "^" not in text:
        return ()
    out = []
    for m in _BLOCK_ID.finditer(text, start):
        a = m.start()
        if not spans.overlaps(a, a + 1):
            out.append(BlockId(m[1], a, m.end(1)))
    return tuple(out)
