"""lint/encoding/invisible.py: one definition of invisible and control characters, which
the finders, messages, link resolution and output escaping all follow (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

import lint
from lint.diagnostic import safe_text
from lint.encoding import show
from lint.encoding.chars import find_control, find_invisible
from lint.encoding.invisible import CONTROLS, INVISIBLE, REPORTED_CONTROLS, char_class
from lint.vault import invisible, shown, visible

# Every character of the Basic Multilingual Plane, the tags block, and the
# supplementary-plane format characters that a Unicode category would call invisible.
_SAMPLE = [chr(o) for o in (*range(0x10000), *range(0xE0000, 0xE0080), 0x110BD, 0x1D173)]


def test_link_names_strip_what_messages_escape() -> None:
    """vault.visible() drops exactly the characters show.visible() escapes, apart from
    controls and lone surrogates, which a name never loses silently."""
    for c in _SAMPLE:
        escaped = show.visible(c) != c
        unsafe = c in CONTROLS or "\ud800" <= c <= "\udfff"
        assert escaped == (unsafe or visible(c) == ""), f"U+{ord(c):04X}"
        assert (visible(c) == "") == (c in INVISIBLE) == (invisible(c) == [c]), f"U+{ord(c):04X}"


def test_the_rule_reports_what_names_strip() -> None:
    for c in INVISIBLE:
        # Between ASCII letters no invisible character does a job (see chars._legit).
        assert [f.char for f in find_invisible(f"a{c}b")] == [c], f"U+{ord(c):04X}"


@pytest.mark.parametrize(
    ("char", "name"),
    [("\u0600", "ARABIC NUMBER SIGN"), ("\u06dd", "ARABIC END OF AYAH"),
     ("\U000110bd", "KAITHI NUMBER SIGN")],
)
def test_format_characters_that_display_are_not_invisible(char: str, name: str) -> None:
    """Unicode category Cf holds signs that display over the digits after them: a link
    target keeps them, and messages show them as they are."""
    assert visible(f"{char}12") == f"{char}12"
    assert invisible(f"{char}12") == []
    assert shown(f"{char}12") == f"{char}12"
    assert show.visible(char) == char


@pytest.mark.parametrize("char", ["\u061c", "\u180e", "\ufff9"])
def test_messages_escape_every_invisible_character(char: str) -> None:
    """ALM, the Mongolian vowel separator and interlinear annotation marks are reported as
    invisible, so a message naming the text around them must show where they are."""
    assert show.visible(f"a{char}b") == f"a\\u{ord(char):04x}b"


def test_file_name_message_shows_an_arabic_letter_mark(tmp_path: Path) -> None:
    (tmp_path / "notelint.toml").write_text('select = ["file-name-encoding"]\n')
    (tmp_path / "a\u061cb.md").write_text("Text.\n", encoding="utf-8")
    (finding,) = lint.check([tmp_path])
    assert "`a\\u061cb.md`" in finding.message
    assert "U+061C ARABIC LETTER MARK" in finding.message


def test_controls_are_reported_escaped_and_named_as_before() -> None:
    assert [f.char for f in find_control("".join(sorted(CONTROLS)))] == sorted(REPORTED_CONTROLS)
    assert safe_text("a\tb\nc\x1b[31m\x85\udcff\u200b") == "a\\tb\\nc\\x1b[31m\\x85\\xff\u200b"
    assert show.visible("\x07\x85\ud800\U000e0041") == "\\x07\\x85\\ud800\\U000e0041"


def test_char_class_matches_exactly_its_characters() -> None:
    import re

    chars = {"a", "b", "c", "-", "]", "\\", "^", "\u200b"}
    pattern = re.compile(char_class(chars))
    for o in range(0x300):
        c = chr(o)
        assert bool(pattern.fullmatch(c)) == (c in chars)
    assert pattern.fullmatch("\u200b")
