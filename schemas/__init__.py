"""Pydantic models for note front matter, and the registry that picks one per note."""

from schemas.notes import TitledNote, VideoNote, YouTubeId

__all__ = ["TitledNote", "VideoNote", "YouTubeId"]
