"""action.yml, its driver (lint/github/action.py) and the repository's own workflow."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from lint.github.action import build_command, decide, read_outputs
from lint.github.changed import changed_notes, under
from lint.github.event import GitHubEvent

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
WORKFLOW_PATH = ROOT / ".github" / "workflows" / "notelint.yml"
DRIVER = (ROOT / "lint" / "github" / "action.py").read_text(encoding="utf-8")

INPUTS = {
    "paths",
    "config",
    "args",
    "github-token",
    "check-run",
    "changed-only",
    "fail-on",
    "allow-code",
    "python-version",
    "summary-report",
    "check-name",
    "baseline",
    "github-review",
    "cache",
}


def steps() -> list[dict[str, Any]]:
    return ACTION["runs"]["steps"]


def test_composite_with_the_documented_interface() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == INPUTS
    assert ACTION["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["check-run"]["default"] == "true"
    assert ACTION["inputs"]["changed-only"]["default"] == "false"
    assert ACTION["inputs"]["fail-on"]["default"] == "error"
    assert ACTION["inputs"]["allow-code"]["default"] == "false"
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
    assert set(ACTION["outputs"]) == {"errors", "warnings"}
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.lint.outputs.{name} }}}}"


def test_no_expression_inside_a_run_script() -> None:
    for step in steps():
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            assert step["shell"] == "bash"


def test_every_input_reaches_the_scripts_through_env_or_with() -> None:
    used: set[str] = set()
    for step in steps():
        for value in [*step.get("env", {}).values(), *step.get("with", {}).values()]:
            used |= set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", str(value)))
    assert used == INPUTS
    # Every INPUT_* variable is one the driver reads.
    [lint_step] = [s for s in steps() if s.get("id") == "lint"]
    for key in lint_step["env"]:
        if key.startswith("INPUT_"):
            assert f'"{key}"' in DRIVER, key


def test_only_setup_python_and_cache_from_outside() -> None:
    uses = [s["uses"] for s in steps() if "uses" in s]
    assert [u.split("@")[0] for u in uses] == ["actions/setup-python", "actions/cache", "actions/cache"]


def test_installs_from_the_action_path_into_a_venv_under_runner_temp() -> None:
    [install] = [s for s in steps() if s.get("id") == "install"]
    script = install["run"]
    assert install["env"]["NOTELINT_VENV"] == "${{ steps.keys.outputs.venv }}"
    assert install["env"]["PIP_CACHE_DIR"] == "${{ steps.keys.outputs.pip-dir }}"
    assert 'pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"' in script


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_cache_keys_name_the_action_code(tmp_path: Path) -> None:
    """The keys step, run for real on this checkout: a key changes with notelint's code,
    so pip's cache and the venv are never those of another version."""
    [keys] = [s for s in steps() if s.get("id") == "keys"]
    out = tmp_path / "out"

    def run(action_path: Path) -> dict[str, str]:
        out.write_text("", encoding="utf-8")
        env = {"GITHUB_ACTION_PATH": str(action_path), "GITHUB_OUTPUT": str(out), "RUNNER_OS": "Linux",
               "RUNNER_TEMP": str(tmp_path), "NOTELINT_PYTHON_VERSION": "3.12.1", "PATH": os.environ["PATH"]}
        subprocess.run(["bash", "-e", "-c", keys["run"]], env=env, check=True)
        return read_outputs(str(out))

    first = run(ROOT)
    assert first["pip"].startswith("notelint-pip-Linux-3.12.1-") and len(first["pip"]) > 30
    assert first["lint"].startswith("notelint-cache-Linux-")
    assert run(ROOT) == first
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "lint", copy / "lint")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "schemas").mkdir()
    (copy / "lint" / "cli.py").write_text("# changed\n", encoding="utf-8")
    assert run(copy)["pip"] != first["pip"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_scripts_are_valid_bash() -> None:
    for step in steps():
        if "run" in step:
            subprocess.run(["bash", "-n", "-c", step["run"]], check=True)


def test_workflow_runs_the_action_on_the_example_vault() -> None:
    workflow = yaml.safe_load(WORKFLOW_PATH.read_text(encoding="utf-8"))
    on = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert set(on) == {"pull_request", "push"}
    assert workflow["permissions"] == {"contents": "read", "checks": "write"}
    [job] = workflow["jobs"].values()
    [action] = [s for s in job["steps"] if s.get("uses") == "./"]
    assert action["with"]["paths"] == "examples/vault"
    for step in job["steps"]:
        assert "${{" not in step.get("run", "")


# --- the driver ---------------------------------------------------------------------


def test_command_for_a_check_run() -> None:
    cmd = build_command(
        {"INPUT_CONFIG": "cfg/notelint.toml", "INPUT_ARGS": "--select 'broken-link' --fix"},
        ["vault dir"],
    )
    assert cmd[1:] == [
        "check",
        "--config",
        "cfg/notelint.toml",
        "--output-format",
        "concise",
        "--github-check-run",
        "--no-allow-code",
        "--select",
        "broken-link",
        "--fix",
        "--",
        "vault dir",
    ]


def test_command_without_a_check_run() -> None:
    cmd = build_command({"INPUT_CHECK_RUN": "false", "INPUT_ARGS": "$(touch pwned)"}, ["."])
    # An input is data: it becomes one argument, never shell.
    assert cmd[1:] == ["check", "--output-format", "github", "--no-allow-code", "$(touch", "pwned)",
                       "--", "."]


@pytest.mark.parametrize(("value", "flag"), [(None, "--no-allow-code"), ("false", "--no-allow-code"),
                                             ("", "--no-allow-code"), ("true", "--allow-code")])
def test_schema_code_runs_only_when_the_workflow_allows_it(value: str | None, flag: str) -> None:
    env = {"INPUT_CHECK_RUN": "false"} | ({"INPUT_ALLOW_CODE": value} if value is not None else {})
    cmd = build_command(env, ["."])
    assert flag in cmd and cmd.index(flag) == 4  # before `args`, which the workflow writes


@pytest.mark.parametrize(
    ("fail_on", "rc", "counts", "expected"),
    [
        ("error", 1, {"errors": "2", "warnings": "0"}, 1),
        ("error", 0, {"errors": "0", "warnings": "5"}, 0),
        ("warning", 0, {"errors": "0", "warnings": "5"}, 1),
        ("warning", 0, {"errors": "0", "warnings": "0"}, 0),
        ("never", 1, {"errors": "3", "warnings": "1"}, 0),
        ("never", 2, {}, 2),  # a broken config always fails
        ("error", 1, {}, 1),  # no counts: the exit code decides
    ],
)
def test_fail_on(fail_on: str, rc: int, counts: dict[str, str], expected: int) -> None:
    assert decide(fail_on, rc, counts) == expected


def test_read_outputs(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("errors=1\nwarnings=2\nnotices=0\n", encoding="utf-8")
    assert read_outputs(str(tmp_path / "out")) == {"errors": "1", "warnings": "2", "notices": "0"}
    assert read_outputs(str(tmp_path / "missing")) == {}


def test_under() -> None:
    assert under("vault/a.md", ["vault"]) and under("vault/a.md", ["./vault/"])
    assert under("a.md", ["."]) and not under("vaults/a.md", ["vault"])


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_notes_from_a_pull_request_merge_checkout(tmp_path: Path) -> None:
    """As actions/checkout leaves it: the merge commit, fetch-depth 2."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / "vault").mkdir()
    for name in ("keep", "edit", "gone", "old name"):
        (origin / "vault" / f"{name}.md").write_text(f"# {name}\n", encoding="utf-8")
    (origin / "README.md").write_text("readme\n", encoding="utf-8")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "base")
    git(origin, "checkout", "-q", "-b", "feature")
    (origin / "vault" / "edit.md").write_text("# edit\nmore\n", encoding="utf-8")
    (origin / "vault" / "new note.md").write_text("# new\n", encoding="utf-8")
    (origin / "vault" / "gone.md").unlink()
    git(origin, "mv", "vault/old name.md", "vault/renamed.md")
    (origin / "README.md").write_text("changed readme\n", encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "feature")
    git(origin, "checkout", "-q", "main")
    (origin / "other.txt").write_text("main moved on\n", encoding="utf-8")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "main moves")
    base_sha = git(origin, "rev-parse", "HEAD")
    git(origin, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    git(origin, "update-ref", "refs/pull/5/merge", "HEAD")
    git(origin, "reset", "-q", "--hard", base_sha)

    clone = tmp_path / "clone"
    clone.mkdir()
    git(clone, "init", "-q")
    git(clone, "fetch", "-q", "--depth=2", origin.as_uri(), "refs/pull/5/merge")
    git(clone, "checkout", "-q", "FETCH_HEAD")

    event = GitHubEvent("o/r", "f" * 40, 5, base_sha, "pull_request")
    got = changed_notes(event, {}, str(clone), ["vault"])
    assert got == ["vault/edit.md", "vault/new note.md", "vault/renamed.md"]
    # Without the base in the event, the merge commit's first parent is used.
    event = GitHubEvent("o/r", "f" * 40, 5, None, "pull_request")
    assert changed_notes(event, {}, str(clone), ["vault"]) == got
    assert changed_notes(event, {}, str(clone), ["."]) == ["README.md", *got]


def test_the_documented_workflow() -> None:
    text = (ROOT / "docs" / "github.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n# .github/workflows/notelint.yml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(block)
    on = workflow[True] if True in workflow else workflow["on"]
    assert "pull_request" in on and "pull_request_target" not in on
    assert workflow["permissions"] == {"contents": "read", "checks": "write"}
    [job] = workflow["jobs"].values()
    [action] = [s for s in job["steps"] if "notelint/notelint@" in s.get("uses", "")]
    assert set(action["with"]) <= INPUTS
    for step in job["steps"]:
        assert "${{" not in step.get("run", "")
    assert "pull_request_target" in text  # and the docs say why not to use it


def test_command_with_baseline_review_and_cache() -> None:
    env = {"INPUT_CHECK_RUN": "false", "INPUT_BASELINE": "base line.json", "INPUT_GITHUB_REVIEW": "true",
           "NOTELINT_CACHE_DIR": "/tmp/runner/notelint-cache"}
    cmd = build_command(env, ["vault"], ["--changed-since", "abc"])
    assert cmd[1:] == ["check", "--changed-since", "abc", "--output-format", "github",
                       "--no-allow-code", "--baseline", os.path.abspath("base line.json"), "--github-review",
                       "--cache-dir", "/tmp/runner/notelint-cache", "--", "vault"]
    # Without the cache input, notelint's own cache folder is used as usual.
    plain = build_command({"INPUT_CHECK_RUN": "false", "INPUT_CACHE": "false",
                           "NOTELINT_CACHE_DIR": "/x"}, ["vault"])
    assert "--cache-dir" not in plain and "--baseline" not in plain and "--github-review" not in plain
