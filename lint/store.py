"""The note store: the Vault's one loader. A note comes from memory, from the cache, or
from processing it, at most once a run. The store owns the cache's keys and invariants:
which entries its stat keys prove fresh (and which are racily clean and hashed again),
what each entry and facts blob holds, and the signature cross-note findings are kept
under. lint/cache.py only stores what it is given."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lint import __version__
from lint.cache import Cache, Cross, cache_key, claim_folder
from lint.config import Config
from lint.diagnostic import Finding
from lint.facts import NoteFacts, unpack
from lint.plan import Plan
from lint.process import Checker, Parsed, Processed, process_file
from lint.readfile import NO_KEY, content_digest, read_file, stat_key
from lint.vault import Vault

if TYPE_CHECKING:
    from lint.note import Note


class NoteStore:
    def __init__(self, plan: Plan, cache: Cache | None = None, keep_facts: bool = False) -> None:
        self.plan = plan
        self.cache = cache
        self.keep_facts = keep_facts  # keep every note's links after the run
        self._root_slash = os.path.join(plan.root, "")
        self.processed: dict[str, Processed] = {}
        # In a worker: the exports (pickled) of the notes other workers processed.
        self.foreign: dict[str, bytes] = {}
        self.notes: dict[str, Note] = {}  # notes parsed in this process (fixer, code frames)
        self.stats = {"parsed": 0, "cached": 0, "hashed": 0, "workers": 0}
        self.vault = Vault(plan.files, self.facts, self.anchor_fields)
        self.checker = Checker(plan, self.vault)
        self._lite_ok = not plan.vault_rules

    # --- loading ---------------------------------------------------------------------
    def parse(self, rel: str, keep_note: bool = True) -> Processed:
        """Process a file now (not adopted: see adopt)."""
        parsed = process_file(self.checker, rel)
        if keep_note and parsed.note is not None:
            self.notes[rel] = parsed.note
        return parsed.processed

    def get(self, rel: str) -> Processed:
        """A file of the vault, however it comes."""
        p = self.processed.get(rel) or self.from_cache(rel)
        if p is None:
            p = self.parse(rel)
            self.stats["parsed"] += 1
            self.adopt(p)
        return p

    def facts(self, rel: str) -> NoteFacts | None:
        """The Vault's loader. Cross-note rules read other notes' headings, block ids and
        front matter only: a note's export has them, and the facts file stays unread."""
        p = self.processed.get(rel)
        if p is None and rel in self.foreign:  # in a worker: another worker's note
            return NoteFacts.lite(rel, "", unpack(self.foreign[rel]))  # type: ignore[arg-type]
        p = p or self.get(rel)
        if p.facts is None and p.entry.export and self._lite_ok:
            return p.lite()
        return self.full_facts(p)

    def anchor_fields(self, rel: str) -> tuple[tuple, tuple] | None:
        """A note's headings and block ids for the Vault's anchors, read from its export
        when there is one (another worker's note, a cached one): no NoteFacts made."""
        p = self.processed.get(rel)
        if p is not None and p.entry.export:
            export = p.export
        elif p is None and rel in self.foreign:
            export = unpack(self.foreign[rel])  # type: ignore[assignment]
        else:
            facts = self.facts(rel)
            return None if facts is None else (facts.md.headings, facts.md.block_ids)
        assert export is not None
        return export[1], export[2]

    def full_facts(self, p: Processed) -> NoteFacts | None:
        """A note's facts with its links: as processed, or from the cache's facts file."""
        if p.facts is not None or p.blob is not None:
            return p.decoded_facts()
        if p.skip is not None or not p.entry.export:
            return None
        p.facts = self._cached_facts(p.path, p.digest)
        return p.facts

    def adopt(self, p: Processed) -> None:
        """Record a processed file: in the run, and in the cache."""
        self.processed[p.path] = p
        cache = self.cache
        if cache is None or p.path == self.plan.stdin_rel or p.stat == NO_KEY:
            return
        cache.put(p.path, p.keyed())
        if p.skip is None:
            blob = p.facts_blob()
            if blob is not None:
                cache.put_facts(p.path, blob)
            if (p.facts is None and not p.directives and self._lite_ok and not self.keep_facts):
                # From a worker, which also made the note's cross-note findings:
                # nothing in this run reads these again, and the cache has them.
                p.blob = None

    def from_cache(self, rel: str) -> Processed | None:
        if self.cache is None or rel == self.plan.stdin_rel:
            return None
        entry = self.cache.files.get(rel)
        if entry is None:
            return None
        try:
            # root + rel, not os.path.join: this runs for every note of a warm run
            st = stat_key(os.stat(self._root_slash + rel, follow_symlinks=False))
        except OSError:
            return None
        if st != entry.stat or self.cache.racy(rel, st):
            self.stats["hashed"] += 1
            if not self._same_content(rel, entry.digest):
                return None
            self.cache.confirm(rel, st)
        p = Processed(rel, self.cache.files[rel])
        self.processed[rel] = p
        self.stats["cached"] += 1
        return p

    def _same_content(self, rel: str, digest: str) -> bool:
        """Does the file hold the content the cache saw? For an entry its stat key cannot
        prove (changed, or racily clean)."""
        data = read_file(self.plan.root, rel, self.plan.config.max_file_size).data
        return data is not None and content_digest(data) == digest

    def _cached_facts(self, rel: str, digest: str) -> NoteFacts | None:
        """A cached note's facts from the facts file, if they are of this very content.
        Two runs saving at once can leave one's index beside the other's facts file;
        facts of another state of the note would hide its findings, so parse again."""
        blob = self.cache.facts_blob(rel) if self.cache is not None else None
        facts = unpack(blob) if blob else None
        if isinstance(facts, NoteFacts) and facts.digest == digest:
            return facts
        # Not in the cache (or no cache: a worker made this note's findings and its
        # facts were not kept): parse again.
        p = self.parse(rel, keep_note=False)
        self.stats["parsed"] += 1
        if p.skip is None and p.facts is not None:
            blob = p.facts_blob()
            if self.cache is not None and blob is not None:
                self.cache.put_facts(rel, blob)
            return p.facts
        return None

    # --- edits (lint/workspace.py) -----------------------------------------------------
    def put(self, parsed: Parsed) -> None:
        """A note's new content, processed: it replaces what the store had."""
        p = parsed.processed
        self.processed[p.path] = p
        if parsed.note is not None:
            self.notes[p.path] = parsed.note
        else:
            self.notes.pop(p.path, None)
        self.vault.forget(p.path)
        self.checker = Checker(self.plan, self.vault)  # rules' memos may hold the old content

    def refile(self, files: Iterable[str], report: Iterable[str]) -> None:
        """The vault's file list changed: a new index, and every note kept."""
        kept = set(files)
        for gone in [p for p in self.processed if p not in kept]:
            del self.processed[gone]
            self.notes.pop(gone, None)
        self.plan = replace(self.plan, files=tuple(sorted(kept)), report_paths=tuple(sorted(report)))
        self.vault = Vault(self.plan.files, self.facts, self.anchor_fields)
        self.checker = Checker(self.plan, self.vault)

    # --- cross-note findings kept across runs ------------------------------------------
    def signature(self) -> str | None:
        """Everything cross-note findings depend on besides the note itself: the file list
        and what each note shows others. None when some note was not looked at."""
        if self.cache is None:
            return None
        keys = []
        for rel in self.vault.note_paths:
            p = self.processed.get(rel)
            if p is None:
                return None
            keys.append(p.cross_key)
        # joined, not repr()'d: the same content, in a fraction of the time (bench/README.md)
        # (NUL, which no file name holds: "a" + "b.md" must not join like "a\nb.md")
        return cache_key("\0".join(self.vault.files), "\0".join(keys), self.plan.config.resolution)

    def save(self, whole: bool) -> None:
        if self.cache is not None:
            if whole:
                self.cache.prune(set(self.vault.files))
            self.cache.save()


