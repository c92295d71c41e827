"""Which files make up the vault, and which of them to report on."""

from __future__ import annotations

import json
import os
import stat
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lint.readfile import inside, read_file

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
    # Template folders (root-relative): indexed, so links to their files resolve, but
    # their notes are not reported on: `{{date}}` placeholders are not mistakes.
    templates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # settings ignored, for --verbose

    def is_template(self, path: str) -> bool:
        return any(path.startswith(t + "/") for t in self.templates)


# Where Obsidian's core Templates plugin and the Templater plugin keep their folder.
TEMPLATE_SETTINGS = (
    (".obsidian/templates.json", "folder"),
    (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"),
)
_SETTINGS_LIMIT = 1024 * 1024


def template_folders(root: Path) -> tuple[list[str], list[str]]:
    """The template folders the vault's Obsidian settings name, and a note for each
    setting that could not be used (it is then ignored: a bad plugin file must not stop
    a run)."""
    folders: list[str] = []
    notes: list[str] = []
    for rel, key in TEMPLATE_SETTINGS:
        if not os.path.lexists(os.path.join(root, rel)):
            continue
        got = read_file(root, rel, _SETTINGS_LIMIT)
        if got.data is None:
            notes.append(f"{rel}: {got.why}; its template folder is ignored")
            continue
        try:
            settings = json.loads(got.data)
        except (ValueError, RecursionError) as e:
            notes.append(f"{rel}: not JSON ({e}); its template folder is ignored")
            continue
        if not isinstance(settings, dict):
            notes.append(f"{rel}: not a JSON object; its template folder is ignored")
            continue
        value = settings.get(key)
        if value is None or value == "":
            continue  # no folder set: the plugin's own default is none
        parts = [] if not isinstance(value, str) else [
            p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or ".." in parts:
            notes.append(f"{rel}: `{key}` is not a folder in the vault ({value!r}); ignored")
            continue
        folder = "/".join(parts)
        if folder not in folders:
            folders.append(folder)
    return folders, notes


# A glob compiles to a small automaton over the path's characters, run as a DFA built
# lazily from it: every position of the pattern is tracked at once, so the time is one
# step a character whatever the pattern (issue 17.6: the regex translation backtracked
# on `**a**a**a**a**a**a**a**a**b`, for seconds a path; bench/README.md). Each state of the automaton is
# (what it consumes to go to the next state, or None; what it consumes to stay, or None;
# the states an empty step leads to). What a state consumes is a character or a class:
_NOT_SLASH = "[^/]"
_ANY = "(any)"

_State = tuple[str | None, str | None, tuple[int, ...]]


def _automaton(pattern: str) -> list[_State]:
    """gitignore-flavoured globs: `*` stays within a folder, `**` crosses folders, and a
    pattern without `/` matches a name at any depth. A pattern naming a folder also
    matches everything under it."""
    anchored = "/" in pattern.rstrip("/")
    p = pattern.strip("/")
    states: list[_State] = []

    def folders() -> None:
        # nothing, or anything that ends with a `/`
        n = len(states)
        states.append((None, None, (n + 1, n + 2)))
        states.append(("/", _ANY, ()))

    if not anchored:
        folders()
    i = 0
    while i < len(p):
        n = len(states)
        if p.startswith("**/", i):
            folders()
            i += 3
        elif p.startswith("**", i):
            states.append((None, _ANY, (n + 1,)))
            i += 2
        elif p[i] == "*":
            states.append((None, _NOT_SLASH, (n + 1,)))
            i += 1
        else:
            states.append((_NOT_SLASH if p[i] == "?" else p[i], None, ()))
            i += 1
    # then nothing, or `/` and anything: everything under a folder it names
    n = len(states)
    states.append(("/", None, (n + 2,)))
    states.append((None, _ANY, (n + 2,)))
    return states


def _fits(cls: str | None, ch: str) -> bool:
    if cls is None:
        return False
    if cls == _ANY:
        return True
    if cls == _NOT_SLASH:
        return ch != "/"
    return cls == ch


class _Dfa:
    """The subsets of automaton states met so far, numbered, with their transitions."""

    __slots__ = ("sets", "ids", "table", "accept", "lock")

    def __init__(self) -> None:
        self.sets: list[frozenset[int]] = []
        self.ids: dict[frozenset[int], int] = {}
        self.table: list[dict[str, int]] = []
        self.accept: list[bool] = []
        self.lock = threading.Lock()


class Glob:
    """A compiled glob. `match(path)` takes time linear in the path's length."""

    __slots__ = ("pattern", "_states", "_dfa", "_needs")

    # Subsets kept per glob; a path adds at most one per character, so memory stays bounded.
    MAX_STATES = 4096

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._states = _automaton(pattern)
        self._dfa = self._new_dfa()
        # A path that lacks the pattern's longest literal part cannot match: most paths
        # are rejected by this one substring test, at C speed. A `/` beside `**` is no
        # such part: `**/` and `/**` match no folder at all too.
        literal = pattern.strip("/").replace("**/", "*").replace("/**", "*").replace("?", "*")
        self._needs = max(literal.split("*"), key=len)

    def _new_dfa(self) -> _Dfa:
        dfa = _Dfa()
        self._intern(dfa, self._closure({0}))  # 0: the start
        self._intern(dfa, frozenset())  # 1: no way to match any more
        return dfa

    def match(self, path: str) -> bool:
        if self._needs not in path:
            return False
        dfa = self._dfa
        if len(dfa.sets) > self.MAX_STATES:
            dfa = self._dfa = self._new_dfa()
        table = dfa.table
        s = 0
        for ch in path:
            nxt = table[s].get(ch)
            if nxt is None:
                nxt = self._step(dfa, s, ch)
            if nxt == 1:
                return False
            s = nxt
        return dfa.accept[s]

    def _step(self, dfa: _Dfa, s: int, ch: str) -> int:
        reached = set()
        states = self._states
        for i in dfa.sets[s]:
            if i == len(states):
                continue  # the end: it consumes nothing
            consume, loop, _ = states[i]
            if _fits(consume, ch):
                reached.add(i + 1)
            if _fits(loop, ch):
                reached.add(i)
        with dfa.lock:
            nxt = self._intern(dfa, self._closure(reached))
            dfa.table[s][ch] = nxt
        return nxt

    def _closure(self, reached: set[int]) -> frozenset[int]:
        todo = list(reached)
        seen = set(reached)
        end = len(self._states)
        while todo:
            i = todo.pop()
            if i < end:
                for j in self._states[i][2]:
                    if j not in seen:
                        seen.add(j)
                        todo.append(j)
        return frozenset(seen)

    def _intern(self, dfa: _Dfa, subset: frozenset[int]) -> int:
        got = dfa.ids.get(subset)
        if got is None:
            got = dfa.ids[subset] = len(dfa.sets)
            dfa.sets.append(subset)
            dfa.table.append({})
            dfa.accept.append(len(self._states) in subset)
        return got


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> Glob:
    return Glob(pattern)


def matches_any(path: str, patterns: list[str]) -> bool:
    return any(compile_glob(p).match(path) for p in patterns)


def walk(root: Path, exclude: list[str]) -> Discovery:
    walker = _Walker(root)
    stack = walker.stack
    while stack:
        rel, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as e:
            if rel:
                walker.skipped.append(Skipped(rel, f"cannot list folder: {e.strerror or e}"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue  # .git, .obsidian, .trash, .notelint_cache
            path = f"{rel}/{name}" if rel else name
            if exclude and matches_any(path, exclude):
                continue
            walker.visit(entry, path)
    files = sorted(walker.files)
    skipped = sorted(walker.skipped, key=lambda s: s.path)
    templates, notes = template_folders(root)
    return Discovery(root, files, skipped, templates, notes)


class _Walker:
    """What a walk has found so far, and the folders it has still to list."""

    def __init__(self, root: Path) -> None:
        self.root_real = os.path.realpath(root)
        self.files: list[str] = []
        self.skipped: list[Skipped] = []
        self.stack = [("", str(root))]
        self.seen_dirs = {_dir_key(self.root_real)}

    def visit(self, entry: os.DirEntry[str], path: str) -> None:
        """One folder entry: a folder to list, a file, or a note that is skipped."""
        name = entry.name
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not inside(target, self.root_real):
                    if is_note(name):
                        self.skipped.append(Skipped(path, "symbolic link to a file outside the vault; not followed"))
                    return
                st = os.stat(entry.path)
                if stat.S_ISDIR(st.st_mode):
                    key = _dir_key(target)
                    if key not in self.seen_dirs:  # else a loop, or a folder already indexed
                        self.seen_dirs.add(key)
                        self.stack.append((path, entry.path))
                    return
            elif entry.is_dir(follow_symlinks=False):
                self.seen_dirs.add(_dir_key(entry.path))
                self.stack.append((path, entry.path))
                return
            elif entry.is_file(follow_symlinks=False):
                # the type comes with the listing (d_type): no stat for most files
                self.files.append(path)
                return
            else:
                st = entry.stat(follow_symlinks=False)
        except OSError as e:
            if is_note(name):
                self.skipped.append(Skipped(path, f"cannot read: {e.strerror or e}"))
            return
        if stat.S_ISREG(st.st_mode):
            self.files.append(path)
        elif is_note(name):
            self.skipped.append(Skipped(path, "not a regular file (a FIFO, socket or device); not opened"))


def _dir_key(path: str) -> tuple[int, int] | str:
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except OSError:
        return path

