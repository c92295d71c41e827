"""Rule selection beside the registry: selectors, the errors they give, and the chosen
rules grouped by kind."""

from __future__ import annotations

import pytest

from lint.config import Config, ConfigError
from lint.rules import RULES
from lint.selection import RuleSet, check_rule_names, select_rules


def names(rules) -> list[str]:
    return [r.name for r in rules]


def test_the_default_rules_by_kind() -> None:
    chosen = select_rules(Config())
    assert isinstance(chosen, RuleSet)
    assert names(chosen) == [r.name for r in RULES if r.default]
    assert names(chosen.link) == ["broken-link", "broken-anchor", "ambiguous-link"]
    assert names(chosen.engine) == ["internal-error", "unused-suppression", "skipped-file"]
    assert chosen.vault == ()
    assert names(chosen.note)[:3] == ["frontmatter-syntax", "frontmatter-schema", "missing-source"]
    assert len(chosen.note) + len(chosen.link) + len(chosen.engine) == len(chosen)


def test_select_extend_and_ignore_keep_the_registry_order() -> None:
    chosen = select_rules(Config(select=["orphan-note", "LNK00"], ignore=["broken-anchor"]))
    assert names(chosen) == ["broken-link", "ambiguous-link", "orphan-note", "duplicate-title"]
    assert names(chosen.vault) == ["orphan-note", "duplicate-title"] and chosen.note == ()
    extended = select_rules(Config(select=["FM"], extend_select=["NL001", "FM001"]))
    assert names(extended) == ["internal-error", "frontmatter-syntax", "frontmatter-schema"]
    assert select_rules(Config(select=["ALL"], ignore=["ALL"])) == RuleSet()


def test_a_rule_set_answers_membership() -> None:
    chosen = select_rules(Config(select=["broken-link"]))
    (broken_link,) = chosen
    assert broken_link in chosen and RULES[0] not in chosen


@pytest.mark.parametrize(("key", "config", "message"), [
    ("select", {"select": ["LNK9"]},
     "`select`: unknown rule, code or prefix `LNK9` (see `notelint rules`)"),
    ("extend-select", {"extend_select": ["broken-lnk"]},
     "`extend-select`: unknown rule, code or prefix `broken-lnk` (see `notelint rules`)"),
    ("ignore", {"ignore": ["FM", "nope"]},
     "`ignore`: unknown rule, code or prefix `nope` (see `notelint rules`)"),
])
def test_an_unknown_selector_is_named(key: str, config: dict, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        select_rules(Config(**config))
    assert str(e.value) == message


@pytest.mark.parametrize(("config", "message"), [
    ({"per_file_ignores": {"a/*": ["LNK", "nope"]}},
     "`per-file-ignores.a/*`: unknown rule, code or prefix `nope` (see `notelint rules`)"),
    ({"severity": {"broken-lnk": "error"}},
     "`severity`: unknown rule `broken-lnk`: give a rule's name or code (see `notelint rules`)"),
    ({"rules": {"LNK001": {}, "x": {}}},
     "`rules`: unknown rule `x`: give a rule's name or code (see `notelint rules`)"),
])
def test_every_rule_the_config_names_exists(config: dict, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        check_rule_names(Config(**config))
    assert str(e.value) == message
    check_rule_names(Config(per_file_ignores={"*": ["ALL"]}, severity={"LNK001": "warning"},
                            rules={"orphan-note": {}}))