class CrossMemo:
    """The cache's cross-note findings for one run: reused while the signature holds."""

    def __init__(self, store: NoteStore) -> None:
        self.cache = store.cache
        self.sig = store.signature() if self.cache is not None else None
        self.reuse = self.cache is not None and self.sig is not None and self.cache.signature == self.sig
        self.written: set[str] = set()

    def get(self, rel: str, digest: str) -> list[Finding] | None:
        hit = self.cache.cross.get(rel) if self.reuse and self.cache is not None else None
        if hit is None or hit.digest != digest:
            return None
        return pickle.loads(hit.findings) if hit.findings else []

    def put(self, rel: str, digest: str, found: list[Finding]) -> None:
        if self.cache is not None and self.sig is not None:
            # most notes have no cross-note finding: b"" costs nothing to read back
            self.cache.put_cross(rel, Cross(digest, pickle.dumps(found, -1) if found else b""))
            self.written.add(rel)

    def close(self, seen: set[str] | dict) -> None:
        if self.cache is not None and self.sig is not None:
            self.cache.new_signature(self.sig, seen)


# --- the cache's key ----------------------------------------------------------------------
def open_cache(plan: Plan, cache_dir: str | None, warnings: list[str]) -> Cache | None:
    from lint.rules import RULES as ALL

    folder = Path(cache_dir) if cache_dir else plan.root / ".notelint_cache"
    why = claim_folder(folder)
    if why is not None:
        warnings.append(f"not using the cache folder {folder}: {why}; running without a cache")
        return None
    key = cache_key(__version__, _code_stamp(), plan.config.model_dump_json(),
                    [r.name for r in plan.rules], [(r.name, r.code) for r in ALL],
                    _schema_sources(plan.config))
    cache = Cache(folder, key)
    if not cache.usable:
        return None
    cache.load()
    return cache


def _code_stamp() -> list[tuple[str, int, int]]:
    """notelint's own source files as (name, mtime, size): the version alone would let a
    cache outlive an edited rule in a development checkout (cheap: bench/README.md)."""
    import importlib.util

    import lint

    # schemas is found, not imported: importing it builds its Pydantic models, which a
    # warm run does not otherwise need
    spec = importlib.util.find_spec("schemas")
    tops = [os.path.dirname(lint.__file__ or ""), *(spec.submodule_search_locations or [] if spec else [])]
    out = []
    for top in tops:
        for folder, _, names in os.walk(top):
            for name in sorted(names):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder, name))
                    out.append((name, st.st_mtime_ns, st.st_size))
    return sorted(out)


def _schema_sources(config: Config) -> list[str]:
    """Content hashes of the schema modules config names, so editing one invalidates the
    cache. The files are found by path, never imported: importing runs code (issue 17)."""
    if not config.schemas:
        return []
    from schemas.registry import module_files

    out = []
    for m in config.schemas:
        digest = hashlib.blake2b(digest_size=8)
        for path in module_files(m.model, config.root):
            digest.update(os.fsencode(path) + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError as e:
                digest.update(str(e).encode())
        out.append(f"{m.model} {digest.hexdigest()}")
    return out
