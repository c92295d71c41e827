"""JUnit XML, for CI systems that only show test reports: a test suite per file with
findings, a failed test case per finding (the shape ruff's junit format uses)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lint.diagnostic import Finding
    from lint.reporters import ReportContext

# XML 1.0 cannot carry most control characters, even escaped; notes can contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    suites = ET.Element(
        "testsuites", name="notelint", tests=str(max(len(findings), 1)), failures=str(len(findings))
    )
    if not findings:
        suite = ET.SubElement(suites, "testsuite", name="notelint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="notelint", classname="notelint")
    by_path = groupby(
        sorted(findings, key=lambda f: f.display_path(ctx.cwd)),
        key=lambda f: f.display_path(ctx.cwd),
    )
    for path, group in by_path:
        items = list(group)
        suite = ET.SubElement(
            suites, "testsuite", name=_clean(path), tests=str(len(items)), failures=str(len(items))
        )
        for f in items:
            case = ET.SubElement(
                suite,
                "testcase",
                name=_clean(f"{f.code} {f.rule} at {f.line}:{f.column}"),
                classname=_clean(path),
                line=str(f.line),
                file=_clean(path),
            )
            failure = ET.SubElement(
                case, "failure", message=_clean(f.message), type=f.severity.value
            )
            body = f"{path}:{f.line}:{f.column}: {f.code} {f.message}"
            if f.help:
                body += f"\nhelp: {f.help}"
            failure.text = _clean(body)
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(suites, encoding="unicode"))
    out.write("\n")
