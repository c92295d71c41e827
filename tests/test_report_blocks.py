"""Reporters write a large report in a few large blocks (issue 13), and the block-built
text is the text the standard library's encoders would have written."""

from __future__ import annotations

import io
import json
import pickle
import pickletools
import unicodedata
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint.diagnostic import Applicability, Edit, Finding, Fix, FixedEdit, Severity
from lint.reporters import BLOCK, FORMATS, ReportContext, get_reporter
from lint.reporters.full import _printable, _width
from lint.reporters.json import finding_dict
from lint.reporters.sarif import indented, sarif_log


class RecordingStream(io.StringIO):
    """A text stream that counts the writes it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, s: str) -> int:
        self.writes += 1
        return super().write(s)


def finding(i: int, **kw: object) -> Finding:
    base: dict[str, object] = dict(
        path=f"notes/n{i % 300}.md", line=i % 50 + 1, column=3, end_line=i % 50 + 1,
        end_column=9, code="LNK001", rule="broken-link", severity=Severity.ERROR,
        message=f"broken link: no note `missing_{i}` in the vault", start=5, end=11,
        root="/vault",
    )
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def fixable(i: int) -> Finding:
    return finding(
        i, code="ENC001", rule="mojibake", severity=Severity.WARNING, help="decode it once",
        fix=Fix((Edit(5, 11, "café"),), Applicability.SAFE),
        fix_edits=(FixedEdit(1, 3, 1, 9, "café"),),
    )


MANY = [fixable(i) if i % 3 == 0 else finding(i) for i in range(5000)]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_many_findings_take_few_writes(fmt: str) -> None:
    out = RecordingStream()
    sources = {f.path: "line\n" * 60 for f in MANY}
    get_reporter(fmt)(MANY, out, ReportContext(cwd="/vault", sources=sources, files_checked=300))
    # Thousands of findings, a handful of blocks: not a write per line or per token.
    assert out.writes <= len(out.getvalue()) // BLOCK + 3


# --- JSON: the same text as json.dumps(indent=2) of the documented dicts ---------

texts = st.text(st.characters(), max_size=30)
edits = st.builds(FixedEdit, st.integers(1, 10**6), st.integers(1, 10**6),
                  st.integers(1, 10**6), st.integers(1, 10**6), texts)
findings = st.builds(
    Finding, path=texts.filter(bool), line=st.integers(0, 10**9), column=st.integers(0, 10**9),
    end_line=st.integers(0, 10**9), end_column=st.integers(0, 10**9), code=texts, rule=texts,
    severity=st.sampled_from(Severity), message=texts, help=st.none() | texts,
    fix=st.none() | st.builds(Fix, st.just(()), st.sampled_from(Applicability)),
    fix_edits=st.lists(edits, max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(findings, max_size=4))
def test_json_is_the_standard_encoders_text(items: list[Finding]) -> None:
    out = io.StringIO()
    get_reporter("json")(items, out, ReportContext(cwd="/"))
    expected = json.dumps([finding_dict(f, "/") for f in items], indent=2, ensure_ascii=True)
    assert out.getvalue() == expected + "\n"


# --- SARIF: the same text as json.dump(indent=2, ensure_ascii=False) -------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(texts, inner, max_size=3)
    | st.dictionaries(st.integers(), inner, max_size=2),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_indented_is_the_standard_encoders_text(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("items", [[], MANY[:50]], ids=["none", "some"])
def test_sarif_is_the_standard_encoders_text(items: list[Finding]) -> None:
    out = io.StringIO()
    ctx = ReportContext(cwd="/vault")
    get_reporter("sarif")(items, out, ctx)
    expected = json.dumps(sarif_log(items, ctx, "/vault"), indent=2, ensure_ascii=False)
    assert out.getvalue() == expected + "\n"


# --- full: code frames show characters as they did one by one --------------------

def _printable_by_character(s: str) -> str:
    shown = []
    for ch in s:
        if ch == "\t":
            shown.append("    ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") or ch == "\ufffd":
            shown.append(f"<U+{ord(ch):04X}>")
        else:
            shown.append(ch)
    return "".join(shown)


def _width_by_character(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F")
               else 0 if unicodedata.combining(c) else 1 for c in s)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(), max_size=40))
def test_frames_show_every_character_as_before(s: str) -> None:
    assert _printable(s) == _printable_by_character(s)
    assert _width(s) == _width_by_character(s)


# --- cached findings -------------------------------------------------------------

def test_a_pickled_finding_comes_back_whole_through_its_constructor() -> None:
    values = dict(
        path="a.md", line=2, column=3, end_line=4, end_column=5, code="ENC001", rule="mojibake",
        severity=Severity.INFO, message="m", help="h",
        fix=Fix((Edit(1, 2, "x"),), Applicability.UNSAFE, drop_bom=True),
        fix_edits=(FixedEdit(1, 2, 3, 4, "x"),), start=6, end=7, root="/vault",
    )
    assert set(values) == {f.name for f in fields(Finding)}  # every field, none left at its default
    blob = pickle.dumps([Finding(**values)], pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
    (back,) = pickle.loads(blob)
    assert {name: getattr(back, name) for name in values} == values
    # No BUILD: a warm run loads thousands of findings, and the dataclass's own
    # __setstate__ (fields looked up and set one at a time) costs more than the constructor.
    assert "BUILD" not in {op.name for op, _, _ in pickletools.genops(blob)}


# --- JUnit: the text ElementTree wrote for the same tree ---------------------------

def _junit_by_elementtree(items: list[Finding], cwd: str) -> str:
    import xml.etree.ElementTree as ET
    from itertools import groupby

    from lint.reporters.junit import _clean

    suites = ET.Element("testsuites", name="notelint", tests=str(max(len(items), 1)),
                        failures=str(len(items)))
    if not items:
        suite = ET.SubElement(suites, "testsuite", name="notelint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="notelint", classname="notelint")
    key = lambda f: f.display_path(cwd)  # noqa: E731
    for path, group in groupby(sorted(items, key=key), key=key):
        found = list(group)
        suite = ET.SubElement(suites, "testsuite", name=_clean(path), tests=str(len(found)),
                              failures=str(len(found)))
        for f in found:
            case = ET.SubElement(suite, "testcase", name=_clean(f"{f.code} {f.rule} at {f.line}:{f.column}"),
                                 classname=_clean(path), line=str(f.line), file=_clean(path))
            failure = ET.SubElement(case, "failure", message=_clean(f.message), type=f.severity.value)
            body = f"{path}:{f.line}:{f.column}: {f.code} {f.message}"
            if f.help:
                body += f"\nhelp: {f.help}"
            failure.text = _clean(body)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(findings, max_size=4))
def test_junit_is_the_text_elementtree_wrote(items: list[Finding]) -> None:
    out = io.StringIO()
    get_reporter("junit")(items, out, ReportContext(cwd="/"))
    assert out.getvalue() == _junit_by_elementtree(items, "/")
