"""The installed `notelint` command and the action's driver against a local GitHub.

Everything is real (the console script in a subprocess, PyGithub, requests, HTTP); only
GitHub is replaced by tests/fake_github.py, reached through GITHUB_API_URL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from conftest import run_notelint
from fake_github import FakeGitHub, refused_url

TOKEN = "ghs_cliS3cretT0ken0123456789abcdefABCDEF"
HEAD = "d" * 40
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def video(i: int) -> str:
    # Two findings each: an unquoted numeric videoId (frontmatter-schema) and no
    # `From: [[...]]` line (missing-source). The text holds `,`, `:` and `%`.
    return (
        f"---\ntitle: Video {i}\nvideoId: {1234567000 + i}\n---\n\n"
        "Text with a comma, a colon: and 100% of it.\n\n## Part\n"
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository checkout with a 30-note vault (60 findings) and one clean note."""
    vault = tmp_path / "repo" / "vault"
    vault.mkdir(parents=True)
    for i in range(30):
        (vault / f"video_{i:02}.md").write_text(video(i), encoding="utf-8")
    (vault / "fine.md").write_text("---\ntitle: Fine\n---\n\nFine.\n", encoding="utf-8")
    return tmp_path / "repo"


def github_env(workspace: Path, fake_url: str, **extra: str) -> dict[str, str]:
    event = workspace.parent / "event.json"
    event.write_text(
        json.dumps({"number": 5, "pull_request": {"number": 5, "head": {"sha": HEAD}}}),
        encoding="utf-8",
    )
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": fake_url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "octo/vault",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SHA": "e" * 40,
        "GITHUB_WORKSPACE": str(workspace),
        **extra,
    }


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text


def test_check_run_with_60_findings(fake, workspace) -> None:
    env = github_env(workspace, fake.base_url)
    done = run_notelint(
        "check", "vault", "--output-format", "concise", "--github-check-run", cwd=workspace, env=env
    )
    assert done.returncode == 1, done.stderr
    writes = fake.writes()
    assert [(r.method, r.path, len(r.body["output"]["annotations"])) for r in writes] == [
        ("POST", "/repos/octo/vault/check-runs", 50),
        ("PATCH", "/repos/octo/vault/check-runs/7", 10),
    ]
    create, patch = (r.body for r in writes)
    assert create["head_sha"] == HEAD and create["name"] == "notelint"
    assert create["status"] == "in_progress"
    assert (patch["status"], patch["conclusion"]) == ("completed", "failure")
    assert create["output"]["title"] == "notelint: 60 errors, 0 warnings"
    assert "| `FM002` frontmatter-schema | 30 |" in create["output"]["summary"]
    first = create["output"]["annotations"][0]
    assert first["path"] == "vault/video_00.md" and first["annotation_level"] == "failure"
    assert first["start_line"] == first["end_line"] == 3 and "start_column" in first
    # The log keeps the plain findings and the run's URL; no workflow commands.
    assert "https://github.example/octo/vault/runs/7" in done.stderr
    assert "::error" not in done.stdout and done.stdout.count("\n") >= 60
    assert_no_token(done.stdout, done.stderr)


def test_read_only_token_falls_back_to_workflow_commands(fake, workspace) -> None:
    fake.mode = "forbidden"
    summary = workspace.parent / "summary.md"
    env = github_env(workspace, fake.base_url, GITHUB_STEP_SUMMARY=str(summary))
    done = run_notelint("check", "vault", "--github-check-run", cwd=workspace, env=env)
    # Exit as the findings say, not as an error.
    assert done.returncode == 1, done.stderr
    assert [r.method for r in fake.writes()] == ["POST"]
    # One log line says why, and names no token.
    [fallback] = done.stderr.splitlines()
    assert "check run" in fallback and "Resource not accessible by integration" in fallback
    lines = done.stdout.splitlines()
    annotated = [x for x in lines if x.startswith("::error ")]
    assert len(annotated) == 10
    assert annotated[0].startswith("::error file=vault/video_00.md,line=3,endLine=3,col=10,")
    assert lines[-1].startswith("::notice title=notelint::50 more findings not annotated")
    table = summary.read_text(encoding="utf-8")
    assert "### notelint: 60 errors, 0 warnings" in table
    assert len(re.findall(r"^\| error \| ", table, flags=re.M)) == 60
    assert_no_token(done.stdout, done.stderr, table)


def test_unreachable_api_exits_2(workspace) -> None:
    env = github_env(workspace, refused_url())
    done = run_notelint("check", "vault", "--github-check-run", cwd=workspace, env=env, timeout=300)
    assert done.returncode == 2
    assert "cannot reach the GitHub API" in done.stderr
    assert_no_token(done.stdout, done.stderr)


