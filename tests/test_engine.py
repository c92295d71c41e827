"""The engine and the fixer, driven through lint's own API with real files."""

from __future__ import annotations

import gc
import os
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import lint
from lint.diagnostic import Applicability, Edit, Fix, Violation
from lint.engine import Linter, Request
from lint.fix import fix_note, write_atomic
from lint.rule import NoteRule

BAD = "---\ntitle: Bad\nvideoId: nope\n---\n\nFrom: [[hub]] <br/>\nBody.\n"


def _vault(tmp_path: Path, files: dict[str, str | bytes], config: str = "") -> Path:
    (tmp_path / "notelint.toml").write_text(config)
    files = {"hub.md": "---\ntitle: Hub\n---\n", **files}  # the notes' source link resolves
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def test_api_check(tmp_path) -> None:
    v = _vault(tmp_path, {"a.md": BAD})
    (f,) = lint.check([v])
    assert isinstance(f, lint.Finding) and f.rule == "frontmatter-schema" and f.path == "a.md"
    assert lint.check([v], config={"ignore": ["FM"]}) == []
    with pytest.raises(lint.ConfigError):
        lint.check([v], config={"nonsense": 1})
    with pytest.raises(lint.UsageError):
        lint.check([v / "missing.md"])


def test_severity_override_and_per_file_ignores(tmp_path) -> None:
    v = _vault(tmp_path, {"a.md": BAD, "daily/b.md": BAD},
               '[severity]\nfrontmatter-schema = "warning"\n[per-file-ignores]\n"daily/**" = ["FM002"]\n')
    (f,) = lint.check([v])
    assert f.path == "a.md" and f.severity == lint.Severity.WARNING


@pytest.mark.parametrize("comment,suppressed", [
    ("<!-- notelint-disable-file -->", True),
    ("<!-- notelint-disable-file frontmatter-schema -->", True),
    ("<!-- notelint-disable-file FM002 -->", True),
    ("<!-- notelint-disable-file missing-source -->", False),
    ("`<!-- notelint-disable-file -->`", False),  # in a code span: not a directive
])
def test_file_suppressions(tmp_path, comment: str, suppressed: bool) -> None:
    v = _vault(tmp_path, {"a.md": BAD + comment + "\n"})
    rules = {f.rule for f in lint.check([v], config={"select": ["FM002"]})}
    assert ("frontmatter-schema" not in rules) == suppressed


def test_front_matter_suppression(tmp_path) -> None:
    text = "---\ntitle: Bad  # notelint: disable=frontmatter-schema\nvideoId: nope\n---\n"
    v = _vault(tmp_path, {"a.md": text})
    assert lint.check([v], config={"select": ["FM002"]}) == []


def test_next_line_and_ranges(tmp_path) -> None:
    text = "---\ntitle: x\n---\n<!-- notelint-disable-next-line boom -->\nboom\nboom\n" \
           "<!-- notelint-disable boom -->\nboom\n<!-- notelint-enable boom -->\nboom\n"
    v = _vault(tmp_path, {"a.md": text})
    linter = _boom_linter(v, "NL002")
    lines = [f.line for f in linter.run() if f.rule == "boom"]
    assert lines == [6, 10]


class BoomRule(NoteRule):
    """Reports each line reading `boom`, and crashes on a line reading `crash`.

    ## What it does
    Test rule.
    ## Why it matters
    Test rule.
    ## Fix safety
    Safe: trailing blanks go.
    """

    code = "TST001"
    name = "boom"
    summary = "test"
    fixable = True

    def check(self, note, ctx) -> Iterator[Violation]:
        start = note.body_start
        for line in note.text[start:].splitlines(keepends=True):
            word = line.strip()
            if word == "crash":
                raise ValueError("the rule fell over")
            if word.startswith("boom"):
                end = start + len(line.rstrip("\r\n"))
                fix = Fix((Edit(start, end, "bang"),), Applicability.SAFE)
                yield Violation(start, end, "boom", fix=fix)
            start += len(line)


def _boom_linter(v: Path, select: str = "NL001") -> Linter:
    linter = Linter(Request(paths=[str(v)], cwd=str(v), overrides={"select": [select]}))
    linter.plan = linter.plan.with_rule(BoomRule)
    return linter


