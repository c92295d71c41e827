"""The engine: discover, index once, run the enabled rules, stamp, suppress, sort."""

from __future__ import annotations

import os
import stat
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lint import discover
from lint.config import Config, ConfigError, format_validation_error, load_config, vault_root_for
from lint.diagnostic import Finding, FixedEdit, Severity, Violation
from lint.note import Note, parse_note
from lint.rule import Context, Rule
from lint.rules import RULES, lookup
from lint.rules.engine_rules import InternalError, SkippedFile, UnusedSuppression
from lint.suppress import Directive, directives
from lint.vault import Vault


class UsageError(Exception):
    """Bad paths or arguments: exit 2."""


@dataclass
class Request:
    paths: list[str] = field(default_factory=lambda: ["."])
    cwd: str = field(default_factory=os.getcwd)
    config_file: str | None = None  # --config: use this file instead of discovery
    overrides: dict[str, Any] = field(default_factory=dict)  # --select and friends
    stdin_path: str | None = None  # --stdin-filename: the note's text comes in stdin_text
    stdin_text: str | None = None


def select_rules(config: Config) -> list[type[Rule]]:
    chosen = _expand(config.select, "select") if config.select is not None else [
        r for r in RULES if r.default
    ]
    chosen += [r for r in _expand(config.extend_select, "extend-select") if r not in chosen]
    ignored = set(_expand(config.ignore, "ignore"))
    return [r for r in RULES if r in chosen and r not in ignored]


def _expand(selectors: Iterable[str], key: str) -> list[type[Rule]]:
    out: list[type[Rule]] = []
    for s in selectors:
        hit = [r for r in RULES if s == "ALL" or s == r.name or r.code.startswith(s)]
        if not hit:
            raise ConfigError(f"`{key}`: unknown rule, code or prefix `{s}` (see `notelint rules`)")
        out += [r for r in hit if r not in out]
    return out


