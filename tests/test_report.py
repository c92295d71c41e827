"""`notelint report`: the numbers on fixture vaults, --compare, and hostile names in every
format. The numbers come from main() in this process; hostile names, errors, exit codes
and worker processes go through the installed command."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from conftest import run_in_process, run_notelint


def _vault(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _report(vault: Path, *args: str, run=run_in_process) -> dict:
    r = run("report", ".", "--format", "json", *args, cwd=vault)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout)


def _target(report: dict, name: str) -> dict:
    hits = [t for t in report["missing_targets"] if t["target"] == name]
    assert len(hits) == 1, report["missing_targets"]
    return hits[0]


def test_missing_targets_rank_by_linking_notes_then_links(tmp_path) -> None:
    # Alpha: 3 notes, 3 links. Beta: 2 notes, 5 links. Gamma: 2 notes, 2 links.
    vault = _vault(tmp_path, {
        "a/one.md": "[[Alpha]] and [[Beta]] [[Beta]] [[Beta]] and [[Gamma]]\n",
        "a/two.md": "[[Alpha]] and [[Beta]] [[Beta]] and [[Gamma]]\n",
        "b/three.md": "[[Alpha]]\n",
        "b/clean.md": "[[one]] [[two]] [[three]]\n",
    })
    report = _report(vault)
    ranked = [(t["target"], t["notes"], t["links"]) for t in report["missing_targets"]]
    assert ranked == [("Alpha", 3, 3), ("Beta", 2, 5), ("Gamma", 2, 2)]
    # the notes with the most links to it come first among the examples
    assert _target(report, "Beta")["examples"] == ["a/one.md", "a/two.md"]
    assert report["notes"] == 4 and report["broken_links"] == 10
    assert report["findings"] == {"broken-link": 10}
    folders = {f["folder"]: f for f in report["folders"]}
    assert folders["a"] == {"folder": "a", "notes": 2, "findings": 9, "broken_links": 9,
                            "broken_links_per_note": 4.5}
    assert folders["b"]["broken_links"] == 1 and folders["b"]["notes"] == 2
    assert [f["folder"] for f in report["folders"]] == ["a", "b"]
    assert report["top_notes"][0] == {"path": "a/one.md", "findings": 5, "rules": {"broken-link": 5}}


def test_targets_group_as_the_resolver_compares_names(tmp_path) -> None:
    nfd = unicodedata.normalize("NFD", "Café")
    vault = _vault(tmp_path, {
        "one.md": "[[Café]] [[ café ]]\n",
        "two.md": "[[Café]]\n",
        "three.md": f"[[{nfd.upper()}]] [[Café.md]]\n",
        "four.md": "[[Cafe]]\n",  # no accent: another name
    })
    report = _report(vault)
    by_name = {t["target"]: (t["notes"], t["links"]) for t in report["missing_targets"]}
    assert by_name == {"Café": (3, 5), "Cafe": (1, 1)}


def test_a_suggestion_when_one_exists_and_none_otherwise(tmp_path) -> None:
    vault = _vault(tmp_path, {
        "open_source_ai.md": "# Open source AI\n",
        "n.md": "[[Open Source AI | open models]] and [[Quantum Zebra Migration]]\n",
        "m.md": "[[Open Source AI]]\n",
    })
    report = _report(vault)
    assert _target(report, "Open Source AI")["suggestion"] == "open_source_ai"
    assert _target(report, "Quantum Zebra Migration")["suggestion"] is None


def test_fixable_counts_what_fix_and_unsafe_fixes_would_repair(tmp_path) -> None:
    vault = _vault(tmp_path, {
        "open_source_ai.md": "# Open source AI\n",
        "n.md": "It\u00e2\u20ac\u2122s here: [[Open Source AI]] and [[Nowhere]].\n",  # mojibake: safe
    })
    report = _report(vault)
    assert report["findings"] == {"broken-link": 2, "mojibake": 1}
    assert report["fixable"] == {"fix": 1, "unsafe_fixes": 2}
    rows = {r["rule"]: (r["fix"], r["unsafe_fix"]) for r in report["rules"]}
    assert rows == {"broken-link": (0, 1), "mojibake": (1, 1)}
    clean = _report(_vault(tmp_path / "clean", {"a.md": "[[b]]\n", "b.md": "[[a]]\n"}))
    assert clean["fixable"] == {"fix": 0, "unsafe_fixes": 0} and clean["missing_targets"] == []
    assert clean["notes"] == 2 and clean["findings"] == {} and clean["folders"][0]["findings"] == 0


def test_orphans_and_ambiguous_links_only_when_their_rules_are_on(tmp_path) -> None:
    vault = _vault(tmp_path, {"a/note.md": "x\n", "b/note.md": "y\n", "c.md": "[[note]]\n"})
    off = _report(vault)
    assert off["orphans"] is None
    assert [a["path"] for a in off["ambiguous_links"]] == ["c.md"]
    on = _report(vault, "--extend-select", "orphan-note")
    assert on["orphans"] == ["b/note.md", "c.md"]
    assert _report(vault, "--ignore", "ambiguous-link")["ambiguous_links"] is None


def test_suppressed_findings_stay_out_of_the_report(tmp_path) -> None:
    vault = _vault(tmp_path, {"n.md": "[[Gone]] <!-- notelint-disable-line broken-link -->\n[[Here]]\n"})
    report = _report(vault)
    assert [t["target"] for t in report["missing_targets"]] == ["Here"]


def test_compare_counts_new_and_fixed_per_rule(tmp_path) -> None:
    vault = _vault(tmp_path / "v", {
        "a.md": "[[Gone]] and [[Kept]]\n",
        "b.md": "It\u00e2\u20ac\u2122s [[Kept]]\n",
    })
    old = tmp_path / "old.json"
    r = run_notelint("report", ".", "--format", "json", "-o", str(old), cwd=vault)
    assert r.returncode == 0 and r.stdout == "", r.stderr
    (vault / "a.md").write_text("\n\n[[Kept]] and [[Fresh]] and [[Fresh]]\n", encoding="utf-8")
    report = _report(vault, "--compare", str(old))
    change = report["compare"]
    assert change["findings"] == {"old": 4, "now": 5}
    assert (change["new"], change["fixed"]) == (2, 1)
    rules = {row["rule"]: row for row in change["rules"]}
    assert rules["broken-link"] == {"rule": "broken-link", "old": 3, "now": 4, "new": 2, "fixed": 1}
    # moved two lines down, the [[Kept]] link of a.md is neither new nor fixed
    assert rules["mojibake"] == {"rule": "mojibake", "old": 1, "now": 1, "new": 0, "fixed": 0}
    assert change["missing_targets"] == {"old": 2, "now": 2, "new": 1, "gone": 1}
    assert _report(vault)["compare"] is None


def test_compare_with_a_file_that_is_not_a_report_is_a_clear_error(tmp_path) -> None:
    vault = _vault(tmp_path / "v", {"a.md": "[[x]]\n"})
    cases = {"missing.json": None, "bad.json": "{not json", "check.json": "[]",
             "other.json": '{"fingerprints": {"broken-link": [1]}}'}
    for name, text in cases.items():
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
        r = run_notelint("report", ".", "--compare", str(tmp_path / name), cwd=vault)
        assert r.returncode == 2, (name, r.stderr)
        assert r.stderr.startswith("notelint: error: --compare:") and "Traceback" not in r.stderr
        assert r.stdout == ""


def test_bad_paths_and_config_are_errors_not_tracebacks(tmp_path) -> None:
    r = run_notelint("report", "nowhere", cwd=tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr
    r = run_notelint("report", ".", "--select", "no-such-rule", cwd=tmp_path)
    assert r.returncode == 2 and "unknown rule" in r.stderr


def test_report_exits_zero_with_findings_and_check_still_fails(tmp_path) -> None:
    vault = _vault(tmp_path, {"a.md": "[[x]]\n"})
    assert run_notelint("report", ".", cwd=vault).returncode == 0
    assert run_notelint("check", ".", cwd=vault).returncode == 1


def test_cold_parallel_warm_and_uncached_runs_report_the_same(tmp_path) -> None:
    # 450 notes: a cold run parses them in worker processes; a warm one reads the cache.
    files = {"open_source_ai.md": "# Open source AI\n"}
    files |= {f"f{i % 3}/n{i}.md": f"[[Missing {i % 7}]] [[Open Source AI]] [[n{i + 1}]]\n"
              for i in range(450)}
    vault = _vault(tmp_path, files)
    cold, warm = _report(vault, run=run_notelint), _report(vault, run=run_notelint)
    assert (vault / ".notelint_cache").is_dir()
    assert cold == warm == _report(vault, "--no-cache", run=run_notelint)
    assert cold["broken_links"] == 901 and len(cold["missing_targets"]) == 9
    assert cold["missing_targets"][0] == {
        "target": "Open Source AI", "notes": 450, "links": 450, "suggestion": "open_source_ai",
        "examples": ["f0/n0.md", "f0/n102.md", "f0/n105.md"]}


# Note names are hostile input. A wikilink target cannot hold `|` (it starts the display
# text), a file name can; neither holds `/`.
TARGET = "<script>alert(1)<script> [x](javascript:alert(2)) *b* &amp;"
FILE = f"{TARGET} | `c`"


def _hostile_vault(root: Path) -> Path:
    return _vault(root, {
        f"{FILE}/{FILE}.md": f"[[{TARGET}]] and [[{TARGET}]]\n",
        "plain.md": f"[[<b>bold</b>]] [[{TARGET}]]\n",
    })


def test_markdown_shows_hostile_names_as_text(tmp_path) -> None:
    vault = _hostile_vault(tmp_path)
    r = run_notelint("report", ".", "--format", "markdown", cwd=vault)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "<script>" not in text and "<b>" not in text and "](javascript:" not in text
    shown = "&lt;script&gt;alert\\(1\\)&lt;script&gt; \\[x\\]\\(javascript\\:alert\\(2\\)\\) \\*b\\* &amp;amp;"
    assert f"| {shown} | 2 | 3 |" in text  # the name's own `&amp;` stays text
    folder = next(line for line in text.splitlines() if line.startswith(f"| {shown} \\| \\`c\\` | 1 |"))
    assert folder.count(" | ") == 4  # five cells: the `|` of the name opened no sixth
    assert "| &lt;b&gt;bold&lt;/b&gt; | 1 | 1 |" in text


def test_markdown_fits_under_the_limit_with_a_note_of_what_was_cut(tmp_path) -> None:
    from lint.report.markdown import LIMIT, render

    vault = _vault(tmp_path, {f"folder_{i:03}_{'x' * 60}/n.md": "[[gone]]\n" for i in range(120)})
    report = _report(vault)
    full = render(report)
    assert len(full.encode()) < LIMIT and "more folders" not in full
    assert full.count(" | 1 | 1 | 1 | 1.00 |") == 120
    cut = render(report, limit=6000)
    assert len(cut.encode()) <= 6000
    assert "more folders (see the JSON or HTML report)" in cut
    assert 0 < cut.count(" | 1 | 1 | 1 | 1.00 |") < 120


def test_html_is_self_contained_and_shows_hostile_names_as_text(tmp_path) -> None:
    vault = _hostile_vault(tmp_path / "vault")
    page = tmp_path / "report.html"
    r = run_notelint("report", ".", "--format", "html", "-o", str(page), cwd=vault)
    assert r.returncode == 0 and r.stdout == "", r.stderr
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<svg id="folder-chart"' in text
    for fetches in ("src=", "<link", "url(", "@import", "<script", "https:", "http:"):
        assert fetches not in text.replace('xmlns="http://www.w3.org/2000/svg"', ""), fetches
    assert "<b>bold" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    assert "&lt;script&gt;alert(1)&lt;script&gt; [x](javascript:alert(2)) *b* &amp;amp;" in text
    assert 'href="vault/plain.md"' in text  # relative to the page's folder


def _summary_step() -> str:
    import yaml
    from conftest import ROOT

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("name", "").endswith("job summary")]
    return step["run"]


def test_the_action_writes_the_markdown_report_to_the_job_summary(tmp_path) -> None:
    import os
    import subprocess
    import sys

    vault = _vault(tmp_path / "repo" / "vault", {"a.md": "[[Missing Thing]]\n", "b.md": "[[Missing Thing]]\n"})
    summary = tmp_path / "summary.md"
    for flag, expect in (("true", True), ("false", False)):
        summary.write_text("before\n", encoding="utf-8")
        env = {**os.environ, "NOTELINT_PYTHON": sys.executable, "INPUT_PATHS": "vault\n",
               "INPUT_CONFIG": "", "INPUT_SUMMARY_REPORT": flag, "RUNNER_TEMP": str(tmp_path),
               "GITHUB_STEP_SUMMARY": str(summary)}
        r = subprocess.run(["bash", "-eo", "pipefail", "-c", _summary_step()], cwd=vault.parent,
                           env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        text = summary.read_text(encoding="utf-8")
        assert text.startswith("before\n")
        assert ("# notelint vault report" in text and "| Missing Thing | 2 | 2 |" in text) is expect


def _compare_error(tmp_path: Path, text: str) -> str:
    vault = _vault(tmp_path / "v", {"a.md": "[[x]]\n"})
    (tmp_path / "old.json").write_text(text, encoding="utf-8")
    r = run_notelint("report", ".", "--compare", str(tmp_path / "old.json"), cwd=vault)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("notelint: error: --compare:") and "Traceback" not in r.stderr, r.stderr
    assert r.stdout == ""
    return r.stderr


def test_compare_with_fields_of_the_wrong_type_is_a_clear_error(tmp_path) -> None:
    for field in ('"missing_targets": 5', '"missing_targets": "abc"', '"missing_targets": [1]',
                  '"missing_targets": [{"target": 3}]', '"notes": "many"', '"notes": true'):
        says = _compare_error(tmp_path, '{"fingerprints": {"broken-link": ["ab"]}, ' + field + "}")
        assert "not a `notelint report --format json` file" in says, (field, says)


def test_compare_with_deeply_nested_json_is_a_clear_error(tmp_path) -> None:
    says = _compare_error(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in says


def test_markdown_escapes_rule_names_from_the_compare_file(tmp_path) -> None:
    vault = _vault(tmp_path / "v", {"a.md": "[[x]]\n"})
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"fingerprints": {"a|b`<img src=x>": ["ab"], "broken-link": []}}),
                   encoding="utf-8")
    r = run_notelint("report", ".", "--compare", str(old), cwd=vault)
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if "img" in line)
    assert row == "| a\\|b\\`&lt;img src\\=x&gt; | 1 | 0 | 0 | 1 |"
    assert "| `broken-link` | 0 | 1 | 1 | 0 |" in r.stdout  # a rule's own name as before


def test_a_markdown_link_suggestion_is_shown_decoded(tmp_path) -> None:
    vault = _vault(tmp_path, {"Open Source AI.md": "# AI\n",
                              "n.md": "[models](Open%20Source%20Al.md)\n"})
    report = _report(vault)
    assert _target(report, "Open Source Al.md")["suggestion"] == "Open Source AI.md"
