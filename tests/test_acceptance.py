"""The issues' "done when" checks on generated vaults (shared/bench/make_vault.py) and the
real corpora: every known defect is reported where the answer key says, nothing else."""

from __future__ import annotations

import json

from conftest import run_notelint

from lint.rules import by_name


def _matches(finding: dict, entry: dict) -> bool:
    return (finding["path"] == entry["path"] and finding["rule"] == entry["rule"]
            and (entry["scope"] != "line" or finding["line"] == entry["line"]))


def test_answer_key_both_ways(make_vault) -> None:
    vault, key = make_vault(2000, 0.05)
    r = run_notelint("check", ".", "--output-format", "json", cwd=vault)
    assert r.returncode == 1, r.stderr
    findings = json.loads(r.stdout)
    rules = {e["rule"] for e in key} & set(by_name())
    assert {"frontmatter-schema", "frontmatter-syntax", "missing-source"} <= rules
    for rule in sorted(rules):
        want = [e for e in key if e["rule"] == rule]
        got = [f for f in findings if f["rule"] == rule]
        missing = [e for e in want if not any(_matches(f, e) for f in got)]
        extra = [f for f in got if not any(_matches(f, e) for e in want)]
        assert not missing and not extra, (rule, missing[:3], extra[:3])


def test_clean_generated_vault_is_silent(make_vault) -> None:
    vault, _ = make_vault(1000, 0.0, seed=7)
    r = run_notelint("check", ".", "--output-format", "concise", cwd=vault)
    assert r.returncode == 0 and r.stdout.startswith("All checks passed"), r.stdout[:2000]


def test_tubegraph_front_matter_and_sources_are_clean(shared_corpora) -> None:
    # --no-cache: the shared corpora are read-only data, never a place to write
    r = run_notelint("check", ".", "--no-cache", "--output-format", "json", "--select", "FM,SRC",
                     cwd=shared_corpora / "tubegraph-sample")
    assert r.returncode == 0 and json.loads(r.stdout) == []