class Linter:
    """One run over one vault. Each note is read and parsed at most once."""

    def __init__(self, request: Request) -> None:
        self.request = request
        cwd = Path(request.cwd)
        targets = [cwd / p for p in (request.paths or ["."])]
        if request.stdin_path:
            targets = [cwd / request.stdin_path]
        for t in targets:
            if not request.stdin_path and not t.exists():
                raise UsageError(f"{t}: no such file or folder")
        if request.config_file:
            cfg = Path(request.config_file)
            if not cfg.is_file():
                raise UsageError(f"{cfg}: config file not found")
            root, config_path = cfg.resolve().parent, cfg
        else:
            root, config_path = vault_root_for(targets, cwd)
        self.root = root.resolve()
        self.config = load_config(config_path, self.root, request.overrides)
        self.rules = select_rules(self.config)
        self.contexts: dict[str, Context] = {}
        self.discovery = discover.walk(self.root, self.config.exclude)
        files = self.discovery.files
        self.stdin_rel: str | None = None
        if request.stdin_path:
            self.stdin_rel = self._relative(targets[0])
            if self.stdin_rel not in files:
                files = sorted([*files, self.stdin_rel])
        self.skip_reasons: dict[str, str] = {s.path: s.reason for s in self.discovery.skipped}
        self.vault = Vault(files, self._load)
        for rule in self.rules:
            self.contexts[rule.name] = Context(self.vault, self.config, self._options(rule))
        self.report_paths = self._report_paths(targets)
        self.fix_problems: list[Finding] = []

    # --- discovery -------------------------------------------------------------------
    def _relative(self, path: Path) -> str:
        full = Path(os.path.abspath(path))
        try:
            rel = full.relative_to(self.root)
        except ValueError:
            raise UsageError(f"{path}: outside the vault root {self.root}") from None
        return rel.as_posix() if str(rel) != "." else ""

    def _report_paths(self, targets: list[Path]) -> list[str]:
        if self.stdin_rel is not None:
            return [self.stdin_rel]
        notes = [p for p in self.discovery.files if discover.is_note(p)]
        notes += [s.path for s in self.discovery.skipped]
        chosen: set[str] = set()
        for t in targets:
            rel = self._relative(t)
            if t.is_dir():
                prefix = rel + "/" if rel else ""
                chosen.update(p for p in notes if p.startswith(prefix))
            elif rel in self.discovery.files or rel in self.skip_reasons:
                chosen.add(rel)
            elif not discover.matches_any(rel, self.config.exclude) and not _hidden(rel):
                # A file given by name that the walk did not list (e.g. not `.md`).
                chosen.add(rel)
                self.vault.add_file(rel)
        return sorted(chosen)

    # --- reading ---------------------------------------------------------------------
    def _load(self, rel: str) -> Note | None:
        if rel == self.stdin_rel and self.request.stdin_text is not None:
            return parse_note(rel, self.request.stdin_text.encode("utf-8", "surrogatepass"))
        if rel in self.skip_reasons:
            return None
        data = self._read(rel)
        if data is None:
            return None
        if _looks_binary(data):
            self.skip_reasons[rel] = "binary data, not text; not linted"
            return None
        return parse_note(rel, data)

    def _read(self, rel: str) -> bytes | None:
        path = self.root / rel
        try:
            # O_NONBLOCK: a FIFO that appeared after discovery must not block the run.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            self.skip_reasons[rel] = "vanished during the run"
            return None
        except OSError as e:
            self.skip_reasons[rel] = f"cannot open: {e.strerror or e}"
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                self.skip_reasons[rel] = "not a regular file; not read"
                return None
            limit = self.config.max_file_size
            if st.st_size > limit:
                self.skip_reasons[rel] = (
                    f"{st.st_size:,} bytes, larger than max-file-size ({limit:,}); not read"
                )
                return None
            with os.fdopen(fd, "rb", closefd=True) as f:
                fd = -1
                data = f.read(limit + 1)
            if len(data) > limit:
                self.skip_reasons[rel] = f"grew past max-file-size ({limit:,}) while read; not linted"
                return None
            return data
        except OSError as e:
            self.skip_reasons[rel] = f"cannot read: {e.strerror or e}"
            return None
        finally:
            if fd >= 0:
                os.close(fd)

    def _options(self, rule: type[Rule]) -> Any:
        raw = self.config.rules.get(rule.name) or self.config.rules.get(rule.code) or {}
        try:
            return rule.Options.model_validate(raw)
        except ValidationError as e:
            raise ConfigError(format_validation_error(e, f"rules.{rule.name}")) from e

    # --- running ---------------------------------------------------------------------
    def run(self) -> list[Finding]:
        for key in self.config.rules:
            if lookup(key) is None:
                raise ConfigError(f"`rules.{key}`: unknown rule (see `notelint rules`)")
        findings: list[Finding] = []
        by_path: dict[str, list[Finding]] = {}
        for rel in self.report_paths:
            note = self.vault.note(rel)
            if note is None:
                findings += self._skipped(rel)
                continue
            by_path[rel] = self._raw_note_findings(note)
        for rule in self.rules:
            if rule.vault_wide:
                for rel, v in self._guard_vault(rule):
                    note = self.vault.note(rel)
                    if note is not None and rel in by_path:
                        by_path[rel].append(self._finding(note, rule, v))
        for rel, raw in by_path.items():
            note = self.vault.note(rel)
            assert note is not None
            findings += self._finalise(note, raw)
        findings.sort(key=lambda f: f.sort_key)
        return findings

    def lint_note(self, note: Note) -> list[Finding]:
        """Single-note rules over one note, suppressions applied (the fixer's re-lint)."""
        return self._finalise(note, self._raw_note_findings(note), with_unused=False)

    def _raw_note_findings(self, note: Note) -> list[Finding]:
        out: list[Finding] = []
        for rule in self.rules:
            if rule.vault_wide or rule in (InternalError, UnusedSuppression, SkippedFile):
                continue
            ctx = self.contexts[rule.name]
            try:
                out += [self._finding(note, rule, v) for v in rule().check(note, ctx)]
            except Exception as e:  # noqa: BLE001 - contain a crashing rule
                out.append(self._internal_error(note, rule, e))
        return out

    def _guard_vault(self, rule: type[Rule]) -> Iterator[tuple[str, Violation]]:
        try:
            yield from rule().check_vault(self.report_paths, self.contexts[rule.name])
        except Exception as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)[-1]
            for rel in self.report_paths[:1]:
                yield rel, Violation(0, 0, f"rule `{rule.name}` crashed: {type(e).__name__}: {e} "
                                     f"({os.path.basename(tb.filename)}:{tb.lineno})")

    def _internal_error(self, note: Note, rule: type[Rule], e: Exception) -> Finding:
        tb = traceback.extract_tb(e.__traceback__)[-1]
        v = Violation(0, 0, f"rule `{rule.name}` crashed on this note: {type(e).__name__}: {e} "
                      f"({os.path.basename(tb.filename)}:{tb.lineno})",
                      help="this is a notelint bug; please report it")
        return self._finding(note, InternalError, v)

    def _skipped(self, rel: str) -> list[Finding]:
        if SkippedFile not in self.rules:
            return []
        reason = self.skip_reasons.get(rel, "could not be read")
        return [self._stamp(rel, SkippedFile, f"skipped: {reason}", None, 1, 1, 1, 1)]

    def problem(self, rel: str, message: str) -> Finding:
        """A file-level skipped-file finding (a fix that could not be written)."""
        return self._stamp(rel, SkippedFile, message, None, 1, 1, 1, 1)

    def severity_of(self, rule: type[Rule]) -> Severity:
        sev = self.config.severity
        return sev.get(rule.name) or sev.get(rule.code) or rule.severity

    def _finding(self, note: Note, rule: type[Rule], v: Violation) -> Finding:
        line, col = note.position(v.start)
        end_line, end_col = note.position(v.end) if v.end != v.start else (line, col)
        f = self._stamp(note.path, rule, v.message, v.help, line, col, end_line, end_col)
        if v.fix is None:
            return _replace(f, start=v.start, end=v.end)
        edits = tuple(
            FixedEdit(*note.position(e.start), *note.position(e.end), e.content) for e in v.fix.edits
        )
        if v.fix.drop_bom and not edits:
            edits = (FixedEdit(1, 1, 1, 1, ""),)
        return _replace(f, start=v.start, end=v.end, fix=v.fix, fix_edits=edits)

    def _stamp(self, path: str, rule: type[Rule], message: str, help: str | None,
               line: int, col: int, end_line: int, end_col: int) -> Finding:
        return Finding(path, line, col, end_line, end_col, rule.code, rule.name,
                       self.severity_of(rule), message, help, root=str(self.root))

    def _finalise(self, note: Note, raw: list[Finding], with_unused: bool = True) -> list[Finding]:
        ignored = [sel for glob, sels in self.config.per_file_ignores.items()
                   if discover.glob_regex(glob).match(note.path) for sel in sels]
        if ignored:
            raw = [f for f in raw if not any(f.rule == s or f.code.startswith(s) for s in ignored)]
        ds = directives(note)
        if not ds:
            return raw
        kept = [f for f in raw if not _suppressed(f, ds)]
        if with_unused and UnusedSuppression in self.rules:
            kept += self._unused(note, ds)
        return kept

    def _unused(self, note: Note, ds: list[Directive]) -> list[Finding]:
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
            out.append(self._finding(note, UnusedSuppression,
                                     Violation(d.start, d.end, msg, help="remove the comment")))
        return out


