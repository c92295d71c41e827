"""Find mojibake: UTF-8 text that was decoded with a single-byte codec (issue 4).

ftfy decides what is garbled and how to repair it; this module decides where to ask
it, and maps its answers back to exact spans of the original text:

- A garbled character is always a run of non-ASCII characters: every byte of a
  multi-byte UTF-8 sequence is >= 0x80, and every codec ftfy knows decodes those
  bytes to non-ASCII characters. So pure-ASCII text costs one `str.isascii()`, and
  ftfy's badness pattern only runs around non-ASCII runs. Each alternative of that
  pattern matches at most six characters, at least one of them non-ASCII, so
  searching each run plus six characters either side finds exactly what
  `ftfy.badness.is_bad` finds on the whole text, at a fraction of the cost of is_bad
  over whole notes (bench/README.md, "Figures moved from code comments").
- Each flagged run goes to `ftfy.fix_encoding_and_explain` on its own, with its
  ASCII neighbours as context: a correct word elsewhere on the line (`NESTLÉ®`) is
  never re-encoded with the garbled one, and no diff is needed: ASCII survives every
  round trip, so the edit is what lies between the common prefix and suffix of a
  short string.
- Some garbled characters are not suspicious alone (`ÄŒ` in `ÄŒeÅ¡tina`); ftfy
  repairs them because the rest of the line convicts the codec. The same plan is
  tried on the other runs of a line where ftfy explained a run.
- ftfy misses some single garbled words (`siÄ™`, `deÄŸil`, `Ã¥r`) and lone
  garbled symbols (`â„¢` for ™, `â—\x8f` for ●); `_guess` catches those under narrow
  conditions and marks its repairs unsafe.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from lint.encoding import alphabet
from lint.encoding.alphabet import MOJIBAKE_LONE
from lint.encoding.scan import Scan, scan
from lint.text import changed_span

if TYPE_CHECKING:  # module globals once load_ftfy() has run
    import ftfy
    from ftfy.badness import BADNESS_RE, is_bad
    from ftfy.chardata import UTF8_DETECTOR_RE

    MOJIBAKE_SUSPECTS: frozenset[str]


def load_ftfy() -> None:
    """Import ftfy on first need, not with the rules (see lint/encoding/alphabet.py):
    these names are module globals from then on."""
    global ftfy, BADNESS_RE, is_bad, UTF8_DETECTOR_RE, MOJIBAKE_SUSPECTS
    import ftfy as module
    from ftfy.badness import BADNESS_RE, is_bad
    from ftfy.chardata import UTF8_DETECTOR_RE

    MOJIBAKE_SUSPECTS = alphabet.MOJIBAKE_SUSPECTS
    ftfy = module  # last: find_mojibake takes `ftfy` being set to mean all of them are

Plan = tuple[tuple[str, str], ...]
Runs = tuple[tuple[int, int], ...]

# The longest BADNESS_RE match is six characters (`ГўВЂВ.[A-Za-z ]`).
_CONTEXT = 6

_APPLY_INCONSISTENT = ("apply", "decode_inconsistent_utf8")


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
    plan: Plan = ()
    # Who found it: "ftfy" (ftfy repaired this run), "line" (the plan ftfy gave for
    # another run on the line repairs this one too), "word" (a guess of _guess).
    source: str = "ftfy"


def find_mojibake(text: str, start: int = 0, end: int | None = None) -> list[Garble]:
    """Garbled spans of text[start:end], in order, with their repairs.

    The last answer is kept: the mojibake, invisible-character and control-character
    rules all ask about the same note (a C1 control or soft hyphen inside a garbled
    span is the mojibake's, not a finding of its own).
    """
    global _last
    sc = scan(text)
    if not sc.hot:
        return []
    last = _last
    if last is not None and last[0] is text and last[1] == start and last[2] == end:
        return list(last[3])
    if "ftfy" not in globals():
        load_ftfy()
    found = _find(text, sc, start, end)
    if len(text) > 256:  # a short string is quick to redo; keep the note's answer
        _last = (text, start, end, tuple(found))
    return found


_last: tuple[str, int, int | None, tuple[Garble, ...]] | None = None


def _find(text: str, sc: Scan, start: int, end: int | None) -> list[Garble]:
    end = len(text) if end is None else end
    runs = sc.runs
    if start > 0 or end < len(text):
        # Clamp to the range, keeping indexes: windows never look past it.
        runs = tuple((min(max(a, start), end), max(min(b, end), start)) for a, b in runs)
    found: dict[int, list[Garble]] = {}  # by run index
    unexplained: list[int] = []
    for k in sc.hot:
        rs, re_ = runs[k]
        if rs >= re_:
            continue
        if re_ - rs == 1:
            if text[rs] not in MOJIBAKE_LONE:
                continue
        elif MOJIBAKE_SUSPECTS.isdisjoint(text[rs:re_]):
            continue
        garbles = _ask_ftfy(text, runs, k, start, end)
        if garbles:
            found[k] = garbles
        elif re_ - rs > 1:
            unexplained.append(k)
    if found:
        _propagate(text, runs, found, start, end)
    # Guesses last: a plan ftfy gave for the line is the better explanation.
    for k in unexplained:
        if k not in found:
            guess = _guess(text, *runs[k], start, end)
            if guess:
                found[k] = [guess]
    return [g for k in sorted(found) for g in found[k]]


_LOSSY = ("transcode", "replace_lossy_sequences")


def _lossy_deletion(unit: str, fixed: str, plan: Plan) -> bool:
    """Did ftfy's lossy step delete text rather than repair it?

    replace_lossy_sequences turns a lead byte next to a lost one into U+FFFD: in
    `\ufffdÐ\ufffd` it swallows the `Ð`, a letter between two invalid bytes, and in
    `\ufffdÐ\ufffdÂ¿` it does so beside the real repair of `Â¿`. The step only ever
    merges characters into a U+FFFD, so compare the text between the U+FFFDs: each
    piece must come out as it was, or as the plan's other steps make it. A U+FFFD added
    or a piece that lost characters is a deletion. (A lossy plan that merged nothing
    still repairs: `Â«\ufffd` -> `«\ufffd`; and an empty repair is fine: `Â«` -> `«`
    trims to deleting the `Â`.)
    """
    if _LOSSY not in plan:
        return False
    before, after = unit.split("\ufffd"), fixed.split("\ufffd")
    if len(before) != len(after):
        return True
    steps = [step for step in plan if step != _LOSSY]
    return any(a != b and a != _apply_plan(b, steps) for b, a in zip(before, after))


def _apply_plan(text: str, plan: list[tuple[str, str]]) -> str | None:
    try:
        return ftfy.apply_plan(text, plan)
    except (UnicodeError, LookupError, TypeError, ValueError):
        return None


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


def _window(runs: Runs, k: int, start: int, end: int) -> tuple[int, int]:
    """A run plus up to _CONTEXT ASCII characters either side, not reaching another run."""
    rs, re_ = runs[k]
    ws = max(start, rs - _CONTEXT, runs[k - 1][1] if k else start)
    we = min(end, re_ + _CONTEXT, runs[k + 1][0] if k + 1 < len(runs) else end)
    return ws, we


def _ask_ftfy(text: str, runs: Runs, k: int, start: int, end: int) -> list[Garble]:
    ws, we = _window(runs, k, start, end)
    if BADNESS_RE.search(text, ws, we):
        unit = text[ws:we]
        fixed, plan = _fix(unit)
        if fixed != unit and not _lossy_deletion(unit, fixed, plan):
            if _APPLY_INCONSISTENT in plan:
                pieces = _pieces(unit, fixed, ws)
                if pieces is not None:
                    return pieces
            return _split_implausible(_edit(unit, fixed, ws, plan))
    return []


@lru_cache(maxsize=8192)
def _fix(unit: str) -> tuple[str, Plan]:
    """ftfy's repair and plan for a run with its context; a garbled note repeats the
    same garbled words many times."""
    fixed, explanation = ftfy.fix_encoding_and_explain(unit)
    return fixed, tuple((s.action, s.parameter) for s in explanation or ())


def _edit(unit: str, fixed: str, offset: int, plan: Plan, safe: bool | None = None) -> Garble:
    """The edit turning unit into fixed, trimmed to what changed."""
    p, s = changed_span(unit, fixed)
    span = unit[p : len(unit) - s]
    repair = fixed[p : len(fixed) - s]
    if safe is None:
        safe = _is_safe(span, repair, plan)
    return Garble(offset + p, offset + p + len(span), repair, safe, plan)


def _pieces(unit: str, fixed: str, offset: int) -> list[Garble] | None:
    """Re-derive ftfy's decode_inconsistent_utf8 one piece at a time.

    When a run mixes correct non-ASCII text with a garbled piece (`开源â€™模型`), no
    single codec round-trips the whole run, and ftfy fixes the pieces its
    UTF8_DETECTOR_RE finds. Asking about each piece separately gives each its own
    plain explanation, so its fix can be safe. None when the pieces do not add up
    to ftfy's answer for the whole.
    """
    garbles: list[Garble] = []
    for m in UTF8_DETECTOR_RE.finditer(unit):
        piece = m.group()
        if not is_bad(piece):
            continue
        repaired, plan = _fix(piece)
        if repaired != piece:
            garbles.append(_edit(piece, repaired, offset + m.start(), plan))
    shifted = [replace(g, start=g.start - offset, end=g.end - offset) for g in garbles]
    if not garbles or apply_repairs(unit, shifted) != fixed:
        return None
    return garbles


def _is_safe(span: str, repair: str, plan: Plan) -> bool:
    if not plan or any(action not in ("encode", "decode") for action, _ in plan):
        return False
    # Undo the plan on the repair: encode with each decode's codec and decode with
    # each encode's, in reverse. Getting the span back proves nothing was guessed.
    back: str | bytes = repair
    try:
        for action, codec in reversed(plan):
            if action == "decode" and isinstance(back, str):
                back = back.encode(codec)
            elif action == "encode" and isinstance(back, bytes):
                back = back.decode(codec)
            else:
                return False
    except (UnicodeError, LookupError):
        return False
    return back == span


def _plausible(repair: str) -> bool:
    """Could this be what someone wrote? Rejects what accidental round trips produce:
    IPA and spacing modifiers (`NESTLÉ®` -> `NESTLɮ`), controls, private use and
    unassigned code points."""
    for c in repair:
        o = ord(c)
        if 0x250 <= o <= 0x2FF or unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs"):
            return False
    return not is_bad(repair)


def _split_implausible(g: Garble) -> list[Garble]:
    """Drop the parts of a one-codec repair that decode to implausible characters.

    A run can hold a correct word glued to a garbled one (`NESTLÉ®â€™s`); re-encoding
    the whole run would damage the correct part, so split the span into the pieces
    that became one character each and keep only the plausible ones.
    """
    if g.repair == "" or _plausible(g.repair) or len(g.plan) != 2:
        return [g]
    (act1, codec), (act2, target) = g.plan
    if (act1, act2, target) != ("encode", "decode", "utf-8"):
        return [g]
    span_len = g.end - g.start
    pieces: list[Garble] = []
    pos = 0
    # One repaired character at a time: its UTF-8 length says how many bytes, and so
    # how many span characters (one byte each in a single-byte codec), it came from.
    for c in g.repair:
        n = len(c.encode("utf-8"))
        if pos + n > span_len:
            return []
        if _plausible(c) and n > 1:
            pieces.append(replace(g, start=g.start + pos, end=g.start + pos + n, repair=c))
        pos += n
    return pieces if pos == span_len else []


def _propagate(
    text: str, runs: Runs, found: dict[int, list[Garble]], start: int, end: int
) -> None:
    """Try each line's ftfy plan on the line's other runs (`ÄŒ` in `ÄŒeÅ¡tina`)."""
    line_plans: dict[int, list[Plan]] = {}
    for k, garbles in found.items():
        line = max(text.rfind("\n", start, runs[k][0]) + 1, start)
        for g in garbles:
            if g.source == "ftfy" and g.plan and _APPLY_INCONSISTENT not in g.plan:
                bucket = line_plans.setdefault(line, [])
                for plan in _variants(g.plan):
                    if plan not in bucket:
                        bucket.append(plan)
    if not line_plans:
        return
    for k, (rs, re_) in enumerate(runs):
        if k in found or rs >= re_:
            continue
        plans = line_plans.get(max(text.rfind("\n", start, rs) + 1, start))
        if not plans:
            continue
        ws, we = _window(runs, k, start, end)
        unit = text[ws:we]
        for plan in plans:
            try:
                fixed = ftfy.apply_plan(unit, list(plan))
            except (UnicodeError, LookupError, TypeError, ValueError):
                # A variant can keep a bytes-only step (restore_byte_a0) where ftfy's
                # own plan had none: that plan does not apply here.
                continue
            if fixed == unit or _lossy_deletion(unit, fixed, plan):
                continue
            g = replace(_edit(unit, fixed, ws, plan), source="line")
            if g.start >= rs and _plausible(g.repair):
                found[k] = [g]
                break


def _variants(plan: Plan) -> list[Plan]:
    """The plan, then what ftfy would have chosen with more of the line in view.

    ftfy prefers Latin-1 when a run allows it, and Windows-1252 when the line holds a
    character Latin-1 lacks (`ÄŒ`); and it restores a no-break space that became a
    plain space (`Å iaip` for `Šiaip`) only where the bytes around call for it.
    """
    plans = [plan]
    if plan and plan[0] == ("encode", "latin-1"):
        plans.append((("encode", "sloppy-windows-1252"), *plan[1:]))
    for p in list(plans):
        if p[0][1] != "macroman" and ("transcode", "restore_byte_a0") not in p:
            plans.append((p[0], ("transcode", "restore_byte_a0"), *p[1:]))
    return plans


# --- garbles ftfy's badness pattern lets through -----------------------------------

_PLAN_1252: Plan = (("encode", "sloppy-windows-1252"), ("decode", "utf-8"))
# UTF-8 lead bytes, read as Windows-1252, of the Latin letters garbled words come
# from: C3 (U+00C0-00FF), C4 and C5 (Latin Extended-A), C8 (Romanian ș ț); of the
# symbols (E2: U+2000-2FFF) and of emoji (F0).
_LATIN_LEADS = frozenset("ÃÄÅÈ")
# Every UTF-8 lead byte (C2-F4) as Windows-1252 reads it.
_GUESS_LEADS = frozenset(bytes(range(0xC2, 0xF5)).decode("cp1252"))
# Closing punctuation may follow a word-final `â` in correct text (`hâlâ…”`).
_CLOSING = frozenset("’”…»›´\xa0")


def _guess(text: str, rs: int, re_: int, start: int, end: int) -> Garble | None:
    """Windows-1252 mojibake that ftfy lets through, under narrow conditions.

    - A garbled Latin letter in a word: `Ä™` in `siÄ™`, `ÄŸ` in `deÄŸil`, `Ã¥` in
      `Ã¥r`, `ÄŒ` in `ÄŒa`. The run must round-trip into Latin letters (not IPA or
      Cyrillic: `CAFÉ»` would give `CAFɻ`) and sit where a capital and a symbol
      cannot: after a lowercase letter, or before a letter with no apostrophe or
      space-like character in between.
    - A garbled word of another script: `ÑŽÑ€` for `юр`, `ã‚\xad` for `キ`. Letters of
      one script that is not Latin, two of them or one CJK character, are not
      chance, unless the bytes read as a letter then closing punctuation.
    - A garbled symbol or emoji standing alone: `â„¢` for ™, `â—\x8f` for ●, `ðŸ‘\x8d`
      for 👍. Three or four characters that round-trip into exactly one symbol per
      sequence are never correct text, unless the second and third are both closing
      punctuation after a word-final `â` (`hâlâ…”`).
    Correct text in the languages we tried never meets these conditions.
    """
    if re_ - rs < 2 or text[rs] not in _GUESS_LEADS:
        return None
    run = text[rs:re_]
    try:
        repair = run.encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return None
    if run[0] in "âð":
        return _guess_symbols(run, repair, rs, re_)
    if run[0] not in _LATIN_LEADS or not all(_latin_letter(c) for c in repair):
        return _guess_word(run, repair, rs, re_)
    before = text[rs - 1] if rs > start else ""
    after = text[re_] if re_ < end else ""
    if before.isascii() and before.islower():
        pass  # inside a lowercase word: `siÄ™`, `deÄŸil`
    elif not (after.isascii() and after.isalpha()):
        return None  # at the end of a word after a capital: `SELKÄ…`
    elif run[-1] in "’‘" and after in "sdtmlrv":
        return None  # an English ending after a capital: `SKÅ’s`, `a lot of Ã’s`
    elif run[0] != "Ã" and any(c in "\xa0\xad’‘" for c in run) and not (
        repair[-1] == "Š" and after.islower()
    ):
        # Around what reads as a space or an apostrophe, correct text does this
        # (`SELKÄ\xa0EDELLÄ`, `LÄ’autre`); but `Å\xa0koda` is `Škoda`, and `Ã` is
        # never followed by punctuation in Portuguese or Vietnamese.
        return None
    return Garble(rs, re_, repair, False, _PLAN_1252, "word")


def _guess_symbols(run: str, repair: str, rs: int, re_: int) -> Garble | None:
    pos = 0
    for c in repair:
        n = len(c.encode("utf-8"))
        piece = run[pos : pos + n]
        pos += n
        if n == 3 and piece[0] == "â":
            if piece[1] in _CLOSING and piece[2] in _CLOSING:
                return None
        elif not (n == 4 and piece[0] == "ð"):
            return None
        if unicodedata.category(c)[0] not in "SPN" and not _emoji(c):
            return None
    return Garble(rs, re_, repair, False, _PLAN_1252, "word")


def _guess_word(run: str, repair: str, rs: int, re_: int) -> Garble | None:
    if len(repair) == 1 and (len(run) < 3 or all(c in _CLOSING for c in run[1:])):
        # One letter from two bytes (`É»` -> `ɻ`), or an accented letter then closing
        # punctuation (`allé…”` -> `allCJK`): correct text does this.
        return None
    scripts = set()
    for c in repair:
        category = unicodedata.category(c)
        if category[0] == "M":
            continue
        if category[0] != "L" or category == "Lm":
            return None
        scripts.add(_SCRIPT_FAMILY.get(script := unicodedata.name(c, "?").split()[0], script))
    if len(scripts) != 1 or scripts & {"LATIN", "?"} or (len(repair) == 1 and scripts != {"CJK"}):
        return None
    return Garble(rs, re_, repair, False, _PLAN_1252, "word")


_SCRIPT_FAMILY = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK"}


def _latin_letter(c: str) -> bool:
    o = ord(c)
    return (0xC0 <= o <= 0x17F and c not in "×÷") or 0x218 <= o <= 0x21B


def _emoji(c: str) -> bool:
    return 0x1F000 <= ord(c) <= 0x1FAFF
