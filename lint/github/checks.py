"""Publish findings as a GitHub check run named `notelint`, with every finding annotated.

Workflow commands annotate only 10 findings per level; the Checks API takes them all,
50 per request (https://docs.github.com/en/rest/checks/runs#update-a-check-run:
"each time you update the check run, annotations are appended").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO, TypedDict

from lint.diagnostic import Severity
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
from lint.github.common import counts_phrase, repo_path, repo_root, write_step_outputs
from lint.github.event import load_event

if TYPE_CHECKING:
    from github import Github
    from github.Repository import Repository

    from lint.diagnostic import Finding
    from lint.reporters import ReportContext

CHECK_NAME = "notelint"
ANNOTATIONS_PER_REQUEST = 50
TEXT_LIMIT = 65535  # summary and text, per the API
TITLE_LIMIT = 255  # annotation title
MESSAGE_LIMIT = 64 * 1024 - 1  # annotation message, 64 KB
# The Checks API has no "error" level.
LEVELS = {Severity.ERROR: "failure", Severity.WARNING: "warning", Severity.INFO: "notice"}


class _Status(TypedDict, total=False):
    """The status fields of a check run, as create_check_run and edit take them."""

    status: str
    conclusion: str


class CheckRunUnavailable(Unavailable):
    """The token may not write checks (403): a pull request from a fork, or a workflow
    without `permissions: checks: write`. The caller falls back to workflow commands."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def annotation(finding: Finding, root: str) -> dict[str, Any]:
    ann: dict[str, Any] = {
        "path": repo_path(finding, root),
        "start_line": finding.line,
        "end_line": max(finding.end_line, finding.line),
        "annotation_level": LEVELS[finding.severity],
        "title": _cut(f"{finding.code} {finding.rule}", TITLE_LIMIT),
        "message": _cut(
            finding.message + (f"\nhelp: {finding.help}" if finding.help else ""), MESSAGE_LIMIT
        ),
    }
    if finding.line == finding.end_line:  # the API refuses columns across lines
        ann["start_column"] = finding.column
        ann["end_column"] = max(finding.end_column, finding.column)
    return ann


def conclusion(findings: list[Finding], fail_on: str = "error") -> str:
    """`failure` exactly when the action's step fails (its `fail-on`: error, warning or
    never; the command alone fails on errors). Findings that do not fail it give
    neutral, which passes a required check but shows there is something to look at."""
    errors = any(f.severity is Severity.ERROR for f in findings)
    warnings = any(f.severity is Severity.WARNING for f in findings)
    if (fail_on == "error" and errors) or (fail_on == "warning" and (errors or warnings)):
        return "failure"
    return "neutral" if findings else "success"


def summary(findings: list[Finding], ctx: ReportContext) -> str:
    files = f" in {ctx.files_checked} files" if ctx.files_checked else ""
    lines = [f"notelint found {counts_phrase(findings)}{files}."]
    if findings:
        by_rule = Counter((f.code, f.rule) for f in findings)
        lines += ["", "| Rule | Count | What it checks |", "| --- | ---: | --- |"]
        for (code, rule), n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            meta = ctx.rules.get(rule)
            what = meta.summary.replace("|", "\\|") if meta else ""
            lines.append(f"| `{code}` {rule} | {n} | {what} |")
    return _cut("\n".join(lines), TEXT_LIMIT)


def _output(title: str, text: str, annotations: list[dict[str, Any]]) -> dict[str, Any]:
    # title and summary are required in every output object, also on updates.
    return {"title": title, "summary": text, "annotations": annotations}


