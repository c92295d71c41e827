"""Which folder is the vault, reached how, and which of its files are reported on
(issues 12.2, 12.3 and 17.7): real folders, real symbolic links, a real git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_in_process

import lint
from lint.engine import Linter, Request


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _check(*args: str, cwd: Path) -> tuple[int, list[dict], str]:
    r = run_in_process("check", *args, "--no-cache", "--output-format", "json", cwd=cwd)
    return r.returncode, json.loads(r.stdout or "[]"), r.stderr


def _git_init(folder: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


# --- 17.7: a vault reached through a symbolic link ----------------------------------------

@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """tmp/real/vault (the vault) and tmp/x/link -> tmp/real (macOS's /tmp is such a link)."""
    vault = _write(tmp_path / "real" / "vault", {
        ".obsidian/app.json": "{}",
        "a.md": "See [[b]].\n",
        "sub/b.md": "Fine.\n",
        "c.md": "See [[nowhere]].\n",
    })
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    return vault, tmp_path / "x"


def test_a_vault_through_a_symlinked_folder(linked) -> None:
    vault, x = linked
    code, found, err = _check("link/vault", cwd=x)
    assert code == 1, err
    assert [(f["rule"], Path(x / f["path"]).resolve()) for f in found] == [
        ("broken-link", (vault / "c.md").resolve())]


def test_a_file_through_a_symlinked_folder(linked) -> None:
    vault, x = linked
    code, found, err = _check("link/vault/c.md", cwd=x)
    assert code == 1 and [f["rule"] for f in found] == ["broken-link"], err
    code, found, err = _check("link/vault/a.md", cwd=x)  # [[b]] resolves in the whole vault
    assert (code, found) == (0, []), err


def test_the_current_folder_inside_a_symlinked_folder(linked) -> None:
    vault, x = linked
    code, found, err = _check(".", cwd=x / "link" / "vault")
    assert code == 1 and [f["path"] for f in found] == ["c.md"], err
    code, found, err = _check("../c.md", cwd=x / "link" / "vault" / "sub")
    assert code == 1 and [f["path"] for f in found] == ["../c.md"], err


def test_findings_through_a_symlinked_folder_are_relative_to_the_root(linked) -> None:
    vault, x = linked
    for paths in (["link/vault"], ["link/vault/c.md"], ["link/vault/sub", "link/vault/c.md"]):
        (f,) = lint.check(paths, cwd=str(x))
        assert (f.path, f.rule) == ("c.md", "broken-link")
    linter = Linter(Request(paths=["link/vault"], cwd=str(x)))
    assert linter.root == vault.resolve()
    r = run_in_process("explain", "link/vault/c.md", cwd=x)
    assert r.returncode == 0 and f"vault root:  {vault.resolve()} " in r.stdout, r.stdout


def test_a_symlinked_vault_without_a_marker(linked) -> None:
    vault, x = linked
    shutil.rmtree(vault / ".obsidian")
    code, found, err = _check("link/vault", cwd=x)
    assert code == 1 and len(found) == 1, err


def test_a_symlink_out_of_the_vault_is_still_refused(tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside", {"secret.md": "See [[gone]].\n"})
    vault = _write(tmp_path / "vault", {"notelint.toml": "", "a.md": "Fine.\n"})
    (vault / "out.md").symlink_to(outside / "secret.md")
    (vault / "ext").symlink_to(outside, target_is_directory=True)
    code, found, err = _check(".", cwd=vault)
    assert [(f["path"], f["rule"]) for f in found] == [("out.md", "skipped-file")], err
    assert "outside the vault" in found[0]["message"]
    for named in ("ext/secret.md", "ext"):
        r = run_in_process("check", named, "--no-cache", cwd=vault)
        assert r.returncode == 2 and "outside the vault root" in r.stderr, r.stderr
        assert "gone" not in r.stdout
    # Through a symlinked path to the vault as well.
    (tmp_path / "link").symlink_to(vault, target_is_directory=True)
    r = run_in_process("check", "link/ext/secret.md", "--no-cache", cwd=tmp_path)
    assert r.returncode == 2 and "outside the vault root" in r.stderr, r.stderr


# --- 12.2: the vault root -----------------------------------------------------------------

def _obsidian_vault(root: Path) -> Path:
    """A tiny case of the Obsidian help vault: a note in a subfolder linking across."""
    return _write(root, {
        ".obsidian/app.json": "{}",
        "Linking notes and files/Internal links.md":
            "Link to [[Embed files]], [[Aliases#Why]] and [[Attachments/diagram.png]].\n",
        "Linking notes and files/Embed files.md": "# Embed\n",
        "Editing and formatting/Aliases.md": "# Why\n",
        "Attachments/diagram.png": "png",
    })


def test_obsidian_folder_marks_the_root(tmp_path: Path) -> None:
    vault = _obsidian_vault(tmp_path / "help")
    code, found, err = _check("Internal links.md", cwd=vault / "Linking notes and files")
    assert (code, found) == (0, []), err
    code, found, err = _check(".", cwd=vault / "Linking notes and files")
    assert (code, found) == (0, []), err
    linter = Linter(Request(paths=["Internal links.md"], cwd=str(vault / "Linking notes and files")))
    assert linter.root == vault.resolve()
    assert linter.report_paths == ["Linking notes and files/Internal links.md"]


def test_without_a_marker_the_subfolder_alone_is_indexed(tmp_path: Path) -> None:
    vault = _obsidian_vault(tmp_path / "help")
    shutil.rmtree(vault / ".obsidian")
    code, found, err = _check("Internal links.md", cwd=vault / "Linking notes and files")
    assert code == 1 and {f["rule"] for f in found} == {"broken-link"}, err


def test_a_parent_folder_with_other_projects_is_not_indexed(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    _obsidian_vault(projects / "help")
    _write(projects / "other", {"Aliases.md": "See [[nowhere]].\n", "Embed files.md": "x\n"})
    code, found, err = _check("help/Linking notes and files/Internal links.md", cwd=projects)
    assert (code, found) == (0, []), err  # in the parent, [[Embed files]] would be ambiguous
    linter = Linter(Request(paths=["help/Linking notes and files"], cwd=str(projects)))
    assert linter.root == (projects / "help").resolve()
    assert not any(p.startswith("other") for p in linter.vault.files)


def test_the_nearest_marker_wins_a_config_file_too(tmp_path: Path) -> None:
    vault = _obsidian_vault(tmp_path / "help")
    _write(vault / "Linking notes and files", {"notelint.toml": "ignore = ['broken-link']\n"})
    linter = Linter(Request(paths=["Internal links.md"], cwd=str(vault / "Linking notes and files")))
    assert linter.root == (vault / "Linking notes and files").resolve()
    assert linter.config.source is not None


def test_never_above_the_git_work_tree(tmp_path: Path) -> None:
    home = _write(tmp_path / "home", {".obsidian/app.json": "{}", "notelint.toml": "ignore = ['ALL']\n",
                                      "elsewhere.md": "x\n"})
    repo = _write(home / "repo", {"notes/a.md": "See [[elsewhere]].\n", "b.md": "x\n"})
    _git_init(repo)
    # The markers above the repository are not its root.
    code, found, err = _check("a.md", cwd=repo / "notes")
    assert code == 1 and [f["path"] for f in found] == ["a.md"], err
    linter = Linter(Request(paths=["notes/a.md"], cwd=str(repo)))
    assert linter.root == repo.resolve() and linter.config.source is None
    # Files given from above the work tree: still its top, not the current folder.
    shutil.rmtree(home / ".obsidian")
    (home / "notelint.toml").unlink()
    linter = Linter(Request(paths=["repo/notes/a.md"], cwd=str(home)))
    assert linter.root == repo.resolve() and linter.report_paths == ["notes/a.md"]
    assert "git" in linter.root_why
    # A marker inside the work tree still counts, at its top or below it.
    _write(repo, {".obsidian/app.json": "{}"})
    assert Linter(Request(paths=["a.md"], cwd=str(repo / "notes"))).root == repo.resolve()
    _write(repo / "notes", {".obsidian/app.json": "{}"})
    assert Linter(Request(paths=["a.md"], cwd=str(repo / "notes"))).root == (repo / "notes").resolve()


def test_a_folder_given_in_a_work_tree_without_markers(tmp_path: Path) -> None:
    repo = _write(tmp_path / "repo", {"notes/a.md": "See [[b]].\n", "notes/b.md": "x\n"})
    _git_init(repo)
    assert Linter(Request(paths=["notes"], cwd=str(repo))).root == (repo / "notes").resolve()
    assert Linter(Request(paths=["notes/a.md"], cwd=str(repo))).root == repo.resolve()


def test_explain_names_the_root_and_why(tmp_path: Path) -> None:
    vault = _obsidian_vault(tmp_path / "help")
    r = run_in_process("explain", "Internal links.md", cwd=vault / "Linking notes and files")
    assert r.returncode == 0, r.stderr
    assert f"vault root:  {vault.resolve()} (the nearest folder with .obsidian/)\n" in r.stdout
    assert "[[Embed files]] -> Linking notes and files/Embed files.md\n" in r.stdout


# --- 12.3: templates ------------------------------------------------------------------------

TEMPLATE = "---\ncreated: {{date}}\n---\n# {{title}}\nSee [[{{title}} notes]].\n"


def _templated(root: Path, settings: dict[str, str]) -> Path:
    return _write(root, {
        **settings,
        "a.md": "Made from [[Daily]], shown in ![[Tasks.base]].\n",
        "Templates/Daily.md": TEMPLATE,
        "Templates/Tasks.base": "views: []\n",
        "meta/tpl/Weekly.md": TEMPLATE,
    })


@pytest.mark.parametrize("settings", [
    {".obsidian/templates.json": '{"folder": "Templates"}',
     ".obsidian/plugins/templater-obsidian/data.json": '{"templates_folder": "/meta/tpl/"}'},
])
def test_template_folders_are_indexed_not_reported(tmp_path: Path, settings) -> None:
    vault = _templated(tmp_path / "v", settings)
    code, found, err = _check(".", cwd=vault)
    assert (code, found) == (0, []), err
    # Named on the command line (a commit hook): still not reported on.
    code, found, err = _check("Templates/Daily.md", "meta/tpl/Weekly.md", cwd=vault)
    assert (code, found) == (0, []), err
    linter = Linter(Request(paths=["."], cwd=str(vault)))
    assert "Templates/Daily.md" in linter.vault.files and "Templates/Daily.md" not in linter.report_paths


@pytest.mark.parametrize("settings", [
    {".obsidian/app.json": "{}"},
    {".obsidian/templates.json": "{nope", ".obsidian/plugins/templater-obsidian/data.json": "[1]"},
    {".obsidian/templates.json": '{"folder": 3}',
     ".obsidian/plugins/templater-obsidian/data.json": '{"templates_folder": "../outside"}'},
    {".obsidian/templates.json": '{"folder": ""}'},
])
def test_without_template_settings_templates_are_reported(tmp_path: Path, settings) -> None:
    vault = _templated(tmp_path / "v", settings)
    r = run_in_process("check", ".", "--no-cache", "--output-format", "json", "-v", cwd=vault)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    paths = {f["path"] for f in json.loads(r.stdout)}
    assert paths == {"Templates/Daily.md", "meta/tpl/Weekly.md"}
    if "{nope" in str(settings):
        assert ".obsidian/templates.json" in r.stderr and "templater-obsidian" in r.stderr


def test_explain_on_a_template_note(tmp_path: Path) -> None:
    vault = _templated(tmp_path / "v", {".obsidian/templates.json": '{"folder": "Templates"}'})
    r = run_in_process("explain", "Daily.md", cwd=vault / "Templates")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("path:        Templates/Daily.md\n")
    assert "template:    yes (Templates/): indexed, not reported on\n" in r.stdout
    r = run_in_process("explain", "a.md", cwd=vault)
    assert "template:" not in r.stdout and "[[Daily]] -> Templates/Daily.md\n" in r.stdout


def test_the_placeholder_help_names_a_way_that_keeps_links(tmp_path: Path) -> None:
    vault = _templated(tmp_path / "v", {})
    code, found, err = _check("Templates/Daily.md", cwd=vault)
    (f,) = [f for f in found if f["rule"] == "frontmatter-syntax"]
    text = f["message"] + " " + (f["help"] or "")
    assert "exclude the templates folder" not in text
    assert "templates.json" in text and "per-file-ignores" in text


# --- 12.3: per-file-ignores and rule names in the config -------------------------------------

def test_per_file_ignores_all(tmp_path: Path) -> None:
    vault = _write(tmp_path, {"notelint.toml": '[per-file-ignores]\n"x/**" = ["ALL"]\n',
                              "x/a.md": TEMPLATE, "x/y/b.md": "[[nowhere]]\n", "c.md": "[[nowhere]]\n",
                              # ALL: not even a suppression comment there is reported unused
                              "x/d.md": "<!-- notelint-disable-next-line broken-link -->\n[[gone]]\n"})
    code, found, err = _check(".", cwd=vault)
    assert code == 1 and [f["path"] for f in found] == ["c.md"], err


@pytest.mark.parametrize("config, name", [
    ('[per-file-ignores]\n"x/**" = ["no-such-rule"]\n', "no-such-rule"),
    ('[per-file-ignores]\n"x/**" = ["broken-link", "XYZ9"]\n', "XYZ9"),
    ('[severity]\nbrokn-link = "warning"\n', "brokn-link"),
    ('[severity]\nLNK = "warning"\n', "LNK"),  # a code prefix: severity takes one rule
    ("[rules.no-such-rule]\nx = 1\n", "no-such-rule"),
])
def test_an_unknown_rule_name_in_the_config_is_an_error(tmp_path: Path, config: str, name: str) -> None:
    vault = _write(tmp_path, {"notelint.toml": config, "a.md": "x\n"})
    r = run_in_process("check", ".", "--no-cache", cwd=vault)
    assert r.returncode == 2 and f"`{name}`" in r.stderr and "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("config", [
    '[per-file-ignores]\n"x/**" = ["broken-link", "FM", "LNK001", "ALL"]\n',
    '[severity]\nbroken-link = "warning"\nFM002 = "info"\n',
])
def test_known_rule_names_in_the_config_are_accepted(tmp_path: Path, config: str) -> None:
    vault = _write(tmp_path, {"notelint.toml": config, "a.md": "x\n"})
    r = run_in_process("check", ".", "--no-cache", cwd=vault)
    assert r.returncode == 0, r.stderr


def test_root_reason_is_printed_with_verbose(tmp_path: Path) -> None:
    vault = _obsidian_vault(tmp_path / "help")
    r = run_in_process("check", ".", "--no-cache", "-v", cwd=vault / "Attachments")
    assert f"vault root {vault.resolve()} (the nearest folder with .obsidian/)" in r.stderr
