"""Reading one file of the vault: once, without blocking, and never outside the vault.

Discovery checked every path, but files change while a run goes on (an editor saves, a
bot commits): a note may become a FIFO, a folder, a huge file, or a symbolic link to a
secret outside the vault. So the linter and --fix both read through here: the open never
blocks, and the file checked is the one the descriptor really points at (on Linux, the
kernel's own name for it), so a swap between discovery and the read cannot make notelint
read, or --fix overwrite, a file outside the vault.
"""

from __future__ import annotations

import os
import stat
import sys
from functools import lru_cache
from typing import NamedTuple

# O_NONBLOCK: a FIFO must not block the run; O_NOCTTY: a device must not become our terminal.
_FLAGS = os.O_RDONLY
for _flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
    _FLAGS |= getattr(os, _flag, 0)

OUTSIDE = "a symbolic link to a file outside the vault; not followed"
REPLACED = "removed or replaced while it was opened; not read"


StatKey = tuple[int, int, int, int]
NO_KEY: StatKey = (0, 0, 0, 0)  # a file not read, or not from disk


class FileRead(NamedTuple):
    key: StatKey  # stat_key() of the file read
    data: bytes | None  # None: not read, and `why` says why
    why: str
    real: str  # where the file really is: a fix is written there, not over a symlink


def read_file(root: str | os.PathLike[str], rel: str, limit: int) -> FileRead:
    """Read `rel` under `root` whole, or say why not. Never raises OSError."""
    path = os.path.join(root, rel)
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        return FileRead(NO_KEY, None, "vanished during the run", path)
    except OSError as e:
        return FileRead(NO_KEY, None, f"cannot open: {e.strerror or e}", path)
    try:
        st = os.fstat(fd)
        real = _where(fd, path, st)
        if real is None:
            return FileRead(NO_KEY, None, REPLACED, path)
        if not inside(real, _real_root(os.fspath(root))):
            return FileRead(NO_KEY, None, OUTSIDE, real)
        key = stat_key(st)
        if not stat.S_ISREG(st.st_mode):
            return FileRead(key, None, "not a regular file; not read", real)
        if st.st_size > limit:
            return FileRead(key, None, f"{st.st_size:,} bytes, larger than max-file-size ({limit:,}); not read", real)
        chunks, size = [], 0
        while chunk := os.read(fd, max(st.st_size + 1, 65536)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return FileRead(key, None, f"grew past max-file-size ({limit:,}) while read; not linted", real)
        return FileRead(key, b"".join(chunks), "", real)
    except OSError as e:
        return FileRead(NO_KEY, None, f"cannot read: {e.strerror or e}", path)
    finally:
        os.close(fd)


def _where(fd: int, path: str, st: os.stat_result) -> str | None:
    """The path of the file open on `fd` (whose fstat is `st`), or None when no name leads
    to it any more. Linux names it exactly; elsewhere realpath() of the name opened is the
    best there is (a swap in the instant between open and realpath is not caught there).

    Once the file is unlinked, /proc names it `<path> (deleted)`: not a name of this file,
    and maybe another file's. So on Linux a name counts only when it leads to this very
    file; when neither /proc's name nor realpath() does, the file was removed or replaced
    after the open, and --fix must not write by either name (an editor's save replaces
    the file under the same name)."""
    if not sys.platform.startswith("linux"):
        return os.path.realpath(path)
    try:
        named = os.readlink(f"/proc/self/fd/{fd}")
        if _is_file(named, st):
            return named
    except OSError:
        pass
    real = os.path.realpath(path)
    return real if _is_file(real, st) else None


def _is_file(path: str, st: os.stat_result) -> bool:
    """Does `path` itself (a symlink there is not followed) name the file `st` describes?"""
    try:
        here = os.lstat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (st.st_dev, st.st_ino)


@lru_cache(maxsize=8)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def inside(path: str, root: str) -> bool:
    """Is `path` the real path `root` or under it (both already resolved)?"""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def content_digest(data: bytes) -> str:
    """A note's content hash: the cache's proof of content, the fixer's check before it
    writes."""
    import hashlib

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stat_key(st: os.stat_result) -> StatKey:
    """(mtime_ns, size, inode, ctime_ns): what the cache compares to see a file unchanged.
    The ctime catches an edit whose mtime was put back (`touch -d`, a restore): no call
    can set it."""
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
