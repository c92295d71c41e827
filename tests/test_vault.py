"""Link resolution (shared/docs/links.md) as tables of cases, both profiles, and its cost."""

from __future__ import annotations

import random
import time

import pytest

from lint.note import parse_text
from lint.vault import Vault, github_slug, heading_key, quartz_slug

FILES = [
    "Log.md",
    "target.md",
    "a/note.md",
    "a/sub/note.md",
    "b/note.md",
    "b/only-b.md",
    "img.png",
    "docs/manual.pdf",
    "x.md",
    "c/x.md",
    "acq/acquiredFM.md",
    "acq/acquiredfm.md",
    "caf\u00e9.md",
    "\u2068chan\u2069/\u2068chan\u2069.md",
    "Some Note.md",
    "v1.2.md",
]


def vault(files: list[str] = FILES) -> Vault:
    return Vault(files, lambda path: None)


# (target, source) -> path or None; "!" after the path: several matched (ambiguous)
OBSIDIAN = [
    ("target", "a/n.md", "target.md"),
    ("target.md", "a/n.md", "target.md"),
    ("log", "a/n.md", "Log.md"),  # case is ignored
    ("LOG", "a/n.md", "Log.md"),
    ("  target  ", "a/n.md", "target.md"),
    ("img.png", "a/n.md", "img.png"),
    ("img", "a/n.md", None),  # attachments need their extension
    ("IMG.PNG", "a/n.md", "img.png"),
    ("manual.pdf", "a/n.md", "docs/manual.pdf"),  # a bare name is found anywhere
    ("only-b", "a/n.md", "b/only-b.md"),
    ("sub/note", "b/n.md", "a/sub/note.md"),  # a path suffix
    ("a/note", "b/n.md", "a/note.md"),  # a path from the root
    ("/a/note", "b/n.md", "a/note.md"),
    ("a/sub/note", "b/n.md", "a/sub/note.md"),
    ("note", "a/n.md", "a/note.md!"),  # the linking note's folder decides
    ("note", "b/n.md", "b/note.md!"),
    ("note", "z/n.md", "a/note.md!"),  # shortest path, then by name
    ("x", "c/n.md", "x.md"),  # the whole root path: not ambiguous
    ("c/x", "n.md", "c/x.md"),
    ("acquiredFM", "acq/n.md", "acq/acquiredFM.md!"),  # a case collision: the exact case wins
    ("acquiredfm", "acq/n.md", "acq/acquiredfm.md!"),
    ("./note", "a/n.md", "a/note.md"),  # relative
    ("../b/note", "a/n.md", "b/note.md"),
    ("./sub/note", "a/n.md", "a/sub/note.md"),
    # a relative path that finds nothing, or leaves the vault, falls back to the
    # path without its ./ and ../ steps (Obsidian, seen on docs written for a site)
    ("../target", "a/sub/n.md", "target.md"),
    ("../../target", "a/n.md", "target.md"),
    ("../sub/note", "b/n.md", "a/sub/note.md"),
    ("../missing", "n.md", None),
    ("cafe\u0301", "n.md", "caf\u00e9.md"),  # NFD finds NFC
    ("\u2068chan\u2069", "n.md", "\u2068chan\u2069/\u2068chan\u2069.md"),
    ("chan", "n.md", None),  # invisible characters count
    ("Some Note", "n.md", "Some Note.md"),
    ("Some-Note", "n.md", None),
    ("v1.2", "n.md", "v1.2.md"),  # a dot in a note's name is not an extension
    ("https://example.com", "n.md", None),
    ("missing", "n.md", None),
]


@pytest.mark.parametrize(("target", "source", "want"), OBSIDIAN)
def test_obsidian_resolution(target: str, source: str, want: str | None) -> None:
    res = vault().resolve(target, source)
    ambiguous = want is not None and want.endswith("!")
    assert res.path == (want.rstrip("!") if want else None)
    assert bool(res.candidates) == ambiguous
    if ambiguous:
        assert res.path in res.candidates and res.reason


QUARTZ = [
    ("Some Note", "n.md", "Some Note.md"),
    ("Some-Note", "n.md", "Some Note.md"),
    ("some note", "n.md", None),  # slugs keep their case
    ("Log", "n.md", "Log.md"),
    ("log", "n.md", None),
    ("only-b", "n.md", "b/only-b.md"),  # a unique name is found anywhere
    ("note", "n.md", None),  # not unique: a path from the root, and there is no note.md
    ("a/note", "n.md", "a/note.md"),
    ("x", "c/n.md", "x.md"),
    ("./note", "a/n.md", "a/note.md"),
    ("img.png", "n.md", "img.png"),
]


@pytest.mark.parametrize(("target", "source", "want"), QUARTZ)
def test_quartz_resolution(target: str, source: str, want: str | None) -> None:
    res = vault().resolve(target, source, "quartz")
    assert res.path == want
    assert res.candidates == ()


def test_an_empty_target_is_the_note_itself() -> None:
    assert vault().resolve("", "a/n.md").path == "a/n.md"


