"""lint/encoding/mojibake.py: garbled spans found exactly, correct text left alone."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import BADNESS_RE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint.encoding.alphabet import MOJIBAKE_LONE, MOJIBAKE_SUSPECTS
from lint.encoding.mojibake import Garble, apply_repairs, find_mojibake
from lint.encoding.scan import scan

DATA = Path(__file__).parent / "encoding_data"


def unescape(line: str) -> str:
    """`\\u00a0` and `\\U000e0067` escapes, so invisible characters stay visible in the file."""
    return re.sub(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), line)


def clean_sentences() -> list[str]:
    lines = (DATA / "clean_sentences.txt").read_text(encoding="utf-8").splitlines()
    return [unescape(line) for line in lines if line.strip() and not line.startswith("#")]


def garble(text: str, codec: str = "cp1252") -> str:
    """UTF-8 bytes read with a single-byte codec; Windows-1252's five undefined bytes
    fall back to Latin-1, as browsers and make_vault.py do."""
    if codec == "cp1252":
        return text.encode("utf-8").decode("sloppy-windows-1252")
    return text.encode("utf-8").decode(codec)


CLEAN = clean_sentences()


@pytest.mark.parametrize("sentence", CLEAN)
def test_correct_text_is_silent(sentence: str) -> None:
    assert find_mojibake(sentence) == []
    # Also inside a note, between ASCII paragraphs.
    assert find_mojibake(f"# Title\n\nSome text.\n{sentence}\nMore text.\n") == []


def test_the_table_is_wide() -> None:
    assert len(CLEAN) >= 70


# Short negative cases from ftfy's own test suite (tests/test_cases.json, Apache-2.0):
# each looks a little like mojibake and is not.
FTFY_NEGATIVES = [
    "Η ¨ανατροφή¨ δυστυχώς από τους προπονητές",
    "higher values (“+” and “×” curves) in the superficial region",
    "Con il corpo e lo spirito ammaccato,\u00a0è come se nel cuore avessi un vetro conficcato.",
    "4288×…",
    "``toda produzida pronta pra assa aí´´",
    "HUHLL Õ…",
    "RETWEET SE VOCÊ…",
    "PARCE QUE SUR LEURS PLAQUES IL Y MARQUÉ…",
    "TEM QUE SEGUIR, SDV SÓ…",
    "Join ZZAJÉ’s Official Fan List and receive news, events, and more!",
    "L’épisode 8 est trop fou ouahh",
    "Ôôô VIDA MINHA",
    "[x]\u00a0©",
    "2012—∞",
    "SENSЕ - Oleg Tsedryk",
    "OK??:(   `¬´    ):",
    "( o¬ô )",
    "∆°",
    "ESSE CARA AI QUEM É¿",
    "``hogwarts nao existe, voce nao vai pegar o trem pra lá´´",
    "SELKÄ\u00a0EDELLÄ\u00a0MAAHAN via @YouTube",
    "Offering 5×£35 pin ups",
    "NESTLÉ® requiere contratar personal para diferentes areas a nivel nacional e internacional",
    "Connect with Āø on Facebook",
    "C O N C L U S Ã O",
    "Oborzos, per. Vahbarz, frataraká§ 141",
    "(-1/2)! = √π",
    "├┤a┼┐a┼┐a┼┐a┼┐a",
]


@pytest.mark.parametrize("text", FTFY_NEGATIVES)
def test_ftfy_negative_cases_are_silent(text: str) -> None:
    assert find_mojibake(text) == []


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[g.start : g.end], g.repair) for g in find_mojibake(text)]


@pytest.mark.parametrize(
    ("clean", "codec"),
    [
        ("The market’s “open” models — naïve or not — won.", "cp1252"),
        ("The market’s “open” models — naïve or not — won.", "latin-1"),
        ("Le modèle « ouvert » a été publié à Paris.", "cp1252"),
        ("Die Größe überraschte die Forscher in München.", "cp1252"),
        ("Zażółć gęślą jaźń.", "cp1252"),
        ("Модель была опубликована.", "cp1252"),
        ("Η ανοιχτή προσέγγιση.", "cp1252"),
        ("开源模型促进了全球合作与创新。", "cp1252"),
        ("Launch day 🚀 today", "cp1252"),
        ("It’s “quoted” — really", "macroman"),
        ("It’s “quoted” — really", "cp1251"),
        ("SÃO PAULO e AÇÃO", "cp1252"),
    ],
)
def test_garbled_text_is_found_and_restored(clean: str, codec: str) -> None:
    text = garble(clean, codec)
    garbles = find_mojibake(text)
    assert garbles
    assert apply_repairs(text, garbles) == clean


def test_each_garbled_character_is_its_own_exact_span() -> None:
    text = "The " + garble("market’s “open” models") + " won."
    assert spans(text) == [("â€™", "’"), ("â€œ", "“"), ("â€\x9d", "”")]
    first = find_mojibake(text)[0]
    assert (first.start, first.end) == (10, 13)
    assert first.safe
    assert first.plan == (("encode", "sloppy-windows-1252"), ("decode", "utf-8"))


def test_a_correct_word_on_the_same_line_is_not_touched() -> None:
    # Re-encoding the whole line would turn NESTLÉ® into NESTLɮ.
    text = "NESTLÉ® says the " + garble("market’s") + " fine"
    assert spans(text) == [("â€™", "’")]
    glued = "NESTLÉ®" + garble("’s")
    assert spans(glued) == [("â€™", "’")]


def test_mixed_run_gets_a_safe_piece() -> None:
    text = "开源" + garble("’") + "模型"
    (g,) = find_mojibake(text)
    assert (text[g.start : g.end], g.repair, g.safe) == ("â€™", "’", True)


def test_doubly_garbled_text_and_emoji() -> None:
    assert spans(garble(garble("’"))) == [("Ã¢â‚¬â„¢", "’")]
    assert spans("a " + garble("🚀") + " b") == [("ðŸš€", "🚀")]
    (g,) = find_mojibake("x " + garble(garble("🚀")))
    assert g.repair == "🚀" and g.safe and len(g.plan) == 4


@pytest.mark.parametrize("codec", ["macroman", "cp1251", "cp1250", "cp437"])
def test_other_single_byte_codecs(codec: str) -> None:
    clean = "Čeština, Ελληνικά, “quotes” — and más"
    text = garble(clean, codec)
    assert apply_repairs(text, find_mojibake(text)) == clean


@pytest.mark.parametrize(
    ("text", "span", "repair"),
    [
        ("Nie wiem, czy siÄ™ uda.", "Ä™", "ę"),  # Polish się
        ("Bu deÄŸil mi?", "ÄŸ", "ğ"),  # Turkish değil
        ("Ã¥r 2024", "Ã¥", "å"),  # Swedish år, at the start of a line
        ("Ä°stanbul", "Ä°", "İ"),
        ("Ã¼berall", "Ã¼", "ü"),
    ],
)
def test_single_garbled_words_ftfy_misses(text: str, span: str, repair: str) -> None:
    assert ftfy.fix_encoding(text) == text or span in ("Ä°", "Ã¼")
    assert spans(text) == [(span, repair)]


def test_guessed_repairs_are_unsafe() -> None:
    (g,) = find_mojibake("czy siÄ™ uda")
    assert g.source == "word" and not g.safe


def test_repair_with_a_lost_no_break_space_is_unsafe() -> None:
    (g,) = find_mojibake("voilÃ le travail")
    assert (g.repair, g.safe) == ("à", False)
    assert ("transcode", "restore_byte_a0") in g.plan


# ftfy's replace_lossy_sequences may merge a character beside a lost byte (U+FFFD) into
# that U+FFFD: text deleted, not repaired. Such a repair is never offered; one that
# merges nothing is, U+FFFD nearby or not.
@pytest.mark.parametrize("text", [
    "x \ufffdÐ\ufffd y",  # found by the fuzzer: the Ð between two U+FFFD went
    "x \ufffdÐ\ufffdÂ¿ y",  # the same beside a real garble (`Â¿` for `¿`)
    "É a tua IRMÃ? Sim.",  # `Ã?` reads as a lead byte and a lost one
    # ftfy's lossy plan for `Â¿\ufffd`, tried on the line's other run (the line-plan
    # path of _propagate), would delete this Ð in turn
    "x Â¿\ufffd y \ufffdÐ\ufffd z",
])
def test_a_lossy_repair_that_deletes_text_is_not_offered(text: str) -> None:
    repaired = apply_repairs(text, find_mojibake(text))
    # The garbled `Â¿` may be repaired; nothing else may change.
    assert repaired.replace("Â¿", "¿") == text.replace("Â¿", "¿")


@pytest.mark.parametrize("text,fixed", [
    ("x Â« y", "x « y"),  # the repair trims to deleting the `Â`
    ("x Â«\ufffd y", "x «\ufffd y"),  # a lossy plan, and it merges nothing
])
def test_a_repair_that_deletes_only_the_garble_is_offered(text: str, fixed: str) -> None:
    assert apply_repairs(text, find_mojibake(text)) == fixed


def test_line_plan_repairs_a_run_that_is_not_suspicious_alone() -> None:
    # `ÄŒ` alone passes the badness pattern; the rest of the word convicts the codec.
    text = "ÄŒeÅ¡tina"
    assert apply_repairs(text, find_mojibake(text)) == "Čeština"
    assert all(g.safe for g in find_mojibake(text))


def test_range_limits_what_is_reported() -> None:
    bad = garble("’")
    text = f"a{bad}b\nc{bad}d\n"
    second = text.index("\n") + 1
    assert [g.start for g in find_mojibake(text)] == [1, second + 1]
    assert [g.start for g in find_mojibake(text, second)] == [second + 1]
    assert [g.start for g in find_mojibake(text, 0, second)] == [1]


def test_ascii_costs_nothing() -> None:
    assert find_mojibake("plain ascii " * 100_000) == []


def test_long_line_is_linear() -> None:
    # A 200,000-character line with garbles at both ends: no diff over the line.
    body = "开源模型。" * 40_000
    text = garble("’") + body + garble("“")
    assert [g.repair for g in find_mojibake(text)] == ["’", "“"]


def test_apply_repairs() -> None:
    text = "abcdef"
    assert apply_repairs(text, [Garble(4, 5, "E", True), Garble(1, 3, "", True)]) == "adEf"


# --- properties --------------------------------------------------------------------

# What the property garbles: words as people write them, in several scripts.
_ACCENTED = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßąćęłńśźżčďěňřšťůžğışőűșț"
# Not Ò: garbled, `Òd` reads `Ã’d`, which is also how one writes "a lot of Ã’s".
_CAPITALS = "ÀÁÂÄÅÆÇÈÉÊËÌÍÎÏÑÓÔÕÖØÙÚÛÜÝĄĆĘŁŃŚŹŻČĎĚŇŘŠŤŮŽĞİŞŐŰȘȚ"
_GREEK = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяё"
_CJK = "中文开源模型日本語のテキスト한국어合作与创新"
_MARKS = "’“”—–…€£½×°©®™•«»№●■▶⚠♥✓→≈≤"
_EMOJI = ["🚀", "👍", "😀", "🎉", "👩\u200d💻", "❤\ufe0f", "🇫🇷"]
_lower = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)

words = st.one_of(
    _lower,
    # a Latin word with accented letters inside or at its end: "się", "déjà"
    st.builds(lambda a, b, c: a + b + c, _lower,
              st.text(alphabet=_ACCENTED, min_size=1, max_size=2),
              st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=4)),
    # a capitalised word: "Łódź", "İstanbul", "Ångström"
    st.builds(lambda a, b: a + b, st.sampled_from(list(_CAPITALS)), _lower),
    st.text(alphabet=_GREEK, min_size=2, max_size=8),
    st.text(alphabet=_CYRILLIC, min_size=2, max_size=8),
    st.text(alphabet=_CJK, min_size=1, max_size=6),
    # a word then a mark: "market’s", "Acme™", "50€"
    st.builds(lambda w, m, s: w + m + s, _lower, st.sampled_from(list(_MARKS)),
              st.sampled_from(["", "s", " x"])),
    st.sampled_from(_EMOJI),
)
clean_texts = st.lists(words, min_size=1, max_size=12).map(" ".join).filter(
    lambda t: not t.isascii()
)


@settings(max_examples=int(os.environ.get("MOJIBAKE_EXAMPLES", "400")), deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(clean_texts, st.sampled_from(["cp1252", "latin-1"]))
def test_property_garbled_text_is_found_and_restored(clean: str, codec: str) -> None:
    text = garble(clean, codec)
    garbles = find_mojibake(text)
    assert garbles
    assert apply_repairs(text, garbles) == clean


@settings(max_examples=300, deadline=None)
@given(clean_texts)
def test_property_correct_text_has_no_safe_repair(clean: str) -> None:
    # Random letter salad is not language, so ftfy may have opinions about it; but
    # a repair it calls safe must still round-trip to the text that is there.
    for g in find_mojibake(clean):
        assert g.start < g.end


_ANY = st.text(
    alphabet=st.sampled_from(
        list("ab .,?!'-") + sorted(MOJIBAKE_SUSPECTS) + list("абвгдβγδ中文") + ["\xa0", "\n"]
    ),
    max_size=40,
)


@settings(max_examples=3000, deadline=None)
@given(_ANY)
def test_property_prefilter_never_skips_what_badness_would_flag(text: str) -> None:
    # The shortcut in find_mojibake: a run is searched only when it holds a suspect
    # character (a lone one from MOJIBAKE_LONE). It must lose no badness match.
    runs = scan(text).runs
    for k, (rs, re_) in enumerate(runs):
        skipped = (
            text[rs] not in MOJIBAKE_LONE
            if re_ - rs == 1
            else MOJIBAKE_SUSPECTS.isdisjoint(text[rs:re_])
        )
        if skipped:
            ws = max(0, rs - 6, runs[k - 1][1] if k else 0)
            we = min(len(text), re_ + 6, runs[k + 1][0] if k + 1 < len(runs) else len(text))
            for m in BADNESS_RE.finditer(text, ws, we):
                assert not (m.start() < re_ and m.end() > rs), (text, m)


def test_badness_matches_are_short() -> None:
    # find_mojibake's window (six characters of context) relies on this.
    long_alternatives = re.findall(r"ГўВЂВ\.\[A-Za-z \]", BADNESS_RE.pattern)
    assert long_alternatives, "ftfy changed its pattern: re-check _CONTEXT"


# --- ftfy's own test cases, when a copy is at hand ----------------------------------


def test_ftfy_test_cases_if_available() -> None:
    path = os.environ.get("FTFY_TEST_CASES")
    if not path or not Path(path).exists():
        pytest.skip("set FTFY_TEST_CASES to ftfy's tests/test_cases.json to run this")
    cases = json.loads(Path(path).read_text(encoding="utf-8"))
    negatives = [c for c in cases if c.get("fixed-encoding", c["fixed"]) == c["original"]]
    false_alarms = [c["original"] for c in negatives if find_mojibake(c["original"])]
    # "Bremer/Mccoy – DrÃ¥ber" is mojibake ftfy declines to fix; we fix Ã¥ words, as
    # the issue asks. "MISUTÂ\xa0AJIKKO" is a known failure of ftfy itself.
    assert set(false_alarms) <= {"Bremer/Mccoy – DrÃ¥ber", "MISUTÂ\u00a0AJIKKO"}


# --- real vaults ----------------------------------------------------------------------


def test_corpora_have_no_mojibake(shared_corpora: Path) -> None:
    found = []
    for path in sorted(shared_corpora.rglob("*.md")):
        text = path.read_bytes().decode("utf-8", "replace")
        found += [(str(path), text[g.start : g.end]) for g in find_mojibake(text)]
    assert found == []
