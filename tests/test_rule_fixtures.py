"""Every fixture vault under tests/rules/, checked both ways (see tests/fixtures.py)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from fixtures import cases, expected

from lint.cli import main
from lint.engine import Linter, Request

CASES = cases()


def _linter(case: Path) -> Linter:
    rule = case.parent.name
    return Linter(Request(paths=[str(case)], cwd=str(case), config_file=str(case / "notelint.toml"),
                          overrides={"select": [rule]}))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_markers_both_ways(case: Path) -> None:
    assert (case / "notelint.toml").is_file(), "a fixture case is a vault: add notelint.toml"
    found = Counter((f.path, f.line, f.rule) for f in _linter(case).run())
    want = expected(case)
    missing = want - found
    unexpected = found - want
    assert not missing and not unexpected, f"missing: {dict(missing)}\nunexpected: {dict(unexpected)}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_concise_snapshot(case: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(case)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    main(["check", ".", "--output-format", "concise", "--config", "notelint.toml", "--no-cache",
          "--select", case.parent.name])
    got = capsys.readouterr().out
    snap = case / "concise.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        snap.write_text(got, encoding="utf-8")
    assert got == snap.read_text(encoding="utf-8")


FIX_CASES = [(c, kind) for c in CASES for kind in ("fixed", "unsafe-fixed")
             if c.with_name(f"{c.name}.{kind}").is_dir()]


@pytest.mark.parametrize("case,kind", FIX_CASES, ids=lambda x: getattr(x, "name", x))
def test_fix_result(case: Path, kind: str, tmp_path, monkeypatch, capsys) -> None:
    work = tmp_path / "vault"
    shutil.copytree(case, work)
    monkeypatch.chdir(work)
    args = ["check", ".", "--fix", "--output-format", "concise", "--config", "notelint.toml",
            "--no-cache", "--select", case.parent.name]
    if kind == "unsafe-fixed":
        args.append("--unsafe-fixes")
    main(args)
    want_dir = case.with_name(f"{case.name}.{kind}")
    for want in sorted(want_dir.rglob("*.md")):
        rel = want.relative_to(want_dir)
        assert (work / rel).read_bytes() == want.read_bytes(), f"{rel} differs after --fix"
    before = {p: p.read_bytes() for p in work.rglob("*.md")}
    main(args)  # a second --fix changes nothing
    assert {p: p.read_bytes() for p in work.rglob("*.md")} == before
    capsys.readouterr()


def test_every_rule_has_a_fixture() -> None:
    from lint.rules import RULES

    covered = {c.parent.name for c in CASES}
    engine_made = {"internal-error", "skipped-file"}
    missing = sorted(r.name for r in RULES if r.name not in covered | engine_made)
    assert not missing, f"rules without fixture vaults: {missing}"


def test_harness_sees_markers(tmp_path) -> None:
    (tmp_path / "a.md").write_text("x <!-- expect: broken-link, mojibake -->\n"
                                   "<!-- expect(1): missing-source -->\n")
    assert expected(tmp_path) == Counter({("a.md", 1, "broken-link"): 1, ("a.md", 1, "mojibake"): 1,
                                          ("a.md", 1, "missing-source"): 1})


