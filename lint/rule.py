"""What a rule is: class data at the top, one generator that only reads."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from lint.diagnostic import Severity, Violation

if TYPE_CHECKING:
    from lint.config import Config
    from lint.note import Note
    from lint.vault import Vault


class RuleOptions(BaseModel):
    """A rule's options, under `[tool.notelint.rules.<rule-name>]` in config."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              alias_generator=lambda s: s.replace("_", "-"))


@dataclass
class Context:
    """What a rule may read besides the note: the vault, the config, its own options."""

    vault: Vault
    config: Config
    options: Any = None
    # Per-run memo for derived facts many notes share (e.g. a folded-name index).
    # Rules store only pure functions of the vault here, never per-note state.
    memo: dict[str, Any] = field(default_factory=dict)

    def shared(self, key: str, build):
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[bool] = False
    default: ClassVar[bool] = True  # enabled with zero config
    # Reads other notes through ctx.vault; check() then gets the note's NoteFacts, not
    # the Note, and runs after the whole index is built (lint/engine.py).
    cross_note: ClassVar[bool] = False
    vault_wide: ClassVar[bool] = False  # checks the vault as a whole (check_vault)
    Options: ClassVar[type[RuleOptions]] = RuleOptions

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        return iter(())

    def check_vault(self, paths: list[str], ctx: Context) -> Iterator[tuple[str, Violation]]:
        """Vault-wide rules yield (path, violation) for the notes in `paths`."""
        return iter(())

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring's `## Section` blocks (what it does, why, example, fixed, fix safety)."""
        sections: dict[str, str] = {}
        current = "summary"
        for line in cls.doc().splitlines():
            m = re.match(r"^##\s+(.*)$", line)
            if m:
                current = m.group(1).strip().lower()
                sections[current] = ""
            else:
                sections[current] = sections.get(current, "") + line + "\n"
        return {k: v.strip("\n") for k, v in sections.items()}

    @classmethod
    def examples(cls) -> tuple[str | None, str | None]:
        """The first fenced block of `## Example` and of `## Fixed` (run as tests)."""
        secs = cls.doc_sections()
        return _first_fence(secs.get("example", "")), _first_fence(secs.get("fixed", ""))


def _first_fence(section: str) -> str | None:
    m = re.search(r"^(`{3,}|~{3,})[^\n]*\n(.*?)^\1\s*$", section, re.S | re.M)
    return m.group(2) if m else None
