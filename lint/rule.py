"""What a rule is: class data at the top, one generator that only reads.

A rule is one of three kinds, each a base class with its own `check`:

- `NoteRule` checks one parsed `Note` (front matter, sources, encoding). Its findings
  depend on that note alone: they are cached by content and made wherever the note is
  parsed, in parallel workers for large vaults.
- `LinkRule` checks one note's `NoteFacts` against the vault (links). It runs once the
  vault index is complete, and reads other notes only through `ctx.vault`.
- `VaultRule` checks the vault as a whole (`check_vault`), seeing every note at once.

`EngineRule` is the engine's own findings (a crash, an unused suppression, a skipped
file): no check, here for their code, name and docs.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from lint.diagnostic import Severity, Violation

if TYPE_CHECKING:
    from lint.config import Config
    from lint.facts import NoteFacts
    from lint.note import Note
    from lint.vault import Vault


class RuleOptions(BaseModel):
    """A rule's options, under `[tool.notelint.rules.<rule-name>]` in config."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              alias_generator=lambda s: s.replace("_", "-"))


def _one_character(spec: str) -> str:
    """A character as an option names it: `U+00AD`, or the character itself. Checked
    when the config loads: a spec that names no character would silently allow nothing."""
    if len(spec) == 1:
        return spec  # as written: a form feed is a character here, not blank space
    name = spec.strip()
    if re.fullmatch(r"[Uu]\+[0-9A-Fa-f]{1,6}", name) and int(name[2:], 16) <= 0x10FFFF:
        return chr(int(name[2:], 16))
    if len(name) == 1:
        return name
    raise ValueError("give one character, or its code point as `U+00AD`")


# An option's character, validated and read once: the rule gets the character itself.
Character = Annotated[str, AfterValidator(_one_character)]


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


RuleKind = Literal["note", "link", "vault", "engine"]


class _KindIs:
    """A flag that follows from a rule's kind, read-only: the kind is said once, by the
    base class. (`cross_note` and `vault_wide` predate the kinds; callers still ask.)"""

    def __init__(self, kind: RuleKind) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type[Rule]) -> bool:
        return getattr(owner, "kind", None) == self.kind

    def __set__(self, obj: object, value: object) -> None:
        raise AttributeError(f"`{self.name}` follows from the rule's kind")


class Rule:
    """What every rule has. A rule derives from one kind: NoteRule, LinkRule or VaultRule."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[bool] = False
    default: ClassVar[bool] = True  # enabled with zero config
    Options: ClassVar[type[RuleOptions]] = RuleOptions
    kind: ClassVar[RuleKind]
    cross_note = _KindIs("link")
    vault_wide = _KindIs("vault")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A rule that claims a kind its check does not have would be run on the wrong
        # input: the kind comes from the base class alone.
        for said in ("kind", "cross_note", "vault_wide"):
            if said in cls.__dict__ and cls.__module__ != __name__:
                raise TypeError(f"{cls.__name__}: `{said}` follows from the base class; "
                                "derive from NoteRule, LinkRule or VaultRule")
        if not hasattr(cls, "kind"):
            raise TypeError(f"{cls.__name__}: derive from NoteRule, LinkRule or VaultRule, not Rule")

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


class NoteRule(Rule):
    """Checks one parsed note, reading nothing of other notes."""

    kind = "note"

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        raise NotImplementedError


class LinkRule(Rule):
    """Checks one note's facts (its links) against the vault, once the index is complete."""

    kind = "link"

    def check(self, note: NoteFacts, ctx: Context) -> Iterator[Violation]:
        raise NotImplementedError


class VaultRule(Rule):
    """Checks the vault as a whole."""

    kind = "vault"

    def check_vault(self, paths: list[str], ctx: Context) -> Iterator[tuple[str, Violation]]:
        """Yields (path, violation) for the notes in `paths`."""
        raise NotImplementedError


class EngineRule(Rule):
    """Findings the engine itself makes: no check of its own."""

    kind = "engine"


def _first_fence(section: str) -> str | None:
    m = re.search(r"^(`{3,}|~{3,})[^\n]*\n(.*?)^\1\s*$", section, re.S | re.M)
    return m.group(2) if m else None