def test_outside_the_vault() -> None:
    res = vault().resolve("../../nowhere/at/all", "a/n.md")
    assert res.path is None and res.outside


@pytest.mark.parametrize(
    ("path", "slug"),
    [("Some Note.md", "Some-Note"), ("a/B & C.md", "a/B--and--C"), ("img.png", "img.png"),
     ("100%.md", "100-percent"), ("what?.md", "what"), ("folder/_index.md", "folder/index")],
)
def test_quartz_slug(path: str, slug: str) -> None:
    assert quartz_slug(path) == slug


@pytest.mark.parametrize(
    ("a", "b"),
    [("Key Ideas", "key ideas"), ("Sub **bold** `code`", "Sub bold code"),
     ("Section: With Colon", "Section With Colon"), ("A  [[link]]  here", "A link here"),
     ("Tags #and ^carets", "Tags and carets"), ("caf\u00e9", "cafe\u0301")],
)
def test_heading_keys_match(a: str, b: str) -> None:
    assert heading_key(a) == heading_key(b)


# Obsidian turns `` !"#$%&()*+,.:;<=>?@^`{|}~/[]\ `` into spaces on both sides (issue 12.5);
# the Greek question mark U+037E is `;` once in NFC.
@pytest.mark.parametrize(
    ("a", "b"),
    [("How large can each remote vault be?", "How large can each remote vault be"),
     ("Ποια συστήματα υποστηρίζει\u037e", "Ποια συστήματα υποστηρίζει"),
     ("การซิงค์, การสำรองข้อมูล", "การซิงค์ การสำรองข้อมูล"),
     ("Tasks & Dataview / Bases (v1.2)", "Tasks Dataview Bases v1 2"),
     ('Say "hi" @home <now> {x} a\\b; c, d. $5 +1 !', "Say hi home now x a b c d 5 1")],
)
def test_heading_keys_match_without_obsidians_punctuation(a: str, b: str) -> None:
    assert heading_key(a) == heading_key(b)


# Only that ASCII set: Obsidian keeps other punctuation (a heading with ’ needs it in
# the link: blacksmithgu/obsidian-dataview#2218), and words stay words.
@pytest.mark.parametrize(
    ("a", "b"),
    [("Don\u2019t panic", "Don t panic"), ("什么是 Obsidian\uff1f", "什么是 Obsidian"),
     ("Key-Ideas", "Key Ideas"), ("Key Ideas", "Key Idea"), ("How large can it be?", "How large can it")],
)
def test_heading_keys_differ(a: str, b: str) -> None:
    assert heading_key(a) != heading_key(b)


def test_github_slug() -> None:
    assert github_slug("Key Ideas: 2024!") == "key-ideas-2024"


def anchored_vault() -> Vault:
    notes = {
        "t.md": "# Top\n\n## Key Ideas\n\n### Leaf\n\n## Other\n\n### Twig\n\ntext ^blk\n\n```\n# Code\n```\n"
                "\n## How large can each remote vault be?\n",
    }
    parsed = {p: parse_text(p, text) for p, text in notes.items()}
    return Vault([*parsed, "img.png"], parsed.get)


@pytest.mark.parametrize(
    ("fragment", "found"),
    [("Key Ideas", True), ("key ideas", True), ("Top#Key Ideas#Leaf", True), ("Key Ideas#Leaf", True),
     ("Other#Leaf", False), ("Leaf#Key Ideas", False), ("Nope", False), ("Code", False),
     ("^blk", True), ("^BLK", True), ("^nope", False), ("", True),
     ("How large can each remote vault be", True), ("How large can each remote vault be?", True),
     ("Other#How large can each remote vault be", False), ("How large can each remote vault", False)],
)
def test_anchors(fragment: str, found: bool) -> None:
    assert anchored_vault().has_anchor("t.md", fragment) is found


def test_anchors_of_what_is_not_a_note_are_unknown() -> None:
    v = anchored_vault()
    assert v.has_anchor("img.png", "page=3") is None
    assert v.has_anchor("t.md", "key-ideas") is False
    assert v.has_anchor("t.md", "key-ideas", slugs=True) is True


def test_resolving_210000_links_is_dict_lookups() -> None:
    rng = random.Random(3)
    words = [f"w{i}" for i in range(4000)]
    folders = [f"chan{i}" for i in range(81)]
    notes = [f"{rng.choice(folders)}/{'_'.join(rng.sample(words, 4))}.md" for _ in range(21000)]
    names = [n.rsplit("/", 1)[1][:-3] for n in notes]
    links = [(rng.choice(names) if rng.random() < 0.67 else " ".join(rng.sample(words, 3)).title(),
              rng.choice(notes)) for _ in range(210_000)]
    v = Vault(notes, lambda path: None)
    # CPU time of this process: other processes on a busy machine do not count.
    start = time.process_time()
    broken = sum(v.resolve(t, s).path is None for t, s in links)
    elapsed = time.process_time() - start
    assert 0.3 < broken / len(links) < 0.36
    # Well under a second on a developer machine; the bound leaves room for a busy CI.
    assert elapsed < 5, f"{elapsed:.2f} s"
