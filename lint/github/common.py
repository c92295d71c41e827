"""Small facts shared by the workflow-command reporter and the Checks API client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lint.diagnostic import Severity

if TYPE_CHECKING:
    from lint.diagnostic import Finding


def repo_root(env: Mapping[str, str], cwd: str) -> str:
    """The directory GitHub's paths are relative to.

    Annotation paths are resolved against the repository root, not the step's
    working directory, so a step with `working-directory:` still needs root-relative
    paths; GITHUB_WORKSPACE is where the repository is checked out.
    """
    return env.get("GITHUB_WORKSPACE") or cwd


def repo_path(finding: Finding, root: str) -> str:
    return finding.display_path(root)


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    counts = {s: 0 for s in Severity}
    for f in findings:
        counts[f.severity] += 1
    return counts


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def counts_phrase(findings: list[Finding]) -> str:
    counts = count_by_severity(findings)
    if not findings:
        return "no problems"
    parts = [
        plural(counts[Severity.ERROR], "error"),
        plural(counts[Severity.WARNING], "warning"),
    ]
    if counts[Severity.INFO]:
        parts.append(plural(counts[Severity.INFO], "notice"))
    return ", ".join(parts)


def write_step_outputs(findings: list[Finding], env: Mapping[str, str]) -> None:
    """Set the step outputs `errors`, `warnings` and `notices` (action.yml reads them).

    Written by whichever of our GitHub paths renders the findings, so the action gets
    the counts whether the check run succeeded or fell back to workflow commands.
    """
    path = env.get("GITHUB_OUTPUT")
    if not path:
        return
    counts = count_by_severity(findings)
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(
                f"errors={counts[Severity.ERROR]}\n"
                f"warnings={counts[Severity.WARNING]}\n"
                f"notices={counts[Severity.INFO]}\n"
            )
    except OSError:
        pass  # outputs are a convenience; the exit code still tells the result
