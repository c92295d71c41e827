"""Globs (exclude, per-file-ignores, schema and rule globs): one matcher, no backtracking."""

from __future__ import annotations

import re
import time

import pytest
from conftest import run_notelint
from hypothesis import given, settings
from hypothesis import strategies as st

from lint.discover import Glob, compile_glob, matches_any


def _old_regex(pattern: str) -> re.Pattern[str]:
    """The regex translation globs used before (issue 17.6): the oracle for their meaning."""
    anchored = "/" in pattern.rstrip("/")
    p = pattern.strip("/")
    out = []
    i = 0
    while i < len(p):
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif p[i] == "*":
            out.append("[^/]*")
            i += 1
        elif p[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(p[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # \Z, not $: `$` also matches before a final newline, which no path component means.
    return re.compile(f"{prefix}{''.join(out)}(?:/.*)?\\Z", re.S)


@pytest.mark.parametrize("pattern, path, hit", [
    # `**/` may match no folder: the quick literal test must not ask for its `/`
    ("**/??", "aa", True),
    ("**/*.md", "a.md", True),
    ("a/**/b.md", "a/b.md", True),
    ("templates/**", "templates/t.md", True),
    ("templates/**", "templates/a/b/t.md", True),
    ("templates/**", "other/templates/t.md", False),  # anchored: has a `/`
    ("templates", "a/templates/t.md", True),  # no `/`: a name at any depth, and all below it
    ("templates/", "a/templates/t.md", True),  # a trailing `/` does not anchor
    ("/templates", "a/templates/t.md", False),  # a leading one does
    ("*.excalidraw.md", "a/b/x.excalidraw.md", True),
    ("*.md", "a/b.md/c.txt", True),  # a folder named like it: everything under it
    ("daily/*.md", "daily/x/y.md", False),  # `*` stays within a folder
    ("daily/**/*.md", "daily/y.md", True),  # `**/` is zero or more folders
    ("daily/**/*.md", "daily/x/z/y.md", True),
    ("d?ily/*", "daily/a", True),
    ("d?ily/*", "d/ily/a", False),  # `?` is not a `/`
    ("a**b", "a/x/b", True),  # a bare `**` crosses folders
    ("**", "anything/at/all", True),
    ("a.b", "aXb", False),  # `.` is literal
    ("[x]", "[x]", True),  # so are brackets
])
def test_glob_meaning(pattern: str, path: str, hit: bool) -> None:
    assert compile_glob(pattern).match(path) is hit
    assert bool(_old_regex(pattern).match(path)) is hit


_PATTERN = st.text(alphabet="ab/*?.", max_size=12)
_PATH = st.text(alphabet="ab/.", max_size=14)


@settings(max_examples=3000, deadline=None, database=None)
@given(_PATTERN, _PATH)
def test_same_answers_as_the_old_regex(pattern: str, path: str) -> None:
    assert compile_glob(pattern).match(path) == bool(_old_regex(pattern).match(path))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_PATTERN, max_size=3), _PATH)
def test_matches_any(patterns: list[str], path: str) -> None:
    assert matches_any(path, patterns) == any(_old_regex(p).match(path) for p in patterns)


HOSTILE = "**a**a**a**a**a**a**a**a**b"


def test_a_hostile_pattern_is_matched_at_once() -> None:
    """The old regex took 20+ s for one 50-character path; this is 200 paths of 60-200."""
    glob = compile_glob(HOSTILE)
    paths = [("a" * n + "/") * 3 + "c.md" for n in range(20, 66)]
    paths += ["a" * n for n in range(50, 200)]
    start = time.process_time()
    assert not any(glob.match(p) for p in paths)
    assert glob.match("a" * 60 + "b") and glob.match("xa/a/a/a/a/a/a/a/b/y")
    assert time.process_time() - start < 5  # generous: the old one could not do the first path


def test_a_hostile_exclude_does_not_hang_a_run(tmp_path) -> None:
    (tmp_path / "notelint.toml").write_text(
        f'exclude = ["{HOSTILE}"]\n[per-file-ignores]\n"{HOSTILE}" = ["ALL"]\n'
        f'[[schemas]]\nglob = "{HOSTILE}"\nmodel = "none"\n')
    name = "a" * 50
    for i in range(20):
        (tmp_path / f"{name}{i}.md").write_text("---\ntitle: T\n---\n[[nowhere]]\n")
    r = run_notelint("check", ".", "--no-cache", "--output-format", "concise", cwd=tmp_path,
                     timeout=60)
    assert r.returncode == 1 and r.stdout.count("broken-link") == 20, r.stderr


class _Tiny(Glob):
    MAX_STATES = 3  # start afresh almost every path: answers must not change


@settings(max_examples=300, deadline=None, database=None)
@given(_PATTERN, st.lists(_PATH, min_size=1, max_size=8))
def test_answers_survive_the_automaton_starting_afresh(pattern: str, paths: list[str]) -> None:
    glob = _Tiny(pattern)
    assert [glob.match(p) for p in paths] == [bool(_old_regex(pattern).match(p)) for p in paths]
