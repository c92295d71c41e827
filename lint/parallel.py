"""Parsing a large vault in worker processes.

Workers are forked, so they inherit the Linter (config, rules, the vault's file list)
without pickling it. Each worker owns a share of the notes and works in two passes:

1. parse its notes and run the content rules; send back per note only what others may
   see (its export: front matter data, headings, block ids), its findings, and, for
   the cache, its facts already pickled (bytes the main process stores without decoding);
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
from typing import TYPE_CHECKING

from lint.facts import NoteFacts, pack, unpack

if TYPE_CHECKING:
    from lint.engine import Linter

# Below this many notes to parse, starting workers costs more than it saves
# (measured on 2 cores: see bench/README.md).
PARALLEL_THRESHOLD = 400
BATCH = 128
# From this many notes a worker holds its notes' facts pickled between its passes: 2.3 KB
# a note against 10 KB as objects (a link is a tuple, three strings and four ints), for
# about 15 µs a note to unpickle again. At 50,000 notes (25,000 a worker) that is a
# worker of 260 MB instead of 500 MB; at 10,000 the objects cost 50 MB and save CPU.
HELD_PICKLED_FROM = 12_000


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


def _worker(linter: Linter, paths: list[str], cross: set[str], conn, keep_blobs: bool,
            mains: list) -> None:
    if hasattr(signal, "pthread_sigmask"):  # forked with SIGINT held: take it again
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for end in mains:  # the main process's ends, copied by the fork
        end.close()
    try:
        # Between its two passes a worker holds its notes' facts; a large share is held
        # pickled (see HELD_PICKLED_FROM).
        pickled = len(paths) >= HELD_PICKLED_FROM
        held: dict[str, NoteFacts | bytes] = {}
        batch = []
        for rel in paths:
            p = linter.process(rel, keep_note=False)
            # facts go to the main process for the cache, and for a note with suppression
            # comments, whose unused ones are reported there at their line
            send = keep_blobs or bool(p.directives)
            blob = p.facts_blob if p.skip is None and (send or pickled) else None
            if p.skip is None:
                held[rel] = blob if pickled else p.facts  # type: ignore[assignment]
            else:
                linter.processed[rel] = p
            key = p.cross_key if keep_blobs else None  # only the cache compares them
            # packed: held and sent as one bytes object, not a dict and tuples of headings
            export = pack(p.export) if p.export is not None else None
            if export is not None:
                linter.exports[rel] = export  # what the cross-note rules read of it here
            batch.append((rel, p.stat, p.digest, key, p.local, p.directives, p.skip, export,
                          blob if send else None))
            if len(batch) >= BATCH:
                conn.send_bytes(pickle.dumps(("parsed", batch), -1))
                batch = []
        conn.send_bytes(pickle.dumps(("parsed", batch), -1))
        conn.send_bytes(pickle.dumps(("done", None), -1))
        exports = pickle.loads(conn.recv_bytes())
        linter.exports.update(exports)
        found = {}
        for rel in paths:
            facts = held.get(rel)
            if rel in cross and facts is not None:
                if isinstance(facts, bytes):
                    facts = unpack(facts)
                found[rel] = linter.cross_findings(facts)  # type: ignore[arg-type]
        conn.send_bytes(pickle.dumps(("cross", found), -1))
    except BaseException:  # noqa: BLE001 - the main process reports it
        # unless it is gone (it was interrupted, or failed): then there is no one to tell
        with contextlib.suppress(OSError):
            conn.send_bytes(pickle.dumps(("error", traceback.format_exc()), -1))
    finally:
        conn.close()


def process_parallel(linter: Linter, paths: list[str], cross: set[str], jobs: int,
                     keep_blobs: bool) -> dict[str, list]:
    """Parse `paths` in `jobs` workers (facts land in linter.processed, with their
    exports in linter.exports) and return the cross-note findings of the notes in
    `cross`. The caller has put the exports of every note not in `paths` in
    linter.exports already."""
    from lint.engine import Processed

    _preload(linter)
    ctx = multiprocessing.get_context("fork")
    shares = [paths[i::jobs] for i in range(jobs)]  # interleaved: folders spread evenly
    pipes: list = []
    procs: list = []
    progress = _progress(linter, len(paths))
    linter.stats["workers"] = jobs
    try:
        for share in shares:
            here, there = ctx.Pipe(duplex=True)
            # The worker closes its copies of this process's ends (its own and the earlier
            # workers'): while a copy is open, a pipe never breaks, and a worker left
            # behind by a main process that died blocked on it forever.
            proc = ctx.Process(target=_worker, daemon=True,
                               args=(linter, share, cross, there, keep_blobs, [*pipes, here]))
            with _interrupts_held():
                # An interrupt between the fork and the record would leave a worker
                # nobody kills (the command leaves with os._exit: no atexit reaps it).
                pipes.append(here)
                proc.start()
                procs.append(proc)
            there.close()
        from multiprocessing.connection import wait

        waiting = {pipe: i for i, pipe in enumerate(pipes)}
        while waiting:
            for pipe in wait(list(waiting)):
                kind, payload = pickle.loads(pipe.recv_bytes())
                if kind == "error":
                    raise RuntimeError(f"a worker failed:\n{payload}")
                if kind == "done":
                    del waiting[pipe]
                    continue
                for rel, st, digest, key, local, ds, skip, export, blob in payload:
                    linter.adopt(Processed(rel, st, digest, blob, local, ds, skip, cross_key=key,
                                           export=export))
                progress(len(payload))
        for i, pipe in enumerate(pipes):
            # Only what the other workers parsed: a worker has its own notes' exports,
            # and those of the notes the cache held before the fork.
            others = {rel: linter.exports[rel] for j, share in enumerate(shares) if j != i
                      for rel in share if rel in linter.exports}
            pipe.send_bytes(pickle.dumps(others, -1))
            del others
        found: dict[str, list] = {}
        for pipe in pipes:
            kind, payload = pickle.loads(pipe.recv_bytes())
            if kind == "error":
                raise RuntimeError(f"a worker failed:\n{payload}")
            found.update(payload)
        return found
    except (EOFError, OSError) as e:  # a pipe closed under us: a worker is gone
        how = _how_they_ended(procs)
        for proc in procs:
            proc.kill()
        raise WorkerDied(how) from e
    except BaseException:
        # Interrupted (SIGINT to this process alone), or a worker failed: the others'
        # work is not wanted. Waiting for them took 5 s a worker.
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


class WorkerDied(Exception):
    """A worker process ended without finishing its share (killed, out of memory)."""


def _how_they_ended(procs: list) -> str:
    for proc in procs:
        proc.join(timeout=0.5)  # the one that died has ended; the others wait for us
    ended = Counter()
    for proc in procs:
        code = proc.exitcode
        if code is not None and code < 0:
            ended[f"killed by signal {-code}"] += 1
        elif code:
            ended[f"exit code {code}"] += 1
    how = "; ".join(f"{n} {what}" for what, n in ended.items()) or "its pipe closed"
    return (f"a worker process ended before finishing its share of the notes ({how}); "
            "out of memory?")


def _preload(linter: Linter) -> None:
    """Import before forking what every worker would import for itself: the lazy
    imports (ftfy 45-110 ms, rapidfuzz 12 ms, the parser with PyYAML 15 ms) are paid
    once, and the pages shared."""
    import lint.note  # noqa: F401 - the parser: a warm run does without it
    if linter.content_rules:
        from lint.encoding.mojibake import load_ftfy

        load_ftfy()
    if linter.cross_rules:
        import rapidfuzz.fuzz  # noqa: F401 - suggestions for broken links and anchors
        import rapidfuzz.process  # noqa: F401


def _progress(linter: Linter, total: int) -> Callable[..., None]:
    """A progress bar on an interactive terminal for long runs; never in pipes or CI."""
    if not linter.request.progress or total < 5000 or not sys.stderr.isatty() or os.environ.get("CI"):
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
