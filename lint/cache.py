"""The content cache (ruff's model): per-note facts and findings, keyed by notelint's
version, the config, and each file's content hash.

Trust: the cache lives in the vault, where a pull request could plant one. Entries are
pickled for speed, and pickle must never read untrusted bytes, so the file carries an
HMAC made with a key kept outside the vault (in the user's cache folder). A file whose
HMAC does not verify (foreign, corrupt, planted, or from another machine) is ignored and
rebuilt. A fresh CI machine has no key and so never trusts a committed cache.

Ownership: the cache folder may be a committed symlink or a folder the user named with
--cache-dir (`~/Downloads`). notelint writes and removes files only in a real folder
(not a symbolic link) that it created or found empty, marked by its CACHEDIR.TAG, and
removes only names it gives its own files; any other folder is refused and the run goes
on uncached.

Freshness (git's rule): an entry is trusted on its stat key (mtime, ctime, size, inode)
unless the file was changed within the timestamp granularity of the cache's own write
("racily clean"): such a file is hashed again, since an edit in the same tick leaves
its stat key as the cache saw it. A file whose stat key changed is hashed too, and its
entry kept when the content is the same (a fresh checkout, as in CI, or a copy).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

# The file layer: the folder's ownership, the key, signed files (MAGIC and claim_folder
# re-exported for callers).
from lint.cachefolder import MAGIC, SignedFolder, SignedWriter, claim_folder, remove, secret

FORMAT = 9
RECENT_MAX = 200  # facts kept in the index before they are merged into the facts file
SPOOL_BATCH = 512  # facts of notes parsed in this run held in memory before they are spooled
# Index entries changed since the index was written that go to its delta file instead of
# a new index: on a large vault one changed note rewrote the whole index (figures:
# bench/README.md).
DELTA_MAX = 500
# Racily clean: a file whose mtime or ctime is this close to the cache's write (or later)
# is hashed again. Two seconds covers FAT's mtime granularity, the coarsest in use.
RACY_NS = 2_000_000_000



class Entry(NamedTuple):
    """A processed file as the cache keeps it (and as workers send it)."""

    stat: tuple[int, int, int, int]  # stat key of the file as read (readfile.StatKey)
    digest: str  # its content hash ("" when it was not parsed)
    cross_key: str  # what other notes see of it ("" when not computed yet)
    local: bytes  # its own findings, suppressions and skip reason, pickled (b"": none)
    export: bytes  # what other notes may see of it, pickled (b"": nothing)


class Cross(NamedTuple):
    """A note's cross-note findings, valid while its digest and the signature hold."""

    digest: str
    findings: bytes  # pickled (b"": none)


# Kept in the files as plain tuples and made named tuples by C: a named tuple pickles
# and unpickles through a Python call each, and a warm run reads every entry.
_as_entry = partial(tuple.__new__, Entry)
_as_cross = partial(tuple.__new__, Cross)


__all__ = ["MAGIC", "Cache", "Cross", "Entry", "cache_key", "claim_folder"]


def _typed(table: dict, make: Any) -> dict:
    return dict(zip(table, map(make, table.values()), strict=True))


def _plain(table: dict) -> dict:
    return dict(zip(table, map(tuple, table.values()), strict=True))


