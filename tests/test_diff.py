"""`notelint check --diff` prints a patch that real `git apply` accepts (issue 12.12)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import notelint_command

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ZWSP = "\u200b".encode()  # invisible-character: a safe fix deletes it

# name -> bytes; every note but clean.md has one safe fix.
NOTES = {
    "final-newline.md": b"# A\n\nzero" + ZWSP + b"width\n",
    "no-final-newline.md": b"# A\n\nzero" + ZWSP + b"width",
    # The fix is away from the end, but the last line (no newline) is in the context.
    "no-final-newline-context.md": b"zero" + ZWSP + b"width\n\nlast line",
    "crlf.md": b"# A\r\n\r\nzero" + ZWSP + b"width\r\nlast\r\n",
    "crlf-no-final-newline.md": b"# A\r\n\r\nzero" + ZWSP + b"width",
    "bom.md": b"\xef\xbb\xbfzero" + ZWSP + b"width\nlast\n",
    # A byte that is not UTF-8 in the context must reach the patch as that byte.
    # (The valid \xc3\xa9 keeps it UTF-8 once the fix removes the other multi-byte
    # character: fix.py refuses a fix that makes a file read as Latin-1.)
    "stray byte.md": b"caf\xc3\xa9 and caf\xe9 here\nzero" + ZWSP + b"width\n",
    # A form feed is a line break to str.splitlines, not to git.
    "form-feed.md": b"a\x0cb\nzero" + ZWSP + b"width\n",
    "clean.md": b"# Clean\n\nNothing to fix.",
}


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=60)


def _notelint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*notelint_command(), "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, timeout=120)


def _repo(root: Path, notes: dict[str, bytes]) -> Path:
    root.mkdir()
    (root / "notelint.toml").write_text("")
    for name, data in notes.items():
        (root / name).write_bytes(data)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "notes")
    return root


@needs_git
def test_diff_applies_with_git_and_equals_fix(tmp_path) -> None:
    repo = _repo(tmp_path / "repo", NOTES)
    diff = _notelint(repo, "--diff", ".")
    assert diff.returncode == 1, diff.stderr
    patch = tmp_path / "fixes.patch"
    patch.write_bytes(diff.stdout)
    assert diff.stdout.count(b"\n\\ No newline at end of file\n") == 5, diff.stdout.decode(errors="replace")
    check = _git(repo, "apply", "--check", str(patch))
    assert check.returncode == 0, check.stderr.decode(errors="replace")

    fixed = tmp_path / "fixed"
    shutil.copytree(repo, fixed)
    done = _notelint(fixed, "--fix", ".")  # exits 1: the stray byte is still there
    assert b"Fixed 9 problems" in done.stdout, done.stdout
    assert _git(repo, "apply", str(patch)).returncode == 0
    for name, before in NOTES.items():
        after = (repo / name).read_bytes()
        assert after == (fixed / name).read_bytes(), name  # the patch is what --fix writes
        assert (after == before) == (name == "clean.md"), name
    assert b"clean.md" not in diff.stdout


@needs_git
def test_a_file_that_only_gains_or_keeps_no_final_newline(tmp_path) -> None:
    # Both sides without a final newline, on a one-line file: a hunk of one line each.
    repo = _repo(tmp_path / "repo", {"one.md": b"zero" + ZWSP + b"width"})
    diff = _notelint(repo, "--diff", ".")
    text = diff.stdout.decode()
    assert text.endswith("-zero\u200bwidth\n\\ No newline at end of file\n"
                         "+zerowidth\n\\ No newline at end of file\n"), text
    (tmp_path / "p").write_bytes(diff.stdout)
    assert _git(repo, "apply", "--check", str(tmp_path / "p")).returncode == 0


UNSAFE_ONLY = {"Open Source AI.md": b"# AI\n", "a.md": b"See [[open_source_ai]].\n"}


@needs_git
def test_only_unsafe_fixes_says_so(tmp_path) -> None:
    repo = _repo(tmp_path / "repo", UNSAFE_ONLY)
    diff = _notelint(repo, "--diff", ".")
    assert diff.returncode == 0 and diff.stdout == b""
    assert "no safe fixes; `--unsafe-fixes` would show 1 more fix" in diff.stderr.decode(), diff.stderr
    unsafe = _notelint(repo, "--diff", "--unsafe-fixes", ".")
    assert unsafe.returncode == 1 and b"+See [[Open Source AI]].\n" in unsafe.stdout
    assert unsafe.stderr == b""
    (tmp_path / "p").write_bytes(unsafe.stdout)
    assert _git(repo, "apply", "--check", str(tmp_path / "p")).returncode == 0


@needs_git
def test_safe_fixes_alone_print_no_remark(tmp_path) -> None:
    repo = _repo(tmp_path / "repo", {"a.md": b"zero" + ZWSP + b"width\n"})
    diff = _notelint(repo, "--diff", ".")
    assert diff.returncode == 1 and diff.stderr == b"", diff.stderr


@needs_git
def test_safe_and_unsafe_fixes_say_how_many_more(tmp_path) -> None:
    repo = _repo(tmp_path / "repo", {**UNSAFE_ONLY, "b.md": b"zero" + ZWSP + b"width\n"})
    diff = _notelint(repo, "--diff", ".")
    assert diff.returncode == 1 and b"+zerowidth\n" in diff.stdout
    assert diff.stderr.decode() == "notelint: `--unsafe-fixes` would show 1 more fix\n"


@needs_git
def test_paths_in_the_patch_are_relative_to_where_it_runs(tmp_path) -> None:
    # The vault is a sub-folder of the repository; the patch is applied from the top.
    repo = _repo(tmp_path / "repo", {})
    vault = repo / "vault"
    vault.mkdir()
    (vault / "notelint.toml").write_text("")
    (vault / "a.md").write_bytes(b"zero" + ZWSP + b"width\n")
    diff = _notelint(repo, "--diff", "vault")
    assert diff.stdout.startswith(b"--- a/vault/a.md\n+++ b/vault/a.md\n"), diff.stdout
    (tmp_path / "p").write_bytes(diff.stdout)
    assert _git(repo, "apply", "--check", str(tmp_path / "p")).returncode == 0
