"""Imports a run does not need stay out of it (issue 6: ftfy alone is 45-110 ms, a
quarter of a warm run). Each case runs a fresh interpreter, as a user's command does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import contextlib, io, json, sys
from lint.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as e:
        code = e.code
print(json.dumps({"code": code, "out": out.getvalue(),
                  "loaded": [m for m in ("ftfy", "pydantic", "rapidfuzz", "yaml", "lint.note")
                             if m in sys.modules]}))
"""


def run(*args: str, cwd: Path) -> dict:
    p = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.splitlines()[-1])


def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    got = run("--version", cwd=tmp_path)
    assert got["loaded"] == []


def test_rules_listing_needs_no_ftfy(tmp_path: Path) -> None:
    got = run("rules", cwd=tmp_path)
    assert "mojibake" in got["out"]
    assert "ftfy" not in got["loaded"]


def test_warm_run_needs_no_ftfy_but_a_cold_one_finds_mojibake(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n\nThe marketâ€™s needs. [[b]]\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: B\n---\n\nClean text.\n", encoding="utf-8")
    args = ("check", ".", "--output-format", "concise")
    cold = run(*args, cwd=tmp_path)
    assert "mojibake" in cold["out"] and cold["code"] == 1
    assert "ftfy" in cold["loaded"]  # the other direction: a note to repair loads it
    assert "yaml" in cold["loaded"] and "lint.note" in cold["loaded"]
    warm = run(*args, cwd=tmp_path)
    assert warm["out"] == cold["out"]  # the same findings, from the cache
    assert "ftfy" not in warm["loaded"]
    assert "yaml" not in warm["loaded"] and "lint.note" not in warm["loaded"]  # nothing parsed
    # One note changed, with non-ASCII text but nothing that could be mojibake: scanning
    # it needs the badness alphabet, not ftfy.
    (tmp_path / "b.md").write_text("---\ntitle: B\n---\n\nCafé — naïve, 日本語.\n", encoding="utf-8")
    changed = run(*args, cwd=tmp_path)
    assert changed["out"] == cold["out"]
    assert "ftfy" not in changed["loaded"]