class Cache:
    """Two files: the index (`KEY.bin`: per file its stat, digest, cross key, findings
    and export; read by every run, with `KEY.delta`, the entries changed since it was
    written, when they are few) and the facts (`KEY.facts`: per note its pickled
    NoteFacts; read only when a cross-note rule must re-run on a note it did not parse,
    so a warm run over 50,000 notes never reads them).

    The facts file's body is a run of pickled dicts (path -> facts), later ones winning,
    so a run that parses many notes spools their facts to disk as they come instead of
    holding them all until it saves (figures: bench/README.md)."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.file = folder / f"{key}.bin"
        self.delta_file = folder / f"{key}.delta"
        # The index as read, before its delta was applied: (files, cross, its id). What
        # differs from it is what the next delta must hold.
        self._base: tuple[dict[str, Entry], dict[str, Cross], str] | None = None
        self.facts_file = folder / f"{key}.facts"
        self.files: dict[str, Entry] = {}
        self.signature: str | None = None
        self.cross: dict[str, Cross] = {}  # path -> its cross-note findings
        self._facts: dict[str, bytes] | None = None  # loaded on first use
        self._new_facts: dict[str, bytes] = {}
        # Facts of notes changed since the facts file was written ride in the index, so
        # a run that re-parses a few notes rewrites the small file only.
        self._recent: dict[str, bytes] = {}
        # The next facts file, begun when a run has parsed many notes: their facts go
        # out as they come (FORMAT, then a dict per SPOOL_BATCH notes).
        self._spool: SignedWriter | None = None
        self._spooled: set[str] = set()
        self._secret = secret()
        self._folder = SignedFolder(folder, self._secret) if self._secret is not None else None
        self.dirty = False
        # When the index and the delta were written (their files' mtimes, on the clock
        # of the filesystem that stamps the notes), and which paths the delta holds.
        self._index_ns = 0
        self._delta_ns = 0
        self._delta_paths: set[str] = set()

    @property
    def usable(self) -> bool:
        return self._secret is not None

    def load(self) -> None:
        loaded, self._index_ns = self._read(self.file)
        if loaded is None:
            return
        files, self.signature, cross, self._recent, base_id = loaded
        files, cross = _typed(files, _as_entry), _typed(cross, _as_cross)
        self._base = (files, cross, base_id)
        self.files, self.cross = dict(files), dict(cross)
        delta, self._delta_ns = self._read(self.delta_file)
        if delta is not None and delta[0] == base_id:  # else: written against another index
            _, files_set, files_gone, cross_set, cross_gone, self.signature, self._recent = delta
            self._delta_paths = set(files_set)
            self.files.update(_typed(files_set, _as_entry))
            self.cross.update(_typed(cross_set, _as_cross))
            for path in files_gone:
                self.files.pop(path, None)
            for path in cross_gone:
                self.cross.pop(path, None)

    def racy(self, path: str, key: tuple[int, ...]) -> bool:
        """Was the file last changed too close to the cache's write for its stat key to
        prove it unchanged since? Then only its content hash can."""
        written = self._delta_ns if path in self._delta_paths else self._index_ns
        return max(key[0], key[-1]) + RACY_NS > written

    def confirm(self, path: str, key: tuple[int, int, int, int]) -> None:
        """The file at `path`, whose stat key is now `key`, was hashed and holds the
        entry's content (a fresh checkout or copy gives unchanged notes new stat keys; a
        racily clean entry is hashed each run). Keep the new key, and write the entry
        again once the file is old enough that later runs can trust its stat key."""
        entry = self.files[path]
        if key != entry[0] or time.time_ns() - max(key[0], key[-1]) > RACY_NS:
            # a new tuple object, so that the delta holds it
            self.files[path] = entry._replace(stat=key)
            self.dirty = True

    def put(self, path: str, entry: Entry) -> None:
        self.files[path] = entry
        self.dirty = True

    def put_cross(self, path: str, cross: Cross) -> None:
        self.cross[path] = cross
        self.dirty = True

    def new_signature(self, signature: str, written: set[str] | dict[str, Any]) -> None:
        """What cross-note findings depend on changed: keep only the entries of the
        notes this run wrote under the new signature."""
        if signature != self.signature:
            self.cross = {p: c for p, c in self.cross.items() if p in written}
            self.signature = signature
            self.dirty = True

    def facts_blob(self, path: str) -> bytes | None:
        """The cached facts of a note; None for one whose facts this run spooled (the
        spool is write-only: the caller parses the note again)."""
        if path in self._spooled:
            return None
        for fresh in (self._new_facts, self._recent):
            if path in fresh:
                return fresh[path]
        return self._old_facts().get(path)

    def _old_facts(self) -> dict[str, bytes]:
        if self._facts is None:
            self._facts = self._files().read_run(self.facts_file, FORMAT) or {}
        return self._facts

    def put_facts(self, path: str, blob: bytes) -> None:
        self._new_facts[path] = blob
        self.dirty = True
        if len(self._new_facts) >= SPOOL_BATCH and self._secret is not None:
            try:
                if self._spool is None:
                    self._files().make()
                    self._spool = self._files().writer(FORMAT)
                self._spool.dump(self._new_facts)
                self._spooled.update(self._new_facts)
                self._new_facts = {}
            except OSError:  # no room to spool: keep the rest in memory
                # What went out with the spool is lost: forget those notes, so that the
                # next run parses them again instead of finding no facts.
                for path in self._spooled:
                    self.files.pop(path, None)
                self._spooled.clear()
                if self._spool is not None:
                    self._spool.abandon()
                self._spool = None

    def prune(self, keep: set[str]) -> None:
        """Forget files that are gone (after a run that saw the whole vault)."""
        if any(p not in keep for p in self.files):
            self.files = {p: e for p, e in self.files.items() if p in keep}
            self.cross = {p: c for p, c in self.cross.items() if p in keep}
            self.dirty = True

    def save(self) -> None:
        if self._secret is None:
            return
        if not self.dirty:
            self._sweep()  # what a killed run left goes even when nothing changed
            return
        try:
            self._files().make()
        except OSError:
            return  # a read-only vault still gets linted; a folder not ours is not touched
        try:
            recent = {**self._recent, **self._new_facts}
            if self._spool is not None or len(recent) > RECENT_MAX:
                # Into the facts file: what was spooled, then the rest (a later dict
                # wins, so an older copy of a spooled note must not follow it).
                spool = self._spool or self._files().writer(FORMAT)
                self._spool = None
                try:
                    rest = {**self._old_facts(), **recent}
                    spool.dump({p: b for p, b in rest.items() if p in self.files and p not in self._spooled})
                    spool.finish(self.facts_file)
                except BaseException:
                    spool.abandon()
                    raise
                recent = {}
            recent = {p: b for p, b in recent.items() if p in self.files}
            if not self._write_delta(recent):
                self._files().write(self.file, FORMAT, (_plain(self.files), self.signature, _plain(self.cross), recent,
                                        secrets.token_hex(8)))
                remove(self.delta_file)
        except OSError:
            # A full disk: what was written is whole (facts are checked against each
            # note's digest, entries against each file's stat key), and the sweep below
            # still frees what this run no longer needs.
            pass
        self._sweep()

    def _files(self) -> SignedFolder:
        assert self._folder is not None  # only when usable
        return self._folder

    def _read(self, file: Path) -> tuple[Any, int]:
        return self._files().read(file, FORMAT) if self._folder is not None else (None, 0)

    def _sweep(self) -> None:
        self._files().sweep((self.file.name, self.facts_file.name, self.delta_file.name))

    def discard(self) -> None:
        """A run that ends without saving drops the facts file it had begun."""
        if self._spool is not None:
            self._spool.abandon()
            self._spool = None

    def _write_delta(self, recent: dict[str, bytes]) -> bool:
        """Write what changed since the index was read as its delta, if that is small."""
        if self._base is None:
            return False
        files, cross, base_id = self._base
        files_set = {p: e for p, e in self.files.items() if files.get(p) is not e}
        cross_set = {p: c for p, c in self.cross.items() if cross.get(p) is not c}
        files_gone = [p for p in files if p not in self.files]
        cross_gone = [p for p in cross if p not in self.cross]
        if len(files_set) + len(cross_set) + len(files_gone) + len(cross_gone) > DELTA_MAX:
            return False
        self._files().write(self.delta_file, FORMAT, (base_id, _plain(files_set), files_gone, _plain(cross_set), cross_gone,
                                      self.signature, recent))
        return True

def cache_key(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=12)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()
