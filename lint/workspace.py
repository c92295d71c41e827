"""The warm, incremental core: a vault held in memory and kept up to date edit by edit.

A Workspace takes "this note's text is now T" and "this path was created, deleted or
renamed", and answers a note's findings and which notes' findings an edit changed (a note
linking to a note that now exists, or to a heading that was added). --fix re-lints what
it wrote through it; a language server or a watch mode would too.

What a note's findings depend on, and so which notes an edit can change:
- its own text (content rules, its links, its suppression comments);
- the file list (every link's resolution): a create, delete or rename re-checks all notes;
- what other notes show (lint/process.py, cross_key_of: headings, block ids, title,
  aliases): a change there re-checks the notes linking to that note, and those with a
  link that does not resolve (their "did you mean" reads every note's names);
- with a vault-wide rule on, every note.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lint import discover
from lint.diagnostic import Finding
from lint.plan import Request, make_plan
from lint.process import process_bytes, process_note
from lint.readfile import NO_KEY
from lint.store import NoteStore

if TYPE_CHECKING:
    from lint.note import Note


class Workspace:
    def __init__(self, store: NoteStore, known: Iterable[Finding] | None = None) -> None:
        """`known`: the findings of a run over the store's notes, all of them (a run's
        answer, reused as the findings before the first edit)."""
        self.store = store
        self._answers: dict[str, list[Finding]] = {}  # findings as last answered
        if known is not None:
            self._answers = {path: [] for path in self.notes}
            for f in known:
                self._answers.setdefault(f.path, []).append(f)
        self._vault_wide: dict[str, list[Finding]] | None = None
        # per note, where its links lead (None: a link that does not resolve)
        self._targets: dict[str, frozenset[str | None]] | None = None

    @classmethod
    def open(cls, folder: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None) -> Workspace:
        """The vault at `folder` (its config found as the command finds it)."""
        path = os.fspath(folder)
        return cls(NoteStore(make_plan(Request(paths=[path], cwd=path, overrides=dict(overrides or {})))))

    @property
    def root(self) -> Path:
        return self.store.plan.root

    @property
    def files(self) -> tuple[str, ...]:
        return self.store.plan.files

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes findings are answered for."""
        return self.store.plan.report_paths

    # --- answers -------------------------------------------------------------------------
    def findings(self, path: str) -> list[Finding]:
        """The note's findings, sorted, as a run over the vault reports them."""
        if path not in self._answers:
            self._answers[path] = self._check(path)
        return list(self._answers[path])

    def all_findings(self) -> list[Finding]:
        out = [f for path in self.notes for f in self.findings(path)]
        return sorted(out, key=lambda f: f.sort_key)

    def _check(self, path: str) -> list[Finding]:
        store = self.store
        p = store.get(path)
        checker = store.checker
        if p.skip is not None:
            raw = list(p.local.findings) or checker.stamper.skipped(path, p.skip)
            return sorted(checker.finish(p, raw), key=lambda f: f.sort_key)
        raw = list(p.local.findings)
        facts = store.full_facts(p)
        if checker.cross_rules and facts is not None:
            raw += checker.cross_findings(facts)
        raw += self._vault_findings().get(path, [])
        return sorted(checker.finish(p, raw, facts), key=lambda f: f.sort_key)

    def _vault_findings(self) -> dict[str, list[Finding]]:
        if self._vault_wide is None:
            store = self.store
            self._vault_wide = store.checker.vault_findings(store.plan.report_paths, store.vault)
        return self._vault_wide

    # --- edits: each returns the notes whose findings it changed -------------------------
    def set_text(self, path: str, text: str) -> set[str]:
        """The note at `path` (created when it is not in the vault) now reads `text`."""
        if path not in self.files:
            return self.create(path, text)
        if not discover.is_note(path):
            return set()  # an attachment: only its name matters
        data = text.encode("utf-8", "surrogatepass")
        return self._set(path, lambda: process_bytes(self.store.checker, path, NO_KEY, data))

    def set_note(self, note: Note) -> set[str]:
        """The note is now as parsed (--fix: what it wrote)."""
        return self._set(note.path, lambda: process_note(self.store.checker, note))

    def create(self, path: str, text: str = "") -> set[str]:
        return self._refile(created={path: text})

    def delete(self, path: str) -> set[str]:
        return self._refile(deleted=[path])

    def rename(self, old: str, new: str) -> set[str]:
        note = self.store.notes.get(old)
        text = note.text if note is not None else self._text_of(old)
        return self._refile(created={new: text}, deleted=[old])

    def _set(self, path: str, make) -> set[str]:
        store = self.store
        before = store.get(path).cross_key
        parsed = make()
        candidates = {path}
        if parsed.processed.cross_key != before:
            candidates |= self._linking_to(path) | self._dangling()
        if store.plan.vault_rules:
            candidates |= set(self.notes)

        def change() -> None:
            store.put(parsed)
            if self._targets is not None:
                self._targets[path] = self._targets_of(path)

        return self._apply(candidates, change)

    def _refile(self, created: Mapping[str, str] = {}, deleted: Iterable[str] = ()) -> set[str]:  # noqa: B006
        store = self.store
        gone = set(deleted)
        files = [p for p in self.files if p not in gone] + [p for p in created if p not in self.files]
        found = store.plan.discovery
        report = [p for p in self.notes if p not in gone]
        report += [p for p in created if discover.is_note(p) and not found.is_template(p) and p not in report]

        def change() -> None:
            store.refile(files, report)
            for path, text in created.items():
                if discover.is_note(path):
                    data = text.encode("utf-8", "surrogatepass")
                    store.put(process_bytes(store.checker, path, NO_KEY, data))
            self._targets = None

        # Any link may resolve elsewhere now: every note is a candidate.
        return self._apply(set(self.notes) | set(report), change)

    def _apply(self, candidates: set[str], change) -> set[str]:
        before = {p: self.findings(p) for p in candidates if p in self.notes}
        change()
        for p in candidates:
            self._answers.pop(p, None)
        self._vault_wide = None
        after = {p: self.findings(p) for p in candidates if p in self.notes}
        return {p for p in candidates if before.get(p) != after.get(p)}

    # --- who links where -----------------------------------------------------------------
    def _index(self) -> dict[str, frozenset[str | None]]:
        if self._targets is None:
            self._targets = {src: self._targets_of(src) for src in self.store.vault.note_paths}
        return self._targets

    def _targets_of(self, src: str) -> frozenset[str | None]:
        store = self.store
        facts = store.full_facts(store.get(src))
        if facts is None:
            return frozenset()
        profile = store.plan.config.resolution
        return frozenset(res.path for _, res in store.vault.links(facts, profile))

    def _linking_to(self, path: str) -> set[str]:
        return {src for src, targets in self._index().items() if path in targets}

    def _dangling(self) -> set[str]:
        return {src for src, targets in self._index().items() if None in targets}

    def _text_of(self, path: str) -> str:
        from lint.note import decode_text

        try:
            return decode_text((self.root / path).read_bytes())
        except OSError:
            return ""
