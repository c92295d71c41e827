"""`path:line:col: CODE [rule] message`: what editors and problem matchers parse."""

from __future__ import annotations

from typing import TextIO

from lint.diagnostic import Finding
from lint.reporters import ReportContext
from lint.reporters.summary import summary_lines, write_statistics


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    if ctx.statistics:
        write_statistics(findings, out, ctx)
        return
    for f in findings:
        out.write(f"{f.display_path(ctx.cwd)}:{f.line}:{f.column}: {f.code} [{f.rule}] "
                  f"{_one_line(f.message)}\n")
    for line in summary_lines(findings, ctx):
        out.write(line + "\n")


def _one_line(s: str) -> str:
    return s.replace("\r", "\\r").replace("\n", "\\n")
