"""Hostile and broken input (issue 7): never crash, never hang, never run code, never
read outside the vault, lose nothing.

The fixture vault (tests/hostile/vault.py) is built at test time and linted by the
installed command in a subprocess, in every output format. Files that vanish or change
during a run are driven through the API, where the moment is deterministic.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import notelint_command
from hostile.vault import SECRET, Case, build

import lint
from lint import markdown
from lint.engine import Linter, Request
from lint.rules import lookup

FORMATS = ("full", "concise", "json", "github", "sarif", "junit")


# --- running the installed command -------------------------------------------------------

@dataclass
class Run:
    code: int
    out: bytes
    err: bytes
    seconds: float


def notelint(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """The installed command, output kept as bytes: a file name that is not UTF-8 must
    not break the test's own decoding."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTHONIO"))}
    full.update({"NO_COLOR": "1", **(env or {})})
    start = time.monotonic()
    p = subprocess.run([*notelint_command(), *args], cwd=cwd, env=full, capture_output=True,
                       timeout=timeout)
    return Run(p.returncode, p.stdout, p.stderr, time.monotonic() - start)


@dataclass(frozen=True)
class Record:
    path: str
    rule: str  # the rule's name or code, as the format gives it
    message: str


_FULL = re.compile(r"(.*?):(\d+):(\d+): (\S+) \[(\S+)\](?: \[\*\])? (.*)")
_GH_COMMAND = re.compile(r"::(error|warning|notice) ([^:]*)::(.*)")
_GH_PLAIN = re.compile(r"(?:error|warning|notice): (.*?):(\d+):(\d+): (\S+) (.*)")
_CONCISE = re.compile(r"(.*?):(\d+):(\d+): (\S+) \[(\S+)\] (.*)")


def _gh_unescape(s: str) -> str:
    for code, ch in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        s = s.replace(code, ch)
    return s


def records(fmt: str, out: str) -> list[Record]:
    """Each format's findings as (path, rule, message), read the way a consumer would."""
    found: list[Record] = []
    if fmt == "json":
        return [Record(f["path"], f["rule"], f["message"]) for f in json.loads(out)]
    if fmt == "sarif":
        for r in json.loads(out)["runs"][0]["results"]:
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            found.append(Record(unquote(uri, errors="surrogateescape"), r["ruleId"],
                                r["message"]["text"]))
        return found
    if fmt == "junit":
        for case in ET.fromstring(out).iter("testcase"):
            for failure in case:
                code = case.get("name", "").split(" ")[0]
                found.append(Record(case.get("classname", ""), code, failure.get("message", "")))
        return found
    for line in out.splitlines():
        if fmt == "concise":
            m = _CONCISE.fullmatch(line)
            if m:
                found.append(Record(m[1], m[5], m[6]))
        elif fmt == "github":
            m = _GH_COMMAND.fullmatch(line)
            if m:
                props = dict(p.split("=", 1) for p in m[2].split(",") if "=" in p)
                if "file" in props:
                    file = _gh_unescape(props["file"])
                    message = _gh_unescape(m[3]).split("\nhelp: ")[0]
                    found.append(Record(file, props["title"].split(" ")[1],
                                        message.split(": ", 1)[1]))
            elif m := _GH_PLAIN.fullmatch(line):
                found.append(Record(m[1], m[4], m[5]))
        else:  # full: a finding's first line, then its frame and help, indented
            m = _FULL.fullmatch(line)
            if m:
                found.append(Record(m[1], m[5], m[6]))
    return found


