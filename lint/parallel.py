"""Parsing a large vault in worker processes.

Workers are forked, so they inherit the run's plan and note store (config, rules, the
vault's file list, what the cache held) without pickling them. Each worker owns a share of the notes and works in two passes:

1. parse its notes and run the content rules; send back per note its Wire (lint/process.py:
   the cache entry, holding its findings and what others may see of it, and, for the
   cache, its facts already pickled: bytes the main process stores without decoding);
2. receive every note's export, then run the cross-note rules (links) on its own notes,
   whose full facts it held (pickled, for a large share), and send back their findings.

So no Note and no link object ever crosses a pipe, and the link rules run in parallel.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from lint.facts import NoteFacts, unpack
from lint.process import Processed, Wire

if TYPE_CHECKING:
    from lint.plan import Plan
    from lint.store import NoteStore

# Below this many notes to parse, starting workers costs more than it saves
# (measured on 2 cores: see bench/README.md).
PARALLEL_THRESHOLD = 400
BATCH = 128
# From this many notes a worker holds its notes' facts pickled between its passes: a
# fraction of their size as objects (a link is a tuple, three strings and four ints), for
# the CPU time to unpickle them again. On a large vault that saves much of a worker's memory;
# on a smaller one the objects cost little memory and save CPU (figures: bench/README.md).
HELD_PICKLED_FROM = 12_000


def jobs_for(asked: int | None, count: int) -> int:
    if asked is not None:
        return max(1, asked)
    if count < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


@contextlib.contextmanager
def _interrupts_held():
    """SIGINT waits (pending) until the block ends, then is raised as usual."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, old)


def _worker(store: NoteStore, paths: list[str], cross: set[str], conn, keep_blobs: bool,
            mains: list) -> None:
    if hasattr(signal, "pthread_sigmask"):  # forked with SIGINT held: take it again
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for end in mains:  # the main process's ends, copied by the fork
        end.close()
    try:
        held = _parse_share(store, paths, conn, keep_blobs)
        conn.send_bytes(pickle.dumps(("done", None), -1))
        store.foreign.update(pickle.loads(conn.recv_bytes()))
        found = {}
        for rel in paths:
            facts = held.get(rel)
            if rel in cross and facts is not None:
                if isinstance(facts, bytes):
                    facts = unpack(facts)  # type: ignore[assignment]
                found[rel] = store.checker.cross_findings(facts)  # type: ignore[arg-type]
        conn.send_bytes(pickle.dumps(("cross", found), -1))
    except BaseException:  # noqa: BLE001 - the main process reports it
        # unless it is gone (it was interrupted, or failed): then there is no one to tell
        with contextlib.suppress(OSError):
            conn.send_bytes(pickle.dumps(("error", traceback.format_exc()), -1))
    finally:
        conn.close()


def _parse_share(store: NoteStore, paths: list[str], conn,
                 keep_blobs: bool) -> dict[str, NoteFacts | bytes | None]:
    """Pass 1: process the worker's notes and send them in batches. Between its passes a
    worker holds its notes' facts; a large share is held pickled (see HELD_PICKLED_FROM)."""
    pickled = len(paths) >= HELD_PICKLED_FROM
    held: dict[str, NoteFacts | bytes | None] = {}
    batch: list[Wire] = []
    for rel in paths:
        p = store.parse(rel, keep_note=False)
        # facts go to the main process for the cache, and for a note with suppression
        # comments, whose unused ones are reported there at their line
        send = keep_blobs or bool(p.directives)
        batch.append(p.to_wire(with_facts=send, with_key=keep_blobs))
        # Held as the other workers' notes are: its export (what the Vault reads of it
        # for other notes) and, apart, its facts (for its own cross-note findings).
        if p.entry.export:
            store.foreign[rel] = p.entry.export
        if p.skip is None:
            held[rel] = p.facts_blob() if pickled else p.facts
        else:
            store.processed[rel] = p
        if len(batch) >= BATCH:
            conn.send_bytes(pickle.dumps(("parsed", batch), -1))
            batch = []
    conn.send_bytes(pickle.dumps(("parsed", batch), -1))
    return held


