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

import contextlib
import hashlib
import hmac
import io
import os
import pickle
import re
import secrets
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

FORMAT = 8
RECENT_MAX = 200  # facts kept in the index before they are merged into the facts file
SPOOL_BATCH = 512  # facts of notes parsed in this run held in memory before they are spooled
# Index entries changed since the index was written that go to its delta file instead of
# a new index: one changed note rewrote 22 MB at 50,000 notes (0.3 s).
DELTA_MAX = 500
MAGIC = b"notelint-cache\n"
# https://bford.info/cachedir/: backup tools skip a folder holding this file, and its
# presence is how notelint knows a folder is its own.
MARKER = "CACHEDIR.TAG"
MARKER_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
               "# This file is a cache directory tag created by notelint.\n"
               "# For information about cache directory tags see https://bford.info/cachedir/\n")
# The names notelint gives the files it writes here: cache_key() hex and a suffix, and
# temporary files (a cache being written, a note being fixed).
OWN_FILE = re.compile(r"[0-9a-f]{24}\.(bin|facts|delta)")
TMP_PREFIX = ".tmp-"
# Racily clean: a file whose mtime or ctime is this close to the cache's write (or later)
# is hashed again. Two seconds covers FAT's mtime granularity, the coarsest in use.
RACY_NS = 2_000_000_000

# An entry: (stat key, content digest, cross key, local findings blob (b"": none), export blob)
Entry = tuple[tuple[int, ...], str, str, bytes, bytes]


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notelint" / "cache-key"


def _secret() -> bytes | None:
    path = _key_file()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return None  # no safe place for the key: run without a cache


def claim_folder(folder: Path) -> str | None:
    """None when `folder` is notelint's to use (it does not exist yet, is empty, or holds
    notelint's marker); else why it is refused. A symbolic link is refused even when it
    leads to such a folder: a committed link could point anywhere."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read it: {e.strerror or e}"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a folder"
    if _has_marker(folder) or _made_by_old_notelint(folder):
        return None
    try:
        if not any(os.scandir(folder)):
            return None
    except OSError as e:
        return f"cannot read it: {e.strerror or e}"
    return f"notelint did not create it (it has no {MARKER}); remove it or name another --cache-dir"


def _has_marker(folder: Path) -> bool:
    return _starts_with(folder / MARKER, MARKER_TEXT[:44])  # the tag's signature line


def _made_by_old_notelint(folder: Path) -> bool:
    """Versions before the marker made the folder with this .gitignore: an upgrade keeps
    (and then marks) its cache folder instead of refusing it."""
    return _starts_with(folder / ".gitignore", GITIGNORE_TEXT)


def _starts_with(path: Path, text: str) -> bool:
    """Is `path` a regular file (not a link) whose first bytes are `text`?"""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(text)) == text.encode()
    finally:
        os.close(fd)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
GITIGNORE_TEXT = "# Created by notelint: the cache is never committed.\n*\n"


def _create_new(path: Path, text: str) -> None:
    """Create `path` with `text`; never through a symlink, never over an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as f:
        f.write(text)


