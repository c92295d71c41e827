"""Reporters render a finished, sorted list of findings. They know nothing of rules
beyond the metadata in ReportContext (for SARIF's rule table and docs links)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lint.diagnostic import Finding


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    summary: str
    severity: str
    fixable: bool
    doc: str


@dataclass
class ReportContext:
    cwd: str  # paths are printed relative to this
    color: bool = False
    statistics: bool = False
    quiet: bool = False
    rules: dict[str, RuleMeta] = field(default_factory=dict)  # by rule name
    # Note texts by vault-relative path, for code frames (full reporter).
    sources: dict[str, str] = field(default_factory=dict)
    files_checked: int = 0
    fixed: int = 0  # fixes applied in this run
    fixable_remaining: int = 0
    unsafe_fixable_remaining: int = 0


Reporter = Callable[["list[Finding]", TextIO, ReportContext], None]

FORMATS = {
    "full": "lint.reporters.full",
    "concise": "lint.reporters.concise",
    "json": "lint.reporters.json",
    "github": "lint.reporters.github",
    "sarif": "lint.reporters.sarif",
    "junit": "lint.reporters.junit",
}


BLOCK = 1 << 16  # characters a write


def write_blocks(out: TextIO, pieces: Iterable[str]) -> None:
    """Write many short strings as few long writes. Each write to stdout passes through
    the CLI's wrapper and the text layer, which cost more than a line's text: a vault
    with many findings paid for its output per line, or per JSON token."""
    block: list[str] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= BLOCK:
            out.write("".join(block))
            block.clear()
            size = 0
    if block:
        out.write("".join(block))


def get_reporter(name: str) -> Reporter:
    """Import only the reporter asked for: each module exposes `report(findings, out, ctx)`."""
    return importlib.import_module(FORMATS[name]).report
