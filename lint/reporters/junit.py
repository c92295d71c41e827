"""JUnit XML, for CI systems that only show test reports: a test suite per file with
findings, a failed test case per finding (the shape ruff's junit format uses).

The XML is written as text, in the layout `xml.etree.ElementTree` gives an indented
tree (`ET.indent`, then `ET.tostring`), with its escaping: a tree of three elements a
finding, built only to be serialised, cost more than the text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, TextIO

from lint.reporters import write_blocks

if TYPE_CHECKING:
    from lint.diagnostic import Finding
    from lint.reporters import ReportContext

# XML 1.0 cannot carry most control characters, even escaped; notes can contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ElementTree's escaping: markup in text; markup, quotes and line breaks in attributes.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _attribute(text: str) -> str:
    return _clean(text).translate(_ATTRIBUTE)


def _pieces(findings: list[Finding], ctx: ReportContext) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (f'<testsuites name="notelint" tests="{max(len(findings), 1)}" '
           f'failures="{len(findings)}">\n')
    if not findings:
        yield ('  <testsuite name="notelint" tests="1" failures="0">\n'
               '    <testcase name="notelint" classname="notelint" />\n'
               "  </testsuite>\n")
    # Each finding's path once: a stable sort by it, then runs of the same path.
    by_path = groupby(sorted(((f.display_path(ctx.cwd), f) for f in findings), key=itemgetter(0)),
                      key=itemgetter(0))
    for path, group in by_path:
        items = [f for _, f in group]
        name = _attribute(path)
        yield f'  <testsuite name="{name}" tests="{len(items)}" failures="{len(items)}">\n'
        for f in items:
            body = f"{path}:{f.line}:{f.column}: {f.code} {f.message}"
            if f.help:
                body += f"\nhelp: {f.help}"
            yield (
                f'    <testcase name="{_attribute(f"{f.code} {f.rule} at {f.line}:{f.column}")}" '
                f'classname="{name}" line="{f.line}" file="{name}">\n'
                f'      <failure message="{_attribute(f.message)}" type="{_attribute(f.severity.value)}">'
                f"{_clean(body).translate(_TEXT)}</failure>\n"
                "    </testcase>\n"
            )
        yield "  </testsuite>\n"
    yield "</testsuites>\n"


def report(findings: list[Finding], out: TextIO, ctx: ReportContext) -> None:
    write_blocks(out, _pieces(findings, ctx))
