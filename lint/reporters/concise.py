"""`path:line:col: CODE [rule] message`: what editors and problem matchers parse."""

from __future__ import annotations

from typing import TextIO

from lint.diagnostic import Finding
from lint.reporters import ReportContext, write_blocks
from lint.reporters.summary import summary_lines, write_statistics


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    if ctx.statistics:
        write_statistics(findings, out, ctx)
        return
    cwd = ctx.cwd
    write_blocks(out, (line_of(f, cwd) + "\n" for f in findings))
    write_blocks(out, (line + "\n" for line in summary_lines(findings, ctx)))


def line_of(f: Finding, cwd: str) -> str:
    """A finding as one concise line (`check --watch` prints these too)."""
    return f"{f.display_path(cwd)}:{f.line}:{f.column}: {f.code} [{f.rule}] {_one_line(f.message)}"


def _one_line(s: str) -> str:
    return s.replace("\r", "\\r").replace("\n", "\\n")