def test_github_format_is_automatic_on_actions(workspace) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace)}
    # Run from inside the vault: paths are still relative to the repository root.
    done = run_notelint("check", ".", cwd=workspace / "vault", env=env)
    assert done.stdout.startswith("::error file=vault/video_00.md,")
    # Text from the notes never starts a line: every line is a command or prefixed.
    for line in done.stdout.splitlines():
        assert re.match(r"^(::(error|warning|notice) |(error|warning|notice): )", line), line


def test_sarif_from_the_command_is_valid(workspace) -> None:
    done = run_notelint("check", "vault", "--output-format", "sarif", cwd=workspace)
    log = json.loads(done.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 60
    assert {r["ruleId"] for r in results} == {"FM002", "SRC001"}
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"FM002", "SRC001"} <= rules


def run_action(workspace: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    full |= env | {"NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-P", "-m", "lint.github.action"],
        cwd=workspace,
        env=full,
        text=True,
        capture_output=True,
        timeout=300,
    )


def test_action_driver_with_check_run_and_outputs(fake, workspace) -> None:
    outputs = workspace.parent / "outputs.txt"
    env = github_env(
        workspace,
        fake.base_url,
        GITHUB_OUTPUT=str(outputs),
        INPUT_PATHS="vault",
        INPUT_CHECK_RUN="true",
        INPUT_FAIL_ON="never",
    )
    done = run_action(workspace, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [len(r.body["output"]["annotations"]) for r in fake.writes()] == [50, 10]
    assert outputs.read_text(encoding="utf-8") == "errors=60\nwarnings=0\nnotices=0\n"
    env["INPUT_FAIL_ON"] = "error"
    assert run_action(workspace, env).returncode == 1


def test_action_driver_changed_only_reports_changed_notes(fake, workspace) -> None:
    # No git checkout here: the driver asks the API for the pull request's files.
    fake.pr_files = [
        {"filename": "vault/video_03.md", "status": "modified"},
        {"filename": "vault/gone.md", "status": "removed"},
        {"filename": "README.md", "status": "modified"},
    ]
    outputs = workspace.parent / "outputs.txt"
    env = github_env(
        workspace,
        fake.base_url,
        GITHUB_OUTPUT=str(outputs),
        INPUT_PATHS="vault",
        INPUT_CHANGED_ONLY="true",
    )
    done = run_action(workspace, env)
    assert done.returncode == 1, done.stdout + done.stderr
    gets = [r.path for r in fake.requests if r.method == "GET"]
    assert "/repos/octo/vault/pulls/5/files" in gets
    [create] = fake.writes()
    paths = {a["path"] for a in create.body["output"]["annotations"]}
    assert paths == {"vault/video_03.md"}
    assert outputs.read_text(encoding="utf-8") == "errors=2\nwarnings=0\nnotices=0\n"


def test_action_driver_changed_only_without_changed_notes(fake, workspace) -> None:
    fake.pr_files = [{"filename": "README.md", "status": "modified"}]
    outputs = workspace.parent / "outputs.txt"
    env = github_env(
        workspace,
        fake.base_url,
        GITHUB_OUTPUT=str(outputs),
        INPUT_PATHS="vault",
        INPUT_CHANGED_ONLY="true",
    )
    done = run_action(workspace, env)
    assert done.returncode == 0
    assert "changes no notes" in done.stdout
    assert fake.writes() == []


# Issue 17, item 4: the token never reaches the log, and a stuck API cannot hold a run.
CORE = "S3cretC0reQx7"  # every way the token can be written out keeps this run of characters
CHECK_RUNS = "/repos/octo/vault/check-runs"
FILES = "/repos/octo/vault/pulls/5/files"
FORMATS = ["concise", "full", "json", "github", "sarif", "junit"]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert CORE not in text, text


def test_token_whitespace_around_it_is_stripped(fake, workspace) -> None:
    env = github_env(workspace, fake.base_url, GITHUB_TOKEN=f" ghp_{CORE}\n")
    done = run_notelint(
        "check", "vault", "--output-format", "concise", "--github-check-run", cwd=workspace, env=env
    )
    assert done.returncode == 1, done.stderr
    assert [r.headers["authorization"] for r in fake.writes()] == [f"token ghp_{CORE}"] * 2
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("flag", ["--github-check-run", "--github-review"])
@pytest.mark.parametrize("inside", ["\n", " ", "\t", "\r", "\x1b", "\x7f", "é"])
def test_token_with_whitespace_or_control_inside_is_refused(fake, workspace, flag, inside) -> None:
    env = github_env(workspace, fake.base_url, GITHUB_TOKEN=f"ghp_{CORE}{inside}x\n")
    done = run_notelint("check", "vault", flag, cwd=workspace, env=env)
    assert done.returncode == 2
    assert "GITHUB_TOKEN" in done.stderr and "Traceback" not in done.stderr
    assert fake.requests == []  # never sent anywhere
    assert_no_secret(done.stdout, done.stderr)


# A token of printable characters that every escaping changes: quote, backslash, percent.
HOSTILE = f"ghp_{CORE}\"\\%'+/=&<\n"


# Where a refusal (403) only skips the GitHub step, the findings are still printed in the
# chosen format next to the API's message; an error (500) stops with exit 2.
ECHOES = [
    *[("--github-check-run", f"POST {CHECK_RUNS}", ["echo-403"], 1, fmt) for fmt in FORMATS],
    *[("--github-review", f"GET {FILES}", ["echo-403"], 1, fmt) for fmt in FORMATS],
    ("--github-check-run", f"POST {CHECK_RUNS}", ["echo-500"], 2, "json"),
    ("--github-review", f"GET {FILES}", ["echo-500"] * 10, 2, "json"),
]


@pytest.mark.parametrize(("flag", "request_line", "answers", "code", "fmt"), ECHOES)
def test_an_api_echoing_the_token_never_gets_it_printed(
    fake, workspace, flag, request_line, answers, code, fmt
) -> None:
    fake.faults = {request_line: list(answers)}
    env = github_env(
        workspace, fake.base_url, GITHUB_TOKEN=HOSTILE, NOTELINT_GITHUB_DEADLINE="30"
    )
    done = run_notelint("check", "vault", "--output-format", fmt, flag, cwd=workspace, env=env)
    assert done.returncode == code, done.stderr
    # One line, keeping the API's message without the token.
    [line] = done.stderr.splitlines()
    assert "Bad credentials" in line and "Traceback" not in done.stderr
    if code == 1:
        assert "vault/video_00.md" in done.stdout  # the findings, in the chosen format
    assert_no_secret(done.stdout, done.stderr)


def limits(timeout: float, deadline: float) -> dict[str, str]:
    return {"NOTELINT_GITHUB_TIMEOUT": str(timeout), "NOTELINT_GITHUB_DEADLINE": str(deadline)}


# The run's own limits below give up within seconds; the code before them took 168 s.
# Generous, for a machine busy with other work: a ceiling, not a measure.
CEILING = 90


@pytest.mark.parametrize("flag", ["--github-check-run", "--github-review"])
def test_an_api_that_never_answers_is_given_up_at_the_deadline(fake, workspace, flag) -> None:
    fake.mode = "hang"
    env = github_env(workspace, fake.base_url, **limits(timeout=20, deadline=2))
    done = run_notelint("check", "vault", flag, cwd=workspace, env=env, timeout=CEILING)
    assert done.returncode == 2
    assert "gave up" in done.stderr and "NOTELINT_GITHUB_DEADLINE" in done.stderr
    assert fake.count("POST", CHECK_RUNS) == (1 if flag == "--github-check-run" else 0)


def test_a_create_that_times_out_is_not_sent_again(fake, workspace) -> None:
    # The API may well have created the run before the answer was lost: a second POST
    # would make a second `notelint` check on the pull request.
    fake.faults = {f"POST {CHECK_RUNS}": ["hang"]}
    env = github_env(workspace, fake.base_url, **limits(timeout=1, deadline=30))
    done = run_notelint("check", "vault", "--github-check-run", cwd=workspace, env=env,
                        timeout=CEILING)
    assert done.returncode == 2
    assert "gave up" in done.stderr and "NOTELINT_GITHUB_TIMEOUT" in done.stderr
    assert fake.count("POST", CHECK_RUNS) == 1
    assert_no_token(done.stdout, done.stderr)


def test_a_create_answered_502_is_not_sent_again(fake, workspace) -> None:
    fake.faults = {f"POST {CHECK_RUNS}": ["502"]}
    env = github_env(workspace, fake.base_url, **limits(timeout=5, deadline=30))
    done = run_notelint("check", "vault", "--github-check-run", cwd=workspace, env=env,
                        timeout=CEILING)
    assert done.returncode == 2
    assert "creating the check run failed: HTTP 502" in done.stderr
    assert fake.count("POST", CHECK_RUNS) == 1
    assert fake.writes()[0].headers["authorization"] == f"token {TOKEN}"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_bad_limits_are_a_clear_error(fake, workspace, value) -> None:
    env = github_env(workspace, fake.base_url, NOTELINT_GITHUB_DEADLINE=value)
    done = run_notelint("check", "vault", "--github-check-run", cwd=workspace, env=env)
    assert done.returncode == 2
    assert "NOTELINT_GITHUB_DEADLINE" in done.stderr and "Traceback" not in done.stderr
    assert fake.requests == []
