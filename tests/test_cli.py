"""The installed `notelint` command, run in a subprocess as users run it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_notelint

from lint import __version__

EXAMPLE = ROOT / "examples" / "vault"


def test_version(tmp_path) -> None:
    r = run_notelint("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"notelint {__version__}"


def test_rules_lists_every_rule(tmp_path) -> None:
    from lint.rules import RULES

    r = run_notelint("rules", "--output-format", "json", cwd=tmp_path)
    assert r.returncode == 0
    listed = json.loads(r.stdout)
    assert [x["name"] for x in listed] == [r.name for r in RULES]
    assert set(listed[0]) == {"code", "name", "summary", "severity", "fixable", "default"}


def test_rule_doc(tmp_path) -> None:
    r = run_notelint("rule", "missing-source", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("# missing-source (SRC001)")
    assert "## Why it matters" in r.stdout
    assert run_notelint("rule", "SRC001", cwd=tmp_path).stdout == r.stdout
    bad = run_notelint("rule", "no-such-rule", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown rule" in bad.stderr


def test_example_vault_has_findings() -> None:
    r = run_notelint("check", "examples/vault", "--output-format", "concise", cwd=ROOT)
    assert r.returncode == 1, r.stderr
    assert "the_economics_of_ai_chips.md" in r.stdout and "missing-source" in r.stdout
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("extra, code", [((), 1), (("--exit-zero",), 0)])
def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path, extra, code) -> None:
    """`notelint check | head -1`: the pipe closes while notelint still writes. The rest
    of the output is dropped and the exit code is the run's own, whenever it closed."""
    import subprocess

    from conftest import notelint_command

    files = {f"n{i}.md": "---\ntitle: T\n---\nSee [[nowhere]].\n" for i in range(400)}
    vault = _vault(tmp_path, files)
    proc = subprocess.Popen([*notelint_command(), "check", ".", "--no-cache", "--output-format",
                             "json", *extra], cwd=vault, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)  # then the reader leaves, long before 400 findings are written
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == code
    assert "Traceback" not in err and "Exception ignored" not in err, err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_an_error(tmp_path) -> None:
    import subprocess

    from conftest import notelint_command

    vault = _vault(tmp_path, {"n.md": "---\ntitle: T\n---\nSee [[nowhere]].\n"})
    with open("/dev/full", "w") as full:
        r = subprocess.run([*notelint_command(), "check", ".", "--no-cache"], cwd=vault,
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.startswith("notelint: error: cannot write the output:"), r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_closed_standard_streams(tmp_path) -> None:
    """Started with stdout or stderr closed (`>&-`): Python gives None for the stream."""
    import subprocess

    from conftest import notelint_command

    vault = _vault(tmp_path, {"n.md": CLEAN})
    exe = " ".join(notelint_command())
    r = subprocess.run(["sh", "-c", f"{exe} check . --no-cache 2>&-"], cwd=vault,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "All checks passed" in r.stdout
    r = subprocess.run(["sh", "-c", f"{exe} schema export -o {tmp_path / 's.json'} >&-"],
                       cwd=vault, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert json.loads((tmp_path / "s.json").read_text())
    r = subprocess.run(["sh", "-c", f"{exe} check . --no-cache >&-"], cwd=vault,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr


@pytest.fixture(scope="module")
def workers_vault(tmp_path_factory) -> Path:
    """A vault big enough for a parallel run, built once: the runs on it read it only
    (--no-cache), whether they end, are interrupted or are killed."""
    files = {f"d{i % 20}/n{i}.md": f"---\ntitle: N{i}\n---\n# H\n\nSee [[n{i + 1}#H]].\n" * 20
             for i in range(4000)}
    return _vault(tmp_path_factory.mktemp("workers"), files)


def _start_with_workers(vault: Path):
    """A parallel run of the installed command, returned once its workers exist (found
    through /proc), or None when it ended first."""
    import subprocess
    import time

    from conftest import default_signals, notelint_command

    proc = subprocess.Popen([*notelint_command(), "check", ".", "--no-cache"], cwd=vault,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_signals)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        pids = _workers(proc.pid)
        if pids:
            return proc, pids
        time.sleep(0.005)
    proc.communicate(timeout=120)
    return None


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in /proc")
def test_a_worker_killed_mid_run_is_one_clear_error(workers_vault) -> None:
    """A worker process killed mid-run (the out-of-memory killer, say) ends the run
    with one line and exit 2: no traceback, and no silent partial result."""
    import os
    import signal

    started = _start_with_workers(workers_vault)
    if started is None:
        pytest.skip("the run ended before a worker could be killed")
    proc, pids = started
    os.kill(pids[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out[-500:], err)
    assert err.startswith("notelint: error: a worker process ended before finishing"), err
    assert "(1 killed by signal 9)" in err and "Traceback" not in err


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in /proc")
def test_an_interrupt_to_the_main_process_alone_ends_the_run_at_once(workers_vault) -> None:
    """SIGINT to the notelint process only (`kill -INT`, a job runner), not to its
    workers: it used to wait 5 s for each worker."""
    import os
    import signal
    import time

    started = _start_with_workers(workers_vault)
    if started is None:
        pytest.skip("the run ended before it could be interrupted")
    proc, pids = started
    time.sleep(0.2)  # the second worker starts too
    pids = _workers(proc.pid) or pids
    # Stopped, the workers cannot finish their shares on their own: a run that waited
    # for them instead of ending them would wait the whole 5 s for each, on any machine.
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    t0 = time.monotonic()
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    # It used to wait 5 s for each worker: a bound under that total, generous under load.
    assert time.monotonic() - t0 < 5 * len(pids) - 1
    assert not any(_alive(pid) for pid in pids)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in /proc")
def test_workers_do_not_outlive_a_main_process_that_was_killed(workers_vault) -> None:
    """The main process killed (SIGKILL: the out-of-memory killer, a CI timeout): its
    workers must end too. They used to hold copies of the main process's pipe ends,
    so their pipes never broke and they blocked forever, holding the caller's stdout."""
    import os
    import signal
    import time

    started = _start_with_workers(workers_vault)
    if started is None:
        pytest.skip("the run ended before it could be killed")
    proc, pids = started
    time.sleep(0.2)  # the second worker starts too
    pids = _workers(proc.pid) or pids
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)  # EOF: no process holds the pipes any more
    deadline = time.monotonic() + 60  # they used to stay forever: a generous wait
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)


def _workers(pid: int) -> list[int]:
    """The child processes of `pid` now (none once it has ended)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_output_is_complete_when_the_command_exits_at_once(tmp_path) -> None:
    """The command leaves with os._exit (lint.cli.entry): what it wrote to a pipe must
    all arrive, the last line and the summary on stderr included."""
    files = {f"n{i}.md": "---\ntitle: T\n---\nSee [[nowhere]].\n" for i in range(300)}
    vault = _vault(tmp_path, files)
    r = run_notelint("check", ".", "--output-format", "json", "--statistics", cwd=vault)
    assert r.returncode == 1, r.stderr
    assert len(json.loads(r.stdout)) == 300
    r = run_notelint("check", ".", "--output-format", "concise", cwd=vault)
    lines = r.stdout.splitlines()
    assert sum(" LNK001 " in line for line in lines) == 300
    assert lines[-1].startswith("Found 300 problems"), lines[-3:]


def _vault(tmp_path: Path, files: dict[str, str]) -> Path:
    files = {"hub.md": "---\ntitle: Hub\n---\n", **files}  # the notes' source link resolves
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


CLEAN = "---\ntitle: Clean\nvideoId: rYXeQbTuVl0\n---\n\nFrom: [[hub]] <br/>\nBody.\n"
BAD = "---\ntitle: Bad\nvideoId: nope\n---\n\nFrom: [[hub]] <br/>\nBody.\n"


def test_exit_codes(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "hub.md": "---\ntitle: Hub\n---\n", "a.md": CLEAN})
    assert run_notelint("check", ".", cwd=v).returncode == 0
    (v / "b.md").write_text(BAD)
    assert run_notelint("check", ".", cwd=v).returncode == 1
    assert run_notelint("check", ".", "--exit-zero", cwd=v).returncode == 0
    assert run_notelint("check", "a.md", cwd=v).returncode == 0  # report only on the path given
    missing = run_notelint("check", "nope.md", cwd=v)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_json_contract(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "hub.md": "---\ntitle: Hub\n---\n", "sub/b.md": BAD})
    r = run_notelint("check", ".", "--output-format", "json", cwd=v)
    assert r.returncode == 1
    (f,) = json.loads(r.stdout)
    assert set(f) == {"path", "line", "column", "end_line", "end_column", "code", "rule",
                      "severity", "message", "help", "fix"}
    assert (f["path"], f["line"], f["column"], f["end_line"], f["end_column"]) == ("sub/b.md", 3, 10, 3, 14)
    assert (f["rule"], f["code"], f["severity"], f["fix"]) == ("frontmatter-schema", "FM002", "error", None)
    # Paths are relative to the current directory, not the vault root.
    r2 = run_notelint("check", ".", "--output-format", "json", cwd=v / "sub")
    assert json.loads(r2.stdout)[0]["path"] == "b.md"


def test_config_errors_exit_2(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "selectt = ['x']\n", "a.md": CLEAN})
    r = run_notelint("check", ".", cwd=v)
    assert r.returncode == 2 and "unknown key `selectt`" in r.stderr and "Traceback" not in r.stderr
    (v / "notelint.toml").write_text("require-frontmatter = 'maybe'\n")
    r = run_notelint("check", ".", cwd=v)
    assert r.returncode == 2 and "`require-frontmatter`" in r.stderr
    (v / "notelint.toml").write_text("select = ['no-such-rule']\n")
    r = run_notelint("check", ".", cwd=v)
    assert r.returncode == 2 and "no-such-rule" in r.stderr
    (v / "notelint.toml").write_text("[rules.missing-source]\npatern = 'x'\n")
    r = run_notelint("check", ".", cwd=v)
    assert r.returncode == 2 and "patern" in r.stderr
    (v / "notelint.toml").write_text("this is not toml")
    assert run_notelint("check", ".", cwd=v).returncode == 2


def test_pyproject_config_and_root_discovery(tmp_path) -> None:
    v = _vault(tmp_path, {"pyproject.toml": "[tool.notelint]\nignore = ['frontmatter-schema']\n",
                          "notes/b.md": BAD})
    r = run_notelint("check", "b.md", cwd=v / "notes")
    assert r.returncode == 0, r.stdout


def test_stdin(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "hub.md": "---\ntitle: Hub\n---\n"})
    r = run_notelint("check", "--stdin-filename", "new/note.md", "-", "--output-format", "concise",
                     cwd=v, input=BAD)
    assert r.returncode == 1 and r.stdout.startswith("new/note.md:3:10: FM002")
    assert not (v / "new").exists()


def test_statistics_and_quiet(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "hub.md": "---\ntitle: Hub\n---\n", "b.md": BAD,
                          "c.md": BAD})
    r = run_notelint("check", ".", "--statistics", "--output-format", "concise", cwd=v)
    assert "2  FM002   frontmatter-schema" in r.stdout
    q = run_notelint("check", ".", "-q", "--output-format", "concise", cwd=v)
    assert "Found" not in q.stdout and q.stdout.count("FM002") == 2


def test_full_format_code_frame(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "b.md": BAD})
    r = run_notelint("check", ".", "--output-format", "full", cwd=v)
    assert "    3 | videoId: nope" in r.stdout
    assert "\n" + " " * 17 + "^^^^ error\n" in r.stdout
    assert "\x1b[" not in r.stdout  # NO_COLOR
    colored = run_notelint("check", ".", "--output-format", "full", "--color", "always", cwd=v)
    assert "\x1b[31m" in colored.stdout


def test_explain_and_schema_export(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "b.md": BAD})
    r = run_notelint("explain", "b.md", cwd=v)
    assert r.returncode == 0 and "video (default: front matter has `videoId`)" in r.stdout
    (v / "c.md").write_text("# Top\n[[hub]] [[#Top]] [[nowhere]]\n")
    r = run_notelint("explain", "c.md", cwd=v)
    assert "[[hub]] -> hub.md\n" in r.stdout and "[[#Top]] -> (this note)\n" in r.stdout
    assert "[[nowhere]] -> (broken)\n" in r.stdout
    (v / "d.md").write_text('---\nup: "[[hub]]"\n---\n%% [[gone]] %%\n')
    r = run_notelint("explain", "d.md", cwd=v)
    assert "line 2: [[hub]] -> hub.md (front matter)\n" in r.stdout
    assert "line 4: [[gone]] -> (broken) (commented out: checked only with `check-comments = true`)\n" in r.stdout
    out = tmp_path / "s.json"
    assert run_notelint("schema", "export", "-o", str(out), cwd=v).returncode == 0
    schema = json.loads(out.read_text())
    assert schema["$defs"]["VideoNote"]["properties"]["videoId"]["pattern"] == "^[A-Za-z0-9_-]{11}$"


def test_fix_diff_writes_nothing_without_fixes(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "b.md": BAD})
    r = run_notelint("check", ".", "--diff", cwd=v)
    assert r.returncode == 0 and r.stdout == ""


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_hidden_and_excluded_folders_are_skipped(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "exclude = ['templates/**']\n", ".obsidian/x.md": BAD,
                          ".trash/y.md": BAD, "templates/t.md": BAD, "ok.md": CLEAN,
                          "hub.md": "---\ntitle: Hub\n---\n"})
    r = run_notelint("check", ".", "--output-format", "concise", cwd=v)
    assert r.returncode == 0, r.stdout
    r = run_notelint("check", "templates/t.md", cwd=v)  # excluded even when named
    assert r.returncode == 0, r.stdout


def test_fix_reports_a_note_it_could_not_fix_after_fixing_another(tmp_path) -> None:
    # a.md is UTF-16: its fix is never written (lint/fix.py). b.md is fixed, so the
    # command lints again after writing; a.md's "not fixed" must survive that.
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "a.md").write_bytes("# A\n\nzero\u200bwidth\n".encode("utf-16"))
    (tmp_path / "b.md").write_bytes("# B\n\nzero\u200bwidth\n".encode())
    r = run_notelint("check", "--fix", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert "Traceback" not in r.stderr, r.stderr
    assert (tmp_path / "b.md").read_bytes() == b"# B\n\nzerowidth\n"
    assert "Fixed 1 problem" in r.stdout
    assert "a.md:1:1: NL003 [skipped-file] not fixed: the file is UTF-16 LE, not UTF-8" in r.stdout
    # --fix just failed on a.md: its findings are not offered as "fixable with --fix"
    assert "fixable with `--fix`" not in r.stdout, r.stdout


def test_fix_writes_a_symlinked_note_and_its_target_once(tmp_path) -> None:
    # alias.md and real/a.md are one file: a second fix of it would start from bytes
    # read before the first was written, and fail as "changed on disk".
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_bytes("# A\n\nzero\u200bwidth\n".encode())
    (tmp_path / "alias.md").symlink_to(Path("real") / "a.md")
    diff = run_notelint("check", "--diff", "--no-cache", ".", cwd=tmp_path)
    assert diff.returncode == 1 and diff.stdout.count("+++ ") == 1, diff.stdout
    r = run_notelint("check", "--fix", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert "changed on disk" not in r.stdout, r.stdout
    assert r.returncode == 0 and "Fixed 1 problem" in r.stdout, r.stdout
    assert (tmp_path / "real" / "a.md").read_bytes() == b"# A\n\nzerowidth\n"
    assert (tmp_path / "alias.md").is_symlink()


# --- what the user sees (issue 12.11) ------------------------------------------------

SUGGEST = {"notelint.toml": "", "Open Source AI.md": "---\ntitle: AI\n---\n",
           "notes/c.md": "See [[open_source_ai]].\n"}


def test_default_format_in_a_pipe_is_full_with_help(tmp_path) -> None:
    """Under pre-commit and in pipes (no terminal) users must see `help`: the default
    is `full`, each finding starting with `path:line:col: CODE [rule] message`."""
    v = _vault(tmp_path, SUGGEST)
    r = run_notelint("check", ".", cwd=v)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert "notes/c.md:1:7: LNK001 [broken-link] broken link: no note `open_source_ai` in the vault" \
        in lines, r.stdout
    assert "help: did you mean [[Open Source AI]]?" in r.stdout
    assert "    1 | See [[open_source_ai]]." in lines  # the code frame
    assert "\x1b[" not in r.stdout  # NO_COLOR, and no terminal
    # From a subfolder the path is the one the user types there.
    sub = run_notelint("check", "..", cwd=v / "notes")
    assert "c.md:1:7: LNK001 [broken-link]" in sub.stdout.splitlines()[0], sub.stdout


def test_concise_stays_available_and_github_actions_keeps_github(tmp_path) -> None:
    v = _vault(tmp_path, SUGGEST)
    concise = run_notelint("check", ".", "--output-format", "concise", cwd=v)
    assert concise.stdout.splitlines()[0] == \
        "notes/c.md:1:7: LNK001 [broken-link] broken link: no note `open_source_ai` in the vault"
    assert "help:" not in concise.stdout and " | " not in concise.stdout
    gh = run_notelint("check", ".", cwd=v, env={"GITHUB_ACTIONS": "true"})
    assert gh.stdout.startswith("::error file=notes/c.md,line=1,"), gh.stdout


def test_full_format_marks_only_safe_fixes(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "Open Source AI.md": "---\ntitle: AI\n---\n",
                          "c.md": "The market\u00e2\u20ac\u2122s view. See [[open_source_ai]].\n"})
    r = run_notelint("check", ".", "--output-format", "full", cwd=v)
    first = [line for line in r.stdout.splitlines() if line.startswith("c.md:")]
    assert len(first) == 2, r.stdout
    assert first[0].startswith("c.md:1:11: ENC001 [mojibake] [*] "), first  # safe fix
    assert first[1].startswith("c.md:1:28: LNK001 [broken-link] broken link"), first  # unsafe: no [*]


def test_statistics_prints_the_table_only(tmp_path) -> None:
    v = _vault(tmp_path, {"notelint.toml": "", "Open Source AI.md": "---\ntitle: AI\n---\n",
                          "a.md": "The market\u00e2\u20ac\u2122s view.\n",
                          "b.md": "See [[open_source_ai]] and [[nowhere]].\n"})
    for fmt in ("full", "concise"):
        r = run_notelint("check", ".", "--statistics", "--output-format", fmt, cwd=v)
        assert r.returncode == 1
        lines = r.stdout.splitlines()
        assert "2  LNK001  broken-link" in lines, r.stdout  # unsafe fixes only: no [*]
        assert "1  ENC001  mojibake  [*]" in lines, r.stdout
        assert not any(line.startswith(("a.md", "b.md")) for line in lines), r.stdout
        assert "help:" not in r.stdout and " | " not in r.stdout
    # Without --statistics the findings are there and the table is not.
    r = run_notelint("check", ".", cwd=v)
    assert "b.md:1:7: LNK001 [broken-link]" in r.stdout and "2  LNK001" not in r.stdout
