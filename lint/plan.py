"""The run plan: what one run does, decided once before any note is read, then only
read (forked workers inherit it as it is). The vault root and config, the rules by kind
with their validated options, every file of the vault, and which notes to report on."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lint import discover
from lint.config import Config, load_config, rule_options, vault_root_for
from lint.readfile import inside
from lint.rule import LinkRule, NoteRule, Rule, VaultRule
from lint.selection import RuleSet, select_rules


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
    cache: bool = False  # the CLI turns it on; --no-cache turns it off
    cache_dir: str | None = None
    jobs: int | None = None  # worker processes; None: decide by size
    progress: bool = False
    keep_facts: bool = False  # keep every note's links after the run (`notelint report`)


@dataclass(frozen=True)
class Plan:
    root: Path  # resolved
    reached: str  # the root as the paths reach it, perhaps through a symbolic link (17.7)
    root_why: str
    config: Config
    rules: RuleSet  # chosen by lint/selection.py, the one place that decides
    options: Mapping[str, Any]  # rule name -> its validated options
    discovery: discover.Discovery
    files: tuple[str, ...]  # every file of the vault, and any named on the command line
    report_paths: tuple[str, ...]  # what the run reports on, sorted
    skip_reasons: Mapping[str, str]
    stdin_rel: str | None = None  # --stdin-filename, its text in stdin_text
    stdin_text: str | None = None

    # --- rules by kind ---------------------------------------------------------------
    @property
    def content_rules(self) -> tuple[type[NoteRule], ...]:
        return self.rules.note

    @property
    def cross_rules(self) -> tuple[type[LinkRule], ...]:
        return self.rules.link

    @property
    def vault_rules(self) -> tuple[type[VaultRule], ...]:
        return self.rules.vault

    def with_rule(self, rule: type[Rule]) -> Plan:
        """This plan with one more rule (tests add rules that are not registered)."""
        return replace(self, rules=RuleSet((*self.rules.all, rule)),
                       options={**self.options, rule.name: rule_options(self.config, rule)})

    def reporting(self, paths: Iterable[str]) -> Plan:
        return replace(self, report_paths=tuple(paths))

    @property
    def whole(self) -> bool:
        """Whether the run reports on most of the vault (else it stays lazy)."""
        notes = [p for p in self.files if p.lower().endswith(".md")]
        return len(self.report_paths) * 2 >= len(notes)

    # --- paths -----------------------------------------------------------------------
    def relative(self, path: Path) -> str:
        """`path` relative to the root, named as the user named it; refused when it is not
        in the vault: lexically outside, or inside only through a symbolic link out of it."""
        return _relative(self.root, self.reached, path)


def make_plan(request: Request) -> Plan:
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
        root, why = cfg.resolve().parent, "the folder of the --config file"
        config_path: Path | None = cfg
    else:
        found = vault_root_for(targets, cwd)
        root, config_path, why = found.path, found.config, found.why
    resolved, reached = root.resolve(), os.path.abspath(root)
    config = load_config(config_path, resolved, request.overrides)
    rules = select_rules(config)  # load_config checked every name and option
    options = {r.name: rule_options(config, r) for r in rules}
    discovery = discover.walk(resolved, config.exclude)
    files = list(discovery.files)
    stdin_rel = None
    if request.stdin_path:
        stdin_rel = _relative(resolved, reached, targets[0])
        if stdin_rel not in files:
            files = sorted([*files, stdin_rel])
    skip = {s.path: s.reason for s in discovery.skipped}
    if stdin_rel is not None:
        report = [stdin_rel]
    else:
        report = _report_paths(resolved, reached, discovery, config, targets, files, skip)
    return Plan(resolved, reached, why, config, rules, options, discovery, tuple(sorted(files)),
                tuple(report), skip, stdin_rel, request.stdin_text if stdin_rel else None)


def _report_paths(root: Path, reached: str, found: discover.Discovery, config: Config,
                  targets: list[Path], files: list[str], skip: Mapping[str, str]) -> list[str]:
    """The notes the targets name. A file named on the command line though not `.md`
    is added to `files`."""
    notes = [p for p in found.files if discover.is_note(p)]
    notes += [s.path for s in found.skipped]
    if found.templates:
        notes = [p for p in notes if not found.is_template(p)]
    if len(targets) == 1 and targets[0].is_dir() and _relative(root, reached, targets[0]) == "":
        return sorted(notes)  # the whole vault, the usual case: no set of 10,000 paths
    chosen: set[str] = set()
    for t in targets:
        rel = _relative(root, reached, t)
        if t.is_dir():
            prefix = rel + "/" if rel else ""
            chosen.update(p for p in notes if p.startswith(prefix))
        elif rel in found.files or rel in skip:
            chosen.add(rel)
        elif not discover.matches_any(rel, config.exclude) and not _hidden(rel):
            chosen.add(rel)  # named on the command line though not `.md`
            if rel not in files:
                files.append(rel)
    return sorted(p for p in chosen if not found.is_template(p))


def _relative(root: Path, reached: str, path: Path) -> str:
    full = Path(os.path.abspath(path))
    for top in (root, Path(reached)):
        try:
            rel = full.relative_to(top)
            break
        except ValueError:
            continue
    else:
        raise UsageError(f"{path}: outside the vault root {root}")
    if not _really_inside(str(full), str(root)):
        raise UsageError(f"{path}: outside the vault root {root} (through a symbolic link)")
    return rel.as_posix() if str(rel) != "." else ""


def _really_inside(full: str, root: str) -> bool:
    """Whether the folder that holds `full` (or `full`, a folder) is really in the vault."""
    folder = full if os.path.isdir(full) else os.path.dirname(full)
    return inside(os.path.realpath(folder), root)


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))
