from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.facts import NoteFacts
from lint.markdown import Link
from lint.rule import Context, LinkRule, RuleOptions
from lint.vault import Vault, fold, invisible, shown, strip_md, visible


class Options(RuleOptions):
    # How alike (0-100, rapidfuzz's ratio of the snake_case forms) a note name must be
    # to be offered when no folded form matches; 100 offers no fuzzy names, typos included.
    fuzzy_cutoff: float = Field(default=88, ge=0, le=100)
    # Check links inside `<!-- -->` and `%% %%` comments too.
    check_comments: bool = False


class BrokenLink(LinkRule):
    """A link to a note or file that does not exist.

    ## What it does
    Resolves every wikilink, embed and local Markdown link as Obsidian does
    (shared/docs/links.md: `.md` implied, case ignored, a bare name found anywhere, paths
    from the root, as a suffix, or relative with `./` and `../`; with
    `resolution = "quartz"`, as Quartz does) and reports those that find nothing,
    that leave the vault, or whose target differs from the file's name only by
    invisible characters or Unicode normalisation (NFC versus NFD), which Obsidian
    does not see past. External URLs are never fetched; `[[#Heading]]` is left to
    `broken-anchor`; spaces around the target and the `|` are trimmed, as Quartz
    does. Aliases are not targets (Obsidian's rule): `[[AI]]` stays broken when a
    note only lists `AI` among its `aliases`.

    A front matter value that is exactly a wikilink (`cover: "[[photo.jpg]]"`, or an
    item of a list) is a link, as in Obsidian's properties, reported at its place in
    the YAML; `"![[x]]"` and text around the link are not. Links inside `<!-- -->`
    and `%% %%` comments (template lines kept to uncomment later) are skipped unless
    `check-comments = true`.

    The help names the most likely intended note: the one whose name has the same
    snake_case form (case, spaces and punctuation folded: `Open Source AI` and
    `open_source_ai`), else the note that has the target as an alias (write
    `[[Note|Alias]]`), else the closest note name that shares a word with the
    target, by rapidfuzz's ratio above `fuzzy-cutoff`, else a name one typo away
    (a letter missing, extra or wrong, two letters swapped, or words joined or
    split: `[[missng]]` for `missing.md`, `[[Khan Academy]]` for `khanacademy.md`;
    names of five letters or more).

    ## Why it matters
    A broken link is a dead end for the reader and a hole in the graph. Generated
    vaults are full of them: a writer that titles links `[[Open Source AI]]` while
    the notes are named `open_source_ai.md`.

    ## Example
    ```markdown
    Weights matter: see [[Open Source AI | open models]].
    ```

    ## Fixed
    ```markdown
    Weights matter: see [[open_source_ai | open models]].
    ```

    ## Fix safety
    Unsafe: whenever the help names exactly one file, and when the target only
    lacks or has extra invisible characters or another Unicode normalisation,
    `--unsafe-fixes` rewrites the target and keeps the rest of the link: the
    display text, the heading, a path written as a path, a written `.md`, and in a
    Markdown link the percent-encoding (`Deep%20Note.md`). It is unsafe because the
    link may have meant a note still to be written. An alias link without a display
    text gets the help only: the fix would have to add a `|`, which a table needs
    written `\\|`; so do front matter links written with YAML escapes or whose new
    target holds a quote or a backslash.
    """

    code = "LNK001"
    name = "broken-link"
    summary = "A wikilink, embed or local Markdown link whose target does not exist"
    severity = Severity.ERROR
    fixable = True
    Options = Options
    example_vault = {"open_source_ai.md": "# Open source AI\n"}

    def check(self, note: NoteFacts, ctx: Context) -> Iterator[Violation]:
        vault = ctx.vault
        profile = ctx.config.resolution
        comments = ctx.options.check_comments
        for link, res in vault.links(note, profile):
            if not link.target or link.origin == "comment" and not comments:
                continue
            if res.path is not None:
                mismatch = _normalisation(link, res.path)
                if mismatch is not None:
                    yield mismatch
                continue
            if res.outside:
                yield Violation(link.target_start, link.target_end,
                                f"broken link: `{shown(link.target)}` points outside the vault",
                                help="link to a note inside the vault, or use a URL")
                continue
            index = ctx.shared(f"broken-link.index.{profile}",
                               lambda: _Suggestions(vault, profile, ctx.options.fuzzy_cutoff))
            yield _broken(link, note.path, index)


