"""Find mojibake: UTF-8 text that was decoded with a single-byte codec (issue 4).

ftfy decides what is garbled and how to repair it; this module only decides where
to ask it, and maps its answers back to exact spans of the original text:

- A garbled character is always a run of non-ASCII characters, because every byte of
  a multi-byte UTF-8 sequence is >= 0x80 and every codec ftfy knows decodes those
  bytes to non-ASCII characters. So pure-ASCII text costs one `str.isascii()`, and
  ftfy's badness pattern only ever runs on the neighbourhood of non-ASCII runs. Every
  alternative of that pattern matches at most six characters, at least one of them
  non-ASCII, so searching each run plus six characters either side finds exactly the
  matches `ftfy.badness.is_bad` would find on the whole text, for a fraction of the
  cost (is_bad over whole notes measured 0.7 ms per note).
- Each flagged run goes to `ftfy.fix_encoding_and_explain` on its own, with its ASCII
  neighbours as context: a correct word elsewhere on the line (`NESTLÉ®`) is never
  re-encoded along with the garbled one, and no diff is needed to find the edit:
  ASCII characters survive every encode/decode round trip, so the edit is what lies
  between the common prefix and suffix of a short string.
- ftfy misses some single garbled words (`siÄ™`, `deÄŸil`, `Ã¥r`); `_garbled_word`
  catches those under narrow conditions, and marks its repairs unsafe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ftfy
from ftfy.badness import BADNESS_RE, is_bad
from ftfy.chardata import UTF8_DETECTOR_RE

# Longest BADNESS_RE match is six characters (`ГўВЂВ.[A-Za-z ]`); a run's window
# must hold every match that touches the run.
_CONTEXT = 6
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# A run's badness search window stops at the next non-ASCII run; runs closer than
# this share one search first, so a Russian or Greek sentence costs one search.
_CLUSTER_GAP = 2 * _CONTEXT


@dataclass(frozen=True, slots=True)
class Garble:
    """A garbled span: text[start:end] should read `repair`."""

    start: int  # absolute offsets into the text given to find_mojibake
    end: int
    repair: str
    # True when ftfy explains the repair as plain encode/decode steps and re-garbling
    # the repair through the reversed steps gives back the span exactly.
    safe: bool
    # ftfy's explanation, e.g. (("encode", "sloppy-windows-1252"), ("decode", "utf-8")).
    plan: tuple[tuple[str, str], ...] = ()


def find_mojibake(text: str, start: int = 0, end: int | None = None) -> list[Garble]:
    """Garbled spans of text[start:end], in order, with their repairs."""
    if text.isascii():  # O(1) in CPython: the string knows it is ASCII
        return []
    end = len(text) if end is None else end
    runs = [m.span() for m in _NON_ASCII_RUN.finditer(text, start, end)]
    found: list[Garble] = []
    i = 0
    while i < len(runs):
        # Group runs whose windows touch; one badness search per group.
        j = i + 1
        while j < len(runs) and runs[j][0] - runs[j - 1][1] <= _CLUSTER_GAP:
            j += 1
        lo = max(start, runs[i][0] - _CONTEXT)
        hi = min(end, runs[j - 1][1] + _CONTEXT)
        flagged = BADNESS_RE.search(text, lo, hi) is not None
        for k in range(i, j):
            rs, re_ = runs[k]
            if flagged or _maybe_garbled_word(text, rs, re_):
                found.extend(_check_run(text, runs, k, start, end, flagged))
        i = j
    return found


def apply_repairs(text: str, garbles: list[Garble]) -> str:
    """text with every garbled span replaced by its repair (spans must not overlap)."""
    out: list[str] = []
    pos = 0
    for g in sorted(garbles, key=lambda g: g.start):
        out.append(text[pos : g.start])
        out.append(g.repair)
        pos = g.end
    out.append(text[pos:])
    return "".join(out)


def _check_run(
    text: str, runs: list[tuple[int, int]], k: int, start: int, end: int, flagged: bool
) -> list[Garble]:
    rs, re_ = runs[k]
    # ASCII context on both sides, never reaching into a neighbouring run.
    ws = max(start, rs - _CONTEXT, runs[k - 1][1] if k else start)
    we = min(end, re_ + _CONTEXT, runs[k + 1][0] if k + 1 < len(runs) else end)
    if flagged and BADNESS_RE.search(text, ws, we):
        unit = text[ws:we]
        fixed, plan = ftfy.fix_encoding_and_explain(unit)
        if fixed != unit:
            steps = tuple((s.action, s.parameter) for s in plan or ())
            if any(step == ("apply", "decode_inconsistent_utf8") for step in steps):
                pieces = _pieces(unit, fixed, ws)
                if pieces is not None:
                    return pieces
            return [_edit(unit, fixed, ws, steps)]
    word = _garbled_word(text, rs, re_, start, end)
    return [word] if word else []


def _edit(unit: str, fixed: str, offset: int, steps: tuple[tuple[str, str], ...]) -> Garble:
    """One edit turning unit into fixed, trimmed to what changed."""
    p = 0
    limit = min(len(unit), len(fixed))
    while p < limit and unit[p] == fixed[p]:
        p += 1
    s = 0
    while s < limit - p and unit[-1 - s] == fixed[-1 - s]:
        s += 1
    span = unit[p : len(unit) - s]
    repair = fixed[p : len(fixed) - s]
    return Garble(offset + p, offset + p + len(span), repair, _is_safe(span, repair, steps), steps)


def _pieces(unit: str, fixed: str, offset: int) -> list[Garble] | None:
    """Re-derive ftfy's decode_inconsistent_utf8 one piece at a time.

    When a run mixes correct non-ASCII text with a garbled piece (`开源â€™模型`), no
    single codec round-trips the whole run and ftfy falls back to fixing the pieces
    its UTF8_DETECTOR_RE finds. Asking it about each piece separately gives each
    one a plain encode/decode explanation, so its fix can be safe. Returns None when
    the pieces do not add up to ftfy's own answer.
    """
    garbles: list[Garble] = []
    for m in UTF8_DETECTOR_RE.finditer(unit):
        piece = m.group()
        if not is_bad(piece):
            continue
        repaired, plan = ftfy.fix_encoding_and_explain(piece)
        if repaired != piece:
            steps = tuple((s.action, s.parameter) for s in plan or ())
            garbles.append(_edit(piece, repaired, offset + m.start(), steps))
    if not garbles or apply_repairs(unit, _shift(garbles, -offset)) != fixed:
        return None
    return garbles


def _shift(garbles: list[Garble], by: int) -> list[Garble]:
    return [Garble(g.start + by, g.end + by, g.repair, g.safe, g.plan) for g in garbles]


def _is_safe(span: str, repair: str, steps: tuple[tuple[str, str], ...]) -> bool:
    if not steps or any(action not in ("encode", "decode") for action, _ in steps):
        return False
    # Undo the plan on the repair: encode with each decode's codec, decode with each
    # encode's, in reverse order. Getting the span back proves nothing was guessed.
    try:
        back: str | bytes = repair
        for action, codec in reversed(steps):
            if action == "decode":
                assert isinstance(back, str)
                back = back.encode(codec)
            else:
                assert isinstance(back, bytes)
                back = back.decode(codec)
    except (UnicodeError, LookupError):
        return False
    return back == span


# --- single garbled words that ftfy's badness pattern lets through -----------------

# UTF-8 lead bytes, read as Windows-1252, of the Latin letters garbled words come
# from: C3 (U+00C0-00FF), C4 and C5 (Latin Extended-A), C8 (Romanian ș ț).
_WORD_LEADS = frozenset("ÃÄÅÈ")
_WORD_PRECHECK = re.compile("[ÃÄÅÈ][^\x00-\x7f]")
_PLAN_1252 = (("encode", "sloppy-windows-1252"), ("decode", "utf-8"))
# Continuation bytes that read as punctuation that may follow a capital letter in
# correct text (`SKÅ’s`, `HÄ…`), so they count as evidence only inside a lowercase word.
_QUOTEISH = frozenset("‘’‚“”„‹›–—…•\xa0\xad")


def _maybe_garbled_word(text: str, rs: int, re_: int) -> bool:
    return re_ - rs >= 2 and text[rs] in _WORD_LEADS and _WORD_PRECHECK.match(text, rs) is not None


def _plausible_letter(c: str) -> bool:
    o = ord(c)
    return (0xC0 <= o <= 0x17F and c not in "×÷") or 0x218 <= o <= 0x21B


def _garbled_word(text: str, rs: int, re_: int, start: int, end: int) -> Garble | None:
    """A run like `Ä™` in `siÄ™`: Windows-1252 mojibake of Latin letters, inside a word.

    Fires only when all of these hold, which correct text in any language we tried
    does not do: the run round-trips through Windows-1252 to UTF-8 into Latin letters
    (not IPA or Cyrillic: `NESTLÉ®` would give `NESTLɮ`); it touches an ASCII letter;
    and it looks wrong where it stands: a capital after a lowercase letter
    (`deÄŸil`), or a symbol such as ™ ¥ ° between letters (`Ã¥r`).
    """
    if not _maybe_garbled_word(text, rs, re_):
        return None
    run = text[rs:re_]
    try:
        repair = run.encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return None
    if not all(_plausible_letter(c) for c in repair):
        return None
    before = text[rs - 1] if rs > start else ""
    after = text[re_] if re_ < end else ""
    lower_before = before.isascii() and before.islower()
    letter_after = after.isascii() and after.isalpha()
    symbol = any(not c.isalpha() and c not in _QUOTEISH for c in run)
    if not (lower_before or (symbol and letter_after)):
        return None
    return Garble(rs, re_, repair, False, _PLAN_1252)
