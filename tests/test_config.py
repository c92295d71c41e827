"""A config that says something wrong about rules is refused when it is loaded: unknown
names and selectors, and rules' options, selected or not."""

from __future__ import annotations

from pathlib import Path

import pytest

import lint
from lint.config import ConfigError, load_config, rule_options
from lint.rules import by_name


def load(tmp_path: Path, toml: str):
    (tmp_path / "notelint.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path / "notelint.toml", tmp_path)


def refused(tmp_path: Path, toml: str) -> str:
    with pytest.raises(ConfigError) as e:
        load(tmp_path, toml)
    return str(e.value)


def test_a_bad_option_is_refused_at_load_time(tmp_path: Path) -> None:
    assert refused(tmp_path, "[rules.missing-source]\npatern = 'x'\n") == (
        "rules.missing-source: invalid configuration\n  unknown key `patern`")
    assert refused(tmp_path, "[rules.LNK001]\nfuzzy-cutoff = 101\n") == (
        "rules.broken-link: invalid configuration\n"
        "  `fuzzy-cutoff`: Input should be less than or equal to 100 (got 101)")


def test_a_bad_option_of_a_rule_not_selected_is_refused_too(tmp_path: Path) -> None:
    toml = "select = ['broken-link']\n[rules.orphan-note]\nignore = 'index.md'\n"
    assert refused(tmp_path, toml).startswith(
        "rules.orphan-note: invalid configuration\n  `ignore`: Input should be a valid list")
    (tmp_path / "a.md").write_text("# A\n")
    with pytest.raises(ConfigError):
        lint.check([tmp_path])


def test_unknown_rules_and_selectors_are_refused_at_load_time(tmp_path: Path) -> None:
    assert refused(tmp_path, "[rules.orphan-notes]\n") == (
        "`rules`: unknown rule `orphan-notes`: give a rule's name or code (see `notelint rules`)")
    assert refused(tmp_path, "extend-select = ['LNK9']\n") == (
        "`extend-select`: unknown rule, code or prefix `LNK9` (see `notelint rules`)")


def test_the_names_are_checked_before_the_options(tmp_path: Path) -> None:
    toml = "ignore = ['nope']\n[rules.missing-source]\npatern = 'x'\n"
    assert refused(tmp_path, toml).startswith("`ignore`: unknown rule")


def test_rule_options_by_name_else_by_code(tmp_path: Path) -> None:
    config = load(tmp_path, "[rules.LNK004]\nignore = ['index.md']\n")
    assert rule_options(config, by_name()["orphan-note"]).ignore == ["index.md"]
    assert rule_options(config, by_name()["duplicate-title"]).field == "title"


def test_a_pattern_that_is_no_regular_expression_is_a_config_error(tmp_path: Path) -> None:
    # It used to crash the rule on every note needing a source, reported as a notelint bug.
    assert refused(tmp_path, "[rules.missing-source]\npattern = 'From: ['\n") == (
        "rules.missing-source: invalid configuration\n  `pattern`: Value error, not a regular "
        "expression: unterminated character set at position 6 (got 'From: [')")


@pytest.mark.parametrize("rule", ["control-character", "invisible-character"])
def test_an_allowed_character_must_name_one(tmp_path: Path, rule: str) -> None:
    for bad in ("U+ZZ", "ab", "U+110000", ""):
        message = refused(tmp_path, f"[rules.{rule}]\nallow = ['U+000C', '{bad}']\n")
        assert message == (f"rules.{rule}: invalid configuration\n  `allow.1`: Value error, "
                           f"give one character, or its code point as `U+00AD` (got '{bad}')")


def test_allowed_characters_reach_the_rule_as_characters(tmp_path: Path) -> None:
    config = load(tmp_path, '[rules.control-character]\nallow = ["\\f", " U+000b ", "u+7f"]\n')
    assert rule_options(config, by_name()["control-character"]).allow == ["\f", "\v", "\x7f"]


def test_a_form_feed_written_as_itself_is_allowed(tmp_path: Path) -> None:
    # The rule's docs name form feeds as page breaks; written as the character itself,
    # the spec used to be stripped away as blank space and allowed nothing.
    (tmp_path / "a.md").write_text("# A\n\nPage one.\n\fPage two.\n", encoding="utf-8")
    (tmp_path / "notelint.toml").write_text(
        '[rules.control-character]\nallow = ["\\f"]\n', encoding="utf-8")
    assert lint.check([tmp_path], config={"select": ["control-character"]}) == []
    assert lint.check([tmp_path], config={"select": ["control-character"], "rules": {}}) != []
