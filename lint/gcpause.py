"""The cyclic garbage collector held back while a run builds what it keeps."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# few_collections is shared by every run in the process: lint.check() is a library call,
# and runs may overlap in threads. Only the outermost run changes the collector and only
# it puts things back, so an overlapping run cannot leave the threshold raised.
_gc_lock = threading.Lock()
_gc_depth = 0
_gc_saved: tuple[tuple[int, ...], bool] = ((), False)  # the host's threshold; did we freeze


@contextmanager
def few_collections() -> Iterator[None]:
    """A run keeps what it parses (many objects a link, no cycles among them), so at the
    default threshold the cyclic collector runs again and again over a growing heap
    and frees nothing, a measurable share of a cold run (figures: bench/README.md).
    Collect rarely instead, and freeze what imports made (forked workers then leave
    those pages shared).

    gc.unfreeze() thaws everything, not just what we froze: when the host program has
    frozen objects of its own (gc.get_freeze_count() > 0), we neither freeze nor thaw."""
    global _gc_depth, _gc_saved
    with _gc_lock:
        if _gc_depth == 0:
            freeze = gc.get_freeze_count() == 0
            _gc_saved = (gc.get_threshold(), freeze)
            if freeze:
                gc.freeze()
            gc.set_threshold(100_000, 50, 100)
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                threshold, froze = _gc_saved
                gc.set_threshold(*threshold)
                if froze:
                    gc.unfreeze()


