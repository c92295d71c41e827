"""The built-in note schemas.

A schema is a plain Pydantic v2 model of the front matter mapping. Write your own the
same way and name it in config as `module:Class` (see the README).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError


def _title_text(value: Any) -> Any:
    # YAML turns `title: 1984` into an int and `title: 2024-01-01` into a date; a title
    # that reads as one is still a title, so take its text. Lists and mappings stay errors.
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | dt.date):
        return str(value)
    return value


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def _youtube_id(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("video_id_empty", "is empty; give the 11-character YouTube id")
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            raise PydanticCustomError(
                "video_id_number",
                "must be a string, but YAML read it as the number {value}; quote it "
                "(unquoted ids lose leading zeros)",
                {"value": value},
            )
        raise PydanticCustomError("video_id_type", "must be an 11-character YouTube id string")
    if value == "":
        raise PydanticCustomError("video_id_empty", "is empty; give the 11-character YouTube id")
    if _YOUTUBE_ID.fullmatch(value) is None:  # a regex: faster than a loop (bench/README.md)
        raise PydanticCustomError(
            "video_id_pattern",
            "must be an 11-character YouTube id (letters, digits, `-` and `_`), found '{value}'",
            {"value": value},
        )
    return value


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    BeforeValidator(_title_text),
    Field(description="The note's title, shown instead of its file name."),
]
YouTubeId = Annotated[
    str,
    # Constraints before the validator keep them in the exported JSON Schema.
    StringConstraints(pattern=r"^[A-Za-z0-9_-]{11}$"),
    BeforeValidator(_youtube_id),
    Field(description="A YouTube video id, 11 characters."),
]


class PlainNote(BaseModel):
    """Any note with front matter, by default: no key is required (Obsidian takes a note's
    title from its file name), but a `title` that is there must be text, not empty."""

    model_config = ConfigDict(extra="allow", title="Note")

    # An empty `title:` (null) is what a template leaves: tools fall back to the file name.
    title: Title | None = None


class TitledNote(BaseModel):
    """A note that must have a non-empty title (the built-in `titled`); other keys are free."""

    model_config = ConfigDict(extra="allow", title="Titled note")

    title: Title


class VideoNote(TitledNote):
    """A note derived from a YouTube video."""

    model_config = ConfigDict(extra="allow", title="Video note")

    videoId: YouTubeId  # noqa: N815 - the key as the vaults write it
