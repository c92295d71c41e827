"""One pull request review whose comments carry `suggestion` blocks for fixable findings.

GitHub rejects the whole review (422) if any comment line lies outside a diff hunk of
its file, so lines are mapped from each file's `patch` first. PyGithub's
`as_suggestion=True` always fences with three backticks, which breaks on a replacement
containing a backtick run; we build the fence ourselves. About 30 comments per review
keeps clear of the secondary rate limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lint.diagnostic import Applicability
from lint.github.api import (
    GitHubError,
    Limits,
    Unavailable,
    deadline_for,
    describe_error,
    make_client,
    read_limits,
    read_token,
    route_logs,
    scrubber_for,
    within_deadline,
)
from lint.github.common import repo_path, repo_root
from lint.github.event import load_event

if TYPE_CHECKING:
    from github import Github
    from github.PullRequest import ReviewComment

    from lint.diagnostic import Finding
    from lint.reporters import ReportContext

MAX_COMMENTS = 30
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


class ReviewUnavailable(Unavailable):
    """403: the token may not review (a pull request from a fork, or no
    `permissions: pull-requests: write`). The caller logs it and goes on."""


def commentable_lines(patch: str | None) -> set[int]:
    """Lines of the new file that a review comment may target: added or context lines."""
    lines: set[int] = set()
    if not patch:
        return lines
    line = 0
    for text in patch.splitlines():
        m = _HUNK.match(text)
        if m:
            line = int(m.group(1))
        elif text.startswith(("+", " ")) and line or text == "" and line:
            lines.add(line)
            line += 1
        # "-" lines exist only on the left; "\ No newline at end of file" is no line.
    return lines


def fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _source(finding: Finding, ctx: ReportContext) -> str | None:
    if finding.path in ctx.sources:
        return ctx.sources[finding.path]
    if not finding.root:
        return None
    try:
        data = (Path(finding.root) / finding.path).read_bytes()
    except OSError:
        return None
    # As the note parser decodes: BOM stripped, line endings kept.
    return data.decode("utf-8-sig", errors="replace")


def replacement(finding: Finding, text: str) -> tuple[int, int, str] | None:
    """(first line, last line, new text of those lines) after applying the fix."""
    fix = finding.fix
    if fix is None or not fix.edits or fix.drop_bom:
        return None
    start = min(e.start for e in fix.edits)
    end = max(e.end for e in fix.edits)
    if start < 0 or end > len(text):
        return None
    line_start = text.rfind("\n", 0, start) + 1
    nl = text.find("\n", end)
    line_end = len(text) if nl == -1 else nl
    if line_end > end and text[line_end - 1] == "\r":  # keep a CRLF ending out of the lines
        line_end -= 1
    # A suggestion replaces whole lines; edits are applied right to left.
    new = text[line_start:line_end]
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        new = new[: edit.start - line_start] + edit.content + new[edit.end - line_start :]
    first = text.count("\n", 0, line_start) + 1
    last = text.count("\n", 0, line_end) + 1
    return first, last, new.replace("\r\n", "\n").replace("\r", "\n")


def comment(finding: Finding, path: str, first: int, last: int, new: str) -> ReviewComment:
    f = fence(new)
    body = (
        f"**notelint `{finding.code}` {finding.rule}**: {finding.message}\n\n"
        f"{f}suggestion\n{new}\n{f}"
    )
    c: ReviewComment = {"path": path, "line": last, "side": "RIGHT", "body": body}
    if first != last:
        c["start_line"] = first
        c["start_side"] = "RIGHT"
    return c


def build_comments(
    findings: Iterable[Finding],
    ctx: ReportContext,
    root: str,
    diff: Mapping[str, set[int]],
) -> list[ReviewComment]:
    """Suggestions for fixable findings whose lines all lie inside the PR's diff."""
    comments: list[ReviewComment] = []
    taken: dict[str, set[int]] = {}
    for finding in findings:
        if finding.fix is None or finding.fix.applicability is Applicability.DISPLAY_ONLY:
            continue
        path = repo_path(finding, root)
        lines = diff.get(path)
        if not lines:
            continue
        text = _source(finding, ctx)
        change = replacement(finding, text) if text is not None else None
        if change is None:
            continue
        first, last, new = change
        span = set(range(first, last + 1))
        # Two suggestions over the same line would conflict when applied together.
        if not span <= lines or span & taken.setdefault(path, set()):
            continue
        taken[path] |= span
        comments.append(comment(finding, path, first, last, new))
    return comments


def publish_review(
    findings: list[Finding],
    ctx: ReportContext,
    env: Mapping[str, str],
    log: TextIO,
    *,
    github: Github | None = None,
) -> str | None:
    """Post one COMMENT review with suggestions; return its URL, or None if there was
    nothing to suggest. Raises ReviewUnavailable on 403, GitHubError otherwise, also
    past the deadline. The review's POST is sent at most once."""
    token = read_token(env)
    limits = read_limits(env)
    event = load_event(env)
    if not (event.repository and event.pr_number and event.head_sha):
        log.write("notelint: not a pull request: no review posted\n")
        return None
    if github is None and not token:
        raise GitHubError("GITHUB_TOKEN is not set: cannot post a review")
    scrub = scrubber_for(env)
    route_logs(log, scrub)
    repository, number, head_sha = event.repository, event.pr_number, event.head_sha
    return within_deadline(
        lambda: _review(
            github or make_client(env, token, limits),
            repository, number, head_sha, findings, ctx, env, limits, log,
        ),
        deadline_for(limits),
        scrub,
    )


def _review(
    github: Github,
    repository: str,
    number: int,
    head_sha: str,
    findings: list[Finding],
    ctx: ReportContext,
    env: Mapping[str, str],
    limits: Limits,
    log: TextIO,
) -> str | None:
    import requests
    from github import GithubException

    repo = github.get_repo(repository)
    pr = repo.get_pull(number)
    try:
        diff = {f.filename: commentable_lines(f.patch) for f in pr.get_files()}
        comments = build_comments(findings, ctx, repo_root(env, ctx.cwd), diff)
        if not comments:
            log.write("notelint: no fixable finding on a line the pull request changes\n")
            return None
        shown = comments[:MAX_COMMENTS]
        body = f"notelint suggests {len(shown)} fix{'' if len(shown) == 1 else 'es'}."
        if len(comments) > len(shown):
            body += f" {len(comments) - len(shown)} more: run `notelint check --fix` locally."
        review = pr.create_review(
            commit=repo.get_commit(head_sha), body=body, event="COMMENT", comments=shown
        )
    except GithubException as exc:
        if exc.status == 403:
            raise ReviewUnavailable(
                "cannot post a review with this token: " + describe_error(exc)
            ) from None
        raise GitHubError("posting the review failed: " + describe_error(exc)) from None
    except requests.ConnectionError as exc:
        raise GitHubError("cannot reach the GitHub API: " + describe_error(exc, limits)) from None
    except requests.RequestException as exc:
        raise GitHubError("posting the review failed: " + describe_error(exc, limits)) from None
    return review.html_url
