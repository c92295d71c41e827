"""The engine: a run in three phases over the notes its plan names.

1. Content: every note is read, parsed and checked by the content rules (lint/process.py),
   or taken from the cache, through the note store (lint/store.py); in parallel workers
   for large vaults (lint/parallel.py), which also run phase 2 on their own notes.
2. Cross-note: the link rules read each reported note's facts and the Vault, once the
   index is complete; their findings are kept in the cache while nothing they depend on
   changed.
3. Vault-wide: rules that see every note at once.

Then each file's findings are finished (lint/stamp.py: suppressions) and sorted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from lint.config import Config
from lint.diagnostic import Finding
from lint.gcpause import few_collections
from lint.plan import Plan, Request, UsageError, make_plan
from lint.process import Processed, looks_binary, note_findings
from lint.readfile import read_file
from lint.store import CrossMemo, NoteStore, open_cache

if TYPE_CHECKING:
    from lint.note import Note

__all__ = ["Linter", "Request", "UsageError", "check"]


class Linter:
    """One run over one vault. Each note is read and parsed at most once."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.plan: Plan = make_plan(request)
        self.warnings: list[str] = []  # said once on stderr by the command
        self.fix_problems: list[Finding] = []
        # Notes --fix wrote, as written (None: another name of one it wrote).
        self.rewritten: dict[str, Note | None] = {}
        self._store: NoteStore | None = None

    @property
    def store(self) -> NoteStore:
        if self._store is None:
            cache = None
            if self.request.cache and self.plan.stdin_rel is None:
                cache = open_cache(self.plan, self.request.cache_dir, self.warnings)
            self._store = NoteStore(self.plan, cache, self.request.keep_facts)
        return self._store

    # --- what callers read of the run --------------------------------------------------
    root = property(lambda self: self.plan.root)
    root_why = property(lambda self: self.plan.root_why)
    config = property(lambda self: self.plan.config)
    rules = property(lambda self: list(self.plan.rules))
    discovery = property(lambda self: self.plan.discovery)
    vault = property(lambda self: self.store.vault)
    cache = property(lambda self: self.store.cache)
    stats = property(lambda self: self.store.stats)
    processed = property(lambda self: self.store.processed)

    @property
    def report_paths(self) -> list[str]:
        return list(self.plan.report_paths)

    @report_paths.setter
    def report_paths(self, paths: Iterable[str]) -> None:
        self.plan = self.plan.reporting(paths)
        if self._store is not None:
            self._store.plan = self.plan

    def relative(self, path: str) -> str:
        """A path as the command line gives it, relative to the vault root."""
        return self.plan.relative(Path(self.request.cwd) / path)

    def process(self, rel: str, keep_note: bool = True) -> Processed:
        return self.store.parse(rel, keep_note)

    def problem(self, rel: str, message: str) -> Finding:
        return self.store.checker.stamper.problem(rel, message)

    # --- running -----------------------------------------------------------------------
    def run(self) -> list[Finding]:
        try:
            with few_collections():
                return self._run()
        finally:
            if self.cache is not None:
                self.cache.discard()  # a facts file begun by a run that did not finish

    def _run(self) -> list[Finding]:
        plan, store = self.plan, self.store
        # Vault-wide rules need every note, and so do parallel workers (each needs every
        # note's export) and the cross-note cache (every note's cross key). A run over
        # a few files (a commit hook) stays lazy instead.
        everything = bool(plan.vault_rules) or plan.whole
        wanted = plan.report_paths
        if everything:
            wanted = tuple(sorted(set(plan.report_paths) | set(store.vault.note_paths)))
        done = self._content_phase(list(wanted), everything)
        cross = self._cross_phase(done)
        vault_wide = store.checker.vault_findings(plan.report_paths, store.vault)
        findings: list[Finding] = []
        for rel in plan.report_paths:
            findings += self._finished(store.get(rel), cross, vault_wide)
        findings.sort(key=lambda f: f.sort_key)
        store.save(everything)
        return findings

    def _content_phase(self, paths: list[str], everything: bool) -> dict[str, list[Finding]]:
        """Process what the cache does not hold, in parallel when it pays; a parallel run
        also returns the cross-note findings its workers made."""
        store = self.store
        todo = [p for p in paths if p not in store.processed and store.from_cache(p) is None]
        if not todo:
            return {}  # a warm run: not even multiprocessing is imported
        from lint.parallel import jobs_for, process_parallel

        jobs = jobs_for(self.request.jobs, len(todo))
        if not everything or jobs < 2:
            for rel in todo:
                store.stats["parsed"] += 1
                store.adopt(store.parse(rel))
            return {}
        store.stats["parsed"] += len(todo)
        keep = store.cache is not None or bool(self.plan.vault_rules)
        cross = set(self.plan.report_paths) if self.plan.cross_rules else set()
        return process_parallel(store, todo, cross, jobs, keep, self.request.progress)

    def _cross_phase(self, done: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
        store = self.store
        if not store.checker.cross_rules:
            return {}
        memo = CrossMemo(store)
        out: dict[str, list[Finding]] = {}
        for rel in self.plan.report_paths:
            p = store.get(rel)
            if p.skip is not None:
                continue
            found = memo.get(rel, p.digest)
            if found is None:
                if rel in done:
                    found = done[rel]
                else:
                    facts = store.full_facts(p)
                    assert facts is not None
                    found = store.checker.cross_findings(facts)
                memo.put(rel, p.digest, found)
            out[rel] = found
        memo.close(out)
        return out

    def _finished(self, p: Processed, cross: dict[str, list[Finding]],
                  vault_wide: dict[str, list[Finding]]) -> list[Finding]:
        checker = self.store.checker
        if p.skip is not None:
            # A parser crash carries its internal-error finding in place of a skip.
            # per-file-ignores apply to both; suppression comments cannot, as the
            # file was not parsed (it has no directives).
            raw = list(p.local.findings) or checker.stamper.skipped(p.path, p.skip)
            return checker.finish(p, raw)
        raw = [*p.local.findings, *cross.get(p.path, ()), *vault_wide.get(p.path, ())]
        return checker.finish(p, raw, self.store.full_facts(p) if p.directives else None)

    # --- notes after the run: the fixer, code frames, baselines -------------------------
    def note(self, rel: str) -> Note | None:
        """The parsed Note (for the fixer and code frames). Notes parsed in workers or
        taken from the cache are parsed here on demand: only those with findings."""
        store = self.store
        if rel not in store.notes and store.parse(rel, keep_note=True).skip is not None:
            return None
        return store.notes.get(rel)

    def text(self, rel: str) -> str | None:
        """A note's text as the rules read it (findings' offsets index it), for code
        frames and baselines: the parsed note when this run kept it, else the file
        decoded the same way, not parsed (a warm run over a rotten vault would otherwise
        parse every note with a finding just to show its lines)."""
        note = self.store.notes.get(rel)
        if note is None and rel == self.plan.stdin_rel:
            note = self.note(rel)
        if note is not None:
            return note.text
        from lint.note import decode_text

        got = read_file(self.root, rel, self.config.max_file_size)
        return None if got.data is None or looks_binary(got.data) else decode_text(got.data)

    def lint_note(self, note: Note, with_unused: bool = False) -> list[Finding]:
        """Every per-note rule on one note, suppressions applied (the fixer's re-lint;
        with the unused suppressions, a rewritten note's findings as a run reports them)."""
        return note_findings(self.store.checker, note, with_unused)

    def relint_rewritten(self, findings: list[Finding]) -> list[Finding] | None:
        """The run's findings with those of the notes --fix wrote made anew from what was
        written (lint/workspace.py). None when that changed other notes' findings (a
        heading, block id, title or alias they read changed), when a vault-wide rule is
        on, or when a note was rewritten under two names: then only a new run over the
        vault is right (and it refreshes the cache for them)."""
        from lint.workspace import Workspace

        if self.plan.vault_rules or any(note is None for note in self.rewritten.values()):
            return None
        workspace = Workspace(self.store, known=findings)
        changed: set[str] = set()
        for note in self.rewritten.values():
            assert note is not None
            changed |= workspace.set_note(note)  # code frames then show the text as written
        if changed - set(self.rewritten):
            return None
        out = [f for f in findings if f.path not in self.rewritten]
        out += [f for rel in self.rewritten for f in workspace.findings(rel)]
        self.store.stats["parsed"] += len(self.rewritten)
        return sorted(out, key=lambda f: f.sort_key)


def check(paths: Iterable[str | os.PathLike[str]] = (".",), config: Config | dict | str | None = None,
          *, cwd: str | None = None, cache: bool = False) -> list[Finding]:
    """Lint the notes at `paths` (files or folders) and return the findings, sorted.

    `config` is a config file path, a dict of settings (the keys of `[tool.notelint]`,
    merged over the discovered config), or None for discovery alone. `cache=True` reads
    and writes `.notelint_cache/` at the vault root. Raises ConfigError for a bad config
    and UsageError for bad paths.
    """
    request = Request(paths=[os.fspath(p) for p in paths] or ["."], cwd=cwd or os.getcwd(), cache=cache)
    if isinstance(config, str | os.PathLike):
        request.config_file = os.fspath(config)
    elif isinstance(config, Config):
        request.overrides = config.model_dump(by_alias=True, exclude_unset=True)
    elif isinstance(config, dict):
        request.overrides = dict(config)
    return Linter(request).run()