def test_a_crashing_rule_becomes_internal_error(tmp_path) -> None:
    v = _vault(tmp_path, {"a.md": "crash\n", "b.md": "boom\n"})
    findings = _boom_linter(v).run()
    assert [(f.path, f.rule) for f in findings] == [("a.md", "internal-error"), ("b.md", "boom")]
    assert "boom" in findings[0].message and "ValueError" in findings[0].message


def _fix(v: Path, name: str) -> bytes:
    linter = _boom_linter(v)
    findings = linter.run()
    note = linter.note(name)
    result = fix_note(linter, note, [f for f in findings if f.path == name], unsafe=False)
    assert result is not None and result.error is None
    assert write_atomic(linter.root, result) is None
    return (v / name).read_bytes()


def test_fix_keeps_line_endings_mode_and_other_bytes(tmp_path) -> None:
    raw = b"\xef\xbb\xbfintro \xff\xfe bytes\r\nboom\r\nkeep\rboom\n"
    v = _vault(tmp_path, {"a.md": raw})
    os.chmod(v / "a.md", 0o640)
    assert _fix(v, "a.md") == b"\xef\xbb\xbfintro \xff\xfe bytes\r\nbang\r\nkeep\rbang\n"
    assert stat.S_IMODE(os.stat(v / "a.md").st_mode) == 0o640
    assert [p.name for p in v.iterdir() if p.name.startswith(".notelint-")] == []


def test_fix_writes_through_a_symlinked_note_and_keeps_the_link(tmp_path) -> None:
    v = _vault(tmp_path, {"real/a.md": "boom\nkeep\n"})
    os.symlink(os.path.join("real", "a.md"), v / "alias.md")
    assert _fix(v, "alias.md") == b"bang\nkeep\n"
    assert (v / "alias.md").is_symlink() and (v / "real" / "a.md").read_bytes() == b"bang\nkeep\n"


def test_fix_refuses_a_note_swapped_for_a_symlink_out_of_the_vault(tmp_path) -> None:
    (tmp_path / "vault").mkdir()
    v = _vault(tmp_path / "vault", {"a.md": "boom\n"})
    linter = _boom_linter(v)
    findings = linter.run()
    result = fix_note(linter, linter.note("a.md"), findings, unsafe=False)
    assert result is not None and result.error is None
    outside = tmp_path / "outside.md"
    outside.write_bytes(result.before)  # the very bytes read: only the place differs
    (v / "a.md").unlink()
    os.symlink(outside, v / "a.md")
    assert "outside the vault" in (write_atomic(linter.root, result) or "")
    assert outside.read_bytes() == b"boom\n"


def test_fix_skips_a_file_changed_on_disk(tmp_path) -> None:
    v = _vault(tmp_path, {"a.md": "boom\n"})
    linter = _boom_linter(v)
    findings = linter.run()
    (v / "a.md").write_text("boom\nsomeone else's edit\n")
    result = fix_note(linter, linter.note("a.md"), findings, unsafe=False)
    assert result is not None and "changed on disk" in (result.error or "")
    assert (v / "a.md").read_text() == "boom\nsomeone else's edit\n"


def test_root_discovery(tmp_path) -> None:
    (tmp_path / "vault" / "sub").mkdir(parents=True)
    (tmp_path / "vault" / "sub" / "a.md").write_text(BAD)
    # No config anywhere: the folder given is the root.
    linter = Linter(Request(paths=["vault"], cwd=str(tmp_path)))
    assert linter.root == (tmp_path / "vault").resolve() and linter.report_paths == ["sub/a.md"]
    # Files given: the current directory is the root.
    linter = Linter(Request(paths=["vault/sub/a.md"], cwd=str(tmp_path)))
    assert linter.root == tmp_path.resolve() and linter.report_paths == ["vault/sub/a.md"]
    # A config file marks the root, whatever is given.
    (tmp_path / "vault" / ".notelint.toml").write_text("")
    linter = Linter(Request(paths=["vault/sub"], cwd=str(tmp_path)))
    assert linter.root == (tmp_path / "vault").resolve()


