"""The encoding rules on make_vault.py vaults: the answer key, exactly; --fix, exactly."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import MAKE_VAULT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_mojibake import clean_texts, garble

from lint.cli import main
from lint.engine import Linter, Request

ENCODING_RULES = ["mojibake", "invalid-utf8", "replacement-character", "invisible-character",
                  "control-character", "byte-order-mark", "unicode-normalization",
                  "mixed-line-endings", "file-name-encoding"]
KEYED = {"mojibake", "replacement-character", "invisible-character"}
# What make_vault.py appends to a line for a mojibake defect, before garbling.
CLEAN_SENTENCE = "The market’s “open” models — naïve or not — won."


def _lint(vault: Path) -> list:
    return Linter(Request(paths=[str(vault)], cwd=str(vault),
                          overrides={"select": ENCODING_RULES})).run()


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> tuple[Path, list[dict]]:
    if not MAKE_VAULT.is_file():
        pytest.skip(f"{MAKE_VAULT} is absent")
    out = tmp_path_factory.mktemp("ev") / "vault"
    subprocess.run([sys.executable, str(MAKE_VAULT), str(out), "--notes", "1500", "--seed", "7",
                    "--defect-rate", "0.3"], check=True, capture_output=True)
    key = out.parent / f"{out.name}.expected.jsonl"
    return out, [json.loads(line) for line in key.read_text().splitlines()]


def test_answer_key_exactly(vault) -> None:
    root, key = vault
    expected = {(e["path"], e["line"], e["rule"]) for e in key if e["rule"] in KEYED}
    assert len(expected) > 30
    found = Counter((f.path, f.line, f.rule) for f in _lint(root))
    assert set(found) == expected
    # Six garbled characters on each mojibake line: ’ “ ” — ï —.
    assert {n for (_, _, rule), n in found.items() if rule == "mojibake"} == {6}


def test_fix_repairs_every_mojibake_and_nothing_else(vault, tmp_path, monkeypatch, capsys) -> None:
    import shutil

    root, key = vault
    work = tmp_path / "vault"
    shutil.copytree(root, work)
    before = {p.relative_to(work).as_posix(): p.read_bytes() for p in work.rglob("*.md")}
    monkeypatch.chdir(work)
    main(["check", ".", "--fix", "--select", "mojibake", "--output-format", "concise", "--no-cache"])
    capsys.readouterr()
    after = {p.relative_to(work).as_posix(): p.read_bytes() for p in work.rglob("*.md")}
    moj_paths = {e["path"] for e in key if e["rule"] == "mojibake"}
    for path, old in before.items():
        if path not in moj_paths:
            assert after[path] == old, f"{path} changed"
            continue
        text = old.decode("utf-8")
        bad = _make_vault_mojibake(CLEAN_SENTENCE)
        assert bad in text
        assert after[path] == text.replace(bad, CLEAN_SENTENCE).encode("utf-8"), path
    assert [f for f in _lint(work) if f.rule == "mojibake"] == []


def _make_vault_mojibake(text: str) -> str:
    """make_vault.py's garbling: UTF-8 bytes read as Windows-1252, Latin-1 for the rest."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def test_corpora_through_the_engine(shared_corpora: Path) -> None:
    """Clean real vaults: the encoding rules report only what is really there."""
    found = []
    for corpus in sorted(p for p in shared_corpora.iterdir() if p.is_dir()):
        linter = Linter(Request(paths=[str(corpus)], cwd=str(corpus), config_file=None,
                                overrides={"select": ENCODING_RULES}))
        found += [(corpus.name, f.path, f.line, f.rule) for f in linter.run()]
    assert sorted(found) == sorted([
        # obsidian-tasks tests indentation by a zero-width space and a tab.
        ("obsidian-tasks-demo", "Test Data/zero_width.md", 6, "invisible-character"),
        # `ĝ(f)`, g-hat, typed as g + U+0302 COMBINING CIRCUMFLEX ACCENT, twice.
        *[("tubegraph-sample", "3blue1brown/decomposing_sound_into_frequencies.md", 60,
           "unicode-normalization")] * 2,
    ])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(clean_texts, st.sampled_from(["cp1252", "latin-1"]))
def test_property_fix_restores_garbled_text(clean: str, codec: str) -> None:
    """The issue's property, end to end: garble, lint, `--fix --unsafe-fixes`, compare."""
    note = f"# Note\n\n{clean}\n"
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp)
        (vault / "notelint.toml").write_text("")
        path = vault / "note.md"
        path.write_text(garble(note, codec), encoding="utf-8")
        assert [f for f in _lint(vault) if f.rule == "mojibake"]
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", str(vault), "--fix", "--unsafe-fixes", "--select", "mojibake",
                  "--no-cache", "--config", str(vault / "notelint.toml")])
        assert path.read_text(encoding="utf-8") == note
