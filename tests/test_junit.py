from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from lint.diagnostic import Finding, Severity
from lint.reporters import ReportContext, get_reporter
from lint.reporters.junit import report


def finding(path: str, line: int, message: str = "no note named 'x'") -> Finding:
    return Finding(
        path=path,
        line=line,
        column=1,
        end_line=line,
        end_column=4,
        code="NL001",
        rule="broken-link",
        severity=Severity.ERROR,
        message=message,
    )


def render(findings: list[Finding]) -> ET.Element:
    out = io.StringIO()
    report(findings, out, ReportContext(cwd="/"))
    return ET.fromstring(out.getvalue().encode())


def test_registered_as_format() -> None:
    assert get_reporter("junit") is report


def test_a_suite_per_file_and_a_failure_per_finding() -> None:
    root = render([finding("a.md", 1), finding("b.md", 2), finding("a.md", 5, "bad \x01 <&>")])
    assert root.get("failures") == "3"
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests")) for s in suites] == [("a.md", "2"), ("b.md", "1")]
    failure = suites[0].findall("testcase")[1].find("failure")
    assert failure is not None
    # A control character cannot be written in XML 1.0, even escaped.
    assert failure.get("message") == "bad \ufffd <&>"
    assert failure.text == "a.md:5:1: NL001 bad \ufffd <&>"


def test_no_findings_is_one_passing_case() -> None:
    root = render([])
    assert root.get("failures") == "0"
    [case] = root.iter("testcase")
    assert case.find("failure") is None
