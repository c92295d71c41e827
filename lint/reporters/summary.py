"""The closing lines every human-facing reporter shares: statistics and the summary."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from lint.diagnostic import Applicability, Finding
from lint.reporters import ReportContext


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def statistics_lines(findings: list[Finding], ctx: ReportContext) -> list[str]:
    counts = Counter((f.code, f.rule) for f in findings)
    # `[*]` as in ruff: the rule has findings here that `--fix` applies.
    fixable = Counter((f.code, f.rule) for f in findings
                      if f.fix is not None and f.fix.applicability is Applicability.SAFE)
    width = max((len(str(n)) for n in counts.values()), default=1)
    return [
        f"{n:>{width}}  {code:<7} {rule}{'  [*]' if fixable[(code, rule)] else ''}"
        for (code, rule), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def write_statistics(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    """`--statistics`: the table of counts per rule instead of the findings (ruff's
    convention), and what `[*]` means when it appears."""
    lines = statistics_lines(findings, ctx)
    if not ctx.quiet and any(line.endswith("[*]") for line in lines):
        lines.append("[*] fixable with `--fix`")
    out.write("".join(line + "\n" for line in lines))


def summary_lines(findings: list[Finding], ctx: ReportContext) -> list[str]:
    lines: list[str] = []
    if ctx.quiet:
        return lines
    if ctx.fixed:
        lines.append(f"Fixed {plural(ctx.fixed, 'problem')}.")
    if not findings:
        lines.append(f"All checks passed ({plural(ctx.files_checked, 'note')} checked).")
        return lines
    sev = Counter(f.severity.value for f in findings)
    parts = [plural(sev[s], s) for s in ("error", "warning", "info") if sev[s]]
    files = len({f.path for f in findings})
    lines.append(f"Found {plural(len(findings), 'problem')} ({', '.join(parts)}) in "
                 f"{plural(files, 'file')}, {plural(ctx.files_checked, 'note')} checked.")
    if ctx.fixable_remaining:
        lines.append(f"{plural(ctx.fixable_remaining, 'problem')} fixable with `--fix`.")
    if ctx.unsafe_fixable_remaining:
        lines.append(f"{ctx.unsafe_fixable_remaining:,} more with `--fix --unsafe-fixes`.")
    return lines
