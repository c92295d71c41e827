"""GitHub Actions workflow commands (`::error file=...::message`) plus a step summary.

Facts this follows (shared/docs/github-and-pre-commit.md, from the runner's sources):
- message escaping is `%`, CR, LF; property values also escape `:` and `,`;
- the runner drops columns when line != endLine;
- only 10 errors, 10 warnings and 10 notices per step become annotations; the rest
  reach the log silently, so we order by importance, say how many were left out,
  and list everything in `$GITHUB_STEP_SUMMARY` (at most 1 MiB per step).
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from lint.diagnostic import Severity
from lint.github.common import (
    counts_phrase,
    plural,
    repo_path,
    repo_root,
    write_step_outputs,
)
from lint.reporters import write_blocks

if TYPE_CHECKING:
    from lint.diagnostic import Finding
    from lint.reporters import ReportContext

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
ANNOTATIONS_PER_LEVEL = 10
SUMMARY_LIMIT = 1024 * 1024
# The runner cuts longer messages; we cut first so an escape sequence is never split.
MESSAGE_LIMIT = 4000


def escape_data(text: str) -> str:
    # Percent first, or the `%` of `%0A` would itself be escaped.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, properties: Mapping[str, object], message: str) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    head = f"::{level} {props}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _one_line(text: str) -> str:
    """For plain log lines: a note's own text must never begin an output line, where
    the runner would read a `::command` in it."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def annotation_line(finding: Finding, path: str) -> str:
    props: dict[str, object] = {"file": path, "line": finding.line, "endLine": finding.end_line}
    if finding.line == finding.end_line:
        props["col"] = finding.column
        # Exclusive end column, as ruff's github format sends it; never before col.
        props["endColumn"] = max(finding.end_column, finding.column)
    props["title"] = f"{finding.code} {finding.rule}"
    # The log shows only "Error: <message>", so the location goes in the message too.
    message = f"{path}:{finding.line}:{finding.column}: {finding.message}"
    if finding.help:
        message += f"\nhelp: {finding.help}"
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    return command(LEVELS[finding.severity], props, message)


def plain_line(finding: Finding, path: str) -> str:
    # Starts with a fixed word, so neither a path nor a message can start the line.
    text = f"{LEVELS[finding.severity]}: {path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"
    return _one_line(text)


def order(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notices; the engine's order within a level."""
    return sorted(findings, key=lambda f: f.severity.rank)


def budgets(findings: list[Finding]) -> dict[Severity, int]:
    counts = {s: 0 for s in Severity}
    for f in findings:
        counts[f.severity] += 1
    budget = {s: ANNOTATIONS_PER_LEVEL for s in Severity}
    if any(n > ANNOTATIONS_PER_LEVEL for n in counts.values()):
        # The closing "not annotated" notice must itself be within the notice budget.
        budget[Severity.INFO] = ANNOTATIONS_PER_LEVEL - 1
    return budget


def write_commands(findings: list[Finding], out: TextIO, root: str, summary_written: bool) -> int:
    """Print every finding; returns how many were not annotated."""
    lines, left_out = command_lines(findings, root, summary_written)
    write_blocks(out, lines)
    return left_out


def command_lines(findings: list[Finding], root: str, summary_written: bool) -> tuple[list[str], int]:
    """The log's lines for every finding, and how many of them are not annotations."""
    budget = budgets(findings)
    left_out = 0
    lines = []
    for finding in order(findings):
        path = repo_path(finding, root)
        if budget[finding.severity] > 0:
            budget[finding.severity] -= 1
            lines.append(annotation_line(finding, path) + "\n")
        else:
            left_out += 1
            lines.append(plain_line(finding, path) + "\n")
    if left_out:
        where = "the job summary" if summary_written else "the log above"
        lines.append(
            command(
                "notice",
                {"title": "notelint"},
                f"{plural(left_out, 'more finding')} not annotated: GitHub annotates "
                f"{ANNOTATIONS_PER_LEVEL} per level per step. All {len(findings)} are listed in {where}.",
            )
            + "\n"
        )
    return lines, left_out


# --- step summary -----------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})


def md_cell(text: str) -> str:
    """Table-cell-safe Markdown: note text is data, never markup."""
    cell = html.escape(text, quote=False).translate(_MD_SPECIAL)
    return cell.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _blob_url(env: Mapping[str, str], path: str, line: int) -> str | None:
    from lint.github.event import head_sha

    server, repo, sha = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), head_sha(env)
    if not (server and repo and sha):
        return None
    return f"{server.rstrip('/')}/{repo}/blob/{sha}/{quote(path)}#L{line}"


def summary_markdown(
    findings: list[Finding], ctx: ReportContext, env: Mapping[str, str], limit: int
) -> str:
    """The step summary: a heading and a table of all findings, within `limit` bytes."""
    root = repo_root(env, ctx.cwd)
    files = f" in {plural(ctx.files_checked, 'file')}" if ctx.files_checked else ""
    head = f"### notelint: {counts_phrase(findings)}{files}\n\n"
    if not findings:
        return head
    head += "| Severity | File | Line | Rule | Message |\n| --- | --- | --- | --- | --- |\n"
    parts = [head]
    size = len(head.encode())
    # Room for the closing line that says how many rows were left out.
    reserve = 200
    for shown, finding in enumerate(order(findings)):
        path = repo_path(finding, root)
        url = _blob_url(env, path, finding.line)
        file_cell = f"[{md_cell(path)}]({url})" if url else md_cell(path)
        message = finding.message + (f"\nhelp: {finding.help}" if finding.help else "")
        row = (
            f"| {LEVELS[finding.severity]} | {file_cell} | {finding.line}:{finding.column} "
            f"| `{finding.code}` {md_cell(finding.rule)} | {md_cell(message)} |\n"
        )
        row_size = len(row.encode())
        if size + row_size > limit - reserve:
            rest = len(findings) - shown
            parts.append(
                f"\n_{plural(rest, 'more finding')} not listed: the step summary is limited to 1 MiB._\n"
            )
            break
        parts.append(row)
        size += row_size
    return "".join(parts)


def write_summary(findings: list[Finding], ctx: ReportContext, env: Mapping[str, str]) -> bool:
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    try:
        used = os.path.getsize(path) if os.path.exists(path) else 0
        # A blank line first so our heading never glues onto what an earlier command wrote.
        text = "\n" + summary_markdown(findings, ctx, env, SUMMARY_LIMIT - used)
        with open(path, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError:
        return False
    return True


def _ensure_utf8(out: TextIO) -> None:
    # Windows runners may give stdout a legacy code page; note names are Unicode.
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "")
    if out is sys.stdout and encoding != "utf8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")


def report(
    findings: list[Finding],
    out: TextIO,
    ctx: ReportContext,
    *,
    env: Mapping[str, str] | None = None,
) -> None:
    env = os.environ if env is None else env
    _ensure_utf8(out)
    summary_written = write_summary(findings, ctx, env)
    write_commands(findings, out, repo_root(env, ctx.cwd), summary_written)
    write_step_outputs(findings, env)
