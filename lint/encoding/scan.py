"""One pass over a note that every encoding check starts from, shared and cheap.

The checks all ask where the rare interesting characters of a mostly-ASCII note are.
A regular expression over the whole note costs more than the whole budget of the
encoding rules (bench/README.md, "Figures moved from code comments"). CPython's ASCII encoder scans
in C and hands each maximal run of characters it cannot encode to an error handler:
one Python call per run of non-ASCII text. Its output, the ASCII part of the note,
shows C0 controls with one `bytes.translate`. Each run is then looked at once:
a lone character by a set lookup, a longer run by `frozenset.isdisjoint`, and only
the few runs holding a character some check cares about are kept as `hot`.
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Callable
from dataclasses import dataclass

from lint.encoding import alphabet
from lint.encoding.invisible import REPORTED_CONTROLS

_HANDLER = "notelint-non-ascii-runs"
_local = threading.local()
# ASCII bytes that are not reported controls: deleting them leaves only C0 controls
# (other than tab, LF, CR) and DEL.
_ASCII_TEXT = bytes(b for b in range(0x80) if chr(b) not in REPORTED_CONTROLS)


@dataclass(frozen=True, slots=True)
class Scan:
    runs: tuple[tuple[int, int], ...]  # maximal runs of non-ASCII characters, in order
    hot: tuple[int, ...]  # indexes into runs of those holding a character of interest
    ascii_controls: bool  # C0 controls other than tab, LF, CR; or DEL


_LONE_HOT = alphabet.LONE_HOT


def _first_hot_disjoint(run: str) -> bool:
    # Builds alphabet.HOT on the first run of non-ASCII text, not on import (ftfy's
    # alphabet is not needed by an ASCII vault), then stands aside.
    global _HOT_DISJOINT
    _HOT_DISJOINT = alphabet.HOT.isdisjoint
    return _HOT_DISJOINT(run)


_HOT_DISJOINT: Callable[[str], bool] = _first_hot_disjoint
# The handler's output lists. Module globals, not threading.local: the handler runs
# once per run, and attribute lookups on a local() made a scan much slower. _lock
# makes them safe: a thread holds it for the whole encode call.
_runs: list[tuple[int, int]] = []
_hot: list[int] = []
_lock = threading.Lock()


def _collect(err: UnicodeEncodeError) -> tuple[str, int]:
    # Called by the encoder for each run; classifying the run here saves a second loop.
    start = err.start
    end = err.end
    if end - start == 1:
        if err.object[start] in _LONE_HOT:
            _hot.append(len(_runs))
    elif not _HOT_DISJOINT(err.object[start:end]):
        _hot.append(len(_runs))
    _runs.append((start, end))
    return "", end


# Only ever raised from str.encode: the handler sees UnicodeEncodeError alone (a check
# in the handler would cost a call per run).
codecs.register_error(_HANDLER, _collect)  # type: ignore[arg-type]
_EMPTY = Scan((), (), False)


def scan(text: str) -> Scan:
    """The scan of text. The last answer is kept per thread: the encoding rules ask
    about the same note one after another."""
    last = getattr(_local, "last", None)
    if last is not None and last[0] is text:
        return last[1]
    if text.isascii():  # O(1) in CPython: the string object knows it is ASCII
        result = Scan((), (), bool(text.encode("ascii").translate(None, _ASCII_TEXT))) if text else _EMPTY
    else:
        with _lock:
            _runs.clear()
            _hot.clear()
            ascii_part = text.encode("ascii", _HANDLER)
            result = Scan(tuple(_runs), tuple(_hot), bool(ascii_part.translate(None, _ASCII_TEXT)))
    if len(text) > _NOT_WORTH_KEEPING:
        _local.last = (text, result)
    return result


# Short strings (a file name, a front matter value) are scanned in no time; keeping
# them would push out the note the next rule asks about.
_NOT_WORTH_KEEPING = 256
