"""The explicit rule registry: a rule exists when it is listed here."""

from __future__ import annotations

from lint.rule import Rule
from lint.rules.ambiguous_link import AmbiguousLink
from lint.rules.broken_anchor import BrokenAnchor
from lint.rules.broken_link import BrokenLink
from lint.rules.duplicate_title import DuplicateTitle
from lint.rules.engine_rules import InternalError, SkippedFile, UnusedSuppression
from lint.rules.frontmatter_schema import FrontmatterSchema
from lint.rules.frontmatter_syntax import FrontmatterSyntax
from lint.rules.missing_source import MissingSource
from lint.rules.orphan_note import OrphanNote

RULES: tuple[type[Rule], ...] = (
    InternalError,
    UnusedSuppression,
    SkippedFile,
    FrontmatterSyntax,
    FrontmatterSchema,
    MissingSource,
    BrokenLink,
    BrokenAnchor,
    AmbiguousLink,
    OrphanNote,
    DuplicateTitle,
)


def by_name() -> dict[str, type[Rule]]:
    return {r.name: r for r in RULES}


def lookup(key: str) -> type[Rule] | None:
    """A rule by name or code."""
    for r in RULES:
        if key in (r.name, r.code):
            return r
    return None
