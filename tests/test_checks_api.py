"""publish_check_run through real PyGithub over real HTTP to a local recording server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import FakeGitHub, refused_url
from github import Auth, Github

from lint.diagnostic import Finding, Severity
from lint.github.checks import CheckRunUnavailable, GitHubError, publish_check_run
from lint.github.event import load_event
from lint.reporters import ReportContext, RuleMeta

TOKEN = "ghs_s3cr3tT0kenValue0123456789abcdef"
HEAD = "a" * 40
MERGE = "b" * 40


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def client(base_url: str) -> Github:
    return Github(
        auth=Auth.Token(TOKEN),
        base_url=base_url,
        lazy=True,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "number": 5,
                "pull_request": {
                    "number": 5,
                    "head": {"sha": HEAD},
                    "base": {"sha": "c" * 40},
                },
            }
        ),
        encoding="utf-8",
    )
    return {
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_SHA": MERGE,
        "GITHUB_REPOSITORY": "octo/vault",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_WORKSPACE": str(tmp_path),
    }


def findings(n: int, root: str, severity: Severity = Severity.WARNING) -> list[Finding]:
    return [
        Finding(
            path=f"notes/n{i:03}.md",
            line=i + 1,
            column=2,
            end_line=i + 1 if i % 2 == 0 else i + 2,
            end_column=6,
            code="NL001" if i % 3 else "NL002",
            rule="broken-link" if i % 3 else "orphan-note",
            severity=severity,
            message=f"no note named 'x{i}'",
            root=root,
        )
        for i in range(n)
    ]


def ctx(root: str) -> ReportContext:
    meta = RuleMeta("NL001", "broken-link", "Links must resolve", "error", True, "doc")
    return ReportContext(cwd=root, rules={"broken-link": meta}, files_checked=200)


def vault(env: dict[str, str]) -> str:
    return str(Path(env["GITHUB_WORKSPACE"]) / "vault")


def publish(fake: FakeGitHub, env: dict[str, str], items: list[Finding]) -> tuple[str, str]:
    log = io.StringIO()
    url = publish_check_run(items, ctx(vault(env)), env, log, github=client(fake.base_url))
    return url, log.getvalue()


def test_event_head_sha_wins_over_merge_sha(env: dict[str, str]) -> None:
    event = load_event(env)
    assert (event.head_sha, event.pr_number, event.repository) == (HEAD, 5, "octo/vault")
    push = {k: v for k, v in env.items() if k != "GITHUB_EVENT_PATH"}
    assert load_event(push).head_sha == MERGE and load_event(push).pr_number is None


def test_120_findings_arrive_50_at_a_time_on_the_head_sha(fake, env) -> None:
    items = findings(120, vault(env), Severity.ERROR)
    url, log = publish(fake, env, items)
    assert url == "https://github.example/octo/vault/runs/7"
    assert log == ""  # the CLI prints the URL

    writes = fake.writes()
    assert [(r.method, r.path) for r in writes] == [
        ("POST", "/repos/octo/vault/check-runs"),
        ("PATCH", "/repos/octo/vault/check-runs/7"),
        ("PATCH", "/repos/octo/vault/check-runs/7"),
    ]
    assert [len(r.body["output"]["annotations"]) for r in writes] == [50, 50, 20]
    create = writes[0].body
    assert create["name"] == "notelint" and create["head_sha"] == HEAD
    assert create["status"] == "in_progress" and "conclusion" not in create
    assert writes[-1].body["status"] == "completed"
    assert writes[-1].body["conclusion"] == "failure"
    assert "conclusion" not in writes[1].body
    for r in writes:
        assert r.headers["authorization"] == f"token {TOKEN}"
        assert r.body["output"]["title"] == "notelint: 120 errors, 0 warnings"
    # Every finding annotated exactly once, in order.
    sent = [a for r in writes for a in r.body["output"]["annotations"]]
    assert [a["path"] for a in sent] == [f"vault/notes/n{i:03}.md" for i in range(120)]


def test_60_findings_make_a_create_with_50_and_a_patch_with_10(fake, env) -> None:
    publish(fake, env, findings(60, vault(env)))
    writes = fake.writes()
    assert [(r.method, len(r.body["output"]["annotations"])) for r in writes] == [
        ("POST", 50),
        ("PATCH", 10),
    ]
    assert writes[1].body["conclusion"] == "neutral"
    summary = writes[0].body["output"]["summary"]
    assert summary.startswith("notelint found 0 errors, 60 warnings in 200 files.")
    assert "| `NL001` broken-link | 40 | Links must resolve |" in summary
    assert "| `NL002` orphan-note | 20 |  |" in summary


def test_annotation_fields(fake, env) -> None:
    publish(fake, env, findings(2, vault(env)))
    [create] = fake.writes()
    one_line, two_lines = create.body["output"]["annotations"]
    assert one_line == {
        "path": "vault/notes/n000.md",
        "start_line": 1,
        "end_line": 1,
        "start_column": 2,
        "end_column": 6,
        "annotation_level": "warning",
        "title": "NL002 orphan-note",
        "message": "no note named 'x0'",
    }
    # Columns only when the span is on one line: the API rejects them otherwise.
    assert "start_column" not in two_lines and "end_column" not in two_lines
    assert (two_lines["start_line"], two_lines["end_line"]) == (2, 3)
    # Fits in one request: created completed straight away.
    assert create.body["status"] == "completed" and create.body["conclusion"] == "neutral"


def test_no_findings_is_a_success(fake, env) -> None:
    publish(fake, env, [])
    [create] = fake.writes()
    assert create.body["conclusion"] == "success"
    assert create.body["output"]["annotations"] == []
    assert create.body["output"]["title"] == "notelint: no problems"


def test_read_only_token_raises_unavailable(fake, env, capsys) -> None:
    fake.mode = "forbidden"
    log = io.StringIO()
    # Through the environment, as the CLI calls it: GITHUB_API_URL picks the server.
    env = env | {"GITHUB_API_URL": fake.base_url}
    with pytest.raises(CheckRunUnavailable) as info:
        publish_check_run(findings(3, vault(env)), ctx(vault(env)), env, log)
    message = str(info.value)
    assert "Resource not accessible by integration" in message and "403" in message
    assert [r.method for r in fake.writes()] == ["POST"]
    assert fake.writes()[0].headers["authorization"] == f"token {TOKEN}"
    out = capsys.readouterr()
    for text in (message, repr(info.value), log.getvalue(), out.out, out.err):
        assert TOKEN not in text


def test_failed_update_is_an_error_and_closes_the_run(fake, env) -> None:
    fake.mode = "fail-patch"
    with pytest.raises(GitHubError) as info:
        publish(fake, env, findings(60, vault(env)))
    assert "HTTP 500" in str(info.value) and TOKEN not in str(info.value)
    last = fake.writes()[-1].body
    assert last["status"] == "completed" and last["conclusion"] == "failure"


def test_refused_connection_is_a_github_error(env, capsys) -> None:
    log = io.StringIO()
    with pytest.raises(GitHubError) as info:
        publish_check_run(
            findings(1, vault(env)), ctx(vault(env)), env, log, github=client(refused_url())
        )
    assert "cannot reach the GitHub API" in str(info.value)
    out = capsys.readouterr()
    for text in (str(info.value), log.getvalue(), out.out, out.err):
        assert TOKEN not in text


@pytest.mark.parametrize("missing", ["GITHUB_REPOSITORY", "GITHUB_TOKEN"])
def test_missing_environment_is_a_github_error(env, missing: str) -> None:
    env = {k: v for k, v in env.items() if k != missing}
    with pytest.raises(GitHubError, match=missing):
        publish_check_run([], ctx(vault(env)), env, io.StringIO())


def test_a_failed_batch_is_not_sent_again(fake, env) -> None:
    # Each PATCH appends its annotations: resending one whose answer was lost could
    # annotate 50 findings twice. The run is still closed, once.
    fake.faults = {"PATCH /repos/octo/vault/check-runs/7": ["502"]}
    env = env | {"GITHUB_API_URL": fake.base_url, "NOTELINT_GITHUB_DEADLINE": "30"}
    with pytest.raises(GitHubError, match="adding annotations to the check run failed: HTTP 502"):
        publish_check_run(findings(60, vault(env)), ctx(vault(env)), env, io.StringIO())
    patches = [r.body for r in fake.writes() if r.method == "PATCH"]
    assert [len(p["output"].get("annotations", [])) for p in patches] == [10, 0]
    assert patches[-1]["conclusion"] == "failure"
    assert fake.count("POST", "/repos/octo/vault/check-runs") == 1


@pytest.mark.parametrize(
    "token", ["ghp_C0reXq\n", " ghp_C0reXq'\"\\%+/=&<é ", "C0reXq-not-github-shaped"]
)
def test_the_scrubber_removes_every_form_of_the_token(token: str) -> None:
    from urllib.parse import quote, quote_plus

    from lint.github.api import scrubber_for

    scrub = scrubber_for({"GITHUB_TOKEN": token})
    for secret in (token, token.strip()):
        header = f"token {secret}"
        for form in (
            secret, repr(secret), ascii(secret), json.dumps(secret), json.dumps(header),
            json.dumps(secret, ensure_ascii=False), quote(secret), quote_plus(secret),
            quote(secret, safe=""), repr(header), repr(repr(header)), repr(header.encode()),
            f"Bearer {secret}",
        ):
            assert "C0reXq" not in scrub(f"error: {form}!"), form
    # Nothing else is touched.
    text = "the token may not write checks: HTTP 403 (see docs, 100%)"
    assert scrub(text) == text


def test_the_default_deadline_grows_with_the_annotation_batches() -> None:
    from lint.github.api import deadline_for, read_limits

    # PyGithub waits a second between writes: 5,000 findings are 100 requests.
    assert deadline_for(read_limits({}), 1) == 60
    assert deadline_for(read_limits({}), 100) == 60 + 2 * 99
    set_by_user = read_limits({"NOTELINT_GITHUB_DEADLINE": "5", "NOTELINT_GITHUB_TIMEOUT": "2"})
    assert deadline_for(set_by_user, 100) == 5 and set_by_user.timeout == 2
