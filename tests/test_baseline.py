"""Baselines and --changed-since, through the command's main() and real git (issue 14)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_in_process

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BAD_ID = "---\ntitle: {t}\nvideoId: 1234567890\n---\n\nFrom: [[Good]]\n"  # frontmatter-schema


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                          cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def check(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_in_process("check", "--no-cache", "--output-format", "json", *args, cwd=vault)


def found(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    assert done.returncode in (0, 1), done.stderr
    return [(f["path"], f["rule"], f["line"]) for f in json.loads(done.stdout)]


OLD = {
    "Good.md": "---\ntitle: Good\n---\n\nA good note.\n",
    "a.md": "---\ntitle: A\n---\n\nSee [[Nowhere]] and [[Good]].\nAlso [[Missing]].\n",
    "b.md": BAD_ID.format(t="B"),
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    write(root, OLD)
    (root / "notelint.toml").write_text("", encoding="utf-8")
    return root


def test_write_baseline_records_everything_and_exits_0(vault: Path) -> None:
    before = found(check(vault))
    assert len(before) == 3
    done = run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    assert done.returncode == 0, done.stderr
    text = (vault / "base.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc == {"notelint-baseline": 1, "findings": {
        "a.md": {"broken-link": {"Missing": 1, "Nowhere": 1}},
        "b.md": {"frontmatter-schema": {"1234567890": 1}},
    }}
    # Stable: written again, byte for byte the same.
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    assert (vault / "base.json").read_text(encoding="utf-8") == text


def test_baseline_hides_old_findings_through_edits(vault: Path) -> None:
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    done = check(vault, "--baseline", "base.json")
    assert found(done) == [] and done.returncode == 0
    assert "3 findings hidden by the baseline" in done.stderr
    # Lines moved, other text on the same lines edited, a note added.
    write(vault, {
        "a.md": "---\ntitle: A\n---\n\nNew first line.\n\nAlso [[Missing]], edited.\n"
                "Changed text: [[Nowhere]] and [[Good]]!\n",
        "b.md": "---\nvideoId: 1234567890\ntitle: B moved\n---\n\nIntro.\n\nFrom: [[Good]]\n",
        "c.md": "---\ntitle: C\n---\n\nA new, clean note. [[Good]]\n",
    })
    done = check(vault, "--baseline", "base.json")
    assert found(done) == [] and done.returncode == 0, done.stdout


def test_new_damage_shows_alone(vault: Path) -> None:
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    write(vault, {
        # The same broken target once more in the same note is new; so is a new one.
        "a.md": OLD["a.md"] + "Again [[Nowhere]].\nAnd [[Elsewhere]].\n",
        "d.md": "---\ntitle: D\n---\n\n[[Nowhere]]\n",
    })
    done = check(vault, "--baseline", "base.json")
    assert done.returncode == 1
    got = json.loads(done.stdout)
    assert sorted((f["path"], f["line"]) for f in got) == [("a.md", 7), ("a.md", 8), ("d.md", 5)]
    assert "3 findings hidden" in done.stderr


def test_entries_no_longer_occurring_are_counted(vault: Path) -> None:
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    write(vault, {"a.md": "---\ntitle: A\n---\n\nSee [[Good]].\nAlso [[Missing]].\n"})
    (vault / "b.md").unlink()
    done = check(vault, "--baseline", "base.json")
    assert found(done) == []
    assert "1 findings hidden" in done.stderr
    assert "2 recorded no longer occur (run --write-baseline to shrink it)" in done.stderr


def test_baseline_from_config(vault: Path) -> None:
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    (vault / "notelint.toml").write_text('baseline = "base.json"\n', encoding="utf-8")
    sub = vault / "sub"
    sub.mkdir()
    # Relative to the config file, wherever notelint runs.
    done = run_in_process("check", "--no-cache", "--output-format", "json", "..", cwd=sub)
    assert json.loads(done.stdout) == [] and done.returncode == 0, done.stderr


@pytest.mark.parametrize("content, says", [
    (None, "baseline file not found"),
    ("not json {", "not a notelint baseline (not JSON"),
    ('{"version": 2, "results": []}', "no `notelint-baseline` field"),
    ('{"notelint-baseline": 7, "findings": {}}', "baseline version 7 is not supported"),
    ('{"notelint-baseline": 1, "findings": {"a.md": {"broken-link": {"x": "1"}}}}',
     "`findings` must map path -> rule -> text -> count"),
])
def test_a_bad_or_foreign_baseline_is_exit_2(vault: Path, content: str | None, says: str) -> None:
    if content is not None:
        (vault / "base.json").write_text(content, encoding="utf-8")
    done = check(vault, "--baseline", "base.json")
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr, done.stderr


@needs_git
def test_a_renamed_note_keeps_its_entries_when_git_says_so(vault: Path) -> None:
    git(vault, "init", "-q")
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "baseline")
    git(vault, "mv", "b.md", "b renamed.md")
    done = check(vault, "--baseline", "base.json")
    assert found(done) == [] and done.returncode == 0, done.stdout
    git(vault, "commit", "-q", "-m", "rename")  # committed: still a rename since the baseline
    assert found(check(vault, "--baseline", "base.json")) == []
    # Not a rename: a new note with the same problem is new.
    write(vault, {"e.md": BAD_ID.format(t="E")})
    assert found(check(vault, "--baseline", "base.json")) == [("e.md", "frontmatter-schema", 3)]


# --- --changed-since ------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, {
        "Target.md": "---\ntitle: Target\n---\n\nThe target.\n",
        "Other.md": "---\ntitle: Other\n---\n\nAnother.\n",
        "links/to-target.md": "---\ntitle: T\n---\n\nSee [[Target]].\n",
        "links/to-other.md": "---\ntitle: O\n---\n\nSee [[Other|the other]].\n",
        "links/unrelated.md": "---\ntitle: U\n---\n\nSee [[Old Broken]] (broken before).\n",
        "img.md": "---\ntitle: I\n---\n\n![[pic.png]]\n",
        "pic.png": "not really a png",
        "old-bad.md": BAD_ID.format(t="Old"),
    })
    (root / "notelint.toml").write_text("", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return root


@needs_git
def test_changed_since_reports_exactly_what_the_change_broke(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "rm", "-q", "Target.md")              # breaks links/to-target.md
    git(repo, "mv", "Other.md", "Renamed.md")        # breaks links/to-other.md
    write(repo, {"Renamed.md": "---\ntitle: Other\n---\n\n[[Gone too]]\n"})  # its own finding
    git(repo, "commit", "-q", "-am", "delete and rename")
    (repo / "pic.png").unlink()                      # unstaged: breaks img.md
    write(repo, {"new.md": "---\ntitle: New\n---\n\nUntracked, clean.\n"})
    done = check(repo, "--changed-since", base)
    assert sorted(found(done)) == [
        ("Renamed.md", "broken-link", 5),
        ("img.md", "broken-link", 5),
        ("links/to-other.md", "broken-link", 5),
        ("links/to-target.md", "broken-link", 5),
    ], done.stdout
    # The whole vault has old findings the change did not make.
    assert {p for p, _, _ in found(check(repo))} >= {"links/unrelated.md", "old-bad.md"}


@needs_git
def test_changed_since_with_no_change_reports_nothing(repo: Path) -> None:
    done = check(repo, "--changed-since", "HEAD")
    assert found(done) == [] and done.returncode == 0
    write(repo, {"links/unrelated.md": "---\ntitle: U\n---\n\nEdited: [[Old Broken]].\n"})
    assert found(check(repo, "--changed-since", "HEAD")) == [("links/unrelated.md", "broken-link", 5)]


@needs_git
def test_changed_since_sees_staged_and_modified_notes(repo: Path) -> None:
    write(repo, {"a.md": "---\ntitle: A\n---\n\n[[Nope]]\n", "Other.md": "---\ntitle: X\n---\n\n[[Nah]]\n"})
    git(repo, "add", "a.md")
    assert sorted(p for p, _, _ in found(check(repo, "--changed-since", "HEAD"))) == ["Other.md", "a.md"]


@needs_git
def test_changed_since_in_a_vault_below_the_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    write(repo, {"docs/readme.md": "# [[Nothing]]\n", "vault/Target.md": "x\n",
                 "vault/n/link.md": "[[Target]]\n", "vault/notelint.toml": ""})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "mv", "vault/Target.md", "vault/Moved.md")
    done = run_in_process("check", "--no-cache", "--output-format", "json", "--select", "broken-link",
                          "--changed-since", "HEAD", "vault", cwd=repo)
    assert [(f["path"], f["rule"]) for f in json.loads(done.stdout)] == [("vault/n/link.md", "broken-link")]


@needs_git
def test_changed_since_outside_git_or_with_an_unknown_ref_is_exit_2(repo: Path, tmp_path: Path) -> None:
    done = check(repo, "--changed-since", "no-such-branch")
    assert done.returncode == 2 and "unknown git revision `no-such-branch`" in done.stderr
    plain = tmp_path / "plain"
    write(plain, {"a.md": "# A\n", "notelint.toml": ""})
    done = check(plain, "--changed-since", "HEAD")
    assert done.returncode == 2 and "not inside a git work tree" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# --- review fixes (issue 14) ----------------------------------------------------------


def test_a_note_name_that_is_not_utf8_is_recorded_and_matched(vault: Path) -> None:
    name = os.fsdecode(b"caf\xe9 \xff.md")  # Latin-1 bytes: not UTF-8
    try:
        with open(vault / name, "wb") as fh:
            fh.write(b"---\ntitle: X\n---\n\n[[Nowhere]] and [[Also gone]]\n")
    except OSError:
        pytest.skip("this file system wants UTF-8 names")
    done = run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert sorted(os.listdir(vault)) == sorted([*OLD, "notelint.toml", "base.json", name])
    text = (vault / "base.json").read_bytes().decode("utf-8")  # valid UTF-8
    assert "\\udcff" in text and "a.md" in text  # the byte escaped, the rest as written
    assert json.loads(text)["findings"][name] == {
        "broken-link": {"Also gone": 1, "Nowhere": 1}}
    done = check(vault, "--baseline", "base.json")
    assert found(done) == [] and "5 findings hidden" in done.stderr, done.stdout + done.stderr
    assert "no longer occur" not in done.stderr


def test_a_baseline_that_cannot_be_written_leaves_no_temporary_file(vault: Path) -> None:
    (vault / "base.json").mkdir()  # os.replace cannot put a file there
    done = run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    assert done.returncode == 2 and "cannot write the baseline" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not [p for p in os.listdir(vault) if p.endswith(".tmp")]


@pytest.mark.parametrize("narrowing, says", [
    (["a.md"], "paths narrower than the vault"),
    (["--select", "broken-link"], "--select, --ignore"),
    (["--ignore", "frontmatter-schema"], "--select, --ignore"),
])
def test_a_partial_run_does_not_overwrite_the_baseline(vault: Path, narrowing: list[str], says: str) -> None:
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=vault)
    before = (vault / "base.json").read_text(encoding="utf-8")
    done = run_in_process("check", "--no-cache", "--write-baseline", "base.json", *narrowing, cwd=vault)
    assert done.returncode == 2, done.stderr
    assert "--write-baseline records the whole vault" in done.stderr and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (vault / "base.json").read_text(encoding="utf-8") == before


def test_a_run_over_the_whole_vault_may_name_it_or_add_rules(vault: Path) -> None:
    done = run_in_process("check", "--no-cache", "--write-baseline", "vault/base.json", "vault",
                          cwd=vault.parent)
    assert done.returncode == 0, done.stderr
    done = run_in_process("check", "--no-cache", "--write-baseline", "base.json",
                          "--extend-select", "orphan-note", cwd=vault)
    assert done.returncode == 0, done.stderr
    assert "orphan-note" in json.loads((vault / "base.json").read_text(encoding="utf-8"))["findings"]["b.md"]


@needs_git
def test_changed_since_does_not_overwrite_the_baseline(repo: Path) -> None:
    run_in_process("check", "--no-cache", "--write-baseline", "base.json", cwd=repo)
    before = (repo / "base.json").read_text(encoding="utf-8")
    write(repo, {"links/unrelated.md": "---\ntitle: U\n---\n\nEdited: [[Old Broken]].\n"})
    done = run_in_process("check", "--no-cache", "--write-baseline", "base.json",
                          "--changed-since", "HEAD", cwd=repo)
    assert done.returncode == 2 and "--changed-since" in done.stderr, done.stderr
    assert (repo / "base.json").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("version", ["true", "1.0"])
def test_only_the_integer_1_is_baseline_version_1(vault: Path, version: str) -> None:
    (vault / "base.json").write_text(f'{{"notelint-baseline": {version}, "findings": {{}}}}',
                                     encoding="utf-8")
    done = check(vault, "--baseline", "base.json")
    assert done.returncode == 2 and f"baseline version {version.title() if version == 'true' else version}" \
        in done.stderr, done.stderr


def test_a_deeply_nested_baseline_is_exit_2(vault: Path) -> None:
    (vault / "base.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = check(vault, "--baseline", "base.json")
    assert done.returncode == 2 and "not a notelint baseline" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


MOJIBAKE_HEADING = "---\ntitle: N\n---\n\n# It\u00e2\u20ac\u2122s new\n\n[[Nope]]\n"


@needs_git
def test_fix_with_changed_since_reports_the_same_notes_after_a_full_relint(repo: Path) -> None:
    # Fixing a heading that another reported note links to changes that note's findings:
    # --fix lints the vault again.
    write(repo, {"new.md": MOJIBAKE_HEADING,
                 "links/to-new.md": "---\ntitle: L\n---\n\nSee [[new#It\u2019s new]].\n"})
    done = check(repo, "--changed-since", "HEAD", "--fix", "-v")
    assert "linting the vault again" in done.stderr, done.stderr
    assert found(done) == [("new.md", "broken-link", 7)], done.stdout
    assert "It\u2019s new" in (repo / "new.md").read_text(encoding="utf-8")


@needs_git
def test_pre_commit_refs_reports_the_pushed_range_not_the_working_tree(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    write(repo, {"pushed.md": "---\ntitle: P\n---\n\n[[Not there]]\n"})
    git(repo, "add", "pushed.md")
    git(repo, "commit", "-q", "-m", "pushed")
    head = git(repo, "rev-parse", "HEAD").strip()
    # Not in the pushed commits: a staged delete that breaks a link, an edited note, a new one.
    git(repo, "rm", "-q", "Target.md")
    write(repo, {"links/unrelated.md": "---\ntitle: U\n---\n\nEdited: [[Old Broken]].\n",
                 "untracked.md": "---\ntitle: N\n---\n\n[[Nowhere]]\n"})
    env = {"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head}
    done = run_in_process("check", "--no-cache", "--output-format", "json", "--pre-commit-refs",
                          cwd=repo, env=env)
    assert found(done) == [("pushed.md", "broken-link", 5)], done.stdout
    # A rename in the pushed range still breaks the unchanged linker.
    git(repo, "reset", "-q", "--hard")
    git(repo, "mv", "Other.md", "Renamed.md")
    git(repo, "commit", "-q", "-m", "rename")
    env["PRE_COMMIT_TO_REF"] = git(repo, "rev-parse", "HEAD").strip()
    done = run_in_process("check", "--no-cache", "--output-format", "json", "--pre-commit-refs",
                          cwd=repo, env=env)
    assert sorted(found(done)) == [("links/to-other.md", "broken-link", 5),
                                   ("pushed.md", "broken-link", 5)], done.stdout


@needs_git
def test_changed_since_in_a_folder_whose_name_ends_in_a_space(tmp_path: Path) -> None:
    root = tmp_path / "vault "
    write(root, {"Target.md": "x\n", "link.md": "[[Target]]\n", "notelint.toml": ""})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    git(root, "mv", "Target.md", "Moved.md")
    done = check(root, "--select", "broken-link", "--changed-since", "HEAD")
    assert found(done) == [("link.md", "broken-link", 1)], done.stderr
