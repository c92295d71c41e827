"""Property tests over random and mutated notes (issue 7): the parser never raises, every
span lies inside the text, findings are deterministic, `lint.check` never raises, and
`notelint check --fix` twice equals `--fix` once.

The default example counts keep the suite fast. For a long session:
    HYPOTHESIS_PROFILE=fuzz pytest tests/test_properties.py
multiplies them (NOTELINT_FUZZ_SCALE overrides the factor); fuzz/README.md has more.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import pytest
from hostile.invariants import check_spans, crashes
from hostile.notes import TARGETS, notes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lint
from lint.cli import main
from lint.engine import Linter, Request
from lint.note import parse_note

_SCALE = int(os.environ.get("NOTELINT_FUZZ_SCALE")
             or (200 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 1))


def _settings(examples: int) -> settings:
    return settings(max_examples=examples * _SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_settings(300)
@given(notes)
def test_parse_never_raises_and_spans_lie_inside(data: bytes) -> None:
    note = parse_note("n.md", data)
    check_spans(note)
    again = parse_note("n.md", data)
    assert repr(again.md) == repr(note.md) and repr(again.frontmatter) == repr(note.frontmatter)
    # A note given as text (the API, --stdin-filename) parses to the same spans.
    if not note.invalid and note.encoding is None:
        check_spans(parse_note("n.md", note.text.encode("utf-8")))


@_settings(200)
@given(st.text(max_size=200))
def test_front_matter_of_any_text(text: str) -> None:
    note = parse_note("n.md", ("---\n" + text + "\n---\nbody [[x]]\n").encode("utf-8", "surrogatepass"))
    check_spans(note)


# --- whole vaults through the API and the CLI ------------------------------------------------------

def _write_vault(root: Path, bodies: list[bytes]) -> list[str]:
    (root / "notelint.toml").write_text("")
    for name, data in TARGETS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    names = [f"n{i}.md" for i in range(len(bodies))]
    for name, data in zip(names, bodies):
        (root / name).write_bytes(data)
    return names


def _lint(root: Path) -> tuple[Linter, list]:
    linter = Linter(Request(paths=[str(root)], cwd=str(root)))
    return linter, linter.run()


@_settings(40)
@given(st.lists(notes, min_size=1, max_size=3))
def test_check_never_raises_and_is_deterministic(bodies: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = _write_vault(root, bodies)
        linter, first = _lint(root)
        assert lint.check([root]) == first  # the API, a second time: the same findings
        assert not crashes(first), first
        for f in first:
            assert f.path in names or f.path in TARGETS, f
            note = linter.note(f.path)
            if note is None:
                continue
            assert 0 <= f.start <= f.end <= len(note.text), f
            assert 1 <= f.line <= f.end_line <= note.lines.line_count, f
            assert (f.line, f.column) == note.position(f.start), f


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".notelint" not in p.as_posix()}


def _fix(root: Path) -> int:
    out = io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        return main(["check", "--fix", "--unsafe-fixes", "--no-cache", "-q",
                     "--output-format", "concise", "."])


@_settings(40)
@given(st.lists(notes, min_size=1, max_size=3))
def test_fix_twice_equals_fix_once(bodies: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_vault(root, bodies)
        assert _fix(root) in (0, 1)
        once = _snapshot(root)
        assert _fix(root) in (0, 1)
        assert _snapshot(root) == once


def test_mojibake_propagation_does_not_crash(tmp_path) -> None:
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "n.md").write_bytes(b"\x80\x01\x80\xc2\x80")  # found by the fuzzer
    findings = Linter(Request(paths=[str(tmp_path)], cwd=str(tmp_path))).run()
    assert not [f for f in findings if f.rule == "internal-error"], findings


def _fixed_twice(tmp_path: Path, data: bytes) -> tuple[bytes, bytes]:
    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "n.md").write_bytes(data)
    assert _fix(tmp_path) in (0, 1)
    once = (tmp_path / "n.md").read_bytes()
    assert _fix(tmp_path) in (0, 1)
    return once, (tmp_path / "n.md").read_bytes()


def test_fix_twice_equals_once_around_invalid_bytes(tmp_path) -> None:
    # Found by fuzz/fuzz_notes.py and minimised: one --fix turns these 23 bytes into 4
    # (ten rounds, each deleting a `Ч`), the second --fix deletes again.
    once, twice = _fixed_twice(tmp_path, b"\xd0" * 11 + b"\xa7" * 12)
    assert once == twice
    assert "\u0427" in once.decode("utf-8", "replace"), once  # the Ч (D0 A7) is still there


@pytest.mark.parametrize("data", [
    b"caf\xc3\xa9 \xff\xc3\x90\xff\n",  # the Ð between two invalid bytes
    "x \ufffd\u00d0\ufffd\u00c2\u00bf y\n".encode(),  # between two U+FFFD, beside a garble
])
def test_unsafe_fixes_do_not_delete_text(tmp_path, data: bytes) -> None:
    once, _ = _fixed_twice(tmp_path, data)
    assert "\u00d0" in once.decode("utf-8", "replace"), once


# --- a warm cache gives exactly what no cache gives (issue 17) --------------------------------------

def _edit_in_place(path: Path, data: bytes) -> None:
    """Overwrite the file with bytes of its own length, same inode, and put its mtime back:
    what an editor saving within one timestamp tick, or a restore, leaves behind."""
    st_before = path.stat()
    size = st_before.st_size
    new = (data * (size // max(len(data), 1) + 1))[:size] if data else b" " * size
    with open(path, "r+b") as f:
        f.write(new)
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))


def _findings(root: Path, cache: bool) -> list:
    linter = Linter(Request(paths=[str(root)], cwd=str(root), cache=cache))
    return [(f.path, f.line, f.column, f.rule, f.message, f.fix) for f in linter.run()]


def _fix_cli(root: Path, *flags: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--fix", "--output-format", "json", *flags, "."])
    return code, out.getvalue()


@contextlib.contextmanager
def _cache_home(folder: Path):
    """Each example its own cache key: no example trusts another's cache."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = saved


@_settings(25)
@given(st.lists(notes, min_size=1, max_size=3), st.lists(notes, min_size=1, max_size=3))
def test_a_warm_cache_after_same_size_edits_agrees_with_no_cache(bodies, edits) -> None:
    import shutil

    with tempfile.TemporaryDirectory() as tmp, _cache_home(Path(tmp) / "xdg"):
        root = Path(tmp) / "v"
        root.mkdir()
        names = _write_vault(root, bodies)
        _findings(root, cache=True)  # warm the cache with the first state
        for name, data in zip(names, edits):
            _edit_in_place(root / name, data)
        assert _findings(root, cache=True) == _findings(root, cache=False)
        plain = Path(tmp) / "plain"
        shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".notelint_cache"))
        assert _fix_cli(root) == _fix_cli(plain, "--no-cache")
        assert _snapshot(root) == _snapshot(plain)
