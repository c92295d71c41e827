"""The cache's folder: whose it is, the key its files are signed with, and the signed
files themselves (see lint/cache.py for the trust model this keeps)."""

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

def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notelint" / "cache-key"


def secret() -> bytes | None:
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


class SignedFolder:
    """The cache's folder and the files in it: each file signed with the user's key (see
    lint/cache.py, Trust), written whole or not at all, and the folder claimed before
    anything is written in it."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder = folder
        self._secret = secret

    def read(self, file: Path, fmt: int) -> tuple[Any, int]:
        """A file's payload (written by write() with `fmt`) and its mtime, or (None, 0)."""
        body, mtime = self.verified(file)
        if body is None:
            return None, 0
        try:
            found, payload = pickle.loads(body)
        except Exception:  # noqa: BLE001 - a verified but unreadable file: rebuild
            return None, 0
        return (payload, mtime) if found == fmt else (None, 0)

    def read_run(self, file: Path, fmt: int) -> dict[str, bytes] | None:
        """A file written by writer(fmt) as a run of dicts, merged (later ones win)."""
        body, _ = self.verified(file)
        if body is None:
            return None
        merged: dict[str, bytes] = {}
        # BytesIO shares a bytes object's buffer but copies a memoryview: read the file's
        # bytes from past the header (a large vault's facts file is big: bench/README.md).
        raw = body.obj
        stream = io.BytesIO(raw)
        stream.seek(len(MAGIC) + 32)
        try:
            if pickle.load(stream) != fmt:
                return None
            while stream.tell() < len(raw):  # type: ignore[arg-type]
                merged.update(pickle.load(stream))
        except Exception:  # noqa: BLE001 - a verified but unreadable file: rebuild
            return None
        return merged

    def verified(self, file: Path) -> tuple[memoryview | None, int]:
        """The body of a file whose MAC verifies and its mtime, or (None, 0). A planted
        symlink, FIFO or device is not read (it could block or never end)."""
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
        # A view, not a copy: a large vault's facts file is big (bench/README.md).
        mac, body = raw[len(MAGIC): len(MAGIC) + 32], memoryview(raw)[len(MAGIC) + 32:]
        if not hmac.compare_digest(mac, self._mac(body)):
            return None, 0  # foreign or corrupt: rebuilt, never trusted
        return body, st.st_mtime_ns

    def _mac(self, body: bytes | memoryview) -> bytes:
        return hmac.new(self._secret, body, hashlib.blake2b).digest()[:32]

    def sweep(self, keep: tuple[str, ...]) -> None:
        """Remove caches of other configs and versions, and temporary files a killed run
        left: only regular files with the names notelint gives its own, in its folder."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name in keep:
                continue
            if OWN_FILE.fullmatch(name) or (name.startswith(TMP_PREFIX) and _stale(entry)):
                remove(Path(entry.path))

    def writer(self, fmt: int) -> SignedWriter:
        """A file written as it goes: `fmt`, then what is dumped into it."""
        out = SignedWriter(self.folder, self._secret)
        out.dump(fmt)
        return out

    def make(self) -> None:
        """The cache folder, marked as notelint's, with the .gitignore that keeps it (and
        a spool file a killed run left behind) out of commits. Checked again here: the
        folder may have been replaced since the run began."""
        self.folder.mkdir(parents=True, exist_ok=True)
        why = claim_folder(self.folder)
        if why is not None:
            raise OSError(why)
        _create_new(self.folder / MARKER, MARKER_TEXT)
        _create_new(self.folder / ".gitignore", GITIGNORE_TEXT)

    def write(self, file: Path, fmt: int, payload: Any) -> None:
        out = SignedWriter(self.folder, self._secret)
        try:
            out.dump((fmt, payload))
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


def remove(path: Path) -> None:
    """Unlink a regular file or a symlink itself (never what a symlink points at)."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)


class SignedWriter:
    """A cache file written as it goes: pickles go straight into a temporary file and
    into the MAC (a large vault's facts are too big to copy in memory; figures:
    bench/README.md), and the MAC is filled in at its place before the header at the end."""

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


