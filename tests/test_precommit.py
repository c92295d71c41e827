"""The pre-commit hooks, run for real: pre-commit installs notelint from a committed
copy of this repository and runs it in temporary git repositories.

pre-commit sees committed files only, so the copy (tracked and untracked files, as
they are on disk) is committed in a temporary clone; this repository is never touched.

Building the hook's environment (a virtualenv and a pip install of notelint) is most
of a test's time, so every test shares one PRE_COMMIT_HOME, built once. That is why
the hooks run as `pre-commit run --config <file outside the repo>` and not as
`pre-commit try-repo`: try-repo makes a new store, and a new environment, on every
call. The config is the one try-repo would write (the repository at its commit, the
one hook), and the vault's own git repository stays each test's.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import run_notelint

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
_NEXT_TO_PYTHON = Path(sys.executable).parent / "pre-commit"
PRE_COMMIT = str(_NEXT_TO_PYTHON) if _NEXT_TO_PYTHON.exists() else shutil.which("pre-commit")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
needs_pre_commit = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")

GOOD = "---\ntitle: Good\n---\n\nA good note.\n"
BAD = "---\ntitle: Bad\nvideoId: 1234567890\n---\n\nFrom: [[Good]]\n"  # frontmatter-schema


def hooks() -> dict[str, dict]:
    return {h["id"]: h for h in MANIFEST}


@functools.cache
def registered_rules() -> set[str]:
    done = run_notelint("rules", "--output-format", "json", cwd=ROOT)
    return {r["name"] for r in json.loads(done.stdout)}


def needs_rule(name: str) -> None:
    if name not in registered_rules():
        pytest.skip(f"the {name} rule is not registered yet")


# --- the manifest -------------------------------------------------------------------


def test_manifest_declares_both_hooks() -> None:
    h = hooks()
    assert set(h) == {"notelint", "notelint-vault"}
    assert h["notelint"]["entry"] == "notelint check"
    # pre-push: what the pushed commits broke (PRE_COMMIT_FROM_REF); manual: everything
    assert h["notelint-vault"]["entry"] == "notelint check --pre-commit-refs"
    for hook in h.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True
    assert h["notelint"]["types"] == ["markdown"]
    assert "pass_filenames" not in h["notelint"]  # pre-commit passes the staged notes
    vault = h["notelint-vault"]
    assert vault["pass_filenames"] is False and vault["always_run"] is True
    assert vault["stages"] == ["pre-push", "manual"]


@needs_pre_commit
def test_validate_manifest() -> None:
    subprocess.run(
        [PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        check=True,
        capture_output=True,
    )


@needs_pre_commit
def test_config_snippet_in_the_docs_is_valid(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    blocks = [b for b in text.split("```yaml\n")[1:] if "repos:" in b]
    assert blocks, "docs/pre-commit.md shows a .pre-commit-config.yaml"
    for n, block in enumerate(blocks):
        config = tmp_path / f"config{n}.yaml"
        config.write_text(block.split("```", 1)[0], encoding="utf-8")
        ids = {h["id"] for r in yaml.safe_load(config.read_text())["repos"] for h in r["hooks"]}
        assert ids <= set(hooks())
        subprocess.run([PRE_COMMIT, "validate-config", str(config)], check=True)


# --- the hooks, for real ------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env=clean_env(),
    ).stdout.strip()


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.pop("GITHUB_ACTIONS", None)
    return env | {"NO_COLOR": "1"} | extra


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's files as they are on disk, committed in a temporary repo."""
    if shutil.which("git") is None or PRE_COMMIT is None:
        pytest.skip("git and pre-commit are needed")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip("this checkout is not a git repository")
    copy = tmp_path_factory.mktemp("notelint-hook-repo")
    for rel in filter(None, listed.stdout.split("\0")):
        src = ROOT / rel
        if src.is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, copy / rel)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "snapshot for the hook tests")
    return copy


def hook_config(hook_repo: Path, hook: dict) -> dict:
    """A .pre-commit-config.yaml's content: one hook of the hook repo at its commit."""
    return {"repos": [{"repo": str(hook_repo), "rev": git(hook_repo, "rev-parse", "HEAD"),
                       "hooks": [hook]}]}


