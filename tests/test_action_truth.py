"""The action tells the truth (issue 14): the check run's conclusion follows fail-on, the
job summary is written in every mode, and changed-only sees what a deletion broke.

The driver runs as action.yml runs it, against a local GitHub (tests/fake_github.py),
with a recorded pull request event and, for changed-only, a real git checkout.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import FakeGitHub
from test_github_cli import HEAD, github_env, run_action

CLEAN = "---\ntitle: {t}\n---\n\nFrom: [[{t}]]\n"
ERROR = "---\ntitle: E\n---\n\nSee [[Nowhere]].\n"  # broken-link, an error
WARNING = "---\ntitle: W\n---\n\nA zero\u200bwidth space.\n"  # invisible-character, a warning


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def make_repo(root: Path, notes: dict[str, str]) -> Path:
    vault = root / "vault"
    vault.mkdir(parents=True)
    for name, text in notes.items():
        (vault / name).write_text(text, encoding="utf-8")
    return root


def the_run(fake: FakeGitHub) -> tuple[str, str]:
    """The check run's name and final conclusion, as GitHub received them."""
    [create, *edits] = fake.writes()
    final = edits[-1].body if edits else create.body
    return create.body["name"], final["conclusion"]


@pytest.mark.parametrize(("notes", "fail_on", "conclusion", "rc", "headline"), [
    ({"a.md": ERROR, "b.md": WARNING}, "error", "failure", 1, "1 error, 1 warning"),
    ({"a.md": ERROR, "b.md": WARNING}, "warning", "failure", 1, "1 error, 1 warning"),
    ({"a.md": ERROR, "b.md": WARNING}, "never", "neutral", 0, "1 error, 1 warning"),
    ({"b.md": WARNING}, "error", "neutral", 0, "0 errors, 1 warning"),
    ({"b.md": WARNING}, "warning", "failure", 1, "0 errors, 1 warning"),
    ({"b.md": WARNING}, "never", "neutral", 0, "0 errors, 1 warning"),
    ({"c.md": CLEAN.format(t="C")}, "error", "success", 0, "no problems"),
    ({"c.md": CLEAN.format(t="C")}, "warning", "success", 0, "no problems"),
    ({"c.md": CLEAN.format(t="C")}, "never", "success", 0, "no problems"),
])
def test_conclusion_and_summary_follow_fail_on(
    fake, tmp_path, notes, fail_on, conclusion, rc, headline
) -> None:
    repo = make_repo(tmp_path / "repo", notes)
    summary = tmp_path / "summary.md"
    env = github_env(repo, fake.base_url, GITHUB_OUTPUT=str(tmp_path / "out"),
                     GITHUB_STEP_SUMMARY=str(summary), INPUT_PATHS="vault", INPUT_FAIL_ON=fail_on)
    done = run_action(repo, env)
    assert done.returncode == rc, done.stdout + done.stderr
    name, got = the_run(fake)
    assert got == conclusion
    assert name == "notelint findings"  # not the documented job's name
    text = summary.read_text(encoding="utf-8")
    assert f"### notelint: {headline}" in text, text


def test_check_name_input(fake, tmp_path) -> None:
    repo = make_repo(tmp_path / "repo", {"c.md": CLEAN.format(t="C")})
    env = github_env(repo, fake.base_url, INPUT_PATHS="vault", INPUT_CHECK_NAME="vault lint")
    assert run_action(repo, env).returncode == 0
    assert the_run(fake) == ("vault lint", "success")


def test_summary_in_the_fork_fallback_too(fake, tmp_path) -> None:
    fake.mode = "forbidden"
    repo = make_repo(tmp_path / "repo", {"a.md": ERROR})
    summary = tmp_path / "summary.md"
    env = github_env(repo, fake.base_url, GITHUB_STEP_SUMMARY=str(summary), INPUT_PATHS="vault")
    assert run_action(repo, env).returncode == 1
    assert "### notelint: 1 error, 0 warnings" in summary.read_text(encoding="utf-8")


def test_baseline_input_hides_recorded_findings(fake, tmp_path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.md": ERROR, "b.md": WARNING})
    base = tmp_path / "repo" / "notelint-baseline.json"
    base.write_text(json.dumps({"notelint-baseline": 1, "findings": {
        "a.md": {"broken-link": {"Nowhere": 1}}}}), encoding="utf-8")
    env = github_env(repo, fake.base_url, INPUT_PATHS="vault", INPUT_FAIL_ON="error",
                     INPUT_BASELINE="notelint-baseline.json")
    done = run_action(repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert the_run(fake)[1] == "neutral"
    [create] = fake.writes()
    assert [a["path"] for a in create.body["output"]["annotations"]] == ["vault/b.md"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def test_changed_only_fails_a_deletion_that_breaks_unchanged_notes(fake, tmp_path) -> None:
    """As actions/checkout leaves a pull request: its merge commit, fetch-depth 2."""
    origin = make_repo(tmp_path / "origin", {
        "Target.md": CLEAN.format(t="Target"), "linker.md": "---\ntitle: L\n---\n\n[[Target]]\n",
        "old.md": ERROR, "other.md": CLEAN.format(t="other"),
    })
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    base_sha = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "-b", "feature")
    git(origin, "rm", "-q", "vault/Target.md")
    git(origin, "commit", "-q", "-m", "delete a linked note")
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    git(origin, "update-ref", "refs/pull/5/merge", "HEAD")
    clone = tmp_path / "clone"
    clone.mkdir()
    git(clone, "init", "-q")
    git(clone, "fetch", "-q", "--depth=2", origin.as_uri(), "refs/pull/5/merge")
    git(clone, "checkout", "-q", "FETCH_HEAD")

    event = tmp_path / "event.json"
    event.write_text(json.dumps({"number": 5, "pull_request": {
        "number": 5, "head": {"sha": HEAD}, "base": {"sha": base_sha}}}), encoding="utf-8")
    summary = tmp_path / "summary.md"
    env = github_env(clone, fake.base_url, GITHUB_EVENT_PATH=str(event), INPUT_PATHS="vault",
                     INPUT_CHANGED_ONLY="true", GITHUB_STEP_SUMMARY=str(summary))
    done = run_action(clone, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "changes no notes" not in done.stdout
    [create] = fake.writes()
    assert create.body["conclusion"] == "failure"
    # The unchanged linker, and not the old problem elsewhere in the vault.
    assert [a["path"] for a in create.body["output"]["annotations"]] == ["vault/linker.md"]
    assert "### notelint: 1 error" in summary.read_text(encoding="utf-8")
    assert not [r for r in fake.requests if r.path.endswith("/files")]  # git knew