@dataclass(frozen=True, slots=True)
class Suggestion:
    help: str
    path: str | None = None  # the one file suggested: the fix links to it
    replacement: str | None = None  # the target to write, when not a file's name (a cleaned target)
    alias_of: str | None = None  # the note that has the target as an alias


def _broken(link: Link, source: str, index: _Suggestions) -> Violation:
    what = "file" if link.kind == "embed" or _kind(link.target) != ".md" else "note"
    message = f"broken link: no {what} `{shown(link.target)}` in the vault"
    hint = index.suggest(link.target, source)
    if hint is None:
        return Violation(link.target_start, link.target_end, message)
    text = hint.help
    if hint.alias_of is not None:
        name = _stem(hint.alias_of)
        shown_as = link.display or link.target
        needs_display = link.display is None and fold(shown_as) != fold(name)
        written = f"{name}|{shown_as}" if needs_display else name
        text = (f"`{link.target}` is an alias of `{hint.alias_of}`, and aliases are not link "
                f"targets: write [[{written}]]")
        # Adding the display text would take a `|`, which must be `\|` in a table: the
        # note's text is not at hand to tell, so that link gets the help only.
        if needs_display and link.kind != "markdown":
            return Violation(link.target_start, link.target_end, message, help=text)
    target = hint.replacement
    if target is None:
        target = index.target_for(link, hint.path or hint.alias_of, source)
    fix = None
    if target is not None and _fixable(link, target):
        if link.kind == "markdown":
            target = _url_encoded(target)
        fix = Fix((Edit(link.target_start, link.target_end, target),), Applicability.UNSAFE)
    return Violation(link.target_start, link.target_end, message, help=text, fix=fix)


def _url_encoded(target: str) -> str:
    """A Markdown link's destination: what would end it or be decoded, percent-encoded."""
    return "".join(f"%{ord(c):02X}" if c in _URL_UNSAFE else c for c in target)


_URL_UNSAFE = frozenset(' %()<>#?\t')


# What a new target may not hold inside a quoted YAML string: a quote or backslash
# would end the string or start an escape; a control character needs an escape.
_YAML_UNSAFE = re.compile(r"[\\\"'\x00-\x1f\x7f]")


def _fixable(link: Link, target: str) -> bool:
    """Whether writing `target` over the link's target span keeps the link well formed."""
    if link.origin == "property-escaped":
        return False
    return link.origin != "property" or _YAML_UNSAFE.search(target) is None


def _normalisation(link: Link, path: str) -> Violation | None:
    """A target that resolved only because names are compared in NFC."""
    if link.target.isascii():  # O(1); most targets are
        return None
    written = link.target.rsplit("/", 1)[-1]
    if written.isascii():
        return None
    name = posixpath.basename(path)
    stem = name[:-3] if name.lower().endswith(".md") and not written.lower().endswith(".md") else name
    if written.casefold() == stem.casefold():
        return None
    form: Literal["NFC", "NFD"] = "NFC" if unicodedata.is_normalized("NFC", stem) else "NFD"
    other = "NFD" if form == "NFC" else "NFC"
    fix = None
    fixed = unicodedata.normalize(form, link.target)
    if _fixable(link, fixed):
        fix = Fix((Edit(link.target_start, link.target_end, fixed),), Applicability.UNSAFE)
    return Violation(
        link.target_start, link.target_end,
        f"broken link: `{link.target}` is written in {other}, the file name `{name}` in {form}",
        help=f"the two differ only by Unicode normalisation; write the target in {form}", fix=fix)