@pytest.fixture(scope="session")
def hook_configs(hook_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """For each hook id, the config `pre-commit try-repo <hook repo> <id>` would write:
    outside the vault repo, so it is neither a file to check nor an unstaged config."""
    folder = tmp_path_factory.mktemp("hook-configs")
    configs = {}
    for hook_id in hooks():
        configs[hook_id] = folder / f"{hook_id}.yaml"
        configs[hook_id].write_text(yaml.safe_dump(hook_config(hook_repo, {"id": hook_id})),
                                    encoding="utf-8")
    return configs


@pytest.fixture(scope="session")
def pre_commit_home(hook_configs: dict[str, Path],
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store for every test here, with notelint's hook environment built
    once, up front (the hooks share it: same repository, commit and language)."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    warm = tmp_path_factory.mktemp("pre-commit-warm")
    git(warm, "init", "-q")
    env = clean_env(PRE_COMMIT_HOME=str(home))
    for config in hook_configs.values():
        done = subprocess.run([PRE_COMMIT, "install-hooks", "--config", str(config)], cwd=warm,
                              capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    return home


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def vault_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "notes"
    repo.mkdir()
    git(repo, "init", "-q")
    return repo


@pytest.fixture
def pre_commit(vault_repo: Path, pre_commit_home: Path) -> Run:
    """pre-commit in the test's vault repo, with the shared store."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PRE_COMMIT, *args],
            cwd=vault_repo,
            capture_output=True,
            text=True,
            env=clean_env(PRE_COMMIT_HOME=str(pre_commit_home)),
            timeout=600,
        )

    return run


@pytest.fixture
def try_hook(pre_commit: Run, hook_configs: dict[str, Path]) -> Run:
    """`pre-commit try-repo <hook repo> <hook> [args]`, run on the shared store."""

    def run(hook: str, *args: str) -> subprocess.CompletedProcess[str]:
        return pre_commit("run", "--config", str(hook_configs[hook]), hook, *args)

    return run


def write(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")


@needs_git
@needs_pre_commit
def test_a_clean_note_passes(vault_repo, try_hook) -> None:
    write(vault_repo, {"Good.md": GOOD, "other.md": "---\ntitle: Other\n---\n\nSee [[Good]].\n"})
    git(vault_repo, "add", "-A")
    done = try_hook("notelint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^notelint\.+Passed$", done.stdout, flags=re.M), done.stdout


@needs_git
@needs_pre_commit
def test_a_bad_note_fails_and_is_named(vault_repo, try_hook) -> None:
    write(vault_repo, {"Good.md": GOOD, "notes/bad one.md": BAD})
    git(vault_repo, "add", "-A")
    done = try_hook("notelint")
    assert done.returncode == 1
    assert "notes/bad one.md:3:10: FM002" in done.stdout, done.stdout


@needs_git
@needs_pre_commit
def test_a_broken_link_fails_and_is_named(vault_repo, try_hook) -> None:
    needs_rule("broken-link")
    write(vault_repo, {"Good.md": GOOD, "Open Source AI.md": GOOD,
                       "links.md": "---\ntitle: Links\n---\n\n[[Nowhere]] [[open_source_ai]]\n"})
    git(vault_repo, "add", "-A")
    done = try_hook("notelint", "--files", "links.md")
    assert done.returncode == 1
    assert "links.md:5:3: LNK001 [broken-link]" in done.stdout, done.stdout
    # The hook's output is not a terminal: the default format still shows the help.
    assert "help: did you mean [[Open Source AI]]?" in done.stdout, done.stdout


@needs_git
@needs_pre_commit
def test_only_staged_notes_are_reported_but_the_vault_hook_sees_all(
    vault_repo, try_hook
) -> None:
    write(vault_repo, {"Good.md": GOOD, "old/bad.md": BAD})
    git(vault_repo, "add", "-A")
    git(vault_repo, "commit", "-q", "-m", "notes")
    write(vault_repo, {"new.md": "---\ntitle: New\n---\n\nLinks [[Good]].\n"})
    git(vault_repo, "add", "new.md")

    staged = try_hook("notelint")
    assert staged.returncode == 0, staged.stdout

    whole = try_hook("notelint-vault", "--hook-stage", "manual")
    assert whole.returncode == 1
    assert "old/bad.md:3:10: FM002" in whole.stdout, whole.stdout


@needs_git
@needs_pre_commit
def test_a_rename_that_breaks_a_link_is_caught_by_the_vault_hook(
    vault_repo, try_hook
) -> None:
    needs_rule("broken-link")
    write(vault_repo, {"Target.md": GOOD, "linker.md": "---\ntitle: L\n---\n\nSee [[Target]].\n"})
    git(vault_repo, "add", "-A")
    git(vault_repo, "commit", "-q", "-m", "notes")
    git(vault_repo, "mv", "Target.md", "Renamed.md")

    # Only the renamed note is staged: the unchanged linker is not passed.
    staged = try_hook("notelint")
    assert staged.returncode == 0, staged.stdout
    whole = try_hook("notelint-vault", "--hook-stage", "manual")
    assert whole.returncode == 1
    assert "linker.md:5:" in whole.stdout and "broken-link" in whole.stdout, whole.stdout


@needs_git
@needs_pre_commit
def test_fix_works_as_a_hook_argument(hook_repo, vault_repo, pre_commit) -> None:
    config = hook_config(hook_repo, {"id": "notelint", "args": ["--fix"]})
    write(vault_repo, {".pre-commit-config.yaml": yaml.safe_dump(config), "Good.md": GOOD})
    git(vault_repo, "add", "-A")
    done = pre_commit("run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr

    if "mojibake" not in registered_rules():
        return  # no fixable rule registered yet: the argument is at least accepted
    write(vault_repo, {"market.md": "---\ntitle: M\n---\n\nThe marketâ€™s mood.\n"})
    git(vault_repo, "add", "-A")
    done = pre_commit("run", "--all-files")
    # pre-commit fails a hook that changed files, and the fix is on disk.
    assert done.returncode == 1
    assert "files were modified by this hook" in done.stdout
    assert "market’s" in (vault_repo / "market.md").read_text(encoding="utf-8")


def push_setup(hook_repo: Path, vault_repo: Path, pre_commit: Run, tmp_path: Path) -> Path:
    """The notelint-vault hook installed as a real pre-push hook, and a bare remote."""
    config = hook_config(hook_repo, {"id": "notelint-vault"})
    write(vault_repo, {".pre-commit-config.yaml": yaml.safe_dump(config)})
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(vault_repo, "remote", "add", "origin", str(remote))
    done = pre_commit("install", "--hook-type", "pre-push")
    assert done.returncode == 0, done.stdout + done.stderr
    return remote


def push(repo: Path, pre_commit_home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "push", "-q", "origin", "HEAD:main"], cwd=repo, capture_output=True,
                          text=True, env=clean_env(PRE_COMMIT_HOME=str(pre_commit_home)), timeout=600)


@needs_git
@needs_pre_commit
def test_pre_push_reports_only_what_the_pushed_commits_broke(
    hook_repo, vault_repo, pre_commit, pre_commit_home, tmp_path
) -> None:
    needs_rule("broken-link")
    push_setup(hook_repo, vault_repo, pre_commit, tmp_path)
    write(vault_repo, {"Target.md": GOOD, "linker.md": "---\ntitle: L\n---\n\nSee [[Target]].\n",
                       "old/bad.md": BAD})
    git(vault_repo, "add", "-A")
    git(vault_repo, "commit", "-q", "-m", "notes with an old problem")
    # The first push of a branch with its root commit: the whole vault is checked.
    first = push(vault_repo, pre_commit_home)
    assert first.returncode != 0 and "old/bad.md:3:10: FM002" in first.stdout + first.stderr
    git(vault_repo, "push", "-q", "--no-verify", "origin", "HEAD:main")

    # A push that breaks nothing passes, though the vault has an old problem.
    write(vault_repo, {"new.md": "---\ntitle: New\n---\n\nLinks [[Good]] and [[Target]].\n",
                       "Good.md": GOOD})
    git(vault_repo, "add", "-A")
    git(vault_repo, "commit", "-q", "-m", "new notes")
    clean = push(vault_repo, pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # A rename breaks the unchanged linker: the push is refused and names it alone.
    git(vault_repo, "mv", "Target.md", "Renamed.md")
    git(vault_repo, "commit", "-q", "-m", "rename")
    done = push(vault_repo, pre_commit_home)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "linker.md:5:" in out and "new.md:5:" in out and "broken-link" in out, out
    assert "old/bad.md" not in out, out
    assert git(tmp_path / "remote.git", "rev-parse", "main") != git(vault_repo, "rev-parse", "HEAD")


@needs_git
@needs_pre_commit
def test_pre_push_ignores_what_the_pushed_commits_do_not_contain(
    hook_repo, vault_repo, pre_commit, pre_commit_home, tmp_path
) -> None:
    needs_rule("broken-link")
    push_setup(hook_repo, vault_repo, pre_commit, tmp_path)
    write(vault_repo, {"Target.md": GOOD, "linker.md": "---\ntitle: L\n---\n\nSee [[Target]].\n"})
    git(vault_repo, "add", "-A")
    git(vault_repo, "commit", "-q", "-m", "notes")
    git(vault_repo, "push", "-q", "--no-verify", "origin", "HEAD:main")
    write(vault_repo, {"new.md": "---\ntitle: New\n---\n\nLinks [[linker]].\n"})
    git(vault_repo, "add", "new.md")
    git(vault_repo, "commit", "-q", "-m", "a clean note")
    # Not committed, so not pushed: a staged delete that breaks the linker, and a new
    # note with a broken link (pre-commit stashes only unstaged edits).
    git(vault_repo, "rm", "-q", "Target.md")
    write(vault_repo, {"draft.md": "---\ntitle: D\n---\n\n[[Nowhere]]\n"})
    done = push(vault_repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(tmp_path / "remote.git", "rev-parse", "main") == git(vault_repo, "rev-parse", "HEAD")
