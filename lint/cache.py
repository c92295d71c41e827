"""The content cache (ruff's model): per-note facts and findings, keyed by notelint's
version, the config, and each file's content hash.

Trust: the cache lives in the vault, where a pull request could plant one. Entries are
pickled for speed, and pickle must never read untrusted bytes, so the file carries an
HMAC made with a key kept outside the vault (in the user's cache folder). A file whose
HMAC does not verify (foreign, corrupt, planted, or from another machine) is ignored and
rebuilt. A fresh CI machine has no key and so never trusts a committed cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 4
RECENT_MAX = 200  # facts kept in the index before they are merged into the facts file
MAGIC = b"notelint-cache\n"

# An entry: (stat key, content digest, cross key, local findings blob (b"": none), export blob)
Entry = tuple[tuple[int, int, int], str, str, bytes, bytes]


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


class Cache:
    """Two files: the index (`KEY.bin`: per file its stat, digest, cross key, findings
    and export; read by every run) and the facts (`KEY.facts`: per note its pickled
    NoteFacts; read only when a cross-note rule must re-run on a note it did not parse,
    so a warm run over 50,000 notes never reads them)."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.file = folder / f"{key}.bin"
        self.facts_file = folder / f"{key}.facts"
        self.files: dict[str, Entry] = {}
        self.signature: str | None = None
        self.cross: dict[str, tuple[str, bytes]] = {}  # path -> (digest, findings blob)
        self._facts: dict[str, bytes] | None = None  # loaded on first use
        self._new_facts: dict[str, bytes] = {}
        # Facts of notes changed since the facts file was written ride in the index, so
        # a run that re-parses a few notes rewrites the small file only.
        self._recent: dict[str, bytes] = {}
        self._secret = _secret()
        self.dirty = False

    @property
    def usable(self) -> bool:
        return self._secret is not None

    def load(self) -> None:
        loaded = self._read(self.file)
        if loaded is not None:
            self.files, self.signature, self.cross, self._recent = loaded

    def facts_blob(self, path: str) -> bytes | None:
        for fresh in (self._new_facts, self._recent):
            if path in fresh:
                return fresh[path]
        if self._facts is None:
            self._facts = self._read(self.facts_file) or {}
        return self._facts.get(path)

    def put_facts(self, path: str, blob: bytes) -> None:
        self._new_facts[path] = blob
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        """Forget files that are gone (after a run that saw the whole vault)."""
        if any(p not in keep for p in self.files):
            self.files = {p: e for p, e in self.files.items() if p in keep}
            self.cross = {p: c for p, c in self.cross.items() if p in keep}
            self.dirty = True

    def _read(self, file: Path) -> Any:
        if self._secret is None:
            return None
        try:
            raw = file.read_bytes()
        except OSError:
            return None
        if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 32:
            return None
        # A view, not a copy: the facts file of a large vault is 100 MB and more.
        mac, body = raw[len(MAGIC): len(MAGIC) + 32], memoryview(raw)[len(MAGIC) + 32:]
        if not hmac.compare_digest(mac, self._mac(body)):
            return None  # foreign or corrupt: rebuilt, never trusted
        try:
            fmt, payload = pickle.loads(body)
        except Exception:  # noqa: BLE001 - a verified but unreadable file: rebuild
            return None
        return payload if fmt == FORMAT else None

    def _mac(self, body: bytes | memoryview) -> bytes:
        assert self._secret is not None
        return hmac.new(self._secret, body, hashlib.blake2b).digest()[:32]

    def save(self) -> None:
        if self._secret is None or not self.dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by notelint: the cache is never committed.\n*\n")
            recent = {**self._recent, **self._new_facts}
            if len(recent) > RECENT_MAX:
                facts = self._facts if self._facts is not None else (self._read(self.facts_file) or {})
                facts.update(recent)
                self._write(self.facts_file, {p: b for p, b in facts.items() if p in self.files})
                recent = {}
            recent = {p: b for p, b in recent.items() if p in self.files}
            self._write(self.file, (self.files, self.signature, self.cross, recent))
            for old in self.folder.iterdir():  # caches of other configs and versions
                if old.suffix in (".bin", ".facts") and old not in (self.file, self.facts_file):
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only vault still gets linted

    def _write(self, file: Path, payload: Any) -> None:
        # Pickled straight into the file and signed as it goes: the facts of 50,000 notes
        # are 115 MB, and a pickled copy plus the copy that prepends the MAC tripled that.
        assert self._secret is not None
        mac = hmac.new(self._secret, digestmod=hashlib.blake2b)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + bytes(32))  # the MAC's place, filled in once the body is out
            pickle.dump((FORMAT, payload), _Signing(f, mac), protocol=pickle.HIGHEST_PROTOCOL)
            f.seek(len(MAGIC))
            f.write(mac.digest()[:32])
        os.replace(tmp, file)


class _Signing:
    """A file that feeds what is written to it to a MAC too."""

    def __init__(self, f: Any, mac: hmac.HMAC) -> None:
        self.f, self.mac = f, mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.f.write(data)


def cache_key(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=12)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()
