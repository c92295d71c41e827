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

FORMAT = 1
MAGIC = b"notelint-cache\n"

# An entry: (stat key, content digest, cross key, local findings blob, facts blob)
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
    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.file = folder / f"{key}.bin"
        self.files: dict[str, Entry] = {}
        self.signature: str | None = None
        self.cross: dict[str, tuple[str, bytes]] = {}  # path -> (digest, findings blob)
        self._secret = _secret()
        self.dirty = False

    @property
    def usable(self) -> bool:
        return self._secret is not None

    def load(self) -> None:
        if self._secret is None:
            return
        try:
            raw = self.file.read_bytes()
        except OSError:
            return
        if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 32:
            return
        mac, body = raw[len(MAGIC): len(MAGIC) + 32], raw[len(MAGIC) + 32:]
        if not hmac.compare_digest(mac, self._mac(body)):
            return  # foreign or corrupt: rebuilt, never trusted
        try:
            fmt, files, signature, cross = pickle.loads(body)
        except Exception:  # noqa: BLE001 - a verified but unreadable file: rebuild
            return
        if fmt != FORMAT:
            return
        self.files, self.signature, self.cross = files, signature, cross

    def _mac(self, body: bytes) -> bytes:
        assert self._secret is not None
        return hmac.new(self._secret, body, hashlib.blake2b).digest()[:32]

    def save(self) -> None:
        if self._secret is None or not self.dirty:
            return
        body = pickle.dumps((FORMAT, self.files, self.signature, self.cross),
                            protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by notelint: the cache is never committed.\n*\n")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC + self._mac(body) + body)
            os.replace(tmp, self.file)
            for old in self.folder.glob("*.bin"):  # caches of other configs and versions
                if old != self.file:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only vault still gets linted


def cache_key(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=12)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()
