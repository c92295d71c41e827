from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import Field

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.facts import NoteFacts
from lint.markdown import Link
from lint.rule import Context, Rule, RuleOptions
from lint.vault import Vault, fold, invisible, shown, visible


class Options(RuleOptions):
    # How alike (0-100, rapidfuzz's ratio of the snake_case forms) a note name must be
    # to be offered when no folded form matches.
    fuzzy_cutoff: float = Field(default=88, ge=0, le=100)
    # Check links inside `<!-- -->` and `%% %%` comments too.
    check_comments: bool = False


class BrokenLink(Rule):
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
    `[[Note|Alias]]`), else the closest note name by rapidfuzz above `fuzzy-cutoff`.

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
    Unsafe: when exactly one note has the target's folded (snake_case) form, or the
    target only lacks or has extra invisible characters or another Unicode
    normalisation, `--unsafe-fixes` rewrites the target and keeps the display text
    and the heading. It is unsafe because the link may have meant a note still to
    be written. Markdown links get the help but no fix, nor do front matter links
    written with YAML escapes or whose new target holds a quote or a backslash.
    """

    code = "LNK001"
    name = "broken-link"
    summary = "A wikilink, embed or local Markdown link whose target does not exist"
    severity = Severity.ERROR
    fixable = True
    cross_note = True
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
            yield _broken(link, index.suggest(link.target, note.path))


@dataclass(frozen=True, slots=True)
class Suggestion:
    help: str
    replacement: str | None = None  # the target to write, when certain
    alias_of: str | None = None  # the note that has the target as an alias


def _broken(link: Link, hint: Suggestion | None) -> Violation:
    what = "file" if link.kind == "embed" or _kind(link.target) != ".md" else "note"
    message = f"broken link: no {what} `{shown(link.target)}` in the vault"
    if hint is None:
        return Violation(link.target_start, link.target_end, message)
    if hint.alias_of is not None:
        name = _stem(hint.alias_of)
        shown_as = link.display or link.target
        written = name if fold(shown_as) == fold(name) else f"{name}|{shown_as}"
        return Violation(link.target_start, link.target_end, message, help=(
            f"`{link.target}` is an alias of `{hint.alias_of}`, and aliases are not link "
            f"targets: write [[{written}]]"))
    fix = None
    if hint.replacement is not None and _fixable(link, hint.replacement):
        fix = Fix((Edit(link.target_start, link.target_end, hint.replacement),), Applicability.UNSAFE)
    return Violation(link.target_start, link.target_end, message, help=hint.help, fix=fix)


# What a new target may not hold inside a quoted YAML string: a quote or backslash
# would end the string or start an escape; a control character needs an escape.
_YAML_UNSAFE = re.compile(r"[\\\"'\x00-\x1f\x7f]")


def _fixable(link: Link, target: str) -> bool:
    """Whether writing `target` over the link's target span keeps the link well formed."""
    if link.kind == "markdown" or link.origin == "property-escaped":
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
    form = "NFC" if unicodedata.is_normalized("NFC", stem) else "NFD"
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
    return name[:-3] if name.lower().endswith(".md") else name


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
        self._memo: dict[tuple[str, str], Suggestion | None] = {}

    def suggest(self, target: str, source: str) -> Suggestion | None:
        key = (target, posixpath.dirname(source))
        if key not in self._memo:
            self._memo[key] = (
                self._invisible(target, source)
                or self._folded(target, source)
                or self._alias(target)
                or self._fuzzy(target)
            )
        return self._memo[key]

    def _spelling(self, path: str, source: str) -> str:
        """How a link in `source` names `path`: the bare name when that is unambiguous."""
        name = _stem(path)
        res = self.vault.resolve(name, source, self.profile)
        if res.path == path and not res.candidates:
            return name
        return path[:-3] if path.lower().endswith(".md") else path

    def _invisible(self, target: str, source: str) -> Suggestion | None:
        chars = invisible(target)
        if chars:
            clean = visible(target)
            res = self.vault.resolve(clean, source, self.profile)
            if res.path is not None:
                return Suggestion(
                    f"the target contains invisible characters ({_names(chars)}) that "
                    f"`{res.path}` does not have: link [[{clean}]]", clean)
        base = target.rsplit("/", 1)[-1]
        base = base[:-3] if base.lower().endswith(".md") else base
        files = self.hidden.get(fold(visible(base)))
        if files and len(files) == 1:
            stem = _stem(files[0])
            return Suggestion(
                f"`{files[0]}` has invisible characters in its name ({_names(invisible(stem))}) "
                f"that the link lacks: rename the file, or copy its exact name into the link")
        return None

    def _folded(self, target: str, source: str) -> Suggestion | None:
        base = target.rsplit("/", 1)[-1]
        if base.lower().endswith(".md"):
            base = base[:-3]
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
            return Suggestion(f"did you mean [[{names[0]}]]?", names[0])
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

    def _fuzzy(self, target: str) -> Suggestion | None:
        from rapidfuzz import fuzz, process

        query = snake(target.rsplit("/", 1)[-1].removesuffix(".md"))
        if not query or self.cutoff >= 100:
            return None
        # Only names sharing a not-too-common word with the target are compared:
        # all 21,000 names for each of 28,000 broken targets would take minutes.
        pool: set[int] = set()
        for word in set(query.split("_")):
            hits = self.words.get(word, ())
            if len(hits) <= self.COMMON:
                pool.update(hits)
        kind = _kind(target)
        choices = {i: self.keys[i] for i in sorted(pool) if self.kinds[i] == kind}
        if not choices:
            return None
        best = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=self.cutoff)
        if best is None:
            return None
        path = self.snakes[best[0]][0]
        return Suggestion(f"did you mean [[{_stem(path)}]]?")


def _names(chars: list[str]) -> str:
    seen = dict.fromkeys(chars)
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'FORMAT CHARACTER')}" for c in seen)
