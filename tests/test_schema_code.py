"""Schema modules are code (issue 17.5): imported only when a schema rule validates a note
that needs one, code from inside the vault only with `allow-code`, and `sys.path` left as
it was. The packages here are real files in a temporary vault; the marker file proves
whether their code ran."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_notelint

import lint
from lint.engine import check

NOTE = "---\ntitle: Dune\nyear: soon\n---\n\nSee [[other]].\n"
OTHER = "---\ntitle: Other\nyear: '1999'\n---\n\nSee [[gone]].\n"
MODELS = ("from pydantic import BaseModel\n\n\nclass Book(BaseModel):\n"
          "    title: str\n    year: int\n")


def _evil_vault(root: Path, config: str = "", package: str = "evilpkg") -> Path:
    """A vault whose config names `<package>.models:Book`, a package in the vault whose
    `__init__.py` leaves a marker file beside the vault when it runs."""
    vault = root / "vault"
    (vault / package).mkdir(parents=True)
    marker = root / "marker"
    (vault / package / "__init__.py").write_text(
        f"open({str(marker)!r}, 'a').write('ran\\n')\n", encoding="utf-8")
    (vault / package / "models.py").write_text(MODELS, encoding="utf-8")
    (vault / "notelint.toml").write_text(
        f'{config}\n[[schemas]]\nmodel = "{package}.models:Book"\n', encoding="utf-8")
    (vault / "book.md").write_text(NOTE, encoding="utf-8")
    (vault / "other.md").write_text(OTHER, encoding="utf-8")
    return vault


@pytest.fixture
def forget_modules() -> Iterator[None]:
    """In-process imports of a temporary vault's package must not leak into other tests."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.split(".")[0] in ("evilpkg", "envpkg"):
            del sys.modules[name]


@pytest.mark.parametrize("config", ["", "allow-code = true"])
def test_other_rules_never_run_schema_code(tmp_path: Path, config: str) -> None:
    vault = _evil_vault(tmp_path, config)
    marker = tmp_path / "marker"
    for args in (["--no-cache"], [], []):  # uncached, cold (writes the cache), warm
        r = run_notelint("check", ".", "--select", "broken-link", "--output-format", "json", *args,
                         cwd=vault)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert [f["rule"] for f in json.loads(r.stdout)] == ["broken-link"]
        assert not marker.exists(), f"vault code ran for `{' '.join(args)}`"
    assert (vault / ".notelint_cache").is_dir()  # the warm run really was warm


def test_vault_code_needs_allow_code(tmp_path: Path) -> None:
    vault = _evil_vault(tmp_path)
    marker = tmp_path / "marker"
    r = run_notelint("check", ".", "--no-cache", "--output-format", "json", cwd=vault)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    schema = [f for f in json.loads(r.stdout) if f["rule"] == "frontmatter-schema"]
    assert [f["path"] for f in schema] == ["book.md", "other.md"]  # each note: not validated
    assert "`evilpkg.models:Book`" in schema[0]["message"] and "vault" in schema[0]["message"]
    assert "allow-code = true" in schema[0]["help"] and "--allow-code" in schema[0]["help"]
    assert (schema[0]["line"], schema[0]["column"]) == (1, 1)
    assert not marker.exists()
    # The flag opts in; the model then validates for real.
    r = run_notelint("check", ".", "--no-cache", "--allow-code", "--output-format", "json", cwd=vault)
    schema = [f for f in json.loads(r.stdout) if f["rule"] == "frontmatter-schema"]
    assert [(f["path"], f["line"]) for f in schema] == [("book.md", 3)]
    assert marker.read_text() == "ran\n"  # imported once in the run


def test_allow_code_in_config_and_the_flag_that_overrides_it(tmp_path: Path) -> None:
    vault = _evil_vault(tmp_path, "allow-code = true")
    marker = tmp_path / "marker"
    r = run_notelint("check", ".", "--no-cache", "--no-allow-code", "--output-format", "json", cwd=vault)
    assert "allow-code" in json.loads(r.stdout)[0]["help"] and not marker.exists()
    r = run_notelint("check", ".", "--no-cache", "--output-format", "json", cwd=vault)
    schema = [f for f in json.loads(r.stdout) if f["rule"] == "frontmatter-schema"]
    assert [(f["path"], f["line"]) for f in schema] == [("book.md", 3)] and marker.exists()


def test_sys_path_is_unchanged_by_a_run(tmp_path: Path, forget_modules: None) -> None:
    vault = _evil_vault(tmp_path, "allow-code = true")
    before = list(sys.path)
    found = check([vault], cwd=str(vault), config={"select": ["broken-link"]}, cache=True)
    assert [f.rule for f in found] == ["broken-link"] and sys.path == before
    assert not (tmp_path / "marker").exists()
    found = check([vault], cwd=str(vault), config={"select": ["frontmatter-schema"]})
    assert [(f.path, f.line) for f in found] == [("book.md", 3)]
    assert (tmp_path / "marker").exists()  # the model was imported, from the vault
    assert sys.path == before


