"""lint.vault.strip_md: the one way a note's name loses its `.md` (issue 13)."""

from __future__ import annotations

import pytest

from lint.vault import strip_md


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("note.md", "note"),
        ("Folder/Note.MD", "Folder/Note"),
        ("a.Md", "a"),
        ("image.png", "image.png"),
        ("notes.md.bak", "notes.md.bak"),
        ("md", "md"),
        (".md", ""),
        ("plain", "plain"),
    ],
)
def test_strip_md(name: str, stem: str) -> None:
    assert strip_md(name) == stem
