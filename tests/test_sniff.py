"""lint/encoding/sniff.py: which encoding a whole non-UTF-8 file seems to be in."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint.encoding.sniff import sniff_encoding

WESTERN = (
    "# Notes\n\nLe modèle « ouvert » a été publié à Paris en été.\n"
    "Die Größe des Modells überraschte die Forscher in München.\n"
    "The company’s “open” strategy — as critics noted — was debated. Costs: 5 €.\n"
)
RUSSIAN = "# Заметки\n\nМодель была опубликована с открытыми весами.\nЁлка и ещё чай.\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF16_LE + WESTERN.encode("utf-16-le"), "UTF-16 LE"),
        (codecs.BOM_UTF16_BE + WESTERN.encode("utf-16-be"), "UTF-16 BE"),
        (WESTERN.encode("utf-16"), "UTF-16 LE"),  # Python writes the native order, LE
        (codecs.BOM_UTF32_LE + WESTERN.encode("utf-32-le"), "UTF-32 LE"),
        (codecs.BOM_UTF32_BE + WESTERN.encode("utf-32-be"), "UTF-32 BE"),
        # No BOM: the NULs that ASCII leaves give it away.
        (WESTERN.encode("utf-16-le"), "UTF-16 LE"),
        (WESTERN.encode("utf-16-be"), "UTF-16 BE"),
        (WESTERN.encode("utf-32-le"), "UTF-32 LE"),
        (WESTERN.encode("utf-32-be"), "UTF-32 BE"),
        # Single-byte encodings.
        (WESTERN.encode("cp1252"), "Latin-1/Windows-1252"),
        (WESTERN.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", "-")
         .replace("€", "EUR").encode("latin-1"), "Latin-1/Windows-1252"),
        (b"caf\xe9 cr\xe8me\n", "Latin-1/Windows-1252"),
        (RUSSIAN.encode("cp1251"), "Windows-1251"),
    ],
)
def test_other_encodings(data: bytes, expected: str) -> None:
    assert sniff_encoding(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        WESTERN.encode("utf-8"),
        codecs.BOM_UTF8 + WESTERN.encode("utf-8"),
        b"plain ascii\n",
        b"",
        # UTF-8 with a few invalid bytes: damage reported place by place, not a verdict.
        WESTERN.encode("utf-8") + b"\xff broken \xe9 byte\n",
        WESTERN.encode("utf-8").replace(b"\xc3\xa9", b"\xe9", 1),
        # Binary data and text with a stray NUL are not UTF-16.
        bytes(range(256)) * 8,
        b"\x00\x01\x02binary\x00\x00\xff\xfe",
        b"text with a NUL\x00 in it\n",
        # Chinese in GBK: not Western, not Cyrillic, not ours to name.
        "开源模型促进了全球合作与创新。".encode("gbk"),
    ],
)
def test_utf8_and_unknowns_are_none(data: bytes) -> None:
    assert sniff_encoding(data) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_property_utf8_is_never_named(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or "\x00" in text:
        return
    assert sniff_encoding(data) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="latin-1", exclude_categories=("Cc", "Cs")),
               min_size=1, max_size=200))
def test_property_utf16_with_bom_is_named(text: str) -> None:
    assert sniff_encoding(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == "UTF-16 LE"
    assert sniff_encoding(codecs.BOM_UTF16_BE + text.encode("utf-16-be")) == "UTF-16 BE"


def test_corpora_are_utf8(shared_corpora: Path) -> None:
    named = [(p, sniff_encoding(p.read_bytes())) for p in shared_corpora.rglob("*.md")]
    assert [(p, e) for p, e in named if e] == []
