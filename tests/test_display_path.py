"""A finding's path relative to the working folder: the shortcut for a folder at or above
the vault root must give exactly what os.path.relpath gives, wherever the command runs."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lint import diagnostic

PART = st.sampled_from(["a", "b", "notes", "x y", "ä", ".", "..", ""])
FOLDER = st.lists(st.sampled_from(["a", "b", "notes", "x y"]), max_size=3).map(lambda p: "/" + "/".join(p))


@pytest.mark.skipif(os.sep != "/", reason="the shortcut is taken on POSIX only")
@given(root=FOLDER, cwd=FOLDER, parts=st.lists(PART, min_size=1, max_size=4))
def test_the_shortcut_agrees_with_relpath(root: str, cwd: str, parts: list[str]) -> None:
    path = "/".join(parts) + ".md"
    diagnostic._relative.cache_clear()
    want = os.path.relpath(os.path.join(root, path), cwd)
    assert diagnostic._relative(root, path, cwd) == want
