#!/usr/bin/env python3
"""Profile one cold notelint run (no cache to start from) and print where the time goes.

    python bench/profile_run.py --notes 10000                 # cProfile, one process
    python bench/profile_run.py --notes 10000 --tool pyinstrument
    python bench/profile_run.py --notes 10000 --tool py-spy   # the real run, workers included
    python bench/profile_run.py path/to/vault --top 25
    python bench/profile_run.py --compare-jobs 200,400,800,1000   # the parallel threshold

cProfile and pyinstrument profile notelint inside this process; they cannot see forked
workers, so they force one process (the parallel threshold is raised for the run): the
profile shows the work, not the wall time of a parallel run. py-spy samples the real
command, its workers included (`--subprocesses`), and sums the samples per function
(cumulative: the samples with that function anywhere on the stack; self: on top).
pyinstrument and py-spy are not dependencies: `pip install pyinstrument py-spy`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def argv_for(vault: Path) -> list[str]:
    return ["check", str(vault), "-q", "--output-format", "concise"]


def in_process(vault: Path, tool: str, top: int) -> None:
    import lint.parallel
    from lint.cli import main as notelint

    lint.parallel.PARALLEL_THRESHOLD = 1 << 62  # one process: the profiler sees it all
    sink = io.StringIO()
    if tool == "cprofile":
        import cProfile
        import pstats

        prof = cProfile.Profile()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            prof.runcall(notelint, argv_for(vault))
        wall = time.perf_counter() - t0
        print(f"cold run in one process under cProfile: {wall:.2f} s "
              f"(cProfile adds overhead), {sink.getvalue().count(chr(10))} findings\n")
        stats = pstats.Stats(prof, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"--- top {top} by own time ---")
        stats.sort_stats("tottime").print_stats(top)
    else:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.001)
        with contextlib.redirect_stdout(sink):
            prof.start()
            notelint(argv_for(vault))
            prof.stop()
        print(prof.output_text(unicode=True, color=False, show_all=False))


def frame_name(frame: str) -> str:
    """py-spy's raw frame `function (path/to/file.py:123)` -> `function (lint/file.py)`."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("/lint/", "/site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/lint/":
                path = "lint/" + path
            break
    return f"{name} ({path})" if path else name


def with_py_spy(vault: Path, top: int, rate: int) -> None:
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    exe = shutil.which("notelint", path=str(Path(sys.executable).parent)) or "notelint"
    if not spy:
        sys.exit("py-spy not found: pip install py-spy")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        cmd = [spy, "record", "--subprocesses", "--rate", str(rate), "--format", "raw",
               "--output", str(raw), "--", exe, *argv_for(vault)]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if not raw.is_file():
            sys.exit(f"py-spy failed (exit {p.returncode}): {p.stderr.strip()[-500:]}")
        cumulative, own, total = Counter(), Counter(), 0
        for line in raw.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            frames = [frame_name(f) for f in stack.split(";")]
            # py-spy's pid frame, the entry point and multiprocessing's plumbing tell nothing
            frames = [f for f in frames if not f.startswith(("process ", "<module> "))
                      and "(multiprocessing/" not in f]
            total += n
            for f in set(frames):
                cumulative[f] += n
            if frames:
                own[frames[-1]] += n
    print(f"py-spy, {rate} samples/s, workers included: {total} samples "
          f"({total / rate:.2f} CPU-s sampled) in a {wall:.2f} s run (py-spy slows it)\n")
    for title, counter in (("cumulative", cumulative), ("own", own)):
        print(f"top {top} by {title} samples:")
        print(f"{'share':>6} {'CPU-s':>6}  function")
        for f, n in counter.most_common(top):
            print(f"{n / total:6.1%} {n / rate:6.2f}  {f}")
        print()


JOBS_CODE = """
import sys, lint.parallel
lint.parallel.PARALLEL_THRESHOLD = {threshold}
from lint.cli import main
sys.exit(main(['check', {vault!r}, '-q', '--output-format', 'concise', '--no-cache']))
"""


def compare_jobs(sizes: list[int], runs: int, seed: int, defect_rate: float) -> None:
    """One process against the parallel workers, --no-cache, at each size: where the
    parallel threshold (lint/parallel.py) should sit on this machine."""
    from run import ensure_vault

    print("| notes | one process s | parallel workers s |\n|---:|---:|---:|")
    for n in sizes:
        vault, _ = ensure_vault(BENCH / "out", n, seed, defect_rate)
        medians = []
        for threshold in (1 << 62, 0):
            walls = []
            for _ in range(runs):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-c",
                                JOBS_CODE.format(threshold=threshold, vault=str(vault))],
                               stdout=subprocess.DEVNULL)
                walls.append(time.perf_counter() - t0)
            medians.append(sorted(walls)[len(walls) // 2])
        print(f"| {n:,} | {medians[0]:.2f} | {medians[1]:.2f} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vault", nargs="?", type=Path, help="default: bench/out/vault-N (--notes)")
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defect-rate", type=float, default=0.02)
    ap.add_argument("--tool", choices=("cprofile", "pyinstrument", "py-spy"), default="cprofile")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--rate", type=int, default=250, help="py-spy samples a second")
    ap.add_argument("--compare-jobs", metavar="SIZES",
                    help="instead: time one process against the workers at these sizes "
                         "(comma-separated), 5 runs each")
    a = ap.parse_args(argv)
    if a.compare_jobs:
        compare_jobs([int(x) for x in a.compare_jobs.split(",")], 5, a.seed, a.defect_rate)
        return
    vault = a.vault
    if vault is None:
        from run import ensure_vault

        vault, _ = ensure_vault(BENCH / "out", a.notes, a.seed, a.defect_rate)
    vault = vault.resolve()
    shutil.rmtree(vault / ".notelint_cache", ignore_errors=True)  # a cold run
    print(f"vault: {vault} ({sum(1 for _ in vault.rglob('*.md')):,} notes); "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    if a.tool == "py-spy":
        with_py_spy(vault, a.top, a.rate)
    else:
        in_process(vault, a.tool, a.top)
    shutil.rmtree(vault / ".notelint_cache", ignore_errors=True)


if __name__ == "__main__":
    main()
