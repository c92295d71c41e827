"""The Vault index: every file of the vault by name and path. Link resolution lives
here and nowhere else (shared/docs/links.md is the specification)."""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lint.note import Note


def fold(s: str) -> str:
    """The key names are compared by: NFC, case-insensitive (links.md 2 and 6)."""
    return unicodedata.normalize("NFC", s).casefold()


@dataclass(frozen=True, slots=True)
class Resolution:
    path: str | None  # the file the link resolves to, or None when broken
    candidates: tuple[str, ...] = ()  # every match, when the tie-break decided (ambiguous)
    outside: bool = False  # the target tried to leave the vault


class Vault:
    def __init__(self, files: Iterable[str], load: Callable[[str], Note | None]) -> None:
        """files: every file of the vault (notes and attachments), POSIX, root-relative.
        load: parses a note on first use; each note is parsed at most once."""
        self.files: tuple[str, ...] = tuple(sorted(files))
        self._load = load
        self._notes: dict[str, Note | None] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_path: dict[str, str] = {}
        for path in self.files:
            key = fold(path)
            self._by_path[key] = path
            self._by_name.setdefault(posixpath.basename(key), []).append(path)

    def add_file(self, path: str) -> None:
        """A file given by name that discovery did not list (not `.md`)."""
        self.files = tuple(sorted((*self.files, path)))
        self._by_path[fold(path)] = path
        self._by_name.setdefault(posixpath.basename(fold(path)), []).append(path)

    @property
    def note_paths(self) -> list[str]:
        return [p for p in self.files if p.lower().endswith(".md")]

    def note(self, path: str) -> Note | None:
        if path not in self._notes:
            self._notes[path] = self._load(path)
        return self._notes[path]

    def preload(self, notes: dict[str, Note | None]) -> None:
        self._notes.update(notes)

    def exists(self, path: str) -> bool:
        return fold(path) in self._by_path

    def resolve(self, target: str, source: str) -> Resolution:
        """Resolve a link target written in the note at path `source`."""
        target = target.strip().replace("\\", "/")
        if not target:
            return Resolution(source)
        if target.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if joined == ".." or joined.startswith("../"):
                return Resolution(None, outside=True)
            return self._exact(joined)
        target = target.lstrip("/")
        for name in _with_md(target):
            key = fold(name)
            matches = self._by_name.get(posixpath.basename(key))
            if not matches:
                continue
            exact = self._by_path.get(key)
            if "/" in key:
                suffix = "/" + key
                matches = [m for m in matches if fold(m).endswith(suffix)]
                if not matches:
                    continue
            return _tie_break(matches, source, exact)
        return Resolution(None)

    def _exact(self, path: str) -> Resolution:
        for name in _with_md(path):
            hit = self._by_path.get(fold(name))
            if hit:
                return Resolution(hit)
        return Resolution(None)


def _with_md(target: str) -> tuple[str, ...]:
    # `.md` is implied for notes; anything else must carry its extension (links.md 1).
    if target.lower().endswith(".md"):
        return (target,)
    return (target + ".md", target)


def _tie_break(matches: list[str], source: str, exact: str | None) -> Resolution:
    if len(matches) == 1:
        return Resolution(matches[0])
    if exact is not None:
        return Resolution(exact, tuple(matches))
    folder = posixpath.dirname(source)
    local = [m for m in matches if posixpath.dirname(m) == folder]
    pool = local or matches
    winner = min(pool, key=lambda m: (len(m), m))
    return Resolution(winner, tuple(matches))
