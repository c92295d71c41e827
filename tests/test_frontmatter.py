"""Front matter edge cases as tables, and python-frontmatter as an oracle for the split."""

from __future__ import annotations

import pytest

from lint.frontmatter import parse, split
from lint.note import parse_note

LOADS = [
    # (front matter text, expected data)
    ("---\ntitle: x\n---\n", {"title": "x"}),
    ("---\r\ntitle: x\r\n---\r\nbody", {"title": "x"}),
    ("---\ntitle: x\n...\nbody", {"title": "x"}),
    ("---\n---\n", {}),
    ("---\n# only a comment\n---\n", {}),
    ("---\ntitle: 'a: b'\nlist: [1, 2]\n---\n", {"title": "a: b", "list": [1, 2]}),
    ("---\na: &x 1\nb: *x\n---\n", {"a": 1, "b": 1}),
    ("---   \ntitle: trailing blanks after the opener\n---\n", {"title": "trailing blanks after the opener"}),
    ("---\ntitle: x\n---", {"title": "x"}),  # no final newline
]


@pytest.mark.parametrize("text,data", LOADS)
def test_loads(text: str, data: dict) -> None:
    fm = parse(text)
    assert fm is not None and fm.problems == () and fm.data == data


PROBLEMS = [
    ("---\ntitle: [x\n---\n", "invalid YAML", 2),
    ("---\ntitle: a\ntitle: b\n---\n", "duplicate key `title`", 3),
    ("---\n- a\n---\n", "found a list", 2),
    ("---\njust text\n---\n", "found a single value", 2),
    ("---\ntitle: x\n", "never closed", 1),
    ("---\n1: x\n---\n", "key `1` is not a string", 2),
    ("---\n? [a, b]\n: x\n---\n", "is not a string", 2),
    ("---\nx: !!python/object/apply:os.system [ls]\n---\n", "is not allowed", 2),
    ("---\nx: !!binary aGVsbG8=\n---\n", None, None),  # a safe standard tag: fine
    ("---\na:\n\t- b\n---\n", "invalid YAML", 3),
    ("---\n" + "[" * 5000 + "\n---\n", "", 2),
    ("---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n",
     "through aliases", 2),
]


@pytest.mark.parametrize("text,message,line", PROBLEMS)
def test_problems(text: str, message: str | None, line: int | None) -> None:
    note = parse_note("n.md", text.encode())
    fm = note.frontmatter
    assert fm is not None
    if message is None:
        assert fm.problems == ()
        return
    assert len(fm.problems) >= 1
    assert message in fm.problems[0].message
    assert fm.data is None
    assert note.position(fm.problems[0].start)[0] == line


def test_places_point_at_values() -> None:
    text = "---\ntitle: Ünïcode títle\nvideoId: abc\nnested:\n  k: [1, 2]\n---\n"
    fm = parse(text)
    assert fm is not None
    p = fm.places[("videoId",)]
    assert text[p.key_start:p.key_end] == "videoId" and text[p.value_start:p.value_end] == "abc"
    assert text[fm.places[("nested", "k", 1)].value_start] == "2"
    assert fm.place(("nested", "missing")) == fm.places[("nested",)]


NOT_FRONT_MATTER = ["# Title\n---\nx: y\n---\n", " ---\nx: y\n---\n", "----\nx: y\n----\n", ""]


@pytest.mark.parametrize("text", NOT_FRONT_MATTER)
def test_not_front_matter(text: str) -> None:
    assert split(text) is None


def test_agrees_with_python_frontmatter(shared_corpora) -> None:
    import frontmatter

    checked = 0
    for path in sorted(shared_corpora.rglob("*.md")):
        text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
        fm = parse(text)
        if fm is None or fm.data is None or not fm.closed:
            continue
        try:
            post = frontmatter.loads(text)
        except Exception:  # noqa: BLE001 - the oracle rejects what YAML rejects
            continue
        # Same keys (python-frontmatter keeps the last duplicate; we report duplicates).
        assert set(post.metadata) == set(fm.data), path
        assert post.content.strip() == text[fm.end:].strip(), path
        checked += 1
    assert checked > 500