def test_environment_module_needs_no_opt_in(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "envpkg").mkdir(parents=True)
    (site / "envpkg" / "__init__.py").write_text("", encoding="utf-8")
    (site / "envpkg" / "models.py").write_text(MODELS, encoding="utf-8")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "notelint.toml").write_text('[[schemas]]\nmodel = "envpkg.models:Book"\n')
    (vault / "book.md").write_text(NOTE, encoding="utf-8")
    r = run_notelint("check", ".", "--no-cache", "--select", "frontmatter-schema", "--output-format",
                     "json", cwd=vault, env={"PYTHONPATH": str(site)})
    assert [(f["path"], f["line"]) for f in json.loads(r.stdout)] == [("book.md", 3)], r.stderr


# Python writes bytecode, as on a user's machine (a developer's shell may turn it off).
WRITES_BYTECODE = {"PYTHONDONTWRITEBYTECODE": ""}


def test_cache_follows_the_schema_module_bytes(tmp_path: Path) -> None:
    vault = _evil_vault(tmp_path, "allow-code = true")
    args = ("check", ".", "--select", "frontmatter-schema", "--output-format", "json")
    first = json.loads(run_notelint(*args, cwd=vault, env=WRITES_BYTECODE).stdout)
    assert [f["line"] for f in first] == [3]
    # The same size and mtime, so only the bytes tell the change: `year` is now a string.
    models = vault / "evilpkg" / "models.py"
    st = models.stat()
    models.write_text(MODELS.replace("year: int", "year: str"), encoding="utf-8")
    os.utime(models, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert json.loads(run_notelint(*args, cwd=vault, env=WRITES_BYTECODE).stdout) == []


def test_vault_code_leaves_no_bytecode_in_the_vault(tmp_path: Path) -> None:
    vault = _evil_vault(tmp_path, "allow-code = true")
    run_notelint("check", ".", "--no-cache", "--select", "frontmatter-schema", cwd=vault,
                 env=WRITES_BYTECODE)
    assert not list(vault.rglob("__pycache__")) and not list(vault.rglob("*.pyc"))


def test_a_schema_that_cannot_load_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    vault = _evil_vault(tmp_path, "allow-code = true")
    (vault / "evilpkg" / "models.py").write_text("Book = 1\n", encoding="utf-8")
    args = ("check", ".", "--no-cache", "--select", "frontmatter-schema", "--output-format", "json")
    r = run_notelint(*args, cwd=vault)
    found = json.loads(r.stdout)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert {f["rule"] for f in found} == {"frontmatter-schema"} and len(found) == 2
    assert "not a Pydantic model" in found[0]["message"] and "[[schemas]]" in found[0]["help"]
    (vault / "notelint.toml").write_text('allow-code = true\n[[schemas]]\nmodel = "nosuch.mod:X"\n')
    found = json.loads(run_notelint(*args, cwd=vault).stdout)
    assert len(found) == 2 and "cannot import `nosuch.mod`" in found[0]["message"]


def test_api_allow_code_setting(tmp_path: Path, forget_modules: None) -> None:
    vault = _evil_vault(tmp_path)
    (f, g) = lint.check([vault], config={"select": ["frontmatter-schema"]})
    assert "allow-code" in (f.help or "") and not (tmp_path / "marker").exists()
    (f,) = lint.check([vault], config={"select": ["frontmatter-schema"], "allow-code": True})
    assert (f.path, f.line) == ("book.md", 3)


def test_explain_names_the_schema_and_runs_no_code(tmp_path: Path) -> None:
    vault = _evil_vault(tmp_path)
    (vault / "plain.md").write_text("---\ntags: [travel]\n---\n", encoding="utf-8")
    r = run_notelint("explain", "book.md", cwd=vault)
    assert r.returncode == 0, r.stderr
    assert "schema:      evilpkg.models:Book (config: the catch-all mapping) (code in the vault, " \
           "not imported: `allow-code` is off)\n" in r.stdout
    assert not (tmp_path / "marker").exists()
    (vault / "notelint.toml").write_text("")
    r = run_notelint("explain", "plain.md", cwd=vault)
    assert "schema:      note (default: no key is required)\n" in r.stdout


def test_the_readme_config_example_loads(tmp_path: Path) -> None:
    from conftest import ROOT

    from lint.config import load_config

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```toml\n# notelint.toml (or [tool.notelint] in pyproject.toml)\n", 1)[1]
    (tmp_path / "notelint.toml").write_text(block.split("```", 1)[0], encoding="utf-8")
    config = load_config(tmp_path / "notelint.toml", tmp_path)
    assert config.allow_code is False and [m.model for m in config.schemas][-1] == "video"
