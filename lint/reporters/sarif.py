"""SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html
GitHub's subset: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring as _string
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from lint.diagnostic import Severity
from lint.github.common import repo_path, repo_root
from lint.reporters import write_blocks

if TYPE_CHECKING:
    from lint.diagnostic import Finding
    from lint.reporters import ReportContext, RuleMeta

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "notelint/v1"


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("notelint")
    except PackageNotFoundError:
        return None


def _level_name(severity: str) -> str:
    try:
        return LEVELS[Severity(severity)]
    except ValueError:
        return "warning"


def _first_paragraph(doc: str) -> str:
    return doc.strip().split("\n\n", 1)[0].strip()


def rule_descriptor(meta: RuleMeta) -> dict[str, Any]:
    doc = meta.doc.strip() or meta.summary
    return {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": _first_paragraph(doc) or meta.summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _level_name(meta.severity)},
        "properties": {"fixable": meta.fixable},
    }


def _fallback_descriptor(code: str, name: str) -> dict[str, Any]:
    # A finding whose rule has no metadata (e.g. an engine-made internal error) still
    # needs a rule entry: GitHub requires rules to describe every ruleId.
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": name},
        "fullDescription": {"text": name},
        "help": {"text": name},
    }


def uri(path: str) -> str:
    # artifactLocation.uri is a URI reference: spaces and non-ASCII must be escaped;
    # a name that is not UTF-8 is percent-encoded byte for byte (surrogateescape).
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    # SARIF's endColumn is exclusive like ours, and may equal startColumn (insertion point).
    end_line = max(end_line, line)
    if end_line == line:
        end_column = max(end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def fingerprint(finding: Finding, path: str, snippet: str, occurrence: int) -> str:
    # Free of line numbers, so an alert survives edits above it; the occurrence index
    # keeps two identical findings in one file apart.
    key = "\0".join([finding.code, path, finding.message, snippet, str(occurrence)])
    return hashlib.sha256(key.encode()).hexdigest()


def _fixes(finding: Finding, location: dict[str, Any]) -> list[dict[str, Any]]:
    if not finding.fix_edits:
        return []
    return [
        {
            "description": {"text": finding.help or f"Fix {finding.rule}"},
            "artifactChanges": [
                {
                    "artifactLocation": location,
                    "replacements": [
                        {
                            "deletedRegion": region(e.line, e.column, e.end_line, e.end_column),
                            "insertedContent": {"text": e.content},
                        }
                        for e in finding.fix_edits
                    ],
                }
            ],
        }
    ]


def sarif_log(findings: list[Finding], ctx: ReportContext, root: str) -> dict[str, Any]:
    rules: list[dict[str, Any]] = [rule_descriptor(m) for m in ctx.rules.values()]
    index = {r["id"]: i for i, r in enumerate(rules)}
    for f in findings:
        if f.code not in index:
            index[f.code] = len(rules)
            rules.append(_fallback_descriptor(f.code, f.rule))

    seen: Counter[tuple[str, str, str, str]] = Counter()
    results = []
    for f in findings:
        path = repo_path(f, root)
        location = {"uri": uri(f.display_path(root, raw=True))}
        source = ctx.sources.get(f.path, "")
        snippet = source[f.start : f.end] if f.end > f.start else ""
        key = (f.code, path, f.message, snippet)
        seen[key] += 1
        text = f.message + (f"\nhelp: {f.help}" if f.help else "")
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": LEVELS[f.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": region(f.line, f.column, f.end_line, f.end_column),
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, path, snippet, seen[key])},
        }
        fixes = _fixes(f, location)
        if fixes:
            result["fixes"] = fixes
        results.append(result)

    driver: dict[str, Any] = {
        "name": "notelint",
        "informationUri": "https://github.com/notelint/notelint",
        "rules": rules,
    }
    version = _version()
    if version:
        driver["version"] = version
        driver["semanticVersion"] = version
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                # Our columns count characters (code points), not SARIF's default UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _string,
    int: int.__repr__,
    bool: lambda v: "true" if v else "false",
    type(None): lambda v: "null",
}


def indented(value: Any, indent: str = "") -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)` as it reads nested at `indent`.
    The standard encoder cannot indent in C and makes one Python chunk per token;
    this makes one string per value, with the same C string escaping."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = indent + "  "
    items = []
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                return _standard(value, indent)
            scalar = _SCALARS.get(type(item))
            text = scalar(item) if scalar is not None else indented(item, inner)
            items.append(f"{inner}{_string(key)}: {text}")
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if type(value) in (list, tuple):
        for item in value:
            scalar = _SCALARS.get(type(item))
            items.append(inner + (scalar(item) if scalar is not None else indented(item, inner)))
        return "[\n" + ",\n".join(items) + f"\n{indent}]" if items else "[]"
    return _standard(value, indent)


def _standard(value: Any, indent: str) -> str:
    # Anything else (a float, a key that is not a string, a str or int subclass): the
    # standard encoder's text, indented to where it stands (JSON text holds no raw newline
    # but between tokens).
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


def _pieces(log: dict[str, Any]) -> Iterator[str]:
    # The results are most of the log: they are written in blocks as they are encoded.
    run = log["runs"][-1]
    results = run["results"]
    run["results"] = []
    text = indented(log)
    marker = '"results": []'
    at = text.rindex(marker)  # the last run's last key: only closing brackets follow
    if not results:
        yield text + "\n"
        return
    key_indent = text[text.rindex("\n", 0, at) + 1 : at]
    item_indent = key_indent + "  "
    yield text[:at] + '"results": [\n'
    for i, result in enumerate(results):
        yield (",\n" if i else "") + item_indent + indented(result, item_indent)
    yield f"\n{key_indent}]{text[at + len(marker):]}\n"


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    root = repo_root(os.environ, ctx.cwd)
    write_blocks(out, _pieces(sarif_log(findings, ctx, root)))
