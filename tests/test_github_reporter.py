"""The workflow-command reporter, read back the way the Actions runner parses it."""

from __future__ import annotations

import io
import os
import re

import pytest

from lint.diagnostic import Finding, Severity
from lint.reporters import ReportContext, get_reporter
from lint.reporters.github import (
    SUMMARY_LIMIT,
    escape_data,
    escape_property,
    report,
    summary_markdown,
)

COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::(.*)$")
PLAIN = re.compile(r"^(error|warning|notice): ")


def finding(
    path: str = "a.md",
    line: int = 1,
    column: int = 1,
    end_line: int | None = None,
    end_column: int | None = None,
    severity: Severity = Severity.ERROR,
    message: str = "broken link [[x]]",
    code: str = "NL001",
    rule: str = "broken-link",
    help: str | None = None,
    root: str = "",
) -> Finding:
    return Finding(
        path=path,
        line=line,
        column=column,
        end_line=line if end_line is None else end_line,
        end_column=column + 3 if end_column is None else end_column,
        code=code,
        rule=rule,
        severity=severity,
        message=message,
        help=help,
        root=root,
    )


def unescape(text: str, prop: bool) -> str:
    """The runner's unescaping (ActionCommand.cs), in its order."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if prop:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, raw in pairs + [("%25", "%")]:
        text = text.replace(escaped, raw)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Split a command line as the runner does: properties up to the first `::`."""
    m = COMMAND.match(line)
    assert m, line
    props: dict[str, str] = {}
    for pair in (m.group(2) or "").strip().split(","):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = unescape(value, prop=True)
    return m.group(1), props, unescape(m.group(3), prop=False)


def run(
    findings: list[Finding], env: dict[str, str] | None = None, cwd: str = "/repo"
) -> list[str]:
    out = io.StringIO()
    report(findings, out, ReportContext(cwd=cwd), env=env or {})
    return out.getvalue().splitlines()


def test_registered_as_format() -> None:
    assert get_reporter("github") is report


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A", "%250A", "%250A"),  # an already-escaped-looking text stays itself
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop
    assert unescape(data, prop=False) == raw
    assert unescape(prop, prop=True) == raw


def test_message_and_path_survive_the_runner() -> None:
    message = "50% done, see: [[a,b]]\r\nnext line"
    path = "dir, with: colon/50% note.md"
    [line] = run([finding(path=path, message=message, line=3, column=5, end_column=9)])
    level, props, text = parse(line)
    assert level == "error"
    # Commas and colons in the message are not escaped: they would show literally.
    assert "%2C" not in line.split("::", 2)[2] and "%3A" not in line.split("::", 2)[2]
    assert props == {
        "file": path,
        "line": "3",
        "endLine": "3",
        "col": "5",
        "endColumn": "9",
        "title": "NL001 broken-link",
    }
    assert text == f"{path}:3:5: {message}"


def test_columns_only_on_single_line_spans() -> None:
    [line] = run([finding(line=2, end_line=4, column=3, end_column=2)])
    _, props, _ = parse(line)
    assert props["line"] == "2" and props["endLine"] == "4"
    assert "col" not in props and "endColumn" not in props


def test_help_goes_on_its_own_line() -> None:
    [line] = run([finding(help="did you mean [[y]]?")])
    assert parse(line)[2].endswith("\nhelp: did you mean [[y]]?")


def test_severity_levels() -> None:
    lines = run(
        [
            finding(severity=Severity.INFO, path="c.md"),
            finding(severity=Severity.WARNING, path="b.md"),
            finding(severity=Severity.ERROR, path="a.md"),
        ]
    )
    assert [parse(x)[0] for x in lines] == ["error", "warning", "notice"]


def test_paths_are_relative_to_the_workspace(tmp_path) -> None:
    vault = tmp_path / "docs" / "vault"
    f = finding(path="sub/n.md", root=str(vault))
    [line] = run([f], env={"GITHUB_WORKSPACE": str(tmp_path)}, cwd=str(vault))
    assert parse(line)[1]["file"] == "docs/vault/sub/n.md"
    # Without GITHUB_WORKSPACE the current directory is the root.
    [line] = run([f], env={}, cwd=str(tmp_path / "docs"))
    assert parse(line)[1]["file"] == "vault/sub/n.md"


