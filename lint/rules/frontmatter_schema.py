from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from lint.diagnostic import Severity, Violation
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class FrontmatterSchema(NoteRule):
    """Front matter that does not satisfy the note's Pydantic schema.

    ## What it does
    Validates each note's front matter with the Pydantic model chosen for it:
    the models mapped to globs or fields by `[[schemas]]` in config (first
    match wins), else the defaults: a note whose front matter has `videoId` is
    a video note (a non-empty `title` and an 11-character YouTube id as a
    string); any other note needs no key (Obsidian takes a note's title from
    its file name), but a `title` it has must be non-empty text. The built-in
    `titled` requires a title on every note with front matter. Every
    validation error is one finding at the offending value (a missing key: at
    the opening `---`), its help naming the schema and how to change it.
    Notes without front matter pass unless `require-frontmatter = true`.
    `notelint explain PATH` shows which schema applied.

    A schema named `module:Class` is Python code, imported only when a note
    needs it. A module in the vault is imported only with `allow-code = true`
    (or `--allow-code`); otherwise each note it would validate gets one finding
    saying so. Modules installed in the environment need no opt-in.

    ## Why it matters
    Generated vaults are read by programs: a missing title or a video id that
    YAML turned into a number (`videoId: 01234567890` loses its leading zero)
    breaks every page built from the note.

    ## Example
    ```markdown
    ---
    title: Open-source versus closed-source AI models
    videoId: not a video id!
    ---
    ```

    ## Fixed
    ```markdown
    ---
    title: Open-source versus closed-source AI models
    videoId: rYXeQbTuVl0
    ---
    ```

    ## Fix safety
    No automatic fix: the right value is not in the note.
    """

    code = "FM002"
    name = "frontmatter-schema"
    summary = "Front matter does not match the note's Pydantic schema"
    severity = Severity.ERROR

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        fm = note.frontmatter
        if fm is None:
            if ctx.config.require_frontmatter:
                yield Violation(0, 0, "note has no front matter",
                                help="start the note with a `---` front matter block "
                                     "(`require-frontmatter = true` in the config asks for one)")
            return
        if fm.data is None:  # frontmatter-syntax reports why
            return
        from schemas.registry import SchemaError

        registry = ctx.shared("schemas", lambda: _registry(ctx))
        choice = registry.choose(note.path, fm.data)
        try:
            model = registry.model(choice.spec)
        except SchemaError as e:
            yield Violation(fm.start, fm.start + 3, f"not validated: {e}", help=e.help)
            return
        if model is None:
            return
        try:
            model.model_validate(fm.data)
        except ValidationError as e:
            for err in e.errors(include_url=False):
                yield _violation(note, err, choice.reason)


def _registry(ctx: Context):
    from schemas.registry import Registry

    return Registry(ctx.config)


def _violation(note: Note, err: ErrorDetails, reason: str) -> Violation:
    from schemas.registry import CONFIG_HINT

    fm = note.frontmatter
    assert fm is not None
    schema = f"the schema is {reason}: {CONFIG_HINT}"
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc) or "front matter"
    if err["type"] == "missing":
        return Violation(fm.start, fm.start + 3, f"missing required key `{key}`",
                         help=f"add `{key}:` to the front matter; {schema}")
    place = fm.place(loc)
    start, end = (place.value_start, place.value_end) if place else (fm.start, fm.start + 3)
    if place and loc and loc[-1] == "extra_forbidden":
        start, end = place.key_start, place.key_end
    if err["type"] == "extra_forbidden" and place:
        return Violation(place.key_start, place.key_end, f"unexpected key `{key}`",
                         help=f"remove it, or allow it in the schema; {schema}")
    message = _plain(err)
    return Violation(start, max(end, start + 1), f"`{key}` {message}", help=schema[0].upper() + schema[1:])


def _plain(err: ErrorDetails) -> str:
    msg: str = err["msg"]
    value = err.get("input")
    if err["type"] in ("string_too_short", "too_short") and isinstance(value, str):
        return "is empty"
    if err["type"] == "string_type":
        return f"must be a string, found {_kind(value)}"
    if err["type"].startswith("video_id"):
        return msg
    return f"{msg[0].lower()}{msg[1:]}, found {value!r}" if msg else f"is invalid: {value!r}"


def _kind(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"