class Cache:
    """Two files: the index (`KEY.bin`: per file its stat, digest, cross key, findings
    and export; read by every run, with `KEY.delta`, the entries changed since it was
    written, when they are few) and the facts (`KEY.facts`: per note its pickled
    NoteFacts; read only when a cross-note rule must re-run on a note it did not parse,
    so a warm run over 50,000 notes never reads them).

    The facts file's body is a run of pickled dicts (path -> facts), later ones winning,
    so a run that parses many notes spools their facts to disk as they come instead of
    holding them all until it saves (115 MB at 50,000 notes)."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.file = folder / f"{key}.bin"
        self.delta_file = folder / f"{key}.delta"
        # The index as read, before its delta was applied: (files, cross, its id). What
        # differs from it is what the next delta must hold.
        self._base: tuple[dict[str, Entry], dict[str, tuple[str, bytes]], str] | None = None
        self.facts_file = folder / f"{key}.facts"
        self.files: dict[str, Entry] = {}
        self.signature: str | None = None
        self.cross: dict[str, tuple[str, bytes]] = {}  # path -> (digest, findings blob)
        self._facts: dict[str, bytes] | None = None  # loaded on first use
        self._new_facts: dict[str, bytes] = {}
        # Facts of notes changed since the facts file was written ride in the index, so
        # a run that re-parses a few notes rewrites the small file only.
        self._recent: dict[str, bytes] = {}
        # The next facts file, begun when a run has parsed many notes: their facts go
        # out as they come (FORMAT, then a dict per SPOOL_BATCH notes).
        self._spool: _SignedWriter | None = None
        self._spooled: set[str] = set()
        self._secret = _secret()
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
        self._base = (files, cross, base_id)
        self.files, self.cross = dict(files), dict(cross)
        delta, self._delta_ns = self._read(self.delta_file)
        if delta is not None and delta[0] == base_id:  # else: written against another index
            _, files_set, files_gone, cross_set, cross_gone, self.signature, self._recent = delta
            self._delta_paths = set(files_set)
            self.files.update(files_set)
            self.cross.update(cross_set)
            for path in files_gone:
                self.files.pop(path, None)
            for path in cross_gone:
                self.cross.pop(path, None)

    def racy(self, path: str, key: tuple[int, ...]) -> bool:
        """Was the file last changed too close to the cache's write for its stat key to
        prove it unchanged since? Then only its content hash can."""
        written = self._delta_ns if path in self._delta_paths else self._index_ns
        return max(key[0], key[-1]) + RACY_NS > written

    def confirm(self, path: str, key: tuple[int, ...]) -> None:
        """The file at `path`, whose stat key is now `key`, was hashed and holds the
        entry's content (a fresh checkout or copy gives unchanged notes new stat keys; a
        racily clean entry is hashed each run). Keep the new key, and write the entry
        again once the file is old enough that later runs can trust its stat key."""
        entry = self.files[path]
        if key != entry[0] or time.time_ns() - max(key[0], key[-1]) > RACY_NS:
            # a new tuple object, so that the delta holds it
            self.files[path] = (key, entry[1], entry[2], entry[3], entry[4])
            self.dirty = True

    def facts_blob(self, path: str) -> bytes | None:
        """The cached facts of a note this run did not parse (a parsed note's facts are
        in the run: the spool is write-only)."""
        assert path not in self._spooled
        for fresh in (self._new_facts, self._recent):
            if path in fresh:
                return fresh[path]
        return self._old_facts().get(path)

    def _old_facts(self) -> dict[str, bytes]:
        if self._facts is None:
            self._facts = self._read_facts() or {}
        return self._facts

    def put_facts(self, path: str, blob: bytes) -> None:
        self._new_facts[path] = blob
        self.dirty = True
        if len(self._new_facts) >= SPOOL_BATCH and self._secret is not None:
            try:
                if self._spool is None:
                    self._make_folder()
                    self._spool = self._facts_writer()
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

    def _read(self, file: Path) -> tuple[Any, int]:
        """A file's payload and its mtime, or (None, 0)."""
        body, mtime = self._verified(file)
        if body is None:
            return None, 0
        try:
            fmt, payload = pickle.loads(body)
        except Exception:  # noqa: BLE001 - a verified but unreadable file: rebuild
            return None, 0
        return (payload, mtime) if fmt == FORMAT else (None, 0)

    def _read_facts(self) -> dict[str, bytes] | None:
        body, _ = self._verified(self.facts_file)
        if body is None:
            return None
        facts: dict[str, bytes] = {}
        # BytesIO shares a bytes object's buffer but copies a memoryview: read the file's
        # bytes from past the header (100 MB and more for a large vault).
        raw = body.obj
        stream = io.BytesIO(raw)  # type: ignore[arg-type]
        stream.seek(len(MAGIC) + 32)
        try:
            if pickle.load(stream) != FORMAT:
                return None
            while stream.tell() < len(raw):  # type: ignore[arg-type]
                facts.update(pickle.load(stream))
        except Exception:  # noqa: BLE001 - a verified but unreadable file: rebuild
            return None
        return facts

    def _verified(self, file: Path) -> tuple[memoryview | None, int]:
        """The body of a file whose MAC verifies and its mtime, or (None, 0). A planted
        symlink, FIFO or device is not read (it could block or never end)."""
        if self._secret is None:
            return None, 0
        try:
            fd = os.open(file, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None, 0
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None, 0
            with os.fdopen(os.dup(fd), "rb") as f:
                raw = f.read()
        except OSError:
            return None, 0
        finally:
            os.close(fd)
        if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 32:
            return None, 0
        # A view, not a copy: the facts file of a large vault is 100 MB and more.
        mac, body = raw[len(MAGIC): len(MAGIC) + 32], memoryview(raw)[len(MAGIC) + 32:]
        if not hmac.compare_digest(mac, self._mac(body)):
            return None, 0  # foreign or corrupt: rebuilt, never trusted
        return body, st.st_mtime_ns

    def _mac(self, body: bytes | memoryview) -> bytes:
        assert self._secret is not None
        return hmac.new(self._secret, body, hashlib.blake2b).digest()[:32]

    def save(self) -> None:
        if self._secret is None:
            return
        if not self.dirty:
            self._sweep()  # what a killed run left goes even when nothing changed
            return
        try:
            self._make_folder()
        except OSError:
            return  # a read-only vault still gets linted; a folder not ours is not touched
        try:
            recent = {**self._recent, **self._new_facts}
            if self._spool is not None or len(recent) > RECENT_MAX:
                # Into the facts file: what was spooled, then the rest (a later dict
                # wins, so an older copy of a spooled note must not follow it).
                spool = self._spool or self._facts_writer()
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
                self._write(self.file, (self.files, self.signature, self.cross, recent,
                                        secrets.token_hex(8)))
                _remove(self.delta_file)
        except OSError:
            # A full disk: what was written is whole (facts are checked against each
            # note's digest, entries against each file's stat key), and the sweep below
            # still frees what this run no longer needs.
            pass
        self._sweep()

    def _sweep(self) -> None:
        """Remove caches of other configs and versions, and temporary files a killed run
        left: only regular files with the names notelint gives its own, in its folder."""
        keep = (self.file.name, self.facts_file.name, self.delta_file.name)
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name in keep:
                continue
            if OWN_FILE.fullmatch(name) or (name.startswith(TMP_PREFIX) and _stale(entry)):
                _remove(Path(entry.path))

    def _facts_writer(self) -> _SignedWriter:
        """The next facts file: FORMAT, then dicts of facts as they come."""
        assert self._secret is not None
        out = _SignedWriter(self.folder, self._secret)
        out.dump(FORMAT)
        return out

    def _make_folder(self) -> None:
        """The cache folder, marked as notelint's, with the .gitignore that keeps it (and
        a spool file a killed run left behind) out of commits. Checked again here: the
        folder may have been replaced since the run began."""
        self.folder.mkdir(parents=True, exist_ok=True)
        why = claim_folder(self.folder)
        if why is not None:
            raise OSError(why)
        _create_new(self.folder / MARKER, MARKER_TEXT)
        _create_new(self.folder / ".gitignore", GITIGNORE_TEXT)

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
        self._write(self.delta_file, (base_id, files_set, files_gone, cross_set, cross_gone,
                                      self.signature, recent))
        return True

    def _write(self, file: Path, payload: Any) -> None:
        assert self._secret is not None
        out = _SignedWriter(self.folder, self._secret)
        try:
            out.dump((FORMAT, payload))
        except BaseException:
            out.abandon()
            raise
        out.finish(file)


def _stale(entry: os.DirEntry) -> bool:
    """A regular file untouched for an hour: no run that is still going writes it."""
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime > 3600


def _remove(path: Path) -> None:
    """Unlink a regular file or a symlink itself (never what a symlink points at)."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)


class _SignedWriter:
    """A cache file written as it goes: pickles go straight into a temporary file and
    into the MAC (the facts of 50,000 notes are 115 MB: no copy of them is made in
    memory), and the MAC is filled in at its place before the header at the end."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        fd, self.tmp = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX)
        self.f = os.fdopen(fd, "wb")
        self.mac = hmac.new(secret, digestmod=hashlib.blake2b)
        self.f.write(MAGIC + bytes(32))

    def dump(self, obj: Any) -> None:
        pickle.dump(obj, self, protocol=pickle.HIGHEST_PROTOCOL)

    def write(self, data: bytes) -> int:  # pickle's file
        self.mac.update(data)
        return self.f.write(data)

    def finish(self, file: Path) -> None:
        try:
            self.f.seek(len(MAGIC))
            self.f.write(self.mac.digest()[:32])
            self.f.close()
            os.replace(self.tmp, file)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        with contextlib.suppress(OSError):
            self.f.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


def cache_key(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=12)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()
