"""Findings and fixes as data: rules yield Violations, the engine makes Findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from lint.encoding.invisible import UNSAFE_TO_PRINT_RE, code_point_escape


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Applicability(StrEnum):
    SAFE = "safe"  # applied by --fix
    UNSAFE = "unsafe"  # applied by --fix --unsafe-fixes
    DISPLAY_ONLY = "display-only"  # shown, never applied


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace note.text[start:end] with content (offsets into the decoded text)."""

    start: int
    end: int
    content: str

    def __reduce__(self) -> tuple:  # see Finding.__reduce__
        return (Edit, (self.start, self.end, self.content))


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    # A BOM is not part of Note.text (it is stripped when decoding), so removing it
    # cannot be an Edit; the fixer drops it when this is set.
    drop_bom: bool = False

    def __reduce__(self) -> tuple:  # see Finding.__reduce__
        return (Fix, (self.edits, self.applicability, self.drop_bom))


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule yields: a span of the note's text and what is wrong there."""

    start: int
    end: int
    message: str
    help: str | None = None
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in characters


@dataclass(frozen=True, slots=True)
class FixedEdit:
    """An Edit with its line/column range, as reporters show it."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def __reduce__(self) -> tuple:  # see Finding.__reduce__
        return (FixedEdit, (self.line, self.column, self.end_line, self.end_column, self.content))


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem, stamped by the engine. Columns are 1-based; end is exclusive."""

    path: str  # POSIX, relative to the vault root
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    rule: str
    severity: Severity
    message: str
    help: str | None = None
    fix: Fix | None = None
    fix_edits: tuple[FixedEdit, ...] = ()
    # Offsets into the note text, for code frames and the fixer.
    start: int = 0
    end: int = 0
    # The vault root, so reporters can print paths relative to the current directory.
    root: str = field(default="", compare=False)

    def __reduce__(self) -> tuple:
        # The cache pickles findings; a warm run loads every one of them. The frozen
        # dataclass's own __setstate__ looks the fields up and sets them one by one per
        # finding, which costs more than calling the constructor with them.
        return (Finding, (self.path, self.line, self.column, self.end_line, self.end_column,
                          self.code, self.rule, self.severity, self.message, self.help,
                          self.fix, self.fix_edits, self.start, self.end, self.root))

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def display_path(self, cwd: str | None = None, raw: bool = False) -> str:
        """The path relative to cwd (default: the process's), POSIX, as users type it.

        Escaped for display (see safe_text) unless raw: a file name may hold a newline,
        an escape sequence or bytes that are not UTF-8."""
        import os

        rel = _relative(self.root, self.path, cwd or os.getcwd()) if self.root else self.path
        return rel if raw else safe_text(rel)


# One relpath a file, not one a finding; sized for every file of a large vault with
# findings (a smaller cache missed on every call once a run had more files than it held).
@lru_cache(maxsize=1 << 16)
def _relative(root: str, path: str, cwd: str) -> str:
    import os

    base = _root_seen_from(root, cwd)
    if base is not None and _plain(path):
        # cwd is the root or above it: the path under the root's own relative path is
        # what relpath would give, without its work for every file.
        return path if base == "." else f"{base}/{path}"
    full = os.path.join(root, path)
    try:
        rel = os.path.relpath(full, cwd)
    except ValueError:  # another drive on Windows
        rel = full
    return rel.replace(os.sep, "/")


@lru_cache(maxsize=64)
def _root_seen_from(root: str, cwd: str) -> str | None:
    """The root relative to cwd when cwd is the root or one of its ancestors (POSIX);
    else None, and relpath decides (a `..` may cancel a folder of the path)."""
    import os

    if os.sep != "/":
        return None
    try:
        base = os.path.relpath(root, cwd)
    except ValueError:
        return None
    return None if base == ".." or base.startswith("../") else base


def _plain(path: str) -> bool:
    """A relative POSIX path with no empty, `.` or `..` part: joining it changes nothing."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "" not in parts and "." not in parts \
        and ".." not in parts


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    if "\udc80" <= c <= "\udcff":  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{ord(c) - 0xDC00:02x}"
    return code_point_escape(c)


def safe_text(s: str) -> str:
    """Text from a vault as it may be shown anywhere: control characters (a terminal
    escape, a newline that would start a `::error` workflow command) and undecodable
    bytes are spelled out, so output is valid UTF-8 that moves no cursor (which
    characters: lint/encoding/invisible.py)."""
    return UNSAFE_TO_PRINT_RE.sub(_escape, s) if UNSAFE_TO_PRINT_RE.search(s) else s