def test_each_note_is_parsed_once(tmp_path, monkeypatch) -> None:
    import lint.note

    v = _vault(tmp_path, {f"n{i}.md": BAD for i in range(5)})
    calls: list[str] = []
    real = lint.note.parse_note
    monkeypatch.setattr(lint.note, "parse_note", lambda p, d: calls.append(p) or real(p, d))
    lint.check([v])
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 6


# --- the run's garbage-collector tuning, seen from a program that uses lint.check() --------

def test_a_run_leaves_the_hosts_frozen_objects_frozen(tmp_path) -> None:
    v = _vault(tmp_path, {"a.md": BAD})
    threshold = gc.get_threshold()
    hosts = ["an object the host program froze"]
    gc.freeze()  # the host's own freeze, e.g. before forking workers of its own
    try:
        assert not _collectable(hosts)
        lint.check([v])
        assert not _collectable(hosts)  # still frozen: not thawed by the run
        assert gc.get_threshold() == threshold
    finally:
        gc.unfreeze()


def _collectable(obj: object) -> bool:
    """Is obj in one of the collector's generations (gc.get_objects() leaves out the
    frozen ones)?"""
    return any(o is obj for o in gc.get_objects())


def _gated_linter(v: Path, name: str, arrive: threading.Event, wait_for: threading.Event) -> Linter:
    """A linter whose one extra rule says it is inside the run, then waits: two of them
    in two threads make the runs overlap in a chosen order."""

    class Gate(NoteRule):
        code = "TST002"
        summary = "test"

        def check(self, note, ctx) -> Iterator[Violation]:
            arrive.set()
            assert wait_for.wait(10), "the other run never came"
            return iter(())

    Gate.name = name
    linter = Linter(Request(paths=[str(v)], cwd=str(v), overrides={"select": ["NL001"]}))
    linter.plan = linter.plan.with_rule(Gate)
    return linter


def test_overlapping_runs_in_threads_put_the_collector_back(tmp_path) -> None:
    v = _vault(tmp_path, {"a.md": BAD})
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    a_in, b_in, a_done = threading.Event(), threading.Event(), threading.Event()
    first = _gated_linter(v, "gate-a", a_in, b_in)
    second = _gated_linter(v, "gate-b", b_in, a_done)
    # A starts, B starts while A runs, A ends while B runs, then B ends.
    a = threading.Thread(target=first.run)
    b = threading.Thread(target=second.run)
    a.start()
    assert a_in.wait(10)
    b.start()
    a.join(10)
    a_done.set()
    b.join(10)
    assert not a.is_alive() and not b.is_alive()
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen


@pytest.fixture
def unlinked_after_open(monkeypatch):
    """os.open() that removes `name` right after opening it, once: the moment between
    the reader's open and its look at /proc, made deterministic."""

    def arm(name: str) -> None:
        real_open = os.open

        def open_then_unlink(path, flags, *args, **kwargs):
            fd = real_open(path, flags, *args, **kwargs)
            if os.path.basename(os.fspath(path)) == name:
                monkeypatch.setattr(os, "open", real_open)
                os.unlink(path)
            return fd

        monkeypatch.setattr(os, "open", open_then_unlink)

    return arm


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")
def test_a_note_removed_after_the_open_is_not_taken_for_its_proc_name(tmp_path, unlinked_after_open) -> None:
    # /proc/self/fd names an unlinked file "<path> (deleted)", and that name can be
    # another file's: the fix must not be written over it.
    from lint.readfile import read_file

    v = _vault(tmp_path, {"a.md": "boom\n", "a.md (deleted)": "someone else's file\n"})
    assert read_file(v, "a.md (deleted)", 100).data == b"someone else's file\n"  # a real name
    linter = _boom_linter(v)
    result = fix_note(linter, linter.note("a.md"), linter.run(), unsafe=False)
    assert result is not None and result.error is None
    unlinked_after_open("a.md")
    assert "changed on disk" in (write_atomic(linter.root, result) or "")
    assert (v / "a.md (deleted)").read_bytes() == b"someone else's file\n"
    (v / "a.md").write_text("boom\n")
    unlinked_after_open("a.md")
    got = read_file(v, "a.md", 100)
    assert got.data is None and not got.real.endswith(" (deleted)"), got
