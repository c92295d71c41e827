"""Every rule documents itself, its examples are run, and docs/rules/ is current."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from lint.docs import generate
from lint.engine import Linter, Request
from lint.rules import RULES

ENGINE_MADE = {"internal-error", "skipped-file"}
SECTIONS = ("what it does", "why it matters", "fix safety")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_metadata(rule) -> None:
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.code[:2].isalpha() and rule.code[-3:].isdigit()
    assert rule.summary and not rule.summary.endswith(".")
    missing = [s for s in SECTIONS if s not in rule.doc_sections()]
    assert not missing, f"{rule.name}: docstring lacks sections {missing}"


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def _run_example(rule, text: str, tmp_path: Path) -> list:
    vault = tmp_path / "vault"
    vault.mkdir(exist_ok=True)
    (vault / "notelint.toml").write_text("")
    for name, content in getattr(rule, "example_vault", {}).items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(content, encoding="utf-8")
    # Some problems live in the bytes or the name, not the text (invalid-utf8,
    # file-name-encoding): a rule may say how to write its example.
    note = vault / getattr(rule, "example_name", "example.md")
    note.write_bytes(text.encode(getattr(rule, "example_encoding", "utf-8")))
    linter = Linter(Request(paths=[str(note)], cwd=str(vault), overrides={"select": [rule.name]}))
    return [f for f in linter.run() if f.rule == rule.name]


@pytest.mark.parametrize("rule", [r for r in RULES if r.name not in ENGINE_MADE], ids=lambda r: r.name)
def test_documented_examples_run(rule, tmp_path) -> None:
    example, fixed = rule.examples()
    assert example is not None, f"{rule.name}: no fenced block under ## Example"
    assert _run_example(rule, example, tmp_path), f"{rule.name}: its Example does not fire"
    if fixed is not None:
        assert not _run_example(rule, fixed, tmp_path), f"{rule.name}: its Fixed example still fires"


def test_generated_docs_are_current() -> None:
    folder = ROOT / "docs" / "rules"
    stale = [p.name for p, text in generate(folder).items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"regenerate with `python -m lint.docs docs/rules`: {stale}"
