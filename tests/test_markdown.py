"""The scanner, by tables of cases both ways, an oracle for code, and invariants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint import markdown
from lint.markdown import Link, Markdown, scan

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def links(text: str) -> list[tuple]:
    """Each link as (kind, target, fragment, display, source, target source, external)."""
    return [
        (lk.kind, lk.target, lk.fragment, lk.display, text[lk.start:lk.end],
         text[lk.target_start:lk.target_end], lk.external)
        for lk in scan(text).links
    ]


# ---------------------------------------------------------------- what is a link

W, E, M = "wikilink", "embed", "markdown"

LINKS = [
    ("[[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),
    ("[[t|d]]", [(W, "t", None, "d", "[[t|d]]", "t", False)]),
    ("a [[t | d]] b", [(W, "t", None, "d", "[[t | d]]", "t", False)]),
    ("[[  Some Note  |  Alias  ]]", [(W, "Some Note", None, "Alias", "[[  Some Note  |  Alias  ]]", "Some Note", False)]),
    ("[[t#H]]", [(W, "t", "H", None, "[[t#H]]", "t", False)]),
    ("[[t # H | d]]", [(W, "t", "H", "d", "[[t # H | d]]", "t", False)]),
    ("[[t#H1#H2]]", [(W, "t", "H1#H2", None, "[[t#H1#H2]]", "t", False)]),
    ("[[t#^block-1]]", [(W, "t", "^block-1", None, "[[t#^block-1]]", "t", False)]),
    ("[[#H]]", [(W, "", "H", None, "[[#H]]", "", False)]),
    ("[[#H|d]]", [(W, "", "H", "d", "[[#H|d]]", "", False)]),
    ("![[embed]]", [(E, "embed", None, None, "![[embed]]", "embed", False)]),
    ("![[img.png|100x145]]", [(E, "img.png", None, "100x145", "![[img.png|100x145]]", "img.png", False)]),
    ("![[doc.pdf#page=3]]", [(E, "doc.pdf", "page=3", None, "![[doc.pdf#page=3]]", "doc.pdf", False)]),
    ("| a | [[t\\|d]] |", [(W, "t", None, "d", "[[t\\|d]]", "t", False)]),
    ("| [[t#H\\|d]] |", [(W, "t", "H", "d", "[[t#H\\|d]]", "t", False)]),
    ("[[t|a|b]]", [(W, "t", None, "a|b", "[[t|a|b]]", "t", False)]),
    ("[[Sq]uare]]", [(W, "Sq]uare", None, None, "[[Sq]uare]]", "Sq]uare", False)]),
    ("[[a]]]", [(W, "a", None, None, "[[a]]", "a", False)]),
    ("[[a [[b]]", [(W, "b", None, None, "[[b]]", "b", False)]),
    ("[[https://example.com]]", [(W, "https://example.com", None, None, "[[https://example.com]]",
                                  "https://example.com", False)]),
    ("[[sub/dir/note]]", [(W, "sub/dir/note", None, None, "[[sub/dir/note]]", "sub/dir/note", False)]),
    ("\\\\[[x]]", [(W, "x", None, None, "[[x]]", "x", False)]),  # an escaped backslash
    ("\\![[x]]", [(W, "x", None, None, "[[x]]", "x", False)]),  # an escaped '!' is no embed
    ("[[\u2068chan\u2069]]", [(W, "\u2068chan\u2069", None, None, "[[\u2068chan\u2069]]", "\u2068chan\u2069", False)]),
    ("[[t]] `x` [[u]]", [(W, "t", None, None, "[[t]]", "t", False), (W, "u", None, None, "[[u]]", "u", False)]),
    ("``[[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),  # an unmatched backtick run is text
    ("$5 and $10 [[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),  # money, not math
    ("<!-- a --> [[t]] <!-- b -->", [(W, "t", None, None, "[[t]]", "t", False)]),
    ("```\n[[a]]\n```\n[[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),
    ("para\n    [[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),  # a continuation, not code
    ("- item\n\n    [[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),  # a list continuation
    ("$$\n[[a]]\n$$ [[t]]", [(W, "t", None, None, "[[t]]", "t", False)]),
    # Markdown links
    ("[x](Some%20Note.md#h)", [(M, "Some Note.md", "h", "x", "[x](Some%20Note.md#h)", "Some%20Note.md", False)]),
    ("[x](../dir/note.md#My%20Heading)",
     [(M, "../dir/note.md", "My Heading", "x", "[x](../dir/note.md#My%20Heading)", "../dir/note.md", False)]),
    ("[x](<Some Note.md>)", [(M, "Some Note.md", None, "x", "[x](<Some Note.md>)", "Some Note.md", False)]),
    ('[x](a.md "title")', [(M, "a.md", None, "x", '[x](a.md "title")', "a.md", False)]),
    ("[x](a.md 'title')", [(M, "a.md", None, "x", "[x](a.md 'title')", "a.md", False)]),
    ("[x](#h)", [(M, "", "h", "x", "[x](#h)", "", False)]),
    ("[x](a_(b).md)", [(M, "a_(b).md", None, "x", "[x](a_(b).md)", "a_(b).md", False)]),
    ("![alt](img.png)", [(M, "img.png", None, "alt", "![alt](img.png)", "img.png", False)]),
    ("[![img](a.png)](b.md)", [(M, "b.md", None, "![img](a.png)", "[![img](a.png)](b.md)", "b.md", False),
                               (M, "a.png", None, "img", "![img](a.png)", "a.png", False)]),
    ("[`code`](a.md)", [(M, "a.md", None, "`code`", "[`code`](a.md)", "a.md", False)]),
    # display text may hold markup: code spans, math, brackets, HTML (issue 12.7)
    ("[[Shell Commands and Bash Scripting | `docker ps`]]",
     [(W, "Shell Commands and Bash Scripting", None, "`docker ps`",
       "[[Shell Commands and Bash Scripting | `docker ps`]]", "Shell Commands and Bash Scripting", False)]),
    ("[[t|``a`b``]] `c`", [(W, "t", None, "``a`b``", "[[t|``a`b``]]", "t", False)]),
    ("[[t | $x$]]", [(W, "t", None, "$x$", "[[t | $x$]]", "t", False)]),
    ("[[t | a [b] c]]", [(W, "t", None, "a [b] c", "[[t | a [b] c]]", "t", False)]),
    ("[[t | <b>x</b>]]", [(W, "t", None, "<b>x</b>", "[[t | <b>x</b>]]", "t", False)]),
    ("[[t#H | `x`]]", [(W, "t", "H", "`x`", "[[t#H | `x`]]", "t", False)]),
    ("| [[t\\|`x`]] |", [(W, "t", None, "`x`", "[[t\\|`x`]]", "t", False)]),
    ("[x](https://e.com/a) [y](//host/p) [z](mailto:a@b.c) [o](obsidian://open?v=1)",
     [(M, "https://e.com/a", None, "x", "[x](https://e.com/a)", "https://e.com/a", True),
      (M, "//host/p", None, "y", "[y](//host/p)", "//host/p", True),
      (M, "mailto:a@b.c", None, "z", "[z](mailto:a@b.c)", "mailto:a@b.c", True),
      (M, "obsidian://open?v=1", None, "o", "[o](obsidian://open?v=1)", "obsidian://open?v=1", True)]),
    ("[x](file:///tmp/a.md)", [(M, "file:///tmp/a.md", None, "x", "[x](file:///tmp/a.md)", "file:///tmp/a.md", True)]),
    # reference links resolve to their definition; the definition is a link too
    ("[x][ref] and [Ref][] and [REF]\n\n[ref]: target.md",
     [(M, "target.md", None, "x", "[x][ref]", "target.md", False),
      (M, "target.md", None, "Ref", "[Ref][]", "target.md", False),
      (M, "target.md", None, "REF", "[REF]", "target.md", False),
      (M, "target.md", None, "ref", "[ref]: target.md", "target.md", False)]),
    ("![i][img]\n\n[img]: <a b.png> \"t\"",
     [(M, "a b.png", None, "i", "![i][img]", "a b.png", False),
      (M, "a b.png", None, "img", '[img]: <a b.png> "t"', "a b.png", False)]),
]


@pytest.mark.parametrize(("text", "expected"), LINKS, ids=[t for t, _ in LINKS])
def test_links(text: str, expected: list[tuple]) -> None:
    assert links(text) == expected


# ---------------------------------------------------------------- what is not a link

NOT_LINKS = [
    "`[[x]]`",
    "``a ` [[x]]``",
    "```` ``` [[x]] ``` ````",
    "`a\n[[x]]\nb`",  # a code span may cross a line inside a paragraph
    "```\n[[x]]\n```",
    "```js\n[[x]]\n```",
    "~~~\n[[x]]\n~~~",
    "````\n```\n[[x]]\n````",  # a shorter fence does not close a longer one
    "~~~\n```\n[[x]]\n~~~",  # nor a fence of the other character
    "```\n[[x]]",  # an unclosed fence runs to the end
    "```\n```x\n[[x]]\n```",  # a closing fence has no info string
    "   ```\n[[x]]\n   ```",
    "- item\n\n  ```\n  [[x]]\n  ```",  # a fence in a list item
    "1. item\n\n   ~~~\n   [[x]]\n   ~~~",
    "- ```\n  [[x]]\n  ```",  # a fence opening a list item
    "> ```\n> [[x]]\n> ```",  # a fence in a quote
    "> - a\n>   ```\n>   [[x]]",
    "    [[x]]",  # indented code at the start
    "para\n\n    [[x]]",
    "# H\n    [[x]]",  # after a heading no blank line is needed
    "\t[[x]]",
    "- item\n\n      [[x]]",  # indented code inside a list item
    "$$\n[[x]]\n$$",
    "$$ [[x]] $$",
    "text $$[[x]]$$ text",
    "$[[x]]$",
    "$a + [[x]]$",
    "\\[\\[x]]",
    "\\[[x]]",
    "[\\[x]]",
    "[[]]",
    "[[ ]]",
    "[[|x]]",
    "[[x\n]]",  # a wikilink does not cross lines
    "[^1]\n\n[^1]: note.md",  # footnotes are not reference links
    "[x][undefined]",
    "- [x] task\n- [ ] task",
    "[x]()",
    "[x](<  >)",
    "[x](%20)",
    "[x](a b.md)",  # a destination with a space needs <>
    "\\[x](a.md)",
    "`[x](a.md)`",
    "[x](`a.md`)",
    "`[[x | `y`]]`",  # the code spans hold the brackets
    "`a [[x` b]]",  # a code span holds the opening
    "[[x`y` | z]]",  # a code span in the target
]


@pytest.mark.parametrize("text", NOT_LINKS)
def test_not_links(text: str) -> None:
    assert scan(text).links == ()


# ---------------------------------------------------------------- links in comments

# Links inside `<!-- -->` and Obsidian's `%% %%` are links, marked as commented out
# (issue 12.4: templates keep lines there to uncomment later; the link rules skip them
# unless asked). Each case: the links in a comment, then those outside.
COMMENTED = [
    ("<!-- [[x]] -->", ["[[x]]"], []),
    ("<!--\n[[x]]\n-->", ["[[x]]"], []),
    ("text <!-- a\n\n[[x]]\n\n--> [[y]]", ["[[x]]"], ["[[y]]"]),  # across blank lines
    ("<!-- never closed\n\n[[x]]", ["[[x]]"], []),
    ("%% ![[author#Sponsor this author]] %%", ["![[author#Sponsor this author]]"], []),
    ("%%[[x]]%% [[y]] %% [[z]] %%", ["[[x]]", "[[z]]"], ["[[y]]"]),
    ("%%\n- [[x]]\n\n# H\n[x](a.md)\n%%\n[[y]]", ["[[x]]", "[x](a.md)"], ["[[y]]"]),
    ("text %% never closed\n\n[[x]]", ["[[x]]"], []),  # as Obsidian: to the end
    ("`%%` [[x]] `%%`", [], ["[[x]]"]),  # a %% in code opens nothing
    ("<!-- %% --> [[x]] <!-- %% -->", [], ["[[x]]"]),  # nor one in an HTML comment
    ("%% <!-- %% [[x]]", ["[[x]]"], []),
    ("[[y]] <!-- [x](a.md) -->", ["[x](a.md)"], ["[[y]]"]),
    ("[[t | x <!-- y -->]]", [], ["[[t | x <!-- y -->]]"]),  # a comment in the display
    ("%% `[[x]]` %%", [], []),  # code inside a comment is still code
    ("<!-- a `![[....]]` b [[x]] -->", ["[[x]]"], []),
    ("<!--\n- `[[a]]`\n\n[[x]] ``` -->", ["[[x]]"], []),
    ("100%% sure [[x]]", ["[[x]]"], []),  # a lone %% comments out the rest, as in Obsidian
]


@pytest.mark.parametrize(("text", "commented", "body"), COMMENTED, ids=[t for t, _, _ in COMMENTED])
def test_links_in_comments_are_marked(text: str, commented: list[str], body: list[str]) -> None:
    md = scan(text)
    assert [text[lk.start:lk.end] for lk in md.links if lk.origin == "comment"] == commented
    assert [text[lk.start:lk.end] for lk in md.links if lk.origin == ""] == body


def test_a_reference_defined_in_a_comment_defines_nothing() -> None:
    assert scan("[x][ref]\n\n<!--\n[ref]: a.md\n-->").links == ()


# ---------------------------------------------------------------- links in front matter

# Front matter values that are exactly a wikilink are links (issue 12.6), at their place
# in the YAML: (front matter line, [(origin, target, fragment, display, span source)]).
PROPERTY_LINKS = [
    ('cover: "[[out-of-control.jpg]]"', [("property", "out-of-control.jpg", None, None, "[[out-of-control.jpg]]")]),
    ('topics: ["[[Emergence]]", "[[Complexity#Rules]]"]',
     [("property", "Emergence", None, None, "[[Emergence]]"),
      ("property", "Complexity", "Rules", None, "[[Complexity#Rules]]")]),
    ("topics:\n  - '[[ a | shown ]]'\n  - \"[[b]]\"",
     [("property", "a", None, "shown", "[[ a | shown ]]"), ("property", "b", None, None, "[[b]]")]),
    ("up: '[[It''s]]'", [("property-escaped", "It's", None, None, "'[[It''s]]'")]),
    ('up: "[[Caf\\u00e9]]"', [("property-escaped", "Caf\u00e9", None, None, '"[[Caf\\u00e9]]"')]),
    ("a: &x \"[[A]]\"\nb: *x", [("property", "A", None, None, "[[A]]")]),  # an alias: once
    ('cover: "![[x.jpg]]"', []),  # an embed is text in a property
    ('note: "see [[x]]"', []),
    ('two: "[[a]] [[b]]"', []),
    ('x: "[[]]"', []),
    ("nested:\n  deep: '[[x]]'", []),  # only top-level values and list items
    ("x: [[a]]", []),  # unquoted: a list in a list, no string
    ("x: '[[a]]'\ny: [unclosed", []),  # front matter that does not load has no values
]


@pytest.mark.parametrize(("yaml", "expected"), PROPERTY_LINKS, ids=[y for y, _ in PROPERTY_LINKS])
def test_property_links(yaml: str, expected: list[tuple]) -> None:
    from lint.note import parse_text

    text = f"---\n{yaml}\n---\n[[body]]\n"
    note = parse_text("n.md", text)
    props = [lk for lk in note.md.links if lk.origin != ""]
    assert [(lk.origin, lk.target, lk.fragment, lk.display, text[lk.start:lk.end]) for lk in props] == expected
    for lk in props:
        if lk.origin == "property":
            assert text[lk.target_start:lk.target_end] == lk.target
    assert note.md.links[len(props):] == scan(text, note.body_start).links  # the body's follow


# ---------------------------------------------------------------- code spans

CODE = [
    ("a `b` c", ["`b`"]),
    ("`` a`b ``", ["`` a`b ``"]),
    ("\\`a` `b`", ["` `"]),  # the escaped backtick is text; the next two pair up
    ("`a\\`b`", ["`a\\`"]),  # no escapes inside a code span
    ("```\nx\n```\ny", ["```\nx\n```"]),
    ("```\nx", ["```\nx"]),
    ("- a\n  ```\n  x\nb", ["  ```\n  x"]),  # the item, and so the fence, ends at b
    ("> ```\n> x\n\ny", ["> ```\n> x"]),
    ("    a\n\n    b\nc", ["    a\n\n    b"]),
    ("    a\n\n\nb", ["    a"]),  # the blank lines after indented code are not code
    ("> - a\n\n    b", ["    b"]),  # an item in a quote holds no line outside the quote
    ("- a\n# H\n    b", ["    b"]),  # a heading at the margin ends the list item
    ("-     a\n\n      b", ["      b"]),  # item text 5+ columns out: its content is at marker + 1
    # after a comment that runs past its paragraph, the rest of its line decides
    # whether a paragraph goes on (and so whether an indented line is code)
    ("<!-- a\n\nb --> \n    c", ["<!-- a\n\nb -->", "    c"]),
    ("<!-- a\n\nb --> c\n    d", ["<!-- a\n\nb -->"]),
    ("a <!-- b --> c", ["<!-- b -->"]),
    ("<!-->x", ["<!-->"]),
    ("$$\nx\n$$", ["$$\nx\n$$"]),
    ("a $x$ b", ["$x$"]),
    ("a $ x$ b $y $ c", []),
    ("a \\$x$ b", []),
    ("cost $5 or $6.", []),
    ("`a` <!-- `b` --> $c$", ["`a`", "<!-- `b` -->", "$c$"]),
    ("`<!--` [[x]] `-->`", ["`<!--`", "`-->`"]),
]


@pytest.mark.parametrize(("text", "expected"), CODE, ids=[t for t, _ in CODE])
def test_code(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in scan(text).code] == expected


def test_comments_are_code_and_listed_alone() -> None:
    text = "a `b` <!-- c --> d\n<!--\ne\n-->"
    md = scan(text)
    assert [text[a:b] for a, b in md.comments] == ["<!-- c -->", "<!--\ne\n-->"]
    assert set(md.comments) <= set(md.code)


# ---------------------------------------------------------------- headings

HEADINGS = [
    ("# H", [(1, "H")]),
    ("###### Six", [(6, "Six")]),
    ("####### Seven", []),
    ("#NoSpace", []),
    ("#", [(1, "")]),
    ("## Closed ##", [(2, "Closed")]),
    ("## Not closed#", [(2, "Not closed#")]),
    ("## C# and F#", [(2, "C# and F#")]),
    ("   ### Three spaces", [(3, "Three spaces")]),
    ("    # Four spaces", []),
    ("#\tTab", [(1, "Tab")]),
    ("# **Bold** [[link]]", [(1, "**Bold** [[link]]")]),
    ("> ## In a quote", [(2, "In a quote")]),
    ("- # In a list item", [(1, "In a list item")]),
    ("```\n# code\n```", []),
    ("<!--\n# hidden\n-->", []),
    ("Setext\n===", [(1, "Setext")]),
    ("Setext\n---", [(2, "Setext")]),
    ("Two\nlines\n===", [(1, "Two lines")]),
    ("---\n", []),  # a thematic break
    ("para\n\n---", []),
    ("- item\n---", []),  # the break ends the list
]


@pytest.mark.parametrize(("text", "expected"), HEADINGS, ids=[t for t, _ in HEADINGS])
def test_headings(text: str, expected: list[tuple[int, str]]) -> None:
    md = scan(text)
    assert [(h.level, h.text) for h in md.headings] == expected
    for h in md.headings:
        assert text.rfind("\n", 0, h.start) + 1 == h.start  # starts a line
        assert h.end == len(text) or text[h.end] == "\n"


# ---------------------------------------------------------------- block ids

BLOCK_IDS = [
    ("A paragraph. ^abc-1", ["abc-1"]),
    ("- item ^x\n- item2 ^Y2", ["x", "Y2"]),
    ("> quote\n\n^quote-id", ["quote-id"]),
    ("| a |\n\n^table", ["table"]),
    ("text ^abc  ", ["abc"]),
    ("x^abc", []),
    ("text ^abc more", []),
    ("text ^ab_c", []),
    ("`code ^abc`", []),
    ("```\n^abc\n```", []),
]


@pytest.mark.parametrize(("text", "expected"), BLOCK_IDS, ids=[t for t, _ in BLOCK_IDS])
def test_block_ids(text: str, expected: list[str]) -> None:
    md = scan(text)
    assert [b.id for b in md.block_ids] == expected
    assert all(text[b.start:b.end] == "^" + b.id for b in md.block_ids)


# ---------------------------------------------------------------- offsets

ALL_TEXTS = ([t for t, _ in LINKS] + NOT_LINKS + [t for t, _, _ in COMMENTED] + [t for t, _ in CODE]
             + [t for t, _ in HEADINGS])


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
@pytest.mark.parametrize("text", ALL_TEXTS)
def test_line_endings_change_nothing_but_offsets(text: str, eol: str) -> None:
    def shape(t: str) -> tuple:
        md = scan(t)
        norm = lambda s: s.replace("\r\n", "\n").replace("\r", "\n")  # noqa: E731
        return (
            [(h.level, h.text, norm(t[h.start:h.end])) for h in md.headings],
            [b.id for b in md.block_ids],
            [(lk.kind, lk.target, lk.fragment, lk.display, norm(t[lk.start:lk.end]), lk.origin)
             for lk in md.links],
            [norm(t[a:b]) for a, b in md.code],
        )

    assert shape(text.replace("\n", eol)) == shape(text)


def test_mixed_line_endings() -> None:
    text = "```\r\n[[a]]\r```\n[[b]]\r\n# H\r`[[c]]` [[d]]"
    md = scan(text)
    assert [text[lk.start:lk.end] for lk in md.links] == ["[[b]]", "[[d]]"]
    assert [(h.text, text[h.start:h.end]) for h in md.headings] == [("H", "# H")]


def test_offsets_are_absolute_and_front_matter_is_skipped() -> None:
    text = "---\ntitle: '[[not scanned]]'\n---\n# H\n[[t]] ^id"
    body = text.index("# H")
    md = scan(text, body)
    assert [text[lk.start:lk.end] for lk in md.links] == ["[[t]]"]
    assert md.headings[0].start == body
    assert text[md.block_ids[0].start:md.block_ids[0].end] == "^id"


def test_nothing_to_find() -> None:
    assert scan("") == Markdown((), (), (), (), ())
    assert scan("just text\n\nmore text\n") == Markdown((), (), (), (), ())


def test_links_are_plain_dataclasses() -> None:
    # scan builds Link objects without calling __init__ (speed): they must equal ones that do
    (lk,) = scan("see [[a#b|c]]").links
    assert lk == Link("wikilink", "a", "b", "c", 4, 13, 6, 7)
    assert hash(lk) == hash(Link("wikilink", "a", "b", "c", 4, 13, 6, 7))
    (lk,) = scan("%% [x](a.md) %%").links
    assert lk == Link("markdown", "a.md", None, "x", 3, 12, 7, 11, False, "comment")


# ---------------------------------------------------------------- invariants

ALPHABET = st.sampled_from(
    ["[[", "]]", "[", "]", "(", ")", "|", "\\", "#", "!", "`", "```", "~~~", "$", "$$", "<!--", "-->",
     " ", "    ", "\t", "\n", "\r\n", "\r", "> ", "- ", "1. ", "^id", "a", "b c", "==", "---", "<", ">", ":", "%%"]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_scan_invariants(text: str) -> None:
    md = scan(text)
    last = 0
    for a, b in md.code:
        assert last <= a < b <= len(text)
        last = b
    assert set(md.comments) <= set(md.code)
    for lk in md.links:
        assert 0 <= lk.start <= lk.target_start <= lk.target_end <= lk.end <= len(text) or (
            lk.kind == "markdown" and "]:" in text  # a reference's target is its definition's
        )
        in_code = [(a, b) for a, b in md.code if a <= lk.start < b]
        # a link starts in code only when that code is a comment, and is marked so
        assert not in_code or (in_code[0] in md.comments and lk.origin == "comment")
    for h in md.headings:
        # a setext heading may start with a code span; nothing may start inside code
        assert not any(a < h.start < b for a, b in md.code)


PLAIN = st.sampled_from(
    ["#", "##", "###", " ", "  ", "   ", "    ", "\n", "\n\n", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ",
     "a", "b c", "=", "===", "-", "---", "*", "_", "[[x]]", "^id", "#tag"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(PLAIN, max_size=40).map("".join))
def test_the_fast_path_finds_what_the_line_pass_finds(text: str) -> None:
    # Where nothing can be code, scan() skips the line pass; the headings must not change.
    slow: list = []
    markdown._blocks(text, 0, slow, [], [])
    assert list(scan(text).headings) == slow


# ---------------------------------------------------------------- the oracle

TRICKY = [
    "```\n[[a]]\n```\n[[b]]",
    "````\n```\n[[a]]\n````\n[[b]]",
    "~~~\n[[a]]\n```\n[[b]]\n~~~\n[[c]]",
    "```\n[[a]]",
    "   ```\n[[a]]\n   ```\n[[b]]",
    "    ```\n    [[a]]\n    ```\n[[b]]",
    "- item\n\n  ```\n  [[a]]\n  ```\n- [[b]]",
    "- item\n  ```\n  [[a]]\n[[b]]\n  ```\n",
    "1. item\n\n   ```js\n   [[a]]\n   ```\n\n   [[b]]",
    "- ```\n  [[a]]\n  ```\n[[b]]",
    "1. ~~~\n   [[a]]\n\n   [[b]]\n   ~~~\n[[c]]",
    "> ```\n> [[a]]\n> ```\n> [[b]]",
    "> ```\n> [[a]]\n[[b]]",
    "> quote\n\n    [[a]]\n\n[[b]]",
    "> - a\n>\n>       [[a]]",
    "para\n    [[a]]\n\n    [[b]]",
    "- a\n\n    [[a]]\n\n        [[b]]",
    "  - x\n\n      [[a]]\n\n    [[b]]",
    "1. a\n2. b\n\n       [[a]]",
    "# H\n    [[a]]",
    "* * *\n    [[a]]",
    "Title\n---\n    [[a]]",
    "2024. year\n    [[a]]",
    "para\n2. item\n    [[a]]",
    "- \n    [[a]]",
    "-\n\n      [[a]]",
    "\t[[a]]\n\n[[b]]",
    " \t[[a]]",
    "`[[a]]` ``[[b]]`` ```[[c]]``` `` ` [[d]] ` ``",
    "``[[a]]` [[b]]",
    "`a\n[[b]]\nc`",
    "`a\n\n[[b]]\nc`",
    "\\`[[a]]`",
    "\\\\`[[a]]`",
    "`\\`[[a]]`",
    "| a | `[[b]]` |\n|---|---|\n| `x` | [[c]] |",
    "text\n```\n[[a]]\n```",
    "~~~ [[a]]\nx\n~~~\n[[b]]",
    "``` ``` [[a]]\n[[b]]",
    "```\n[[a]]\n``` x\n[[b]]\n```",
    "```\r\n[[a]]\r\n```\r\n[[b]]",
    "```\r[[a]]\r```\r[[b]]",
    "a `b\r\n[[c]]` d",
    "- # H `[[a]]`\n  [[b]]",
    "<!-- `[[a]]` -->\n[[b]]",
]


def markdown_it_code(text: str) -> tuple[list[int], set[int], set[int]]:
    """Where '[[' occurs, which of those markdown-it-py puts in code, and which in raw HTML.

    Tokens carry no character offsets, so each '[[' is swapped for a numbered pair
    of private-use characters first (code spans outrank brackets, so this changes
    no code) and looked up in the code tokens' content afterwards.
    """
    from markdown_it import MarkdownIt

    at = [m.start() for m in re.finditer(r"\[\[", text)]
    chars = list(text)
    for i, p in enumerate(at):
        chars[p], chars[p + 1] = chr(0xE000 + i % 4096), chr(0xF000 + i // 4096)
    pair = re.compile("([\ue000-\uefff])([\uf000-\uf8ff])")
    code: set[int] = set()
    html: set[int] = set()

    def visit(tokens: list) -> None:
        for t in tokens:
            into = code if t.type in ("fence", "code_block", "code_inline") else (
                html if t.type in ("html_block", "html_inline") else None)
            if into is not None:
                for m in pair.finditer(t.content + t.info):
                    into.add(at[ord(m[1]) - 0xE000 + (ord(m[2]) - 0xF000) * 4096])
            visit(t.children or [])

    visit(MarkdownIt("commonmark").parse("".join(chars)))
    return at, code, html


def disagreements(text: str, start: int = 0) -> list[str]:
    """'[[' occurrences that markdown-it-py and scan() see differently.

    Allowed: scan() also hides comments and math, which CommonMark does not know,
    and counts code spans inside raw HTML blocks (Obsidian renders neither way there).
    """
    at, code, html = markdown_it_code(text)
    md = scan(text, start)
    out = []
    for p in at:
        if p < start or p in html:
            continue
        span = next(((a, b) for a, b in md.code if a <= p < b), None)
        if (span is not None) == (p in code):
            continue
        if span is not None and (span in md.comments or text[span[0]] == "$"):
            continue
        line = text.count("\n", 0, p) + 1
        out.append(f"line {line}: scan says {'code' if span else 'prose'}: {text[max(0, p - 40):p + 20]!r}")
    return out


@pytest.mark.parametrize("text", TRICKY)
def test_code_agrees_with_markdown_it(text: str) -> None:
    assert disagreements(text) == []


def test_code_agrees_with_markdown_it_on_obsidian_tasks_docs() -> None:
    folder = CORPORA / "obsidian-tasks-docs"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared corpora are only on developer machines)")
    checked = 0
    problems = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        start = 0
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            start = end + 5 if end >= 0 else 0
        checked += text.count("[[", start)
        problems += [f"{path.relative_to(folder)} {d}" for d in disagreements(text, start)]
    assert checked > 1000  # the corpus is the one we think it is
    assert problems == []