def process_parallel(store: NoteStore, paths: list[str], cross: set[str], jobs: int,
                     keep_blobs: bool, progress_bar: bool = False) -> dict[str, list]:
    """Parse `paths` in `jobs` workers (adopted by the store) and return the cross-note
    findings of the notes in `cross`. Every note not in `paths` is in the store already."""
    _preload(store.plan)
    ctx = multiprocessing.get_context("fork")
    shares = [paths[i::jobs] for i in range(jobs)]  # interleaved: folders spread evenly
    pipes: list[Connection] = []
    procs: list = []
    progress = _progress(progress_bar, len(paths))
    store.stats["workers"] = jobs
    try:
        for share in shares:
            here, there = ctx.Pipe(duplex=True)
            # The worker closes its copies of this process's ends (its own and the earlier
            # workers'): while a copy is open, a pipe never breaks, and a worker left
            # behind by a main process that died blocked on it forever.
            proc = ctx.Process(target=_worker, daemon=True,
                               args=(store, share, cross, there, keep_blobs, [*pipes, here]))
            with _interrupts_held():
                # An interrupt between the fork and the record would leave a worker
                # nobody kills (the command leaves with os._exit: no atexit reaps it).
                pipes.append(here)
                proc.start()
                procs.append(proc)
            there.close()
        _collect_parsed(store, pipes, progress)
        return _cross_pass(store, pipes, shares)
    except (EOFError, OSError) as e:  # a pipe closed under us: a worker is gone
        how = _how_they_ended(procs)
        for proc in procs:
            proc.kill()
        raise WorkerDied(how) from e
    except BaseException:
        # Interrupted (SIGINT to this process alone), or a worker failed: the others'
        # work is not wanted, and waiting for them took seconds (bench/README.md).
        for proc in procs:
            proc.kill()
        raise
    finally:
        progress(0, done=True)
        for pipe in pipes:
            pipe.close()
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


def _collect_parsed(store: NoteStore, pipes: list[Connection], progress: Callable[..., None]) -> None:
    """Pass 1, the main side: adopt what the workers processed, as it comes."""
    from multiprocessing.connection import wait

    waiting = set(pipes)
    while waiting:
        for pipe in wait(list(waiting)):
            assert isinstance(pipe, Connection)
            kind, payload = _receive(pipe)
            if kind == "done":
                waiting.discard(pipe)
                continue
            for wire in payload:
                store.adopt(Processed.from_wire(wire))
            progress(len(payload))


def _cross_pass(store: NoteStore, pipes: list[Connection], shares: list[list[str]]) -> dict[str, list]:
    """Pass 2: each worker gets the exports of the notes the others processed (it has
    its own, and those the cache held before the fork) and sends its cross-note findings."""
    processed = store.processed
    for i, pipe in enumerate(pipes):
        others = {rel: processed[rel].entry.export for j, share in enumerate(shares) if j != i
                  for rel in share if processed[rel].entry.export}
        pipe.send_bytes(pickle.dumps(others, -1))
        del others
    found: dict[str, list] = {}
    for pipe in pipes:
        found.update(_receive(pipe)[1])
    return found


def _receive(pipe: Connection) -> tuple[str, Any]:
    kind, payload = pickle.loads(pipe.recv_bytes())
    if kind == "error":
        raise RuntimeError(f"a worker failed:\n{payload}")
    return kind, payload


class WorkerDied(Exception):
    """A worker process ended without finishing its share (killed, out of memory)."""


def _how_they_ended(procs: list) -> str:
    for proc in procs:
        proc.join(timeout=0.5)  # the one that died has ended; the others wait for us
    ended: Counter[str] = Counter()
    for proc in procs:
        code = proc.exitcode
        if code is not None and code < 0:
            ended[f"killed by signal {-code}"] += 1
        elif code:
            ended[f"exit code {code}"] += 1
    how = "; ".join(f"{n} {what}" for what, n in ended.items()) or "its pipe closed"
    return (f"a worker process ended before finishing its share of the notes ({how}); "
            "out of memory?")


def _preload(plan: Plan) -> None:
    """Import before forking what every worker would import for itself: the lazy
    imports (ftfy, rapidfuzz, the parser with PyYAML; figures: bench/README.md) are
    paid once, and the pages shared."""
    import lint.note  # noqa: F401 - the parser: a warm run does without it
    if plan.content_rules:
        from lint.encoding.mojibake import load_ftfy

        load_ftfy()
    if plan.cross_rules:
        import rapidfuzz.fuzz  # noqa: F401 - suggestions for broken links and anchors
        import rapidfuzz.process  # noqa: F401


def _progress(wanted: bool, total: int) -> Callable[..., None]:
    """A progress bar on an interactive terminal for long runs; never in pipes or CI."""
    if not wanted or total < 5000 or not sys.stderr.isatty() or os.environ.get("CI"):
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
