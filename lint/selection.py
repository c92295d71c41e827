"""Which rules a run uses: `select`, `extend-select` and `ignore` read against the
registry (lint/rules/__init__.py), and the chosen rules grouped by kind."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lint.config import Config, ConfigError
from lint.rule import EngineRule, LinkRule, NoteRule, Rule, VaultRule
from lint.rules import RULES, lookup


@dataclass(frozen=True)
class RuleSet:
    """The chosen rules in registry order (`all`), and the same by kind: `note` rules run
    on each parsed note, `link` rules on each note's facts once the index is complete,
    `vault` rules on the whole vault; `engine` rules are findings the engine makes."""

    all: tuple[type[Rule], ...] = ()
    note: tuple[type[NoteRule], ...] = field(init=False)
    link: tuple[type[LinkRule], ...] = field(init=False)
    vault: tuple[type[VaultRule], ...] = field(init=False)
    engine: tuple[type[EngineRule], ...] = field(init=False)

    def __post_init__(self) -> None:
        # Grouped once: the engine asks for a kind's rules for every note.
        set_ = object.__setattr__  # frozen
        set_(self, "note", tuple(r for r in self.all if issubclass(r, NoteRule)))
        set_(self, "link", tuple(r for r in self.all if issubclass(r, LinkRule)))
        set_(self, "vault", tuple(r for r in self.all if issubclass(r, VaultRule)))
        set_(self, "engine", tuple(r for r in self.all if issubclass(r, EngineRule)))

    def __iter__(self) -> Iterator[type[Rule]]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def __contains__(self, rule: object) -> bool:
        return rule in self.all


def select_rules(config: Config) -> RuleSet:
    """The rules `select` (else the default ones) and `extend-select` choose, less those
    `ignore` names, in registry order."""
    chosen = _expand(config.select, "select") if config.select is not None else [
        r for r in RULES if r.default
    ]
    chosen += [r for r in _expand(config.extend_select, "extend-select") if r not in chosen]
    ignored = set(_expand(config.ignore, "ignore"))
    return RuleSet(tuple(r for r in RULES if r in chosen and r not in ignored))


def _expand(selectors: Iterable[str], key: str) -> list[type[Rule]]:
    """The rules each selector names: `ALL`, a rule's name, or a code or code prefix."""
    out: list[type[Rule]] = []
    for s in selectors:
        hit = [r for r in RULES if s == "ALL" or s == r.name or r.code.startswith(s)]
        if not hit:
            raise ConfigError(f"`{key}`: unknown rule, code or prefix `{s}` (see `notelint rules`)")
        out += [r for r in hit if r not in out]
    return out


def check_rule_names(config: Config) -> None:
    """Every rule the config names exists (12.3): a misspelt name would silently do
    nothing. per-file-ignores take selectors as `ignore` does; severity and the rules
    tables take one rule's name or code."""
    for glob, selectors in config.per_file_ignores.items():
        _expand(selectors, f"per-file-ignores.{glob}")
    for table, names in (("severity", config.severity), ("rules", config.rules)):
        for name in names:
            if lookup(name) is None:
                raise ConfigError(f"`{table}`: unknown rule `{name}`: give a rule's name or "
                                  "code (see `notelint rules`)")
