"""Review suggestions: diff-hunk mapping, fences, and the review PyGithub really sends."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import FakeGitHub
from github import Auth, Github

from lint.diagnostic import Applicability, Edit, Finding, Fix, Severity
from lint.github.checks import GitHubError
from lint.github.review import (
    MAX_COMMENTS,
    ReviewUnavailable,
    commentable_lines,
    fence,
    publish_review,
    replacement,
)
from lint.reporters import ReportContext

HEAD = "a" * 40
PATCH = "@@ -1,3 +1,4 @@\n line one\n-old two\n+new two\n+added three\n line four\n@@ -10,2 +11,2 @@\n-x\n+y\n z"


def test_commentable_lines() -> None:
    assert commentable_lines(PATCH) == {1, 2, 3, 4, 11, 12}
    assert commentable_lines(None) == set()
    assert commentable_lines("@@ -0,0 +1 @@\n+only\n\\ No newline at end of file") == {1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("plain", "```"), ("a `code` span", "```"), ("```py", "````"), ("x ````` y", "``````")],
)
def test_fence_is_longer_than_any_backtick_run(text: str, expected: str) -> None:
    assert fence(text) == expected


def fixable(text: str, old: str, new: str, path: str = "n.md", nth: int = 0, **kw) -> Finding:
    start = [m.start() for m in re.finditer(re.escape(old), text)][nth]
    line = text.count("\n", 0, start) + 1
    return Finding(
        path=path,
        line=line,
        column=1,
        end_line=line,
        end_column=2,
        code="ENC001",
        rule="mojibake",
        severity=Severity.WARNING,
        message="mojibake",
        fix=Fix(edits=(Edit(start, start + len(old), new),), **kw),
        start=start,
        end=start + len(old),
    )


def test_replacement_covers_whole_lines() -> None:
    text = "a\r\nthe marketâ€™s mood\r\nc\r\n"
    assert replacement(fixable(text, "â€™", "’"), text) == (2, 2, "the market’s mood")
    text = "one\ntwo\nthree\n"
    f = fixable(text, "two\nthr", "2\n3")
    assert replacement(f, text) == (2, 3, "2\n3ee")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 5, "head": {"sha": HEAD}}}))
    return {
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "octo/vault",
        "GITHUB_TOKEN": "ghs_reviewT0ken",
        "GITHUB_WORKSPACE": str(tmp_path),
    }


def client(fake: FakeGitHub) -> Github:
    return Github(
        auth=Auth.Token("ghs_reviewT0ken"),
        base_url=fake.base_url,
        lazy=True,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def test_review_with_suggestions_only_inside_the_diff(fake, env) -> None:
    text = "".join(f"line {i} with ``` fence and â€™\n" for i in range(1, 61))
    ctx = ReportContext(cwd=env["GITHUB_WORKSPACE"], sources={"n.md": text})
    findings = [fixable(text, "and â€™", "’", nth=i - 1) for i in range(1, 61)]
    findings.append(fixable(text, "line 3 ", "L3 ", applicability=Applicability.DISPLAY_ONLY))
    # Lines 1-40 are in the diff; 41-60 are not and must not be commented on.
    patch = "@@ -0,0 +1,40 @@\n" + "".join(f"+line {i}\n" for i in range(1, 41))
    fake.pr_files = [{"filename": "n.md", "status": "added", "patch": patch}]
    url = publish_review(findings, ctx, env, io.StringIO(), github=client(fake))
    assert url == "https://github.example/octo/vault/pull/5#r9"

    [post] = fake.writes()
    assert post.path == "/repos/octo/vault/pulls/5/reviews"
    assert post.body["commit_id"] == HEAD and post.body["event"] == "COMMENT"
    comments = post.body["comments"]
    assert len(comments) == MAX_COMMENTS
    assert "10 more" in post.body["body"]
    first = comments[0]
    assert (first["path"], first["line"], first["side"]) == ("n.md", 1, "RIGHT")
    # The text holds a ``` run, so the suggestion fence is four backticks.
    assert first["body"].endswith("````suggestion\nline 1 with ``` fence ’\n````")
    assert all(c["line"] <= 40 for c in comments)


def test_review_refused_on_a_read_only_token(fake, env) -> None:
    text = "the marketâ€™s mood\n"
    fake.pr_files = [{"filename": "n.md", "status": "added", "patch": "@@ -0,0 +1 @@\n+x"}]
    fake.mode = "forbidden"
    ctx = ReportContext(cwd=env["GITHUB_WORKSPACE"], sources={"n.md": text})
    with pytest.raises(ReviewUnavailable, match="403"):
        publish_review([fixable(text, "â€™", "’")], ctx, env, io.StringIO(), github=client(fake))


def test_no_pull_request_no_review(fake, env) -> None:
    env = {k: v for k, v in env.items() if k != "GITHUB_EVENT_PATH"} | {"GITHUB_SHA": HEAD}
    log = io.StringIO()
    assert publish_review([], ReportContext(cwd="/"), env, log, github=client(fake)) is None
    assert "not a pull request" in log.getvalue() and fake.requests == []


def through_env(fake: FakeGitHub, env: dict[str, str]) -> dict[str, str]:
    # No client passed: notelint builds its own (retry, timeouts) from GITHUB_API_URL.
    return env | {"GITHUB_API_URL": fake.base_url, "NOTELINT_GITHUB_DEADLINE": "30"}


def mojibake_pr(fake: FakeGitHub, env: dict[str, str]) -> tuple[list[Finding], ReportContext]:
    text = "the marketâ€™s mood\n"
    fake.pr_files = [{"filename": "n.md", "status": "added", "patch": "@@ -0,0 +1 @@\n+x"}]
    return [fixable(text, "â€™", "’")], ReportContext(cwd=env["GITHUB_WORKSPACE"], sources={"n.md": text})


def test_a_review_answered_502_is_posted_once(fake, env) -> None:
    # The review may exist although its answer was lost: a second POST would duplicate it.
    fake.faults = {"POST /repos/octo/vault/pulls/5/reviews": ["502"]}
    findings, ctx = mojibake_pr(fake, env)
    with pytest.raises(GitHubError, match="posting the review failed: HTTP 502"):
        publish_review(findings, ctx, through_env(fake, env), io.StringIO())
    assert fake.count("POST", "/repos/octo/vault/pulls/5/reviews") == 1


def test_a_read_answered_502_is_retried(fake, env) -> None:
    fake.faults = {"GET /repos/octo/vault/pulls/5/files": ["502"]}
    findings, ctx = mojibake_pr(fake, env)
    url = publish_review(findings, ctx, through_env(fake, env), io.StringIO())
    assert url == "https://github.example/octo/vault/pull/5#r9"
    assert fake.count("GET", "/repos/octo/vault/pulls/5/files") == 2
    assert fake.count("POST", "/repos/octo/vault/pulls/5/reviews") == 1
