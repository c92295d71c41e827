"""lint/encoding/chars.py: invisible and control characters, and where they are legit."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mojibake import CLEAN

from lint.encoding.chars import char_name, find_control, find_invisible
from lint.encoding.scan import scan


@pytest.mark.parametrize("sentence", CLEAN)
def test_correct_text_is_silent(sentence: str) -> None:
    assert find_invisible(sentence) == []
    assert find_control(sentence) == []


@pytest.mark.parametrize(
    ("text", "offset", "name", "safe"),
    [
        ("a\u200bb", 1, "U+200B ZERO WIDTH SPACE", True),
        ("a\u200cb", 1, "U+200C ZERO WIDTH NON-JOINER", True),
        ("a\u200db", 1, "U+200D ZERO WIDTH JOINER", True),
        ("word\u2060joiner", 4, "U+2060 WORD JOINER", True),
        ("soft\u00adhyphen", 4, "U+00AD SOFT HYPHEN", True),
        ("a BOM\ufeffinside", 5, "U+FEFF ZERO WIDTH NO-BREAK SPACE", True),
        ("x\u202ay", 1, "U+202A LEFT-TO-RIGHT EMBEDDING", False),
        ("x\u202by", 1, "U+202B RIGHT-TO-LEFT EMBEDDING", False),
        ("x\u202cy", 1, "U+202C POP DIRECTIONAL FORMATTING", False),
        ("x\u202dy", 1, "U+202D LEFT-TO-RIGHT OVERRIDE", False),
        ("access\u202e \u2066// check\u2069 \u2066if admin", 6, "U+202E RIGHT-TO-LEFT OVERRIDE", False),
        ("x\u2066y", 1, "U+2066 LEFT-TO-RIGHT ISOLATE", False),
        ("x\u2067y", 1, "U+2067 RIGHT-TO-LEFT ISOLATE", False),
        ("x\u2068y", 1, "U+2068 FIRST STRONG ISOLATE", False),
        ("x\u2069y", 1, "U+2069 POP DIRECTIONAL ISOLATE", False),
        ("plain ascii\u200e text", 11, "U+200E LEFT-TO-RIGHT MARK", False),
        ("plain ascii\u200f text", 11, "U+200F RIGHT-TO-LEFT MARK", False),
        ("f\u2061(x)", 1, "U+2061 FUNCTION APPLICATION", False),
        ("hidden\U000e0041\U000e0042", 6, "U+E0041 TAG LATIN CAPITAL LETTER A", False),
    ],
)
def test_invisible_characters_are_named(text: str, offset: int, name: str, safe: bool) -> None:
    found = find_invisible(text)
    assert found, text
    first = found[0]
    assert (first.offset, first.name, first.removable_safely) == (offset, name, safe)
    assert text[first.offset] == first.char


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d💻 and 👨\u200d👩\u200d👧\u200d👦",  # ZWJ emoji sequences
        "🏳\ufe0f\u200d🌈 and 👍🏽 and 🧑🏿\u200d🚀 and 🙂\u200d↔\ufe0f",
        "می\u200cخواهم",  # ZWNJ in Persian
        "क्\u200dष और क्\u200cष",  # ZWJ and ZWNJ in Devanagari
        "שלום\u200e abc",  # LRM in mixed-direction text
        "abc \u200fمرحبا",  # RLM in mixed-direction text
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # flag of Scotland
        "100\u00a0km, M.\u202fDupont, 1\u2009000",  # no-break and thin spaces
        "สวัสดี\u200bครับ",  # ZWSP as a word boundary in Thai
        "ᠮᠣᠩᠭᠣᠯ\u180eᠠ",  # Mongolian vowel separator
    ],
)
def test_legitimate_uses_are_silent(text: str) -> None:
    assert find_invisible(text) == []


def test_zwj_between_letters_and_emoji_is_not_a_sequence() -> None:
    assert [f.offset for f in find_invisible("a\u200d💻 👩\u200d")] == [1, 5]


def test_range() -> None:
    text = "a\u200bb\nc\u200bd"
    assert [f.offset for f in find_invisible(text)] == [1, 5]
    assert [f.offset for f in find_invisible(text, 3)] == [5]
    assert [f.offset for f in find_invisible(text, 0, 3)] == [1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bell\x07", [(4, "U+0007 BELL")]),
        ("nul\x00and esc\x1b[0m", [(3, "U+0000 NULL"), (11, "U+001B ESCAPE")]),
        ("form\x0cfeed and vt\x0b", [(4, "U+000C FORM FEED"), (16, "U+000B LINE TABULATION")]),
        ("del\x7f", [(3, "U+007F DELETE")]),
        ("c1 \x85 and \x9b", [(3, "U+0085 NEXT LINE"), (9, "U+009B CONTROL SEQUENCE INTRODUCER")]),
        ("tab\tlf\ncr\r\n", []),
        ("é and ünïcödé\t\r\n", []),
    ],
)
def test_controls(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(c.offset, c.name) for c in find_control(text)] == expected


def test_control_range() -> None:
    text = "a\x01b\nc\x02d\x85"
    assert [c.offset for c in find_control(text, 4)] == [5, 7]
    assert [c.offset for c in find_control(text, 0, 4)] == [1]


def test_char_name() -> None:
    assert char_name("\u200b") == "U+200B ZERO WIDTH SPACE"
    assert char_name("\x00") == "U+0000 NULL"
    assert char_name("\x9f") == "U+009F APPLICATION PROGRAM COMMAND"
    assert char_name("\U000e0041") == "U+E0041 TAG LATIN CAPITAL LETTER A"
    assert char_name("\U0010ffff") == "U+10FFFF"


_ALPHABET = st.sampled_from(
    list("ab \n\t\r") + ["\x00", "\x07", "\x7f", "\x85", "é", "’", "中", "\u200b", "\u202e",
                         "\u200d", "👩", "\u00ad", "\ufffd"]
)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_property_scan_agrees_with_a_plain_loop(text: str) -> None:
    sc = scan(text)
    expected_runs, i = [], 0
    while i < len(text):
        if ord(text[i]) > 0x7F:
            j = i
            while j < len(text) and ord(text[j]) > 0x7F:
                j += 1
            expected_runs.append((i, j))
            i = j
        else:
            i += 1
    assert list(sc.runs) == expected_runs
    assert sc.ascii_controls == any(c in "\x00\x07\x7f" for c in text)
    controls = [i for i, c in enumerate(text) if c in "\x00\x07\x7f\x85"]
    assert [c.offset for c in find_control(text)] == controls
    invisible = {i for i, c in enumerate(text) if c in "\u200b\u202e\u00ad"}
    assert invisible <= {f.offset for f in find_invisible(text)}


def test_corpora_hold_only_what_is_really_there(shared_corpora: Path) -> None:
    found = []
    for path in sorted(shared_corpora.rglob("*.md")):
        text = path.read_bytes().decode("utf-8", "replace")
        rel = path.relative_to(shared_corpora).as_posix()
        found += [(rel, f.name) for f in find_invisible(text)]
        found += [(rel, c.name) for c in find_control(text)]
    # A test note of obsidian-tasks, about indentation by zero-width space + tab.
    assert found == [("obsidian-tasks-demo/Test Data/zero_width.md", "U+200B ZERO WIDTH SPACE")]


def test_stored_badness_alphabet_is_ftfys() -> None:
    """lint/encoding/alphabet.py stores the characters of ftfy's badness pattern so that
    scanning needs no ftfy import; for the release they were read from they must be
    exactly what that release's pattern names."""
    from lint.encoding import alphabet

    installed = alphabet._installed_ftfy()
    if installed != alphabet._BADNESS_FTFY:
        pytest.skip(f"stored for ftfy {alphabet._BADNESS_FTFY}, {installed} installed: "
                    "derived at run time (`python -m lint.encoding.alphabet` prints new ranges)")
    assert alphabet._badness_alphabet() == alphabet.derive_badness_alphabet()


def test_another_ftfy_release_gets_its_own_alphabet(monkeypatch) -> None:
    from lint.encoding import alphabet

    monkeypatch.setattr(alphabet, "_BADNESS_FTFY", "0.0-not-installed")
    monkeypatch.setattr(alphabet, "_BADNESS_RANGES", ((0x2603, 0x2603),))
    assert alphabet._badness_alphabet() == alphabet.derive_badness_alphabet()