def _suppressed(f: Finding, ds: list[Directive]) -> bool:
    for d in ds:
        if d.covers(f.rule, f.code, f.line):
            d.used = True
            return True
    return False


def _replace(f: Finding, **changes: Any) -> Finding:
    from dataclasses import replace

    return replace(f, **changes)


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def _looks_binary(data: bytes) -> bool:
    """NUL bytes in quantity and no UTF-16/32 pattern: an image or archive named `.md`.
    A few stray NUL or control bytes in text are control-character findings instead."""
    head = data[:8192]
    if b"\x00" not in head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    from lint.encoding.sniff import sniff_encoding

    if (sniff_encoding(data) or "").startswith("UTF-"):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 20


def check(paths: Iterable[str | os.PathLike[str]] = (".",), config: Config | dict | str | None = None,
          *, cwd: str | None = None) -> list[Finding]:
    """Lint the notes at `paths` (files or folders) and return the findings, sorted.

    `config` is a config file path, a dict of settings (the keys of `[tool.notelint]`,
    merged over the discovered config), or None for discovery alone. Raises ConfigError
    for a bad config and UsageError for bad paths.
    """
    request = Request(paths=[os.fspath(p) for p in paths] or ["."], cwd=cwd or os.getcwd())
    if isinstance(config, str | os.PathLike):
        request.config_file = os.fspath(config)
    elif isinstance(config, Config):
        request.overrides = config.model_dump(by_alias=True, exclude_unset=True)
    elif isinstance(config, dict):
        request.overrides = dict(config)
    return Linter(request).run()
