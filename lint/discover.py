"""Which files make up the vault, and which of them to report on."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lint.readfile import inside

NOTE_SUFFIXES = (".md",)


def is_note(path: str) -> bool:
    return path.lower().endswith(NOTE_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass
class Discovery:
    root: Path
    files: list[str]  # every file of the vault (notes and attachments), root-relative POSIX
    skipped: list[Skipped]  # notes found but not readable as notes (FIFO, symlink out...)


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-flavoured globs: `*` stays within a folder, `**` crosses folders, and a
    pattern without `/` matches a name at any depth."""
    anchored = "/" in pattern.rstrip("/")
    p = pattern.strip("/")
    out = []
    i = 0
    while i < len(p):
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif p[i] == "*":
            out.append("[^/]*")
            i += 1
        elif p[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(p[i]))
            i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern naming a folder excludes everything under it.
    return re.compile(f"^{prefix}{body}(?:/.*)?$", re.S)


def matches_any(path: str, patterns: list[str]) -> bool:
    return any(glob_regex(p).match(path) for p in patterns)


def walk(root: Path, exclude: list[str]) -> Discovery:
    files: list[str] = []
    skipped: list[Skipped] = []
    root_real = os.path.realpath(root)
    stack = [("", str(root))]
    seen_dirs = {_dir_key(root_real)}
    while stack:
        rel, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as e:
            if rel:
                skipped.append(Skipped(rel, f"cannot list folder: {e.strerror or e}"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue  # .git, .obsidian, .trash, .notelint_cache
            path = f"{rel}/{name}" if rel else name
            if exclude and matches_any(path, exclude):
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not inside(target, root_real):
                        if is_note(name):
                            skipped.append(Skipped(path, "symbolic link to a file outside the vault; not followed"))
                        continue
                    st = os.stat(entry.path)
                    if stat.S_ISDIR(st.st_mode):
                        key = _dir_key(target)
                        if key in seen_dirs:
                            continue  # a loop, or a folder already indexed
                        seen_dirs.add(key)
                        stack.append((path, entry.path))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    seen_dirs.add(_dir_key(entry.path))
                    stack.append((path, entry.path))
                    continue
                elif entry.is_file(follow_symlinks=False):
                    # the type comes with the listing (d_type): no stat for most files
                    files.append(path)
                    continue
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError as e:
                if is_note(name):
                    skipped.append(Skipped(path, f"cannot read: {e.strerror or e}"))
                continue
            if stat.S_ISREG(st.st_mode):
                files.append(path)
            elif is_note(name):
                skipped.append(Skipped(path, "not a regular file (a FIFO, socket or device); not opened"))
    files.sort()
    skipped.sort(key=lambda s: s.path)
    return Discovery(root, files, skipped)


def _dir_key(path: str) -> tuple[int, int] | str:
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except OSError:
        return path

