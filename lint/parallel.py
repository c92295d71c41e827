"""Parsing notes in worker processes when the vault is large enough to pay for them.

Workers are forked, so they inherit the Linter (config, rules, vault file list) without
pickling it; each sends back compact Processed records (facts and findings), never Notes.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lint.engine import Linter, Processed

# Below this many notes to parse, starting workers costs more than it saves
# (measured on 2 cores: see bench/README.md).
PARALLEL_THRESHOLD = 600
CHUNK = 64

_LINTER: Linter | None = None


def _work(paths: list[str]) -> list[Processed]:
    assert _LINTER is not None
    return [_LINTER.process(p, keep_note=False) for p in paths]


def jobs_for(linter: Linter, count: int) -> int:
    if linter.request.jobs is not None:
        return max(1, linter.request.jobs)
    if count < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def process_all(linter: Linter, paths: list[str]) -> Iterator[Processed]:
    jobs = jobs_for(linter, len(paths))
    progress = _progress(linter, len(paths))
    if jobs == 1:
        for p in paths:
            yield linter.process(p)
            progress(1)
        progress(0, done=True)
        return
    global _LINTER
    _LINTER = linter
    linter.stats["workers"] = jobs
    chunks = [paths[i: i + CHUNK] for i in range(0, len(paths), CHUNK)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for batch in pool.imap_unordered(_work, chunks):
                yield from batch
                progress(len(batch))
    finally:
        _LINTER = None
        progress(0, done=True)


def _progress(linter: Linter, total: int):
    """A progress bar on an interactive terminal for long runs; never in pipes or CI."""
    if not linter.request.progress or total < 2000 or not sys.stderr.isatty() or os.environ.get("CI"):
        return lambda n, done=False: None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("Linting notes", total=total)
    bar.start()

    def advance(n: int, done: bool = False) -> None:
        if done:
            bar.stop()
        else:
            bar.advance(task, n)

    return advance
