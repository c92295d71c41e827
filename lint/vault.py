"""The Vault index: every file of the vault by name and path. Link resolution lives
here and nowhere else (shared/docs/links.md is the specification).

Two profiles:

- `obsidian` (the default), links.md step by step: `.md` implied for notes, case
  ignored, Unicode compared in NFC; a bare name matches anywhere, a path matches from
  the root or as a path suffix, `./` and `../` are relative; several matches are
  settled by the exact root path, then the linking note's folder (or the path
  relative to it), then the shortest path, then the exact letter case.
- `quartz`, the site generator such vaults are published with: case-sensitive slugs
  (spaces become `-`), a bare name resolves when exactly one file has that name,
  anything else is a path from the root.

Every lookup is a dict lookup, and resolutions are memoised by (target, folder).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from lint.encoding.invisible import INVISIBLE, invisible_in, without_invisible

if TYPE_CHECKING:
    from lint.facts import NoteFacts
    from lint.markdown import Link, Markdown
    from lint.note import Note


def fold(s: str) -> str:
    """The key names are compared by: NFC, case-insensitive (links.md 2 and 6)."""
    if s.isascii():  # O(1): ASCII is its own NFC, and casefolds as it lowers
        return s.lower()
    return unicodedata.normalize("NFC", s).casefold()


def strip_md(name: str) -> str:
    """A file name or path without its `.md` (in any letter case): the name a
    wikilink uses for a note. Other extensions stay (links.md 1)."""
    return name[:-3] if name[-3:].lower() == ".md" else name


class Resolution(NamedTuple):
    """A named tuple: each worker makes one for every distinct link target of the vault,
    and a frozen dataclass cost three times as much to make."""

    path: str | None  # the file the link resolves to, or None when broken
    candidates: tuple[str, ...] = ()  # every match, when the tie-break decided (ambiguous)
    outside: bool = False  # the target tried to leave the vault
    reason: str = ""  # which tie-break decided, when one did


@dataclass(frozen=True, slots=True)
class Anchors:
    """What `#fragment` can name in a note: its headings in order, its block ids."""

    headings: tuple[tuple[int, str], ...]  # (level, heading_key(text))
    block_ids: frozenset[str]  # casefolded
    texts: tuple[str, ...]  # the headings as written, for "did you mean"


class Vault:
    def __init__(self, files: Iterable[str], load: Callable[[str], Note | NoteFacts | None],
                 load_anchors: Callable[[str], tuple[Sequence, Sequence] | None] | None = None) -> None:
        """files: every file of the vault (notes and attachments), POSIX, root-relative.
        load: a note's facts by path. The loader keeps what it parses (the Linter does,
        so each note is parsed at most once); the Vault does not keep a second copy:
        in a worker the loader builds another worker's note from its export cheaply,
        and keeping all of those cost a worker much memory (figures: bench/README.md).
        load_anchors: a note's headings and block ids by path, as tuples whose first
        fields are (level, text) and (id,); by default from load(). The Linter reads
        them straight from a note's export, making no NoteFacts: anchors are asked
        about nearly every note of the vault, in each worker."""
        self.files: tuple[str, ...] = tuple(sorted(files))
        self._load = load
        self._load_anchors = load_anchors or self._anchors_of_note
        self._note_paths: tuple[str, ...] | None = None
        self._by_name: dict[str, list[str]] = {}  # folded base name -> paths
        self._by_path: dict[str, list[str]] = {}  # folded path -> paths (a case collision: 2)
        for path in self.files:
            self._index(path)
        self._quartz: tuple[dict[str, list[str]], dict[str, str]] | None = None
        # per profile, then by target: a string key, no tuple to build for each link
        self._memo: dict[str, dict[str, Resolution]] = {}
        self._memo_folder: dict[tuple[str, str, str], Resolution] = {}
        self._anchors: dict[str, Anchors | None] = {}
        self._anchor_memo: dict[tuple[str, str, bool], bool | None] = {}
        self._last_links: tuple[object, str, list[tuple[Link, Resolution]]] | None = None

    def _index(self, path: str) -> None:
        key = fold(path)
        self._by_path.setdefault(key, []).append(path)
        self._by_name.setdefault(key.rpartition("/")[2], []).append(path)

    def add_file(self, path: str) -> None:
        """A file given by name that discovery did not list (not `.md`)."""
        self.files = tuple(sorted((*self.files, path)))
        self._index(path)
        self._quartz = None
        self._note_paths = None
        self._memo.clear()
        self._memo_folder.clear()

    def forget(self, path: str) -> None:
        """The note at `path` changed (lint/workspace.py): drop what was learnt from its
        content. Resolution depends on the file list alone and stays."""
        self._anchors.pop(path, None)
        self._anchor_memo = {k: v for k, v in self._anchor_memo.items() if k[0] != path}
        self._last_links = None

    @property
    def note_paths(self) -> tuple[str, ...]:
        if self._note_paths is None:  # asked several times a run, about 10,000 files
            self._note_paths = tuple(p for p in self.files if p.lower().endswith(".md"))
        return self._note_paths

    def note(self, path: str) -> Note | NoteFacts | None:
        return self._load(path)

    def exists(self, path: str) -> bool:
        return fold(path) in self._by_path

    # --- resolution ----------------------------------------------------------------
    def resolve(self, target: str, source: str, profile: str = "obsidian") -> Resolution:
        """Resolve a link target written in the note at path `source`.

        An empty target is the note itself ([[#Heading]])."""
        # Most targets resolve the same from every folder: memoise by target first,
        # and by folder only for relative paths and ties.
        memo = self._memo.get(profile)
        if memo is None:
            memo = self._memo[profile] = {}
        hit = memo.get(target)
        if hit is None:
            hit = self._resolve(target, "", profile)
            if hit.candidates or target.strip().replace("\\", "/").startswith(("./", "../")):
                hit = _BY_FOLDER
            memo[target] = hit
        if hit is _BY_FOLDER:
            folder = source.rpartition("/")[0]
            key = (target, folder, profile)
            hit = self._memo_folder.get(key)
            if hit is None:
                hit = self._memo_folder[key] = self._resolve(target, folder, profile)
        if hit.path is None and not target.strip():
            return Resolution(source)
        return hit

    def links(self, note: Note | NoteFacts, profile: str = "obsidian") -> list[tuple[Link, Resolution]]:
        """The note's links that resolve in the vault (checked_links), each with its
        resolution. The link rules ask about the same note one after another: the last
        note's answer is kept, so its links are resolved once, not once a rule."""
        last = self._last_links
        if last is not None and last[0] is note and last[1] == profile:
            return last[2]
        source, resolve = note.path, self.resolve
        out = [(link, resolve(link.target, source, profile)) for link in checked_links(note.md)]
        self._last_links = (note, profile, out)
        return out

    def _resolve(self, target: str, folder: str, profile: str) -> Resolution:
        target = target.strip().replace("\\", "/")
        if not target:
            return Resolution(None)
        if target.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(folder, target))
            if joined == ".." or joined.startswith("../"):
                hit = Resolution(None, outside=True)
            else:
                hit = self._lookup(joined, folder, profile, relative=True)
            if hit.path is None:
                # Obsidian falls back to the path without its ./ and ../ steps, found
                # like any other (seen: docs written for a site, where `../../images/x.png`
                # is relative to the page's URL, resolve in Obsidian).
                rest = re.sub(r"^(?:\.\.?/)+", "", target)
                fallback = self._lookup(rest, folder, profile, relative=False)
                return fallback if fallback.path is not None else hit
            return hit
        return self._lookup(target.lstrip("/"), folder, profile, relative=False)

    def _lookup(self, target: str, folder: str, profile: str, relative: bool) -> Resolution:
        if profile == "quartz":
            return self._resolve_quartz(target, relative)
        for name in _with_md(target):
            key = fold(name)
            if relative:
                hits = self._by_path.get(key)
                if hits:
                    winner, step = _shortest(hits, posixpath.basename(name))
                    return Resolution(winner, tuple(hits) if len(hits) > 1 else (), reason=step)
                continue
            matches = self._by_name.get(key.rpartition("/")[2])  # basename, in C
            if not matches:
                continue
            if "/" in key:
                suffix = "/" + key
                matches = [m for m in matches if _ends_with(m, key, suffix)]
                if not matches:
                    continue
            if len(matches) == 1:
                return Resolution(matches[0])
            return self._tie_break(matches, name, key, folder)
        return Resolution(None)

    def _tie_break(self, matches: list[str], name: str, key: str, folder: str) -> Resolution:
        exact = self._by_path.get(key)
        if exact and len(exact) == 1:
            # The target is the file's whole path from the root: as specific as a
            # link can be, so nothing was left to chance.
            return Resolution(exact[0])
        steps = []
        pool = matches
        if exact:
            pool, steps = exact, ["the path from the vault root"]
        elif "/" in key and self._by_path.get(fold(posixpath.join(folder, name))):
            pool = self._by_path[fold(posixpath.join(folder, name))]
            steps = ["the path relative to this note"]
        else:
            local = [m for m in matches if posixpath.dirname(m) == folder]
            if local:
                pool, steps = local, ["in this note's folder"]
        winner, step = _shortest(pool, posixpath.basename(name))
        if step:
            steps.append(step)
        if len(pool) > 1 and not step:
            steps.append("first by name")
        return Resolution(winner, tuple(sorted(matches)), reason=", then ".join(steps))

    def _resolve_quartz(self, target: str, relative: bool) -> Resolution:
        by_name, by_slug = self._quartz_index()
        slug = quartz_slug(target)
        if not relative and "/" not in slug:
            named = by_name.get(slug, ())
            if len(named) == 1:
                return Resolution(named[0])
        hit = by_slug.get(slug)
        return Resolution(hit)

    def _quartz_index(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        if self._quartz is None:
            by_name: dict[str, list[str]] = {}
            by_slug: dict[str, str] = {}
            for path in self.files:
                slug = quartz_slug(path)
                by_slug.setdefault(slug, path)
                by_name.setdefault(slug.rsplit("/", 1)[-1], []).append(path)
            self._quartz = (by_name, by_slug)
        return self._quartz

    # --- anchors -------------------------------------------------------------------
    def _anchors_of_note(self, path: str) -> tuple[Sequence, Sequence] | None:
        note = self.note(path)
        return None if note is None else (note.md.headings, note.md.block_ids)

    def anchors(self, path: str) -> Anchors | None:
        """The headings and block ids of the note at `path` (None: not a note we read)."""
        if path not in self._anchors:
            found = self._load_anchors(path) if path.lower().endswith(".md") else None
            if found is None:
                self._anchors[path] = None
            else:
                # Kept for every note linked to with a fragment (in each worker), so
                # kept small: GitHub slugs are made only when a Markdown link asks,
                # and most notes share the one empty set of block ids.
                heads, blocks = found  # Heading and BlockId, or plain tuples of their fields
                self._anchors[path] = Anchors(
                    tuple((h[0], heading_key(h[1])) for h in heads),
                    frozenset(b[0].casefold() for b in blocks) if blocks else _NO_BLOCKS,
                    tuple(h[1] for h in heads),
                )
        return self._anchors[path]

    def has_anchor(self, path: str, fragment: str, slugs: bool = False) -> bool | None:
        """Whether `#fragment` names a heading (or `^block`) of the note at `path`.

        None when that cannot be known (the target is not a note, or did not load).
        `H1#H2` must be a heading H2 inside the section of a heading H1 (links.md).
        With `slugs`, a GitHub-style slug (`#my-heading`) also counts: Markdown links
        in docs written for GitHub use them.
        """
        key = (path, fragment, slugs)
        if key not in self._anchor_memo:
            self._anchor_memo[key] = self._has_anchor(path, fragment, slugs)
        return self._anchor_memo[key]

    def _has_anchor(self, path: str, fragment: str, slugs: bool) -> bool | None:
        anchors = self.anchors(path)
        if anchors is None:
            return None
        if fragment.startswith("^"):
            return fragment[1:].strip().casefold() in anchors.block_ids
        parts = [heading_key(p) for p in fragment.split("#")]
        parts = [p for p in parts if p]
        if not parts:
            return True  # "[[Note#]]" names the note
        if _nested(anchors.headings, parts):
            return True
        if not slugs or len(parts) != 1:
            return False
        slug = github_slug(fragment)
        return any(github_slug(text) == slug for text in anchors.texts)


def _ends_with(path: str, key: str, suffix: str) -> bool:
    folded = fold(path)
    return folded == key or folded.endswith(suffix)


_NO_BLOCKS: frozenset[str] = frozenset()
_BY_FOLDER = Resolution(None, reason="depends on the linking note's folder")


def _shortest(pool: list[str], want: str) -> tuple[str, str]:
    """The shortest path, then the one whose name has the target's letter case."""
    if len(pool) == 1:
        return pool[0], ""
    shortest = min(len(m) for m in pool)
    short = [m for m in pool if len(m) == shortest]
    if len(short) == 1:
        return short[0], "the shortest path"
    exact = [m for m in short if posixpath.basename(m) in (want, want + ".md")]
    if len(exact) == 1:
        return exact[0], "the exact letter case"
    return min(short), ""


def _with_md(target: str) -> tuple[str, ...]:
    # `.md` is implied for notes; anything else must carry its extension (links.md 1).
    if target.lower().endswith(".md"):
        return (target,)
    return (target + ".md", target)


def _nested(headings: tuple[tuple[int, str], ...], parts: list[str]) -> bool:
    """Is there a heading parts[0], with parts[1] inside its section, and so on?"""
    def search(lo: int, hi: int, k: int) -> bool:
        for i in range(lo, hi):
            level, key = headings[i]
            if key != parts[k]:
                continue
            if k == len(parts) - 1:
                return True
            end = i + 1
            while end < hi and headings[end][0] > level:
                end += 1
            if search(i + 1, end, k + 1):
                return True
        return False

    return search(0, len(headings), 0)


# Obsidian compares a heading and a `#fragment` with this ASCII set turned into
# spaces on both sides, whitespace collapsed (its own regex, quoted in
# mgmeyers/obsidian-copy-block-link#15); other punctuation (’, ？) is kept
# (blacksmithgu/obsidian-dataview#2218). `_` and `=` go too, for `_em_` and
# `==mark==`. Both sides get the same treatment, so dropping a character only ever
# makes two texts match.
_HEADING_DROP = re.compile(r"[!\"#$%&()*+,./:;<=>?@\[\\\]^_`{|}~]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # headings repeat across notes ("Overview", "Summary")
def heading_key(text: str) -> str:
    """A heading or `#fragment` as compared: NFC (the Greek question mark is `;`),
    case-insensitive, the ASCII punctuation `` !"#$%&()*+,./:;<=>?@[\\]^_`{|}~ ``
    turned into spaces, runs of spaces shrunk."""
    text = _HEADING_DROP.sub(" ", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip().casefold()


_SLUG_DROP = re.compile(r"[^\w\- ]+")


@lru_cache(maxsize=1 << 16)
def github_slug(text: str) -> str:
    """GitHub's heading anchor: lowercase, punctuation dropped, spaces as '-'."""
    return _SLUG_DROP.sub("", unicodedata.normalize("NFC", text).strip().lower()).replace(" ", "-")


def quartz_slug(path: str) -> str:
    """Quartz's slugifyFilePath: `.md` dropped, other extensions kept, spaces as '-',
    `&` as `-and-`, `%` as `-percent`, `?` and `#` dropped; case kept."""
    path = path.strip("/")
    base = posixpath.basename(path)
    dot = base.rfind(".")
    ext = base[dot:] if dot > 0 else ""
    stem = path[: len(path) - len(ext)] if ext else path
    if ext.lower() in (".md", ".html"):
        ext = ""
    segments = []
    for seg in stem.split("/"):
        seg = re.sub(r"\s", "-", seg).replace("&", "-and-").replace("%", "-percent")
        segments.append(seg.replace("?", "").replace("#", ""))
    slug = "/".join(segments).rstrip("/")
    if slug.endswith("_index"):
        slug = slug[: -len("_index")] + "index"
    return slug + ext


def checked_links(md: Markdown) -> Iterator[Link]:
    """The links of a note that resolve in the vault: external URLs are never
    resolved, and a reference link `[x][ref]` is left to its definition
    `[ref]: dest`, whose destination it shares, so each is reported once."""
    for link in md.links:
        if link.external:
            continue
        if link.kind == "markdown" and not link.start <= link.target_start <= link.end:
            continue
        yield link


# Characters that change a name without showing (zero-width spaces and joiners, bidi
# controls and marks, the BOM, the soft hyphen): lint/encoding/invisible.py says which.
def invisible(s: str) -> list[str]:
    """The invisible characters in s, in order."""
    return invisible_in(s)


def shown(s: str) -> str:
    """s with its invisible characters spelled out, for messages: `<U+2068>channel`."""
    if s.isascii():
        return s
    return "".join(f"<U+{ord(c):04X}>" if c in INVISIBLE else c for c in s)


def visible(s: str) -> str:
    """s without its invisible characters: the name a reader sees."""
    return without_invisible(s)
