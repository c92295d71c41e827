"""The JSON contract: an array of findings (see the README for the fields)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from lint.diagnostic import Finding
from lint.reporters import ReportContext


def finding_dict(f: Finding, cwd: str) -> dict[str, Any]:
    fix = None
    if f.fix is not None:
        fix = {
            "applicability": f.fix.applicability.value,
            "edits": [
                {"line": e.line, "column": e.column, "end_line": e.end_line,
                 "end_column": e.end_column, "content": e.content}
                for e in f.fix_edits
            ],
        }
    return {
        "path": f.display_path(cwd, raw=True),  # exact; ensure_ascii escapes it
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "code": f.code,
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "help": f.help,
        "fix": fix,
    }


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    # ensure_ascii keeps lone surrogates (undecodable file names) printable anywhere.
    json.dump([finding_dict(f, ctx.cwd) for f in findings], out, indent=2, ensure_ascii=True)
    out.write("\n")
