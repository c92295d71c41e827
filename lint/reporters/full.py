"""The default everywhere but GitHub Actions: each finding starts with
`path:line:col: CODE [rule] message` (what terminals and editors jump to, as in ruff's
full output), then a code frame underlining the span, then its `help`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TextIO

from lint.diagnostic import Applicability, Finding, Severity
from lint.reporters import ReportContext, write_blocks
from lint.reporters.summary import summary_lines, write_statistics

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
MAX_FRAME = 160  # characters of a line shown around the span


def _c(ctx: ReportContext, code: str, s: str) -> str:
    return f"\x1b[{code}m{s}\x1b[0m" if ctx.color else s


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    if ctx.statistics:
        write_statistics(findings, out, ctx)
        return
    write_blocks(out, _pieces(findings, ctx))
    write_blocks(out, (line + "\n" for line in summary_lines(findings, ctx)))


def _pieces(findings: list[Finding], ctx: ReportContext) -> Iterator[str]:
    split: dict[str, list[str] | None] = {}
    for f in findings:
        if f.path not in split:
            source = ctx.sources.get(f.path)
            split[f.path] = _split(source) if source is not None else None
        lines = split[f.path]
        safe = f.fix is not None and f.fix.applicability is Applicability.SAFE
        yield (f"{_c(ctx, '1', f.display_path(ctx.cwd))}:{f.line}:{f.column}: "
               f"{_c(ctx, '1;' + _COLOURS[f.severity], f.code)} [{f.rule}]"
               f"{' [*]' if safe else ''} {_printable(f.message)}\n")
        frame = _frame(lines, f, ctx) if lines is not None else []
        if frame:
            yield from frame
        else:
            yield f"      {_c(ctx, _COLOURS[f.severity], f.severity.value)}\n"
        if f.help:
            yield f"      {_c(ctx, '32', 'help:')} {_printable(f.help)}\n"
        yield "\n"


def _frame(lines: list[str], f: Finding, ctx: ReportContext) -> list[str]:
    if not 0 < f.line <= len(lines):
        return []
    line = lines[f.line - 1]
    start = f.column - 1
    end = f.end_column - 1 if f.end_line == f.line else len(line)
    end = max(end, start + 1)
    # Long lines (a 100k-character line is real) are cut to a window around the span.
    lo = max(0, min(start - 40, len(line) - MAX_FRAME))
    hi = min(len(line), max(lo + MAX_FRAME, end))
    shown = line[lo:hi]
    lead = "…" if lo > 0 else ""
    tail = "…" if hi < len(line) else ""
    gutter = f"{f.line:>5} | "
    pad = _width(lead + _printable(shown[: start - lo]))
    marks = max(1, _width(_printable(shown[start - lo : end - lo])))
    # The severity follows the carets (ruff puts the code there; ours is on the first line).
    underline = (" " * len(gutter) + " " * pad
                 + _c(ctx, _COLOURS[f.severity], "^" * marks + " " + f.severity.value))
    return [f"{_c(ctx, '2', gutter)}{lead}{_printable(shown)}{tail}\n", underline + "\n"]


def _split(source: str) -> list[str]:
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class _Shown(dict[int, "str | int"]):
    """str.translate's table for _printable, filled as characters are met: looking a
    character up in C costs far less than asking unicodedata in Python each time."""

    def __missing__(self, code: int) -> str | int:
        ch = chr(code)
        if ch == "\t":
            shown: str | int = "    "
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") or ch == "\ufffd":
            shown = f"<U+{code:04X}>"
        else:
            shown = code
        if len(self) < _TABLE_LIMIT:  # a hostile note may hold every code point
            self[code] = shown
        return shown


class _Widths(dict[str, int]):
    """Columns a character takes in a terminal, filled as characters are met."""

    def __missing__(self, ch: str) -> int:
        width = (2 if unicodedata.east_asian_width(ch) in ("W", "F")
                 else 0 if unicodedata.combining(ch) else 1)
        if len(self) < _TABLE_LIMIT:
            self[ch] = width
        return width


_TABLE_LIMIT = 1 << 16
_SHOWN = _Shown()
_WIDTHS = _Widths()


def _printable(s: str) -> str:
    # Show invisible and control characters as <U+XXXX> so the frame shows the problem
    # and cannot move the terminal's cursor (a note's text is untrusted).
    if s.isascii() and s.isprintable():  # most lines: nothing to show differently
        return s
    return s.translate(_SHOWN)


def _width(s: str) -> int:
    if s.isascii():
        return len(s)
    return sum(map(_WIDTHS.__getitem__, s))
