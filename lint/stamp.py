"""Stamping: a rule's violation becomes a finding (position, severity, the vault root),
and a file's findings are finished (per-file-ignores, suppression comments, unused
suppressions). Internal errors and skipped files are stamped here too.

One Stamper serves a run: it is immutable, so forked workers inherit it as it is."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from lint import discover
from lint.config import Config
from lint.diagnostic import Finding, FixedEdit, Severity, Violation, safe_text
from lint.rule import Rule
from lint.rules import lookup
from lint.rules.engine_rules import InternalError, SkippedFile, UnusedSuppression
from lint.suppress import Directive

if TYPE_CHECKING:
    from pathlib import Path

REPORT_IT = "this is a notelint bug; please report it"


class Positioned(Protocol):
    """What a finding is placed in: a Note or a NoteFacts."""

    @property
    def path(self) -> str: ...

    def position(self, offset: int) -> tuple[int, int]: ...


def crash_message(what: str, e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)[-1]
    return (f"{what} crashed on this note: {type(e).__name__}: {e} "
            f"({os.path.basename(tb.filename)}:{tb.lineno})")


class Stamper:
    def __init__(self, root: Path, config: Config, rules: Iterable[type[Rule]]) -> None:
        self.root = str(root)
        self.config = config
        self.rules = tuple(rules)
        self._ignores = [(discover.compile_glob(glob), tuple(sels))
                         for glob, sels in config.per_file_ignores.items()]

    def severity_of(self, rule: type[Rule]) -> Severity:
        sev = self.config.severity
        return sev.get(rule.name) or sev.get(rule.code) or rule.severity

    def stamp(self, path: str, rule: type[Rule], message: str, help: str | None,
              line: int = 1, col: int = 1, end_line: int = 1, end_col: int = 1) -> Finding:
        return Finding(path, line, col, end_line, end_col, rule.code, rule.name,
                       self.severity_of(rule), safe_text(message),
                       None if help is None else safe_text(help), root=self.root)

    def finding(self, note: Positioned, rule: type[Rule], v: Violation) -> Finding:
        line, col = note.position(v.start)
        end_line, end_col = note.position(v.end) if v.end != v.start else (line, col)
        f = self.stamp(note.path, rule, v.message, v.help, line, col, end_line, end_col)
        if v.fix is None:
            return replace(f, start=v.start, end=v.end)
        edits = tuple(
            FixedEdit(*note.position(e.start), *note.position(e.end), e.content) for e in v.fix.edits
        )
        if v.fix.drop_bom and not edits:
            edits = (FixedEdit(1, 1, 1, 1, ""),)
        return replace(f, start=v.start, end=v.end, fix=v.fix, fix_edits=edits)

    def internal_error(self, note: Positioned, rule: type[Rule], e: Exception) -> Finding:
        v = Violation(0, 0, crash_message(f"rule `{rule.name}`", e), help=REPORT_IT)
        return self.finding(note, InternalError, v)

    def crash(self, rel: str, what: str, e: Exception) -> Finding:
        """An internal-error finding for a file that has no Note (the parser crashed)."""
        return self.stamp(rel, InternalError, crash_message(what, e), REPORT_IT)

    def rule_crash(self, rel: str, rule: type[Rule], e: Exception) -> Finding:
        """A vault-wide rule crashed: one finding, on the first reported file."""
        tb = traceback.extract_tb(e.__traceback__)[-1]
        return self.stamp(rel, InternalError, f"rule `{rule.name}` crashed: {type(e).__name__}: {e} "
                          f"({os.path.basename(tb.filename)}:{tb.lineno})", None)

    def problem(self, rel: str, message: str) -> Finding:
        """A file-level skipped-file finding (also: a fix that could not be written)."""
        return self.stamp(rel, SkippedFile, message, None)

    def skipped(self, rel: str, reason: str | None) -> list[Finding]:
        if SkippedFile not in self.rules:
            return []
        return [self.problem(rel, f"skipped: {reason or 'could not be read'}")]

    def finish(self, path: str, raw: list[Finding], specs: tuple[tuple, ...],
               where: Positioned | None, with_unused: bool = True) -> list[Finding]:
        """A file's findings as reported: per-file-ignores, then its suppression comments
        (`specs`, Directive.spec()), then the suppressions that suppressed nothing,
        placed in `where` (the note or its facts)."""
        ignored = [sel for glob, sels in self._ignores if glob.match(path) for sel in sels]
        if "ALL" in ignored:
            return []  # unused-suppression too: nothing in this file is reported
        if ignored:
            raw = [f for f in raw if not any(f.rule == s or f.code.startswith(s) for s in ignored)]
        if not specs:
            return raw
        ds = [Directive.from_spec(s) for s in specs]
        kept = [f for f in raw if not _suppressed(f, ds)]
        if with_unused and UnusedSuppression in self.rules:
            assert where is not None
            kept += self._unused(where, ds)
        return kept

    def _unused(self, where: Positioned, ds: list[Directive]) -> list[Finding]:
        enabled = {r.name for r in self.rules} | {r.code for r in self.rules}
        out = []
        for d in ds:
            if d.used:
                continue
            unknown = sorted(n for n in (d.rules or ()) if lookup(n) is None)
            if unknown:
                msg = f"suppression names unknown rule `{unknown[0]}`"
            elif d.rules is None or d.rules <= enabled:
                names = ", ".join(sorted(d.rules)) if d.rules else "all rules"
                msg = f"suppression ({names}) suppresses no finding"
            else:
                continue
            out.append(self.finding(where, UnusedSuppression,
                                    Violation(d.start, d.end, msg, help="remove the comment")))
        return out


def _suppressed(f: Finding, ds: list[Directive]) -> bool:
    for d in ds:
        if d.covers(f.rule, f.code, f.line):
            d.used = True
            return True
    return False
