"""The body of action.yml's run step: turn the action's inputs into a notelint run.

action.yml passes every input through `env:` (INPUT_*), never into the script text,
so a crafted input cannot inject shell (https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections).
Run as `python -m lint.github.action` with the venv's Python.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from lint.github.changed import changed_base, changed_notes
from lint.github.event import load_event

FAIL_ON = ("error", "warning", "never")
# Not the job's name in the documented workflow ("notelint"): two checks of one name
# make a required check ambiguous.
CHECK_NAME = "notelint findings"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def notelint_command() -> list[str]:
    """The notelint installed next to this Python (the action's own venv)."""
    bindir = Path(sys.executable).parent
    for name in ("notelint", "notelint.exe"):
        if (bindir / name).exists():
            return [str(bindir / name)]
    return [sys.executable, "-P", "-m", "lint.cli"]


def build_command(env: Mapping[str, str], targets: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    cmd = [*notelint_command(), "check", *extra]
    config = (env.get("INPUT_CONFIG") or "").strip()
    if config:
        cmd += ["--config", config]
    if _flag(env.get("INPUT_CHECK_RUN"), True):
        # The check run carries the annotations; the log gets plain lines. Workflow
        # commands too would annotate every finding twice. On a read-only token
        # notelint falls back to workflow commands by itself.
        cmd += ["--output-format", "concise", "--github-check-run"]
    else:
        cmd += ["--output-format", "github"]
    # Schema code from the checkout runs only when the workflow says so, never because
    # the checkout's own config does (issue 17).
    cmd.append("--allow-code" if _flag(env.get("INPUT_ALLOW_CODE"), False) else "--no-allow-code")
    baseline = (env.get("INPUT_BASELINE") or "").strip()
    if baseline:
        cmd += ["--baseline", os.path.abspath(baseline)]
    if _flag(env.get("INPUT_GITHUB_REVIEW"), False):
        cmd += ["--github-review"]
    cache = (env.get("NOTELINT_CACHE_DIR") or "").strip()
    if cache and _flag(env.get("INPUT_CACHE"), True):  # the folder actions/cache keeps
        cmd += ["--cache-dir", cache]
    cmd += shlex.split(env.get("INPUT_ARGS") or "")
    cmd += ["--", *targets] if targets else []
    return cmd


def vault_cwd(roots: Sequence[str], env: Mapping[str, str]) -> str:
    """Where to run notelint on the changed files so it indexes the same vault.

    Given files and no config file, notelint takes the current folder as the vault root
    (pre-commit's case). With one vault folder as `paths`, running inside it keeps
    that folder the root; annotation paths stay repository-relative (GITHUB_WORKSPACE).
    """
    if (env.get("INPUT_CONFIG") or "").strip() or len(roots) != 1:
        return "."
    root = os.path.normpath(roots[0])
    return root if root != "." and os.path.isdir(root) else "."


def read_outputs(path: str) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return values
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key] = value
    return values


def set_outputs(env: Mapping[str, str], values: Mapping[str, str]) -> None:
    path = env.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8", newline="\n") as fh:
            fh.writelines(f"{k}={v}\n" for k, v in values.items())


def write_step_summary(env: Mapping[str, str], text: str) -> None:
    path = env.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8", newline="\n") as fh:
            fh.write("\n" + text)


def decide(fail_on: str, returncode: int, counts: Mapping[str, str]) -> int:
    """The step's exit code under `fail-on`."""
    if returncode not in (0, 1):
        return returncode  # usage, config or internal error: always fails the step
    try:
        errors, warnings = int(counts["errors"]), int(counts["warnings"])
    except (KeyError, ValueError):
        return returncode if fail_on != "never" else 0
    if fail_on == "never":
        return 0
    if fail_on == "warning":
        return 1 if errors + warnings else 0
    return 1 if errors else 0


def main(env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    fail_on = (env.get("INPUT_FAIL_ON") or "error").strip().lower()
    if fail_on not in FAIL_ON:
        print(f"notelint: fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        return 2
    roots = shlex.split(env.get("INPUT_PATHS") or ".")
    targets = roots
    cwd = "."
    event = load_event(env)
    since: list[str] = []
    base = None
    changed_only = _flag(env.get("INPUT_CHANGED_ONLY"), False) and event.pr_number is not None
    if changed_only:
        base = changed_base(event, os.getcwd())
    if base is not None:
        # The notes the pull request changes, and those whose links a deletion or
        # rename in it broke (issue 14): notelint asks git itself.
        since = ["--changed-since", base]
    elif changed_only:
        changed = changed_notes(event, env, os.getcwd(), roots)
        print("notelint: the pull request's base commit is not fetched (use fetch-depth: 2): "
              "notes whose links a deletion or rename broke are not seen")
        if changed is None:
            print("notelint: cannot list the pull request's changed files; checking all of them")
        elif not changed:
            print("notelint: the pull request changes no notes")
            set_outputs(env, {"errors": "0", "warnings": "0", "notices": "0"})
            write_step_summary(env, "### notelint: the pull request changes no notes\n")
            return 0
        else:
            # The vault is still indexed whole; only these files are reported on.
            targets = changed
            cwd = vault_cwd(roots, env)
            if cwd != ".":
                targets = [os.path.relpath(p, cwd) for p in changed]

    cmd = build_command(env, targets, since)
    with tempfile.TemporaryDirectory() as tmp:
        # notelint writes its counts as step outputs; catch them to apply fail-on.
        outputs = os.path.join(tmp, "outputs")
        # Annotation paths are relative to the repository root, wherever notelint runs.
        # The check run's conclusion follows fail-on, under the name chosen.
        child_env = ({"GITHUB_WORKSPACE": os.getcwd()} | env
                     | {"GITHUB_OUTPUT": outputs, "NOTELINT_FAIL_ON": fail_on,
                        "NOTELINT_CHECK_NAME": (env.get("INPUT_CHECK_NAME") or "").strip()
                        or CHECK_NAME})
        sys.stdout.flush()
        returncode = subprocess.run(cmd, cwd=cwd, env=child_env, check=False).returncode
        counts = read_outputs(outputs)
    set_outputs(env, {k: counts.get(k, "") for k in ("errors", "warnings", "notices")})
    return decide(fail_on, returncode, counts)


if __name__ == "__main__":
    sys.exit(main())