def test_ten_per_level_errors_first_then_one_notice() -> None:
    findings = (
        [finding(path=f"w{i:02}.md", severity=Severity.WARNING) for i in range(13)]
        + [finding(path=f"e{i:02}.md", severity=Severity.ERROR) for i in range(12)]
        + [finding(path=f"i{i:02}.md", severity=Severity.INFO) for i in range(11)]
    )
    lines = run(findings)
    assert len(lines) == len(findings) + 1
    commands = [parse(x) for x in lines if x.startswith("::")]
    plain = [x for x in lines if PLAIN.match(x)]
    assert len(commands) + len(plain) == len(lines)

    levels = [c[0] for c in commands[:-1]]
    assert levels == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 9
    # Errors first, then the rest: the 12 errors come before any warning line.
    kinds = [x.split(" ")[0].strip(":") if x.startswith("::") else x.split(":")[0] for x in lines]
    assert kinds[:12] == ["error"] * 12
    assert kinds[12:25] == ["warning"] * 13
    assert "e10.md" in plain[0] and "e11.md" in plain[1]

    # The closing notice is the 10th notice, so it is itself annotated.
    level, props, text = commands[-1]
    assert lines[-1].startswith("::notice")
    assert level == "notice" and props == {"title": "notelint"}
    left_out = 2 + 3 + 2
    assert text.startswith(f"{left_out} more findings not annotated")
    assert f"All {len(findings)} are listed in the log above" in text


def test_exactly_ten_per_level_needs_no_notice() -> None:
    findings = [finding(path=f"{s.value}{i}.md", severity=s) for s in Severity for i in range(10)]
    lines = run(findings)
    assert len(lines) == 30 and all(x.startswith("::") for x in lines)


def test_no_note_text_starts_an_output_line() -> None:
    evil = "x\n::error file=evil.md::pwned\r::add-mask::secret\n::stop-commands::t"
    findings = [finding(path=f"n{i:02}.md", message=evil) for i in range(15)]
    findings.append(finding(path="::warning::.md", message=evil, severity=Severity.WARNING))
    for line in run(findings):
        assert COMMAND.match(line) or PLAIN.match(line), line
        if line.startswith("::"):
            # Our commands only: the level is ours, the message is one escaped line.
            assert "\n" not in line and "\r" not in line
    assert all(
        line.startswith(("::error ", "::warning ", "::notice ", "error: ", "warning: ", "notice: "))
        for line in run(findings)
    )


def test_step_summary_is_appended(tmp_path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    findings = [
        finding(path="a|b.md", message="pipe | and <script>alert(1)</script>\nline two", line=4),
        finding(path="c.md", severity=Severity.WARNING, code="NL002", rule="orphan"),
    ] + [finding(path=f"e{i:02}.md") for i in range(11)]
    env = {
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_SHA": "abc123",
    }
    lines = run(findings, env=env)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n")
    assert "### notelint: 12 errors, 1 warning" in text
    rows = [x for x in text.splitlines() if x.startswith("| ") and "---" not in x][1:]
    assert len(rows) == len(findings)
    first = rows[0]
    # One row per finding, whatever the note text holds.
    assert first.count(" | ") == 4
    assert "a\\|b.md" in first and "&lt;script&gt;" in first and "<br>line two" in first
    assert "](https://github.example/o/r/blob/abc123/a%7Cb.md#L4)" in first
    assert "listed in the job summary" in lines[-1]


def test_step_summary_stays_within_one_mebibyte(tmp_path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * 1000)
    big = "é" * 3000  # two bytes each in UTF-8
    findings = [finding(path=f"n{i:04}.md", message=big) for i in range(400)]
    run(findings, env={"GITHUB_STEP_SUMMARY": str(summary)})
    size = os.path.getsize(summary)
    assert size <= SUMMARY_LIMIT
    text = summary.read_text(encoding="utf-8")
    assert re.search(
        r"_\d+ more findings not listed: the step summary is limited to 1 MiB\._", text
    )


def test_summary_without_findings() -> None:
    ctx = ReportContext(cwd="/", files_checked=3)
    assert (
        summary_markdown([], ctx, {}, SUMMARY_LIMIT) == "### notelint: no problems in 3 files\n\n"
    )


def test_no_findings_prints_nothing(tmp_path) -> None:
    assert run([]) == []
