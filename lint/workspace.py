"""The warm, incremental core: a vault held in memory and kept up to date edit by edit.

A Workspace takes "this note's text is now T" and "this path was created, deleted or
renamed", and answers a note's findings and which notes' findings an edit changed (a note
linking to a note that now exists, or to a heading that was added). --fix re-lints what
it wrote through it; a language server or a watch mode would too.

What a note's findings depend on, and so which notes an edit can change:
- its own text (content rules, its links, its suppression comments);
- the file list (every link's resolution): a create, delete or rename re-checks the notes
  with a link naming a file of that name, leading to it, or leading nowhere;
- what other notes show (lint/process.py, cross_key_of: headings, block ids, title,
  aliases): a change there re-checks the notes linking to that note, and those with a
  link that does not resolve (their "did you mean" reads every note's names);
- with a vault-wide rule on, every note.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lint import discover
from lint.diagnostic import Finding
from lint.plan import Request
from lint.process import note_findings, process_bytes, process_note
from lint.readfile import NO_KEY
from lint.store import NoteStore
from lint.vault import fold

if TYPE_CHECKING:
    from lint.config import Config
    from lint.engine import Linter
    from lint.facts import NoteFacts
    from lint.note import Note


ANY_NAME = "/"  # a link whose target's file name cannot be told: any file may match it


class Reach(NamedTuple):
    """Where a note's links lead, and the (folded) file names they could lead to."""

    paths: frozenset[str | None]  # None: a link that does not resolve
    names: frozenset[str]


