"""What the Actions runner tells us about the run: repository, commit and pull request.

The runner describes the triggering event in the JSON file at `$GITHUB_EVENT_PATH`
(https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GitHubEvent:
    repository: str | None  # "owner/name"
    head_sha: str | None  # the commit a check run must be attached to
    pr_number: int | None  # None outside pull request events
    base_sha: str | None  # the pull request's base commit, for changed-files diffs
    event_name: str | None


def _read_payload(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        # A missing or unreadable event file only costs us the PR details; GITHUB_SHA
        # still names a commit.
        return {}
    return data if isinstance(data, dict) else {}


def load_event(env: Mapping[str, str]) -> GitHubEvent:
    payload = _read_payload(env)
    pr = _mapping(payload.get("pull_request"))
    head = _mapping(pr.get("head"))
    base = _mapping(pr.get("base"))

    # For pull_request events GITHUB_SHA is a temporary merge commit: a check run on it
    # never shows on the pull request, so the head commit from the payload comes first.
    head_sha = head.get("sha") or env.get("GITHUB_SHA") or None

    number = pr.get("number", payload.get("number") if pr else None)
    pr_number = number if isinstance(number, int) and not isinstance(number, bool) else None

    return GitHubEvent(
        repository=env.get("GITHUB_REPOSITORY") or None,
        head_sha=head_sha if isinstance(head_sha, str) else None,
        pr_number=pr_number,
        base_sha=base.get("sha") if isinstance(base.get("sha"), str) else None,
        event_name=env.get("GITHUB_EVENT_NAME") or None,
    )


def _mapping(value: object) -> dict[str, Any]:
    """A JSON object of the payload, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def head_sha(env: Mapping[str, str]) -> str | None:
    return load_event(env).head_sha


def repository(env: Mapping[str, str]) -> str | None:
    return env.get("GITHUB_REPOSITORY") or None


def pr_number(env: Mapping[str, str]) -> int | None:
    return load_event(env).pr_number