def publish_check_run(
    findings: list[Finding],
    ctx: ReportContext,
    env: Mapping[str, str],
    log: TextIO,
    *,
    github: Github | None = None,
) -> str:
    """Create the `notelint` check run on the head commit; return its html_url.

    Raises CheckRunUnavailable when GitHub refuses to create it with 403, GitHubError
    on any other failure, also when the step runs past its deadline. Messages never
    contain the token. The caller prints the returned URL; `log` gets PyGithub's and
    urllib3's warnings, scrubbed, and a line when a failed run could not be closed.
    """
    token = read_token(env)
    limits = read_limits(env)
    event = load_event(env)
    if not event.repository:
        raise GitHubError("GITHUB_REPOSITORY is not set: cannot create a check run")
    if not event.head_sha:
        raise GitHubError("neither GITHUB_EVENT_PATH nor GITHUB_SHA names a commit")
    if github is None and not token:
        raise GitHubError("GITHUB_TOKEN is not set: cannot create a check run")

    root = repo_root(env, ctx.cwd)
    annotations = [annotation(f, root) for f in findings]
    chunks = [
        annotations[i : i + ANNOTATIONS_PER_REQUEST]
        for i in range(0, len(annotations), ANNOTATIONS_PER_REQUEST)
    ] or [[]]
    scrub = scrubber_for(env)
    route_logs(log, scrub)
    repository, head_sha = event.repository, event.head_sha
    url = within_deadline(
        lambda: _publish(
            github or make_client(env, token, limits),
            repository, head_sha, findings, ctx, chunks, limits, log,
            # The action passes its check name and fail-on through the environment.
            env.get("NOTELINT_CHECK_NAME") or CHECK_NAME, env.get("NOTELINT_FAIL_ON") or "error",
        ),
        deadline_for(limits, len(chunks)),
        scrub,
    )
    write_step_outputs(findings, env)
    return url


def _publish(
    github: Github,
    repository: str,
    head_sha: str,
    findings: list[Finding],
    ctx: ReportContext,
    chunks: list[list[dict[str, Any]]],
    limits: Limits,
    log: TextIO,
    name: str,
    fail_on: str,
) -> str:
    import requests
    from github import GithubException

    title = f"notelint: {counts_phrase(findings)}"
    text = summary(findings, ctx)
    done: _Status = {"status": "completed", "conclusion": conclusion(findings, fail_on)}

    repo: Repository = github.get_repo(repository)
    try:
        # All in one request when it fits; otherwise in_progress until the last batch,
        # so a run never looks finished while annotations are still arriving.
        first: _Status = {"status": "in_progress"} if len(chunks) > 1 else done
        run = repo.create_check_run(
            name=name,
            head_sha=head_sha,
            output=_output(title, text, chunks[0]),
            **first,
        )
    except GithubException as exc:
        if exc.status == 403:
            raise CheckRunUnavailable(
                "the token may not write checks: read-only on a pull request from a fork, "
                "else the workflow needs `permissions: checks: write`; "
                + describe_error(exc)
            ) from None
        lost = _NOT_RESENT if exc.status >= 500 else ""
        raise GitHubError("creating the check run failed: " + describe_error(exc) + lost) from None
    except requests.ConnectionError as exc:
        raise GitHubError("cannot reach the GitHub API: " + describe_error(exc, limits)) from None
    except requests.RequestException as exc:
        raise GitHubError(
            "creating the check run failed: " + describe_error(exc, limits) + _NOT_RESENT
        ) from None

    try:
        for i, chunk in enumerate(chunks[1:], start=2):
            extra: _Status = done if i == len(chunks) else {}
            run.edit(output=_output(title, text, chunk), **extra)
    except (GithubException, requests.RequestException) as exc:
        _close_after_failure(run, title, log)
        raise GitHubError(
            "adding annotations to the check run failed: " + describe_error(exc, limits)
        ) from None
    return run.html_url


# GitHub may have created the run although its answer was lost; a second POST would
# put a second `notelint` check on the commit.
_NOT_RESENT = "; not sent again, as GitHub may have created the run already"


def _close_after_failure(run: Any, title: str, log: TextIO) -> None:
    """Best effort: do not leave a check run spinning forever when a batch failed."""
    import requests
    from github import GithubException

    try:
        run.edit(
            status="completed",
            conclusion="failure",
            output={"title": title, "summary": "notelint could not upload all annotations."},
        )
    except (GithubException, requests.RequestException):
        log.write(f"notelint: the check run at {run.html_url} is left in progress\n")
