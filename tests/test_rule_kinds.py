"""A rule's kind is its base class: what the engine gives its check, and the flags the
engine reads (`cross_note`, `vault_wide`) follow from it and cannot disagree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lint.diagnostic import Violation
from lint.rule import EngineRule, LinkRule, NoteRule, Rule, VaultRule
from lint.rules import RULES, by_name

LINK = {"broken-link", "broken-anchor", "ambiguous-link"}
VAULT = {"orphan-note", "duplicate-title"}
ENGINE = {"internal-error", "unused-suppression", "skipped-file"}
BASES = {"note": NoteRule, "link": LinkRule, "vault": VaultRule, "engine": EngineRule}


def test_every_rule_has_the_kind_of_its_base() -> None:
    for rule in RULES:
        assert issubclass(rule, BASES[rule.kind]), rule.name
    kinds = {r.name: r.kind for r in RULES}
    assert {n for n, k in kinds.items() if k == "link"} == LINK
    assert {n for n, k in kinds.items() if k == "vault"} == VAULT
    assert {n for n, k in kinds.items() if k == "engine"} == ENGINE
    assert all(k == "note" for n, k in kinds.items() if n not in LINK | VAULT | ENGINE)


def test_the_old_flags_follow_from_the_kind() -> None:
    for rule in RULES:
        assert rule.cross_note is (rule.name in LINK), rule.name
        assert rule.vault_wide is (rule.name in VAULT), rule.name
        assert rule().cross_note is rule.cross_note and rule().vault_wide is rule.vault_wide


def test_the_flags_cannot_be_set_on_a_rule() -> None:
    with pytest.raises(AttributeError, match="follows from the rule's kind"):
        by_name()["broken-link"]().cross_note = False  # type: ignore[misc]


@pytest.mark.parametrize("said", ["cross_note", "vault_wide", "kind"])
def test_a_rule_cannot_claim_a_kind_its_base_does_not_have(said: str) -> None:
    with pytest.raises(TypeError, match=f"`{said}` follows from the base class"):
        type("Claims", (NoteRule,), {said: True, "__module__": __name__})


def test_a_rule_must_choose_a_kind() -> None:
    with pytest.raises(TypeError, match="derive from NoteRule, LinkRule or VaultRule"):
        class Kindless(Rule):
            code = "TST009"
            name = "kindless"
            summary = "test"


def test_a_rule_of_each_kind_is_made_as_its_kind() -> None:
    class Links(LinkRule):
        code = "TST010"
        name = "links"
        summary = "test"

        def check(self, note, ctx) -> Iterator[Violation]:
            return iter(())

    assert Links.kind == "link" and Links.cross_note and not Links.vault_wide
