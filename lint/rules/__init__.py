"""The explicit rule registry: a rule exists when it is listed here."""

from __future__ import annotations

from lint.rule import Rule
from lint.rules.engine_rules import InternalError, SkippedFile, UnusedSuppression
from lint.rules.frontmatter_schema import FrontmatterSchema
from lint.rules.frontmatter_syntax import FrontmatterSyntax
from lint.rules.missing_source import MissingSource

RULES: tuple[type[Rule], ...] = (
    InternalError,
    UnusedSuppression,
    SkippedFile,
    FrontmatterSyntax,
    FrontmatterSchema,
    MissingSource,
)


def by_name() -> dict[str, type[Rule]]:
    return {r.name: r for r in RULES}


def lookup(key: str) -> type[Rule] | None:
    """A rule by name or code."""
    for r in RULES:
        if key in (r.name, r.code):
            return r
    return None
