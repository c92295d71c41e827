"""What a change touched, from git: for `--changed-since REF` and baseline renames.

`--changed-since REF` reports on the notes added, modified or renamed since REF
(committed, staged, unstaged and untracked), plus every note with a link that resolved
at REF to a file deleted or renamed since then: the change broke that link though the
note itself is untouched (issue 14). The whole vault is still indexed. On a pre-push
(`--pre-commit-refs`), the change is the pushed range FROM..TO alone: an edit not
committed is not part of the push (issue 15).
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from lint.config import ConfigError
from lint.vault import strip_md

if TYPE_CHECKING:
    from lint.engine import Linter


class GitError(ConfigError):
    """Not a git work tree, an unknown REF, or git missing: exit 2."""


@dataclass
class Changes:
    """Paths relative to the vault root; files outside it are left out."""

    touched: set[str] = field(default_factory=set)  # added, modified, renamed (new path), untracked
    gone: set[str] = field(default_factory=set)  # deleted, or renamed away (old path)
    renames: dict[str, str] = field(default_factory=dict)  # new path -> old path


def _git(args: Sequence[str], cwd: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="surrogateescape", check=False)
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror or e}") from e


def toplevel(cwd: str | os.PathLike[str]) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], cwd)
    if done.returncode != 0:
        raise GitError(f"{cwd}: not inside a git work tree")
    # Only the newline git ends it with: a folder's name may end in a space.
    out = done.stdout
    return Path(out[:-1] if out.endswith("\n") else out).resolve()


def _commit(ref: str, top: Path) -> str:
    if ref.startswith("-"):
        raise GitError(f"unknown git revision `{ref}`")
    verified = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    if verified.returncode != 0:
        raise GitError(f"unknown git revision `{ref}`")
    return verified.stdout.strip()


def changes_since(root: str | os.PathLike[str], ref: str, to_ref: str | None = None) -> Changes:
    """What changed under `root` between `ref` and the working tree (committed, staged,
    unstaged, untracked); with `to_ref`, between the commits `ref` and `to_ref` alone
    (a pre-push: what the pushed commits change, not what is still being edited)."""
    top = toplevel(root)
    commits = [_commit(ref, top)] + ([_commit(to_ref, top)] if to_ref is not None else [])
    diff = _git(["diff", "--name-status", "-M", "-z", *commits, "--"], top)
    if diff.returncode != 0:
        raise GitError(f"git diff {ref} failed: {diff.stderr.strip()}")
    untracked = ""
    if to_ref is None:
        others = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
        if others.returncode != 0:
            raise GitError(f"git ls-files failed: {others.stderr.strip()}")
        untracked = others.stdout
    prefix = _prefix(Path(root).resolve(), top)
    if prefix is None:
        return Changes()
    out = Changes()

    def rel(p: str) -> str | None:
        return p[len(prefix):] if p.startswith(prefix) else None

    fields = diff.stdout.split("\0")
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[0] in "RC":
            old, new = rel(fields[i + 1]), rel(fields[i + 2])
            i += 3
            if new is not None:
                out.touched.add(new)
            if status[0] == "R" and old is not None:
                out.gone.add(old)
                if new is not None:
                    out.renames[new] = old
            continue
        path = rel(fields[i + 1])
        i += 2
        if path is None:
            continue
        if status[0] == "D":
            out.gone.add(path)
        else:
            out.touched.add(path)
    out.touched.update(p for p in map(rel, untracked.split("\0")) if p)
    return out


def _prefix(root: Path, top: Path) -> str | None:
    """The vault root as a prefix of git's top-level-relative paths."""
    try:
        inner = root.relative_to(top).as_posix()
    except ValueError:
        return None
    return "" if inner == "." else inner + "/"


def baseline_renames(root: str | os.PathLike[str], baseline: str) -> dict[str, str]:
    """Renames since the baseline file was last committed (else since HEAD): new path
    -> old path, relative to the vault root. Empty outside git: nothing to go by."""
    try:
        top = toplevel(root)
    except GitError:
        return {}
    log = _git(["log", "-1", "--format=%H", "--", os.path.abspath(baseline)], top)
    ref = log.stdout.strip() if log.returncode == 0 and log.stdout.strip() else "HEAD"
    try:
        return changes_since(root, ref).renames
    except GitError:
        return {}  # no commit yet


def report_paths(linter: Linter, changes: Changes) -> list[str]:
    """The notes `--changed-since` reports on, among those the run would report on."""
    wanted = set(changes.touched) | broken_by(linter, changes)
    return [p for p in linter.report_paths if p in wanted]


def broken_by(linter: Linter, changes: Changes) -> set[str]:
    """Notes, not themselves touched, with a link that resolved at REF to a file that
    is gone now. Only the notes whose text names a gone file's name are parsed."""
    from lint.vault import Vault, checked_links

    if not changes.gone:
        return set()
    current = set(linter.vault.files)
    then = (current - changes.touched) | changes.gone
    # The vault as it was at REF: resolution needs names only, no note is loaded.
    at_ref = Vault(then, lambda _path: None)
    profile = linter.config.resolution
    needles = _needles(changes.gone)
    found: set[str] = set()
    for rel in linter.vault.note_paths:
        if rel in changes.touched or not _mentions(linter, rel, needles):
            continue
        note = linter.note(rel)
        if note is None:
            continue
        for link in checked_links(note.md):
            if not link.target:
                continue
            hit = at_ref.resolve(link.target, rel, profile)
            if hit.path in changes.gone or any(c in changes.gone for c in hit.candidates):
                found.add(rel)
                break
    return found


def _needles(gone: Iterable[str]) -> set[str]:
    """The spellings a link to a gone file uses for its name (case folded later)."""
    out: set[str] = set()
    for path in gone:
        name = posixpath.basename(path)
        stem = strip_md(name)
        for s in (stem, name):
            out.update({s, s.replace(" ", "-"), quote(s), s.replace(" ", "%20")})
    return {n.lower() for n in out if n}


def _mentions(linter: Linter, rel: str, needles: set[str]) -> bool:
    from lint.readfile import read_file
    from lint.vault import fold

    got = read_file(linter.root, rel, linter.config.max_file_size)
    if got.data is None:
        return False
    text = got.data.decode("utf-8", "replace")
    low = text.lower()
    if any(n in low for n in needles):
        return True
    folded = fold(text)
    return any(fold(n) in folded for n in needles)