def _file_names(target: str) -> tuple[str, ...]:
    """The folded names of the files a link target can resolve to (Vault._lookup: by
    name, with `.md` implied for notes)."""
    base = posixpath.basename(target.strip().replace("\\", "/"))
    if base in ("", ".", ".."):
        return (ANY_NAME,)
    return (fold(base), fold(base + ".md"))


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
        # per note, where its links lead and which file names they name
        self._targets: dict[str, Reach] | None = None
        self.warnings: list[str] = []  # the first run's (Workspace.open)
        # Text given for files that are not notes: a rename to a note's name carries it.
        self._unsaved: dict[str, str] = {}

    @classmethod
    def open(cls, folder: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None, *,
             cache: bool = True, config_file: str | None = None) -> Workspace:
        """The vault at `folder` (its config found as the command finds it), after a run over
        it as `notelint check` makes (through the cache unless `cache` is false), whose
        findings are the answers before the first edit. A folder inside a vault opens the
        whole vault: every note is reported on, and a change anywhere reaches the notes
        linking there. The run's warnings are kept in `warnings`."""
        linter, known = _first_run(os.fspath(folder), overrides, cache, config_file)
        workspace = cls(linter.store, known=known)
        workspace.warnings = list(linter.warnings)
        return workspace

    def warm(self) -> None:
        """Build now what the first edit changing what other notes see would build: the
        index of who links where (every note's links, read and resolved). Answers do not
        change; a server calls this when idle after the first index."""
        self._index()

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

    @property
    def config(self) -> Config:
        return self.store.plan.config

    @property
    def note_files(self) -> tuple[str, ...]:
        """Every note file, templates too: where a link can lead."""
        return self.store.vault.note_paths

    def indexed(self, path: str) -> bool:
        """Would discovery list the file at this vault-relative path? Not in a hidden
        folder (or hidden itself), nor matching `exclude`."""
        if any(part.startswith(".") for part in path.split("/")):
            return False
        exclude = self.config.exclude
        return not (exclude and discover.matches_any(path, exclude))

    # --- what the notes hold -------------------------------------------------------------
    def facts(self, path: str) -> NoteFacts | None:
        """The note's facts with its links, or None (not a note of the vault, unreadable)."""
        store = self.store
        try:
            return store.full_facts(store.get(path))
        except KeyError:
            return None

    def note(self, path: str) -> Note | None:
        """The note as parsed in this process (its text: an edit, a fix), if it was."""
        return self.store.notes.get(path)

    def resolve(self, target: str, source: str) -> str | None:
        """The file a link to `target` in the note at `source` leads to, or None."""
        return self.store.vault.resolve(target, source, self.config.resolution).path

    def note_findings(self, note: Note) -> list[Finding]:
        """Every per-note rule on a note (parsed, not in the vault: a fix being tried)."""
        return note_findings(self.store.checker, note)

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
        """The note at `path` (created when it is not in the vault and discovery would
        list it) now reads `text`."""
        if path not in self.files:
            return self.create(path, text)
        if not discover.is_note(path):
            self._unsaved[path] = text  # an attachment: only its name matters, until renamed
            return set()
        data = text.encode("utf-8", "surrogatepass")
        return self._set(path, lambda: process_bytes(self.store.checker, path, NO_KEY, data))

    def set_note(self, note: Note) -> set[str]:
        """The note is now as parsed (--fix: what it wrote)."""
        return self._set(note.path, lambda: process_note(self.store.checker, note))

    def create(self, path: str, text: str = "") -> set[str]:
        """A file at `path`; none when discovery would not list it (`indexed`)."""
        if not self.indexed(path):
            return set()
        return self._refile(created={path: text})

    def delete(self, path: str) -> set[str]:
        return self._refile(deleted=[path])

    def rename(self, old: str, new: str) -> set[str]:
        note = self.store.notes.get(old)
        text = note.text if note is not None else self._unsaved.get(old)
        if text is None:
            text = _disk_text(self.root, old)
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
        candidates: set[str] = set()  # filled in below, before the change runs
        found = store.plan.discovery
        report = [p for p in self.notes if p not in gone]
        report += [p for p in created if discover.is_note(p) and not found.is_template(p) and p not in report]

        def change() -> None:
            store.refile(files, report)
            for path in gone:
                self._unsaved.pop(path, None)
            for path, text in created.items():
                if discover.is_note(path):
                    data = text.encode("utf-8", "surrogatepass")
                    store.put(process_bytes(store.checker, path, NO_KEY, data))
                elif text:
                    self._unsaved[path] = text
            self._reindex(candidates, gone)

        candidates |= self._named(set(created) | gone) | (set(report) - set(self.notes))
        return self._apply(candidates, change)

    def _named(self, touched: set[str]) -> set[str]:
        """The notes whose findings a file created or deleted at `touched` can change:
        those with a link that names a file of that name (obsidian resolution goes by
        the file's name, then breaks ties: links.md), that leads there, or that leads
        nowhere ("did you mean" reads every file's name). Every note with quartz's slugs,
        or with a vault-wide rule on."""
        store = self.store
        if store.plan.config.resolution != "obsidian" or store.plan.vault_rules:
            return set(self.notes)
        names = {fold(posixpath.basename(p)) for p in touched} | {ANY_NAME}
        return touched | {src for src, reach in self._index().items()
                          if None in reach.paths or reach.paths & touched or reach.names & names}

    def _reindex(self, sources: set[str], gone: set[str]) -> None:
        """After a change to the file list: only `sources` can resolve differently."""
        if self._targets is None:
            return
        for path in gone:
            self._targets.pop(path, None)
        notes = set(self.store.vault.note_paths)
        for src in sources & notes:
            self._targets[src] = self._targets_of(src)

    def _apply(self, candidates: set[str], change) -> set[str]:
        before = {p: self.findings(p) for p in candidates if p in self.notes}
        change()
        for p in candidates:
            self._answers.pop(p, None)
        self._vault_wide = None
        after = {p: self.findings(p) for p in candidates if p in self.notes}
        return {p for p in candidates if before.get(p) != after.get(p)}

    # --- who links where -----------------------------------------------------------------
    def _index(self) -> dict[str, Reach]:
        if self._targets is None:
            self._targets = {src: self._targets_of(src) for src in self.store.vault.note_paths}
        return self._targets

    def _targets_of(self, src: str) -> Reach:
        store = self.store
        facts = store.full_facts(store.get(src))
        if facts is None:
            return Reach(frozenset(), frozenset())
        links = store.vault.links(facts, store.plan.config.resolution)
        return Reach(frozenset(res.path for _, res in links),
                     frozenset(key for link, _ in links for key in _file_names(link.target)))

    def _linking_to(self, path: str) -> set[str]:
        return {src for src, reach in self._index().items() if path in reach.paths}

    def _dangling(self) -> set[str]:
        return {src for src, reach in self._index().items() if None in reach.paths}


def _first_run(path: str, overrides: Mapping[str, Any] | None, cache: bool,
               config_file: str | None) -> tuple[Linter, list[Finding]]:
    """A run over the whole vault that holds `path`, as `notelint check` makes it."""
    from lint.engine import Linter

    def request(path: str) -> Request:
        return Request(paths=[path], cwd=path, cache=cache, overrides=dict(overrides or {}),
                       config_file=config_file)

    linter = Linter(request(path))
    if Path(path).resolve() != linter.root.resolve():
        linter = Linter(request(str(linter.root)))
    return linter, linter.run()


def _disk_text(root: Path, path: str) -> str:
    from lint.note import decode_text

    try:
        return decode_text((root / path).read_bytes())
    except OSError:
        return ""
