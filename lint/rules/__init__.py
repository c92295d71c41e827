"""The explicit rule registry: a rule exists when it is listed here."""

from __future__ import annotations

from lint.rule import Rule
from lint.rules.ambiguous_link import AmbiguousLink
from lint.rules.broken_anchor import BrokenAnchor
from lint.rules.broken_link import BrokenLink
from lint.rules.byte_order_mark import ByteOrderMark
from lint.rules.control_character import ControlCharacter
from lint.rules.duplicate_title import DuplicateTitle
from lint.rules.engine_rules import InternalError, SkippedFile, UnusedSuppression
from lint.rules.file_name_encoding import FileNameEncoding
from lint.rules.frontmatter_schema import FrontmatterSchema
from lint.rules.frontmatter_syntax import FrontmatterSyntax
from lint.rules.invalid_utf8 import InvalidUtf8
from lint.rules.invisible_character import InvisibleCharacter
from lint.rules.missing_source import MissingSource
from lint.rules.mixed_line_endings import MixedLineEndings
from lint.rules.mojibake import Mojibake
from lint.rules.orphan_note import OrphanNote
from lint.rules.replacement_character import ReplacementCharacter
from lint.rules.unicode_normalization import UnicodeNormalization

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
    Mojibake,
    InvalidUtf8,
    ReplacementCharacter,
    InvisibleCharacter,
    ControlCharacter,
    ByteOrderMark,
    UnicodeNormalization,
    MixedLineEndings,
    FileNameEncoding,
)


def by_name() -> dict[str, type[Rule]]:
    return {r.name: r for r in RULES}


def lookup(key: str) -> type[Rule] | None:
    """A rule by name or code."""
    for r in RULES:
        if key in (r.name, r.code):
            return r
    return None
