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


# The fast path for `key: plain text` front matter must agree with PyYAML exactly.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lint.frontmatter import _load_simple  # noqa: E402

_KEYS = st.sampled_from(["title", "videoId", "on", "yes", "null", "tags", "a-b", "x_1", "Title"])
_VALUES = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["yes", "No", "~", "0123", "1e3", "2024-01-02", "12:30", ".5", "-x", "a: b",
                     "a #b", "x:", "Open-source AI", "Meta's Llama", "50%", "é ü 日本", "\u2028x"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=4), st.booleans())
def test_fast_path_agrees_with_pyyaml(pairs, crlf) -> None:
    import yaml

    eol = "\r\n" if crlf else "\n"
    source = "".join(f"{k}: {v}{eol}" for k, v in pairs)
    fast = _load_simple(source, 0)
    if fast is None:
        return  # the real loader takes it
    assert yaml.load(source, Loader=yaml.SafeLoader) == fast[0]
    for (key,), place in fast[1].items():
        assert source[place.key_start:place.key_end] == key
        assert source[place.value_start:place.value_end] == fast[0][key]


def test_fast_path_takes_the_common_note() -> None:
    fast = _load_simple("title: Open-source versus closed-source AI models\nvideoId: rYXeQbTuVl0\n", 4)
    assert fast is not None and fast[0]["videoId"] == "rYXeQbTuVl0"
    assert fast[1][("title",)].value_start == 4 + len("title: ")


# The default schemas (issue 12.1): a video note needs a title and an id; any other note
# needs no key, as Obsidian takes its title from the file name.
CHOICES = [
    ({"title": "A talk", "videoId": "rYXeQbTuVl0"}, "video"),
    ({"videoId": "rYXeQbTuVl0"}, "video"),
    ({"tags": ["travel"], "categories": ["[[Trips]]"]}, "note"),
    ({"title": "A note"}, "note"),
    ({}, "note"),
]


@pytest.mark.parametrize("data,spec", CHOICES)
def test_default_schema_choice(data: dict, spec: str) -> None:
    from lint.config import Config
    from schemas.registry import Registry

    assert Registry(Config()).choose("n.md", data).spec == spec


PLAIN = [
    # (front matter data, the error types the default `note` schema reports)
    ({"tags": ["a"]}, []),
    ({"title": None}, []),  # `title:` left empty by a template: the file name stands
    ({"title": 1984}, []),
    ({"title": "Fine", "aliases": ["x"], "extra": {"k": 1}}, []),
    ({"title": ""}, ["string_too_short"]),
    ({"title": "   "}, ["string_too_short"]),
    ({"title": ["A", "list"]}, ["string_type"]),
    ({"title": {"k": "v"}}, ["string_type"]),
]


@pytest.mark.parametrize("data,errors", PLAIN)
def test_plain_note_schema(data: dict, errors: list[str]) -> None:
    from pydantic import ValidationError

    from schemas.notes import PlainNote, TitledNote

    try:
        PlainNote.model_validate(data)
        got = []
    except ValidationError as e:
        got = [err["type"] for err in e.errors()]
    assert got == errors
    if "title" not in data:  # the opt-in built-in still asks for one
        with pytest.raises(ValidationError):
            TitledNote.model_validate(data)


def test_schema_findings_name_the_config(tmp_path) -> None:
    import lint

    (tmp_path / "notelint.toml").write_text("")
    (tmp_path / "talk.md").write_text("---\nvideoId: rYXeQbTuVl0\n---\n")
    (tmp_path / "list.md").write_text("---\ntitle: [A, list]\n---\n")
    (tmp_path / "kepano.md").write_text("---\ntags: [travel]\n---\n")
    lst, talk = lint.check([tmp_path], config={"select": ["frontmatter-schema"]})
    assert (lst.path, talk.path) == ("list.md", "talk.md")
    assert talk.help.startswith("add `title:` to the front matter; the schema is video (default")
    assert "`[[schemas]]` in notelint.toml (or [tool.notelint])" in talk.help
    assert lst.help.startswith("The schema is note (default: no key is required): `[[schemas]]`")
    (tmp_path / "notelint.toml").write_text('[[schemas]]\nmodel = "titled"\n')
    rules = sorted((f.path, f.message) for f in lint.check([tmp_path], config={"select": ["FM002"]}))
    assert ("kepano.md", "missing required key `title`") in rules


def test_hand_written_vaults_need_no_title(shared_corpora) -> None:
    import lint

    for name in ("kepano-obsidian", "obsidian-tasks-docs", "data-engineering-wiki"):
        found = lint.check([shared_corpora / name], config={"select": ["frontmatter-schema"]})
        assert found == [], (name, found[:3])
