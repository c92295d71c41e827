"""The JSON contract: an array of findings (see the README for the fields)."""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from lint.diagnostic import Finding
from lint.reporters import ReportContext

# A file name's bytes that are not UTF-8 reach us as lone surrogates (surrogateescape).
# `"\udcff"` is JSON syntax but no Unicode: strict consumers reject it (issue 17).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _spell(m: re.Match[str]) -> str:
    c = ord(m.group())
    # The spelling the other formats use (lint.diagnostic.safe_text): the byte as `\xff`.
    return f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else f"\\u{c:04x}"


def _utf8(s: str) -> str:
    return _SURROGATE.sub(_spell, s) if _SURROGATE.search(s) else s


def finding_dict(f: Finding, cwd: str) -> dict[str, Any]:
    fix = None
    if f.fix is not None:
        fix = {
            "applicability": f.fix.applicability.value,
            "edits": [
                {"line": e.line, "column": e.column, "end_line": e.end_line,
                 "end_column": e.end_column, "content": _utf8(e.content)}
                for e in f.fix_edits
            ],
        }
    return {
        # Exact (a newline in a name is JSON-escaped), but for bytes that are not UTF-8.
        "path": _utf8(f.display_path(cwd, raw=True)),
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "code": f.code,
        "rule": f.rule,
        "severity": f.severity.value,
        "message": _utf8(f.message),
        "help": _utf8(f.help) if f.help is not None else None,
        "fix": fix,
    }


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    json.dump([finding_dict(f, ctx.cwd) for f in findings], out, indent=2, ensure_ascii=True)
    out.write("\n")
