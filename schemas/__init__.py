"""Pydantic models for note front matter, and the registry that picks one per note."""

from __future__ import annotations

from typing import Any

__all__ = ["PlainNote", "TitledNote", "VideoNote", "YouTubeId"]


def __getattr__(name: str) -> Any:
    # Lazy: the engine reads schemas.registry on every run to key its cache, and building
    # the models is only needed when a note is validated.
    if name in __all__:
        from schemas import notes

        return getattr(notes, name)
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")
