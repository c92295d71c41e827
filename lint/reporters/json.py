"""The JSON contract: an array of findings (see the README for the fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from json.encoder import encode_basestring_ascii as _string
from typing import Any, TextIO

from lint.diagnostic import Finding, Fix, FixedEdit
from lint.reporters import ReportContext, write_blocks

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


def finding_json(f: Finding, cwd: str) -> str:
    """`finding_dict` as `json.dumps(..., indent=2, ensure_ascii=True)` writes it inside
    the top-level array, without building the dict: the standard encoder makes one
    chunk per token in Python once it indents (its C encoder cannot indent)."""
    return (
        f'  {{\n    "path": {_string(_utf8(f.display_path(cwd, raw=True)))},\n'
        f'    "line": {f.line:d},\n    "column": {f.column:d},\n'
        f'    "end_line": {f.end_line:d},\n    "end_column": {f.end_column:d},\n'
        f'    "code": {_string(f.code)},\n    "rule": {_string(f.rule)},\n'
        f'    "severity": {_string(f.severity.value)},\n    "message": {_string(_utf8(f.message))},\n'
        f'    "help": {"null" if f.help is None else _string(_utf8(f.help))},\n'
        f'    "fix": {"null" if f.fix is None else _fix_json(f.fix, f.fix_edits)}\n  }}'
    )


def _fix_json(fix: Fix, fix_edits: tuple[FixedEdit, ...]) -> str:
    edits = ",\n".join(
        f'        {{\n          "line": {e.line:d},\n          "column": {e.column:d},\n'
        f'          "end_line": {e.end_line:d},\n          "end_column": {e.end_column:d},\n'
        f'          "content": {_string(_utf8(e.content))}\n        }}'
        for e in fix_edits
    )
    edit_list = "[\n" + edits + "\n      ]" if edits else "[]"
    return (
        f'{{\n      "applicability": {_string(fix.applicability.value)},\n'
        f'      "edits": {edit_list}\n    }}'
    )


def _pieces(findings: list[Finding], cwd: str) -> Iterator[str]:
    if not findings:
        yield "[]\n"
        return
    yield "[\n"
    yield finding_json(findings[0], cwd)
    for f in findings[1:]:
        yield ",\n"
        yield finding_json(f, cwd)
    yield "\n]\n"


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    write_blocks(out, _pieces(findings, ctx.cwd))
