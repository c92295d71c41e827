from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis times example generation by the wall clock (too_slow) and each example
# (the deadline): on a machine busy with other work both fail tests that are fine.
# Every test here sets deadline=None already; this is the default for new ones.
# derandomize: the same examples on every run, so a commit passes or fails CI for what it
# is, not for the examples drawn that day. `HYPOTHESIS_PROFILE=explore pytest` draws new
# ones (500 a test where the test sets no number): run it to hunt for bugs, and pin
# what it finds as an @example.
settings.register_profile("notelint", deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, derandomize=False,
                          max_examples=500, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "notelint"))
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
MAKE_VAULT = SHARED / "bench" / "make_vault.py"


# `git rev-parse --local-env-vars`: what points git at one repository. A suite started
# from a git hook (pre-commit, `git rebase --exec`) inherits GIT_DIR and GIT_INDEX_FILE,
# and every git command of a test, meant for its own temporary repository, would act on
# the outer one instead.
GIT_REPOSITORY_VARIABLES = (
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
)


@pytest.fixture(scope="session", autouse=True)
def no_outer_git_repository():
    with pytest.MonkeyPatch.context() as mp:
        for name in GIT_REPOSITORY_VARIABLES:
            mp.delenv(name, raising=False)
        yield


def notelint_command() -> list[str]:
    """The installed `notelint` console script next to this interpreter."""
    exe = Path(sys.executable).parent / "notelint"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("notelint")
    if found is None:
        pytest.skip("the notelint command is not installed (pip install -e .)")
    return [found]


def run_notelint(*args: str, cwd: str | os.PathLike[str], input: str | None = None,
                 env: dict[str, str] | None = None, timeout: float = 120):
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if "GITHUB_ACTIONS" not in (env or {}) else None
    return subprocess.run([*notelint_command(), *args], cwd=cwd, input=input, text=True,
                          capture_output=True, env=full_env, timeout=timeout)


def default_signals() -> None:
    """preexec_fn for a child that the test interrupts or terminates: SIGINT and SIGTERM
    as a terminal leaves them. A suite run in the background (`pytest &`, `nohup`, some
    CI runners) inherits SIGINT ignored, and an ignored signal stays ignored across exec:
    the child would never see the interrupt the test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_in_process(*args: str, cwd: str | os.PathLike[str],
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """What run_notelint returns, from lint.cli.main in this process: for tests whose
    point is what notelint finds, not how the command starts, writes or exits (those
    keep run_notelint). It saves each run an interpreter start and its imports.

    As for the command: the same environment (NO_COLOR, no GITHUB_ACTIONS unless
    given), working folder, UTF-8 streams that are not terminals, and the output read
    back as subprocess.run(text=True) reads it."""
    from lint.cli import main

    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if "GITHUB_ACTIONS" not in (env or {}):
        full_env.pop("GITHUB_ACTIONS", None)
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    try:
        os.environ.clear()
        os.environ.update(full_env)
        os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(list(args))
            except SystemExit as e:  # argparse: --help, --version, a usage error
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                if isinstance(e.code, str):
                    print(e.code, file=sys.stderr)
            stdout.flush()
            stderr.flush()
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)

    def text(data: bytes) -> str:  # universal newlines, as text=True decodes a pipe
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()

    return subprocess.CompletedProcess(["notelint", *args], code, text(out.getvalue()),
                                       text(err.getvalue()))


@pytest.fixture
def shared_corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} is absent (the shared corpora are only on developer machines)")
    return CORPORA


@pytest.fixture
def make_vault(tmp_path):
    """Generate a synthetic vault with shared/bench/make_vault.py; returns (vault, answer key)."""
    if not MAKE_VAULT.is_file():
        pytest.skip(f"{MAKE_VAULT} is absent")

    def make(notes: int, defect_rate: float = 0.0, seed: int = 1) -> tuple[Path, list[dict]]:
        import json

        out = tmp_path / f"v{notes}_{seed}_{defect_rate}"
        subprocess.run([sys.executable, str(MAKE_VAULT), str(out), "--notes", str(notes),
                        "--seed", str(seed), "--defect-rate", str(defect_rate)],
                       check=True, capture_output=True)
        key = out.parent / f"{out.name}.expected.jsonl"
        expected = [json.loads(x) for x in key.read_text().splitlines()] if key.exists() else []
        return out, expected

    return make