_NON_WORD = re.compile(r"[\W_]+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def snake(name: str) -> str:
    """The folded form names are compared by for "did you mean": NFC, case folded,
    invisible characters dropped, every run of spaces and punctuation one '_'."""
    return _NON_WORD.sub("_", fold(visible(name))).strip("_")


def _kind(name: str) -> str:
    """".md" for a note (or a target without an extension), else the extension."""
    m = _EXTENSION.search(name)
    return m.group().lower() if m and m.group().lower() != ".md" else ".md"


def _stem(path: str) -> str:
    name = posixpath.basename(path)
    return strip_md(name)


class _Suggestions:
    """Indexes of the vault's names for "did you mean", built once per run."""

    # A word that names more files than this does not narrow the fuzzy search.
    COMMON = 1000

    def __init__(self, vault: Vault, profile: str, cutoff: float) -> None:
        self.vault = vault
        self.profile = profile
        self.cutoff = cutoff
        self.snakes: dict[str, list[str]] = {}  # snake form of a name -> files
        self.hidden: dict[str, list[str]] = {}  # name without its invisible characters -> files
        for path in vault.files:
            stem = _stem(path)
            self.snakes.setdefault(snake(stem), []).append(path)
            if invisible(stem):
                self.hidden.setdefault(fold(visible(stem)), []).append(path)
        self.keys = [k for k in self.snakes if k]
        # ".md" for notes, else the extension: a broken image is offered images only
        self.kinds = [_kind(self.snakes[k][0]) for k in self.keys]
        self.words: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            for word in set(key.split("_")):
                self.words.setdefault(word, []).append(i)
        self._aliases: dict[str, list[str]] | None = None
        self._deletes: dict[str, list[int]] | None = None  # built on first use (_typos)
        self._memo: dict[tuple[str, str], Suggestion | None] = {}

    def suggest(self, target: str, source: str) -> Suggestion | None:
        key = (target, posixpath.dirname(source))
        if key not in self._memo:
            self._memo[key] = (
                self._invisible(target, source)
                or self._folded(target, source)
                or self._alias(target)
                or self._fuzzy(target, source)
            )
        return self._memo[key]

    def target_for(self, link: Link, path: str | None, source: str) -> str | None:
        """The target that makes `link` (in `source`) resolve to `path`, written in the
        link's style: a path stays a path, a written `.md` stays."""
        if path is None:
            return None
        name = _stem(path)
        folder, _, base = link.target.replace("\\", "/").rpartition("/")
        tries = [f"{folder}/{name}"] if folder else []
        tries.append(self._spelling(path, source))
        for target in tries:
            if base.lower().endswith(".md") and not target.lower().endswith(".md"):
                target += ".md"
            if self.vault.resolve(target, source, self.profile).path == path:
                return target
        return None

    def _spelling(self, path: str, source: str) -> str:
        """How a link in `source` names `path`: the bare name when that is unambiguous."""
        name = _stem(path)
        res = self.vault.resolve(name, source, self.profile)
        if res.path == path and not res.candidates:
            return name
        return strip_md(path)

    def _invisible(self, target: str, source: str) -> Suggestion | None:
        chars = invisible(target)
        if chars:
            clean = visible(target)
            res = self.vault.resolve(clean, source, self.profile)
            if res.path is not None:
                return Suggestion(
                    f"the target contains invisible characters ({_names(chars)}) that "
                    f"`{res.path}` does not have: link [[{clean}]]", replacement=clean)
        base = target.rsplit("/", 1)[-1]
        base = strip_md(base)
        files = self.hidden.get(fold(visible(base)))
        if files and len(files) == 1:
            stem = _stem(files[0])
            return Suggestion(
                f"`{files[0]}` has invisible characters in its name ({_names(invisible(stem))}) "
                f"that the link lacks: rename the file, or copy its exact name into the link",
                path=files[0])
        return None

    def _folded(self, target: str, source: str) -> Suggestion | None:
        base = target.rsplit("/", 1)[-1]
        base = strip_md(base)
        files = self.snakes.get(snake(base), [])
        if "/" in target and len(files) > 1:
            folder = snake(target.rsplit("/", 1)[0])
            files = [f for f in files if snake(posixpath.dirname(f)).endswith(folder)] or files
        if len(files) > 1:
            here = posixpath.dirname(source)
            files = [f for f in files if posixpath.dirname(f) == here] or files
        if not files:
            return None
        names = [self._spelling(f, source) for f in files[:3]]
        if len(files) == 1:
            return Suggestion(f"did you mean [[{names[0]}]]?", files[0])
        return Suggestion("did you mean " + " or ".join(f"[[{n}]]" for n in names) + "?")

    def _alias(self, target: str) -> Suggestion | None:
        if self._aliases is None:
            self._aliases = {}
            for path in self.vault.note_paths:
                facts = self.vault.note(path)
                for alias in getattr(facts, "aliases", ()) if facts is not None else ():
                    self._aliases.setdefault(fold(alias.strip()), []).append(path)
        notes = self._aliases.get(fold(target.strip()))
        if not notes:
            return None
        return Suggestion("", alias_of=notes[0])

    def _fuzzy(self, target: str, source: str) -> Suggestion | None:
        from rapidfuzz import fuzz, process

        query = snake(target.rsplit("/", 1)[-1].removesuffix(".md"))
        if not query or self.cutoff >= 100:
            return None
        # Only names sharing a not-too-common word with the target are compared:
        # every name against every broken target takes minutes on a large wiki
        # (bench/README.md, figures moved from code comments).
        pool: set[int] = set()
        for word in set(query.split("_")):
            hits = self.words.get(word, ())
            if len(hits) <= self.COMMON:
                pool.update(hits)
        kind = _kind(target)
        choices = {i: self.keys[i] for i in sorted(pool) if self.kinds[i] == kind}
        best = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=self.cutoff)
        found = [best[2]] if best is not None else self._typos(query, kind)
        if not found:
            return None
        files = [self.snakes[self.keys[i]][0] for i in found]
        names = [self._spelling(f, source) for f in files[:3]]
        if len(files) == 1:
            return Suggestion(f"did you mean [[{names[0]}]]?", files[0])
        return Suggestion("did you mean " + " or ".join(f"[[{n}]]" for n in names) + "?")

    # Shorter names are a typo away from too many words (cat, bat, hat).
    TYPO_MIN = 5

    def _typos(self, query: str, kind: str) -> list[int]:
        """Names one typo from the query, which shares no word with them: a letter
        missing, extra or wrong, two letters swapped (`missng`, `misisng`: `missing`),
        or the same letters with the words joined or split (`khan_academy`:
        `khanacademy`). A one-word name shares no word with its typos, so these are
        found by deletions, not words: each one-word name is indexed under itself
        and every way of dropping one of its letters (SymSpell), and so is every name
        under its letters without `_`. One lookup per letter of the query."""
        from rapidfuzz.distance import OSA

        if len(query) < self.TYPO_MIN:
            return []
        if self._deletes is None:
            self._deletes = {}
            for i, key in enumerate(self.keys):
                if "_" not in key:
                    for variant in {key, *_dropped(key)} if len(key) >= self.TYPO_MIN else ():
                        self._deletes.setdefault(variant, []).append(i)
                else:
                    self._deletes.setdefault(key.replace("_", ""), []).append(i)
        joined = query.replace("_", "")
        pool = {i for v in {query, joined, *_dropped(query)} for i in self._deletes.get(v, ())}
        return sorted(i for i in pool if self.kinds[i] == kind and (
            OSA.distance(query, self.keys[i], score_cutoff=1) <= 1
            or self.keys[i].replace("_", "") == joined))


def _dropped(word: str) -> list[str]:
    """The word with one of its letters dropped, each way."""
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def _names(chars: list[str]) -> str:
    seen = dict.fromkeys(chars)
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'FORMAT CHARACTER')}" for c in seen)