def spellings(path: str) -> set[str]:
    """A path as given, and with undecodable bytes (lone surrogates) spelled `\\xff`."""
    return {path, path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")}


def named(case: Case, recs: list[Record]) -> bool:
    rule = lookup(case.rule)
    assert rule is not None, case.rule
    paths = spellings(case.path)
    return any(r.path in paths and r.rule in (rule.name, rule.code) and case.says in r.message
               for r in recs)


# --- the hostile vault, in every format ------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, list[Case], Path]:
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_vault_every_format(hostile, fmt: str) -> None:
    vault, cases, canary = hostile
    run = notelint("check", "--output-format", fmt, cwd=vault)
    assert b"Traceback" not in run.err, run.err.decode(errors="replace")
    assert run.code == 1, run.err.decode(errors="replace")
    assert run.seconds < 60, f"took {run.seconds:.1f}s"
    out = run.out.decode("utf-8")
    recs = records(fmt, out)
    missing = [c for c in cases if not named(c, recs)]
    assert not missing, f"not named in {fmt}: {missing}"
    assert not [r for r in recs if r.rule in ("internal-error", "NL001")]
    # Nothing from outside the vault: not in the output, not in the cache.
    assert SECRET.encode() not in run.out + run.err
    for cached in (vault / ".notelint_cache").rglob("*"):
        if cached.is_file():
            assert SECRET.encode() not in cached.read_bytes(), cached
    # `!!python/object/apply:os.system` was never executed.
    assert not canary.exists()


def test_hostile_vault_warm_cache_and_workers_agree(hostile) -> None:
    """The cache and the worker processes carry skipped files and findings unchanged."""
    vault, _, _ = hostile
    cold = notelint("check", "--no-cache", "--output-format", "json", cwd=vault)
    notelint("check", "--output-format", "json", cwd=vault)
    warm = notelint("check", "--output-format", "json", cwd=vault)
    assert json.loads(cold.out) == json.loads(warm.out)
    serial = Linter(Request(paths=[str(vault)], cwd=str(vault), jobs=1)).run()
    parallel = Linter(Request(paths=[str(vault)], cwd=str(vault), jobs=2)).run()
    assert serial == parallel
    # JSON spells a name's bytes that are not UTF-8 as `\xff` (issue 17.8).
    spelled = [f.path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
               for f in serial]
    assert spelled == [f["path"] for f in json.loads(cold.out)]


def test_hostile_vault_needs_no_network(hostile, monkeypatch) -> None:
    """URLs in notes are never fetched: a run opens no socket at all."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    vault, _, _ = hostile
    assert lint.check([vault], cache=False)


# --- file names and text that attack the terminal and the log ----------------------------------

# A file name that is not UTF-8 reaches Python as lone surrogates (PEP 383); it must come
# out escaped, never as raw bytes (invalid UTF-8, invalid XML) nor as a crash.
BAD_NAME = b"bad-\xff\xfe-name.md"
BAD_SHOWN = ("bad-\\xff\\xfe-name.md", "bad-\\udcff\\udcfe-name.md", "bad-%FF%FE-name.md")


def _name_vault(tmp_path: Path) -> Path:
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "hub.md").write_text("From: [[hub]]\n")
    try:
        with open(os.fsencode(tmp_path) + b"/" + BAD_NAME, "wb") as f:
            f.write(b"From: [[hub]]\n[[missing-badname]]\n")
    except OSError as e:  # macOS (APFS) and some mounts accept only UTF-8 names
        pytest.skip(f"this filesystem refuses a file name that is not UTF-8: {e}")
    return tmp_path


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_machine_formats_hold_no_lone_surrogates(tmp_path, fmt: str) -> None:
    """Issue 17.8: `"\\udcff"` is valid JSON syntax but no valid Unicode: strict
    consumers (serde, Go's encoding/json replaces it, jq) fail or garble. Every string
    must be valid UTF-8, with the name spelled as the full and concise formats do."""
    vault = _name_vault(tmp_path)
    run = notelint("check", "--no-cache", "--select", "ALL", "--output-format", fmt, cwd=vault)
    assert run.code == 1 and b"Traceback" not in run.err, run.err
    out = run.out.decode("utf-8")  # strict: raw undecodable bytes fail here
    if fmt == "junit":
        root = ET.fromstring(out)
        texts = [v for e in root.iter() for v in (*e.attrib.values(), e.text or "")]
        paths = {c.get("file") for c in root.iter("testcase")}
    else:
        data = json.loads(out)
        texts = _strings(data)
        if fmt == "json":
            paths = {f["path"] for f in data}
        else:  # a URI: the name's bytes percent-encoded, which maps back to the file exactly
            paths = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                             errors="surrogateescape") for r in data["runs"][0]["results"]}
    for text in texts:
        text.encode("utf-8")  # raises on a lone surrogate
    concise = notelint("check", "--no-cache", "--select", "ALL", "--output-format", "concise",
                       cwd=vault).out.decode("utf-8")
    shown = "bad-\\xff\\xfe-name.md"
    assert concise.startswith(shown + ":"), concise
    want = "bad-\udcff\udcfe-name.md" if fmt == "sarif" else shown
    assert want in paths, paths


@pytest.mark.parametrize("stdout", ["locale", "strict-utf8"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_undecodable_file_name_is_reported_escaped(tmp_path, fmt: str, stdout: str) -> None:
    vault = _name_vault(tmp_path)
    # "strict-utf8": a UTF-8 terminal (en_US.UTF-8, macOS), where stdout's errors are strict.
    env = {"PYTHONIOENCODING": "utf-8"} if stdout == "strict-utf8" else None
    run = notelint("check", "--no-cache", "--output-format", fmt, cwd=vault, env=env)
    assert b"Traceback" not in run.err, run.err.decode(errors="replace")
    assert run.code == 1
    out = run.out.decode("utf-8")  # raw undecodable bytes fail here
    if fmt == "junit":
        ET.fromstring(out)
    assert "missing-badname" in out
    if fmt == "json":
        (rec,) = [r for r in records(fmt, out) if "missing-badname" in r.message]
        assert rec.path == "bad-\\xff\\xfe-name.md"
    else:
        assert any(s in out for s in BAD_SHOWN), out


# A file name and a link target carrying terminal escapes and a workflow command.
EVIL_NAME = "evil\n::error file=hub.md,line=1::INJECTED\x1b]0;title\x07.md"
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_never_reach_the_terminal_raw(tmp_path, fmt: str) -> None:
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "hub.md").write_text("From: [[hub]]\n")
    (tmp_path / EVIL_NAME).write_text("From: [[hub]]\n[[missing-evil]]\n")
    (tmp_path / "esc.md").write_text("From: [[hub]]\n[[\x1b[2J\x1b]0;pwned\x07x]] [a](\x1b[31mred.md)\n")
    run = notelint("check", "--no-cache", "--output-format", fmt, cwd=tmp_path)
    assert run.code == 1 and b"Traceback" not in run.err
    out = run.out.decode("utf-8")
    assert "missing-evil" in out and "esc.md" in out
    assert not _CONTROLS.search(out), repr(_CONTROLS.search(out))
    for line in out.splitlines():
        # On GitHub Actions any stdout line starting with `::` is a workflow command: only
        # the github format writes them, and the name's own `::error` never starts one.
        assert not line.startswith("::") or fmt == "github", line
        assert not line.startswith("::error file=hub.md"), line


# --- enormous inputs: linear time ------------------------------------------------------------------

class CountingStr(str):
    """A str that counts the characters its find/rfind calls scan: the scanner's work,
    measured deterministically (wall clock is not, on a shared CI machine)."""

    scanned = 0

    def find(self, sub, start=None, end=None):  # type: ignore[override]
        s, e = start or 0, len(self) if end is None else min(end, len(self))
        k = str.find(self, sub, s, e)
        CountingStr.scanned += (k + len(sub) - s) if k >= 0 else max(0, e - s)
        return k

    def rfind(self, sub, start=None, end=None):  # type: ignore[override]
        s, e = start or 0, len(self) if end is None else min(end, len(self))
        k = str.rfind(self, sub, s, e)
        CountingStr.scanned += (e - k) if k >= 0 else max(0, e - s)
        return k


@pytest.mark.parametrize("unit", [
    "plain words\n", "[[a]]\n", "`a` <!-- c --> $m$\n", "x\n-\n", "[x](", "](",
    # Each of these was O(lines x size) before cdbddbf: for every `](` and `]:` the line's
    # bounds were searched with find/rfind from the whole note's start or to its end.
    "[a](b)\n", "[a](b)\r", "[a]: b\n", "]:",
])
def test_scanner_work_is_linear(unit: str) -> None:
    body = unit * (40_000 // len(unit))
    CountingStr.scanned = 0
    markdown.scan(CountingStr(body), 0)
    assert CountingStr.scanned <= 20 * len(body), CountingStr.scanned / len(body)


_PARSE = "import sys; from lint.note import parse_note; parse_note('x.md', sys.stdin.buffer.read())"


@pytest.mark.parametrize("text", [
    "> " * 40 + "\n",  # exponential backtracking in markdown._PLAIN_ATX before cdbddbf
    "---\ntitle: x" + " " * 200_000 + "y\n---\n",  # was quadratic in frontmatter._SIMPLE_LINE
    "[" * 200_000, "`" * 200_000, "<!--" * 50_000, "$" * 200_000, "\\" * 200_000,
])
def test_pathological_notes_parse_promptly(text: str) -> None:
    subprocess.run([sys.executable, "-c", _PARSE], input=text.encode(), check=True, timeout=5)


# --- files that vanish or change between discovery and reading -------------------------------------

def _small_vault(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "notelint.toml").write_text(config)
    (tmp_path / "hub.md").write_text("From: [[hub]]\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("From: [[hub]]\n[[missing-a]]\n")
    (tmp_path / "b.md").write_text("From: [[hub]]\n[[missing-b]]\n")
    return tmp_path


def _run_with_deadline(fn, seconds: float = 30, release: Path | None = None):
    """Run fn in a thread; a blocked open() of a FIFO is released by opening its other end."""
    result: list = []
    t = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        if release is not None:
            fd = os.open(release, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
            t.join(10)
        pytest.fail(f"blocked for {seconds}s")
    return result[0]


def _outside_symlink(p: Path) -> None:
    secret = p.parents[2] / "secret.md"  # p is vault/sub/a.md: this is beside the vault
    secret.write_text(f"From: [[hub]]\n[[{SECRET}]]\n")
    os.symlink(secret, p)


CHANGES = {
    "deleted": (lambda p: p.unlink(), "vanished"),
    "folder deleted": (lambda p: (p.unlink(), p.parent.rmdir()), "vanished"),
    "replaced by a FIFO": (lambda p: (p.unlink(), os.mkfifo(p)), "not a regular file"),
    "replaced by a folder": (lambda p: (p.unlink(), p.mkdir()), "not a regular file"),
    "grown past max-file-size": (lambda p: p.write_bytes(b"x" * 5000), "max-file-size"),
    "edited": (lambda p: p.write_text("From: [[hub]]\n[[missing-edited]]\n"), "missing-edited"),
    "replaced by a symlink out of the vault": (lambda p: (p.unlink(), _outside_symlink(p)),
                                               "outside the vault"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_files_changing_during_the_run(tmp_path, change: str) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    _small_vault(vault, "max-file-size = 1000\n")
    linter = Linter(Request(paths=[str(vault)], cwd=str(vault)))
    assert "sub/a.md" in linter.report_paths
    act, says = CHANGES[change]
    act(vault / "sub" / "a.md")
    findings = _run_with_deadline(linter.run, release=vault / "sub" / "a.md")
    mine = [f for f in findings if f.path == "sub/a.md"]
    assert any(says in f.message for f in mine), mine
    assert any(f.path == "b.md" and "missing-b" in f.message for f in findings)
    assert not any(SECRET in f.message for f in findings)


def test_unreadable_note_and_folder(tmp_path, monkeypatch) -> None:
    """Permission errors, simulated (the tests may run as root, who reads anything)."""
    import lint.discover as discover
    import lint.engine as engine

    vault = _small_vault(tmp_path)
    (vault / "locked").mkdir()
    (vault / "locked" / "c.md").write_text("x\n")
    real_scandir, real_open = os.scandir, os.open

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def open_(path, flags, *args):
        if str(path).endswith("a.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(discover.os, "scandir", scandir)
    linter = Linter(Request(paths=[str(vault)], cwd=str(vault)))
    monkeypatch.setattr(engine.os, "open", open_)
    findings = linter.run()
    monkeypatch.undo()
    said = {(f.path, f.rule): f.message for f in findings}
    assert "Permission denied" in said[("sub/a.md", "skipped-file")]
    assert "cannot list folder" in said[("locked", "skipped-file")]
    assert any(f.path == "b.md" and "missing-b" in f.message for f in findings)


def test_fix_does_not_block_on_a_note_replaced_by_a_fifo(tmp_path) -> None:
    from lint.fix import fix_note

    vault = _small_vault(tmp_path)
    (vault / "hub_note.md").write_text("From: [[hub]]\n")
    (vault / "c.md").write_text("From: [[hub]]\n[[Hub Note]]\n")
    linter = Linter(Request(paths=[str(vault)], cwd=str(vault)))
    findings = [f for f in linter.run() if f.path == "c.md"]
    assert any(f.fix is not None for f in findings)
    note = linter.note("c.md")
    (vault / "c.md").unlink()
    os.mkfifo(vault / "c.md")
    result = _run_with_deadline(lambda: fix_note(linter, note, findings, unsafe=True), 3,
                                release=vault / "c.md")
    assert result is not None and result.error is not None


# Found by fuzz/fuzz_notes.py, then minimised: a NUL and invalid bytes. The first round
# of --unsafe-fixes drops the NUL and rewrites the bytes; the re-parse of that round's
# output sniffs it as Windows-1251, whose text no longer lines up with the bytes.
FIX_ENCODING_FLIP = b"it\xece\x00" + b"\xde" * 9 + b"-\xe2\x80Bod"


def test_fix_survives_a_round_that_changes_the_encoding_guess(tmp_path) -> None:
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "n.md").write_bytes(FIX_ENCODING_FLIP)
    run = notelint("check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format",
                   "concise", cwd=tmp_path)
    assert b"Traceback" not in run.err, run.err.decode(errors="replace")
    # The only round would change what the file means: nothing is written, and it says so.
    assert run.code == 1
    assert (b"n.md:1:1: NL003 [skipped-file] not fixed: the fixed file would read as "
            b"Windows-1251, not UTF-8") in run.out, run.out
    assert (tmp_path / "n.md").read_bytes() == FIX_ENCODING_FLIP


def test_a_parser_crash_is_contained_to_its_note(tmp_path, monkeypatch) -> None:
    import lint.note

    vault = _small_vault(tmp_path)
    real = lint.note.parse_note

    def parse(path: str, data: bytes):
        if path == "b.md":
            raise ValueError("parser bug")
        return real(path, data)

    monkeypatch.setattr(lint.note, "parse_note", parse)
    findings = lint.check([vault], cache=False)
    assert any(f.path == "b.md" and f.rule == "internal-error" for f in findings)
    assert any(f.path == "sub/a.md" and "missing-a" in f.message for f in findings)


def test_per_file_ignores_apply_to_a_note_that_did_not_parse(tmp_path, monkeypatch) -> None:
    """A file with no Note (the parser crashed, or it was skipped) has no suppression
    comments, but per-file-ignores still apply to its one finding. (Our own parse_note
    is monkeypatched only to make it fail.)"""
    import lint.note

    vault = _small_vault(tmp_path, 'max-file-size = 1000\n[per-file-ignores]\n'
                                   '"b.md" = ["internal-error"]\n"big.md" = ["NL003"]\n')
    (vault / "c.md").write_text("From: [[hub]]\n")
    (vault / "big.md").write_bytes(b"x" * 5000)
    real = lint.note.parse_note

    def parse(path: str, data: bytes):
        if path in ("b.md", "c.md"):
            raise ValueError("parser bug")
        return real(path, data)

    monkeypatch.setattr(lint.note, "parse_note", parse)
    findings = [(f.path, f.rule) for f in lint.check([vault], cache=False)]
    assert ("c.md", "internal-error") in findings  # not ignored: still reported
    assert [f for f in findings if f[0] in ("b.md", "big.md")] == []


@pytest.mark.parametrize("step", ["directives", "facts"])
def test_a_crash_after_parsing_is_contained_to_its_note(tmp_path, monkeypatch, step: str) -> None:
    """Reading a note's suppression comments and its facts is part of parsing it: a crash
    there is one internal-error finding too. (Our own function is monkeypatched only to
    make it fail: what is under test is that the engine contains the failure.)"""
    import lint.process as engine
    from lint.note import Note

    vault = _small_vault(tmp_path)
    owner = engine if step == "directives" else Note
    real = getattr(owner, step)

    def crash_on_b(note):
        if note.path == "b.md":
            raise ValueError(f"{step} bug")
        return real(note)

    monkeypatch.setattr(owner, step, crash_on_b)
    findings = lint.check([vault], cache=False)
    on_b = [f for f in findings if f.path == "b.md"]
    assert [f.rule for f in on_b] == ["internal-error"], on_b
    assert f"ValueError: {step} bug" in on_b[0].message
    assert any(f.path == "sub/a.md" and "missing-a" in f.message for f in findings)


@pytest.mark.parametrize("step", ["parse", "relint"])
def test_a_crash_in_a_fix_round_is_a_note_not_fixed(tmp_path, monkeypatch, step: str) -> None:
    """A fix round parses and lints its own output again; a crash there leaves the note
    as it was and says so. (Our own functions are monkeypatched only to make them fail
    on the fixed text: what is under test is that --fix contains the failure.)"""
    import contextlib
    import io

    import lint.note
    import lint.process as engine
    from lint.cli import main

    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "a.md").write_text("# A\n\nzero\u200bwidth\n", encoding="utf-8")
    owner, name = (lint.note, "parse_note") if step == "parse" else (engine, "directives")
    real = getattr(owner, name)

    def crash_on_fixed(*args):
        text = args[-1] if step == "parse" else args[0].text.encode()
        if b"zerowidth" in text:
            raise ValueError("parser bug")
        return real(*args)

    monkeypatch.setattr(owner, name, crash_on_fixed)
    out = io.StringIO()
    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(out):
        code = main(["check", "--fix", "--no-cache", "--output-format", "concise", "."])
    assert code == 0, out.getvalue()  # warnings only: the invisible character, not fixed
    assert ("a.md:1:1: NL003 [skipped-file] not fixed: notelint crashed reading the fixed "
            "text: ValueError: parser bug") in out.getvalue()
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "# A\n\nzero\u200bwidth\n"


# --- front matter that used to crash the whole run ----------------------------------------------------

@pytest.mark.parametrize("yaml_text,says", [
    ("date: 2024-02-30", "not a valid date"),
    ("n: " + "1" * 5000, "not a valid integer"),  # past Python's int-string digit limit
    ("t: !!timestamp soon", "not a valid date"),
    ("b: !!bool maybe", "not a valid boolean"),
    ("i: !!int ''", "not a valid integer"),
    ("x: !local tag", "tag `!local` is not allowed"),
    ("a: &a [*a]", "refers to itself"),
])
def test_front_matter_values_python_rejects_are_findings(tmp_path, yaml_text: str, says: str) -> None:
    vault = _small_vault(tmp_path)
    (vault / "c.md").write_text(f"---\n{yaml_text}\n---\nFrom: [[hub]]\n")
    findings = [f for f in lint.check([vault], cache=False) if f.path == "c.md"]
    assert [f.rule for f in findings] == ["frontmatter-syntax"], findings
    assert says in findings[0].message and findings[0].line == 2


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_front_matter_closes_with_any_line_ending(eol: str) -> None:
    from lint.note import parse_note

    note = parse_note("x.md", f"---{eol}title: x{eol}---{eol}[[b]]{eol}".encode())
    assert note.frontmatter is not None and note.frontmatter.closed
    assert note.data == {"title": "x"} and note.md.links[0].target == "b"

