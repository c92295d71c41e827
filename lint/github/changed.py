"""The notes a pull request changes, for the action's `changed-only` input.

git first (the checkout needs `fetch-depth: 2` so the merge commit's base parent is
there), then the REST API (`pr.get_files()`, which lists at most 3,000 files).
Deleted files are left out: there is nothing left to report on.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from lint.github.event import GitHubEvent

NOTE_SUFFIXES = (".md", ".markdown")


def _git(args: Sequence[str], cwd: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def from_git(event: GitHubEvent, cwd: str) -> list[str] | None:
    """Paths relative to the repository root, or None when git cannot tell."""
    bases = []
    if event.base_sha:
        bases.append(event.base_sha)
    # actions/checkout of a pull_request checks out a merge commit whose first parent
    # is the base branch: diffing against it gives exactly the PR's changes.
    if _git(["rev-parse", "--verify", "--quiet", "HEAD^2"], cwd) is not None:
        bases.append("HEAD^1")
    for base in bases:
        if _git(["merge-base", base, "HEAD"], cwd) is None:
            continue  # not fetched (shallow clone)
        out = _git(
            ["diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", f"{base}...HEAD"], cwd
        )
        if out is not None:
            return [p for p in out.split("\0") if p]
    return None


def changed_base(event: GitHubEvent, cwd: str) -> str | None:
    """The commit the pull request's changes start from (`--changed-since`), or None
    when git does not have it (a shallow clone without the base)."""
    bases = [event.base_sha] if event.base_sha else []
    if _git(["rev-parse", "--verify", "--quiet", "HEAD^2"], cwd) is not None:
        bases.append("HEAD^1")
    for base in bases:
        found = _git(["merge-base", base, "HEAD"], cwd)
        if found and found.strip():
            return found.strip()
    return None


def from_api(event: GitHubEvent, env: Mapping[str, str]) -> list[str] | None:
    if not (event.repository and event.pr_number):
        return None
    from lint.github.api import (
        GitHubError,
        deadline_for,
        make_client,
        read_limits,
        read_token,
        scrubber_for,
        within_deadline,
    )

    try:
        token = read_token(env)
        if not token:
            return None
        limits = read_limits(env)
        gh = make_client(env, token, limits)
        pr = gh.get_repo(event.repository).get_pull(event.pr_number)
        # Any failure, a stuck API included, only costs the shortcut: all notes are checked.
        return within_deadline(
            lambda: [f.filename for f in pr.get_files() if f.status != "removed"],
            deadline_for(limits),
            scrubber_for(env),
        )
    except GitHubError:
        return None


def under(path: str, roots: Sequence[str]) -> bool:
    p = PurePosixPath(path)
    for root in roots:
        r = PurePosixPath(root.replace("\\", "/"))
        if str(r) in ("", ".") or p == r or r in p.parents:
            return True
    return False


def changed_notes(
    event: GitHubEvent, env: Mapping[str, str], cwd: str, roots: Sequence[str]
) -> list[str] | None:
    """Changed note paths under `roots`, or None when neither git nor the API knows."""
    paths = from_git(event, cwd)
    if paths is None:
        paths = from_api(event, env)
    if paths is None:
        return None
    return sorted(p for p in paths if p.lower().endswith(NOTE_SUFFIXES) and under(p, roots))
