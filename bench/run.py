#!/usr/bin/env python3
"""Time notelint on generated vaults of 1k, 10k and 50k notes (and on real vaults, and
side by side with markdownlint-cli2 and remark when node is there). Prints Markdown.

    python bench/run.py                 # 1k, 10k, 50k; peers at 1k and 10k; corpora
    python bench/run.py --quick         # 1k only
    python bench/run.py --sizes 10000 --runs 5 --no-peers

Every figure is the wall time of `notelint check VAULT -q --output-format concise` as a
child process (interpreter start included), the median of --runs runs:

- no-cache:    `--no-cache`: neither read nor write the cache;
- cold:        `VAULT/.notelint_cache` removed first: parse everything, write the cache;
- warm:        again, nothing changed;
- one changed: a sentence appended to one note's body, then run (a new sentence each run).

Peak memory is the largest resident set of any one process of the run (`ru_maxrss` from
wait4, as `/usr/bin/time -f %M` reports it; taken by a small launcher, see LAUNCHER), and, from one extra cold run sampled every
50 ms, the peak of the summed PSS of the whole process tree (notelint forks workers, and
PSS shares the pages they have in common with the parent fairly among them).

See bench/README.md. Standard library only; the peers are installed with npm into
bench/.peers/ (gitignored) and run offline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import make_vault  # noqa: E402

PEERS = BENCH / ".peers"
PEER_CONFIG = BENCH / "peers"
CORPORA = ROOT.parent / "shared" / "corpora"
SHARED_GENERATOR = ROOT.parent / "shared" / "bench" / "make_vault.py"
NL = b"\n"
APPENDED = "This sentence was appended by the benchmark, run {k}, to change one note."


# -- running and measuring a child ---------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the whole process tree
    maxrss_mb: float  # largest resident set of any one process of the tree
    rc: int
    stdout: Path
    stderr: Path
    pss_mb: float | None = None  # peak of the summed PSS of the tree, when sampled

    def ok(self, codes=(0, 1)) -> bool:
        return self.rc in codes


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:  # no smaps_rollup: resident pages, an overcount for forked workers
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids, i = [self.pid], 0
            while i < len(pids):
                pids += _children(pids[i])
                i += 1
            # pids[0] is the launcher: not counted
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids[1:]))
            self.stop.wait(self.interval)


# The child is started by a small Python launcher, which forks, execs, times and reaps
# it. Linux starts a process's ru_maxrss at the peak RSS of the process it was exec'ed
# from, so a child spawned straight from this (large, after generating 50k notes) script
# would report at least this script's size; the launcher's 10 MB is the floor instead.
LAUNCHER = r"""
import json, os, sys, time
argv, out, err, cwd = sys.argv[4:], sys.argv[1], sys.argv[2], sys.argv[3]
fds = [os.open(os.devnull, os.O_RDONLY), os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
       os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        for i, fd in enumerate(fds):
            os.dup2(fd, i)
        if cwd:
            os.chdir(cwd)
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
sys.stdout.write(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                             "maxrss_kb": ru.ru_maxrss, "rc": os.waitstatus_to_exitcode(status)}))
"""


# What a user's Python does: write bytecode once and reuse it. A shell that exports
# PYTHONDONTWRITEBYTECODE (some containers do) makes an editable install compile about 15
# of notelint's modules from source on every run: 35-40 ms a run, measured.
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_child(argv: list[str], log: Path, cwd: Path | None = None, sample: bool = False,
              env: dict[str, str] | None = None) -> Run:
    """Run argv to completion; stdout and stderr go to log.out and log.err."""
    out, err = log.with_suffix(".out"), log.with_suffix(".err")
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(out), str(err), str(cwd or ""),
                             *argv], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env)
    sampler = TreeSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    report, _ = proc.communicate()
    if sampler:
        sampler.stop.set()
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"the launcher failed (exit {proc.returncode}) for {argv}")
    r = json.loads(report)
    return Run(r["wall"], r["cpu"], r["maxrss_kb"] / 1024, r["rc"], out, err,
               sampler.peak_kb / 1024 if sampler else None)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- notelint on one vault -----------------------------------------------------------


@dataclass
class Result:
    name: str
    notes: int
    mb: float
    load: str = ""
    times: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    pss_mb: float | None = None
    findings: int | None = None
    key: str = "-"  # answer key: found/expected, and findings on no defect's line
    problems: list[str] = field(default_factory=list)

    def med(self, mode: str) -> float:
        return median(self.times.get(mode, []))


class Notelint:
    def __init__(self, exe: str, logs: Path) -> None:
        self.exe, self.logs = exe, logs

    def argv(self, vault: Path, *extra: str) -> list[str]:
        return [self.exe, "check", str(vault), "-q", "--output-format", "concise", *extra]

    def measure(self, name: str, vault: Path, runs: int, cache_dir: Path | None = None,
                change: Path | None = None) -> Result:
        """no-cache, cold and warm runs (and one-changed when `change` names a note)."""
        notes = sum(1 for _ in vault.rglob("*.md"))
        mb = sum(p.stat().st_size for p in vault.rglob("*.md")) / 1e6
        res = Result(name, notes, mb, load=loadavg())
        cache = cache_dir or vault / ".notelint_cache"
        extra = ("--cache-dir", str(cache)) if cache_dir else ()
        outputs: dict[str, bytes] = {}

        def once(mode: str, *args: str, sample: bool = False) -> Run:
            r = run_child(self.argv(vault, *args), self.logs / f"{name}-{mode}", sample=sample,
                          env=USER_ENV)
            if not r.ok():
                tail = r.stderr.read_text(errors="replace").strip().splitlines()[-3:]
                res.problems.append(f"{mode}: exit {r.rc}: {' | '.join(tail)}")
            else:
                res.times.setdefault(mode, []).append(r.wall)
                res.cpu.setdefault(mode, []).append(r.cpu)
                res.rss[mode] = max(res.rss.get(mode, 0.0), r.maxrss_mb)
                outputs[mode] = r.stdout.read_bytes()
            return r

        for _ in range(runs):
            once("no-cache", "--no-cache")
        for _ in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            once("cold", *extra)
        for _ in range(runs):
            once("warm", *extra)
        if change is not None:
            original = change.read_bytes()
            try:
                for k in range(runs):
                    with open(change, "ab") as f:
                        f.write(("\n" + APPENDED.format(k=k + 1) + "\n").encode())
                    once("one-changed", *extra)
            finally:
                change.write_bytes(original)
        shutil.rmtree(cache, ignore_errors=True)
        r = once("memory", *extra, sample=True)  # a cold run with the tree sampled
        res.pss_mb = r.pss_mb
        res.times.pop("memory", None)
        res.cpu.pop("memory", None)
        base = outputs.get("no-cache")
        if base is not None:
            res.findings = base.count(NL)
            for mode, out in outputs.items():
                if out != base:
                    res.problems.append(f"{mode} output differs from --no-cache "
                                        f"({out.count(NL)} vs {res.findings} lines)")
        key = vault.with_name(vault.name + ".expected.jsonl")
        if base is not None and key.is_file():
            res.key = check_key(key, base.decode("utf-8", "replace"), vault.name)
        if cache_dir is None:
            shutil.rmtree(cache, ignore_errors=True)
        return res


def check_key(key: Path, output: str, name: str) -> str:
    """Compare concise output with a generator's answer key: `found/expected, N extra`.
    A file-scope defect matches any line of its file; several findings on one defect's
    line (a mojibake run each) count once."""
    want = set()
    for line in key.read_text().splitlines():
        e = json.loads(line)
        want.add((e["path"], e["line"] if e["scope"] == "line" else 0, e["rule"]))
    file_scope = {(p, r) for p, n, r in want if n == 0}
    got = set()
    for line in output.splitlines():
        head, _, rest = line.partition(": ")
        parts = head.rsplit(":", 2)
        rule = rest.split("[", 1)[-1].split("]", 1)[0]
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        path = parts[0].replace(os.sep, "/").split(f"{name}/", 1)[-1]
        got.add((path, 0 if (path, rule) in file_scope else int(parts[1]), rule))
    return f"{len(want & got)}/{len(want)}, {len(got - want)} extra"


def ensure_vault(out: Path, notes: int, seed: int, defect_rate: float) -> tuple[Path, float]:
    """Generate (or reuse, when the stamp matches) bench/out/vault-N; (vault, seconds)."""
    vault = out / f"vault-{notes}"
    stamp = out / f"vault-{notes}.stamp"
    want = json.dumps({"notes": notes, "seed": seed, "defect_rate": defect_rate,
                       "generator": make_vault.fingerprint_source()})
    if vault.is_dir() and stamp.is_file() and stamp.read_text() == want:
        return vault, 0.0
    t0 = time.perf_counter()
    stamp.unlink(missing_ok=True)
    subprocess.run([sys.executable, str(BENCH / "make_vault.py"), str(vault), "--notes", str(notes),
                    "--seed", str(seed), "--defect-rate", str(defect_rate)],
                   check=True, stdout=subprocess.DEVNULL)  # not here: this process stays small
    stamp.write_text(want)
    return vault, time.perf_counter() - t0


def ensure_shared_vault(out: Path, notes: int) -> Path | None:
    """The vault the issue's targets are stated on: shared/bench/make_vault.py --notes N."""
    if not SHARED_GENERATOR.is_file():
        return None
    vault = out / f"shared-{notes}"
    stamp = out / f"shared-{notes}.stamp"
    want = f"{notes} {SHARED_GENERATOR.stat().st_mtime_ns} {SHARED_GENERATOR.stat().st_size}"
    if not (vault.is_dir() and stamp.is_file() and stamp.read_text() == want):
        shutil.rmtree(vault, ignore_errors=True)
        subprocess.run([sys.executable, str(SHARED_GENERATOR), str(vault), "--notes", str(notes)],
                       check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(want)
    return vault


def note_to_change(vault: Path) -> Path:
    notes = sorted(p for p in vault.rglob("*.md") if ".notelint_cache" not in p.parts)
    for p in notes[len(notes) // 2:]:
        if p.stem != p.parent.name:  # a video note, not a channel page
            return p
    return notes[len(notes) // 2]


# -- peers ---------------------------------------------------------------------------


class Peers:
    """markdownlint-cli2 and remark (remark-frontmatter, remark-validate-links,
    remark-lint-frontmatter-schema), from npm into bench/.peers/, run offline."""

    def __init__(self, logs: Path, reinstall: bool) -> None:
        self.logs, self.reinstall = logs, reinstall
        self.why_not: str | None = None
        self.versions: dict[str, str] = {}
        self.bin = PEERS / "node_modules" / ".bin"

    def install(self) -> bool:
        node, npm = shutil.which("node"), shutil.which("npm")
        if not node or not npm:
            self.why_not = "node or npm not found on PATH"
            return False
        spec = json.loads((PEER_CONFIG / "package.json").read_text())["dependencies"]
        have = all((PEERS / "node_modules" / n / "package.json").is_file() for n in spec)
        if self.reinstall or not have:
            PEERS.mkdir(exist_ok=True)
            cmd = [npm, "install", "--prefix", str(PEERS), "--no-audit", "--no-fund",
                   "--loglevel=error", *(f"{n}@{v}" for n, v in spec.items())]
            print(f"installing the peers: {' '.join(cmd[1:])}", file=sys.stderr)
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
            except subprocess.TimeoutExpired:
                self.why_not = "npm install timed out after 900 s"
                return False
            if p.returncode != 0:
                tail = (p.stderr or p.stdout).strip().splitlines()[-5:]
                self.why_not = f"npm install failed (exit {p.returncode}): {' | '.join(tail)}"
                return False
        for n in spec:
            meta = json.loads((PEERS / "node_modules" / n / "package.json").read_text())
            self.versions[n] = meta["version"]
        self.versions["node"] = subprocess.run([node, "--version"], capture_output=True,
                                               text=True).stdout.strip()
        shutil.copy(PEER_CONFIG / "frontmatter.schema.json", PEERS / "frontmatter.schema.json")
        return True

    def remarkrc(self, vault: Path) -> Path:
        """The config, written beside the plugins (remark resolves plugins from the
        config file's folder), with the schema path relative to the vault (the cwd)."""
        rel = os.path.relpath(PEERS / "frontmatter.schema.json", vault)
        text = (PEER_CONFIG / "remarkrc.json").read_text().replace("{schema}", rel)
        rc = PEERS / f"remarkrc-{vault.name}.json"
        rc.write_text(text)
        return rc

    def commands(self, vault: Path) -> dict[str, list[str]]:
        return {
            "markdownlint-cli2": [str(self.bin / "markdownlint-cli2"), "**/*.md"],
            "remark": [str(self.bin / "remark"), ".", "--rc-path", str(self.remarkrc(vault)),
                       "--no-stdout", "--quiet", "--no-color"],
        }

    def measure(self, vault: Path, runs: int) -> dict[str, tuple[float, float, int, str]]:
        """peer -> (median wall, median CPU, peak RSS MB, messages, problem)."""
        env = dict(os.environ, NO_COLOR="1", npm_config_offline="true")
        out = {}
        for name, argv in self.commands(vault).items():
            walls, cpus, rss, msgs, problem = [], [], 0.0, 0, ""
            for _ in range(runs):
                r = run_child(argv, self.logs / f"{vault.name}-{name}", cwd=vault, env=env)
                if r.rc not in (0, 1):
                    tail = r.stderr.read_text(errors="replace").strip().splitlines()[-2:]
                    problem = f"exit {r.rc}: {' | '.join(tail)}"
                    break
                walls.append(r.wall)
                cpus.append(r.cpu)
                rss = max(rss, r.maxrss_mb)
                text = r.stdout.read_text(errors="replace") + r.stderr.read_text(errors="replace")
                msgs = sum(1 for line in text.splitlines()
                           if (" MD0" in line) or (" warning " in line) or (" error " in line))
            out[name] = (median(walls), median(cpus), rss, msgs, problem)
        return out


# -- report --------------------------------------------------------------------------


def fmt_s(x: float) -> str:
    if x != x:  # nan
        return "-"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def table(results: list[Result]) -> list[str]:
    rows = ["| vault | notes | MB | no-cache s | cold s | warm s | one changed s | "
            "notes/s (cold) | CPU s (cold) | peak RSS MB (one process) | peak PSS MB (all processes) | "
            "findings | answer key | load 1/5/15 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        cold = r.med("cold")
        rows.append(
            f"| {r.name} | {r.notes:,} | {r.mb:.1f} | {fmt_s(r.med('no-cache'))} | "
            f"{fmt_s(cold)} | {fmt_s(r.med('warm'))} | {fmt_s(r.med('one-changed'))} | "
            f"{r.notes / cold:,.0f} | {fmt_s(median(r.cpu.get('cold', [])))} | {max(r.rss.values(), default=0):.0f} | "
            f"{(r.pss_mb or 0):.0f} | {r.findings if r.findings is not None else '-'} | "
            f"{r.key} | {r.load} |" if cold == cold else f"| {r.name} | {r.notes:,} | failed |")
    return rows


_SPIN = ("import time\nt = time.perf_counter()\ns = 0\nfor i in range(8_000_000):\n    s += i\n"
         "print(time.perf_counter() - t)")


def two_at_once() -> float:
    """How many times longer a CPU-bound Python loop takes when two run at once than
    alone. 1.0 on two free cores; more when the two virtual cores share a physical one
    or the host is busy: then two workers cannot give twice the speed of one."""
    def spin(k: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN], stdout=subprocess.PIPE, text=True)
                 for _ in range(k)]
        return [float(p.communicate()[0]) for p in procs]

    alone = median([spin(1)[0] for _ in range(3)])
    both = median([t for _ in range(3) for t in spin(2)])
    return both / alone


def source_mtime() -> float:
    """The newest modification time of notelint's source (others may edit it mid-run)."""
    return max((p.stat().st_mtime for p in (ROOT / "lint").rglob("*.py")), default=0.0)


def tree_state() -> str:
    """The commit measured, and whether lint/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "lint"],
                               capture_output=True, text=True).stdout.split("\n")
    except OSError:
        return "unknown"
    changed = [d[3:] for d in dirty if d.strip()]
    return (head or "?") + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000",
                    help="comma-separated vault sizes in notes (default: 1000,10000,50000)")
    ap.add_argument("--quick", action="store_true", help="1,000 notes only")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure; the median is shown")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defect-rate", type=float, default=0.02,
                    help="share of notes with one known defect (default 0.02)")
    ap.add_argument("--notelint", default=None,
                    help="the notelint command (default: beside this Python, else on PATH)")
    ap.add_argument("--no-peers", dest="peers", action="store_false")
    ap.add_argument("--peer-sizes", default="1000,10000")
    ap.add_argument("--peer-runs", type=int, default=1)
    ap.add_argument("--reinstall-peers", action="store_true")
    ap.add_argument("--no-corpora", dest="corpora", action="store_false")
    ap.add_argument("--no-shared", dest="shared", action="store_false",
                    help="skip the vault of shared/bench/make_vault.py (the issue's target)")
    ap.add_argument("--out", type=Path, default=BENCH / "out")
    a = ap.parse_args(argv)
    sizes = [1000] if a.quick else [int(s) for s in a.sizes.split(",") if s]
    peer_sizes = [s for s in (int(x) for x in a.peer_sizes.split(",") if x) if s in sizes]
    exe = a.notelint or shutil.which("notelint", path=str(Path(sys.executable).parent)) \
        or shutil.which("notelint")
    if not exe:
        ap.error("notelint not found: pass --notelint")
    a.out.mkdir(parents=True, exist_ok=True)
    logs = a.out / "logs"
    nl = Notelint(exe, logs)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    started = source_mtime()
    startup = median([run_child([exe, "--version"], logs / "version", env=USER_ENV).wall
                      for _ in range(max(3, a.runs))])
    lines = ["## notelint benchmark", "",
             f"- machine: {machine()}",
             f"- notelint: {version} ({exe}), tree {tree_state()}",
             f"- load average at start: {loadavg()}",
             f"- `notelint --version` (interpreter start and imports, the floor of every "
             f"figure): {startup:.2f} s",
             f"- two CPU-bound processes at once (a Python loop): each takes {two_at_once():.2f}x "
             "its time alone (1.00 on two free cores; what two workers can gain)",
             f"- {a.runs} runs a figure, the median shown; generated vaults: seed {a.seed}, "
             f"defect rate {a.defect_rate}", ""]
    print("\n".join(lines), file=sys.stderr, flush=True)

    results: list[Result] = []
    vaults: dict[int, Path] = {}
    for n in sizes:
        vault, gen = ensure_vault(a.out, n, a.seed, a.defect_rate)
        vaults[n] = vault
        print(f"- {vault.name}: " + (f"generated in {gen:.1f} s" if gen else "reused"),
              file=sys.stderr, flush=True)
        res = nl.measure(vault.name, vault, a.runs, change=note_to_change(vault))
        results.append(res)
        print("  " + table([res])[-1], file=sys.stderr, flush=True)
    if a.shared and 10000 in sizes:
        shared = ensure_shared_vault(a.out, 10000)
        if shared:
            res = nl.measure("shared make_vault 10k (issue target)", shared, a.runs,
                             change=note_to_change(shared))
            results.append(res)
    lines += ["### Generated vaults", "", *table(results), ""]
    by = {r.name: r for r in results}

    def cpu(r: Result) -> float:
        return median(r.cpu.get("cold", []))

    if "vault-10000" in by and "vault-50000" in by:
        r10, r50 = by["vault-10000"], by["vault-50000"]
        lines.append(f"Linearity, 50k / 10k: cold {r50.med('cold') / r10.med('cold'):.2f}×, "
                     f"no-cache {r50.med('no-cache') / r10.med('no-cache'):.2f}×; CPU seconds "
                     f"of the cold runs {cpu(r50) / cpu(r10):.2f}× (5.00× would be linear; the "
                     f"CPU ratio is the one a busy machine does not blur).")
        lines.append("")
    problems = [f"- {r.name}: {p}" for r in results for p in r.problems]

    if a.peers and peer_sizes:
        peers = Peers(logs, a.reinstall_peers)
        lines += ["### Side by side with the peers (same vaults, same machine)", ""]
        if not peers.install():
            lines += [f"Peers skipped: {peers.why_not}.", ""]
        else:
            lines += ["Versions: " + ", ".join(f"{k} {v}" for k, v in peers.versions.items())
                      + ".", "",
                      "| vault | tool | wall s | CPU s | peak RSS MB | messages | notelint is N× "
                      "faster (vs notelint --no-cache) | (vs notelint cold) |",
                      "|---|---|---:|---:|---:|---:|---:|---:|"]
            for n in peer_sizes:
                r = by[f"vault-{n}"]
                lines.append(f"| {n:,} | notelint --no-cache | {fmt_s(r.med('no-cache'))} | "
                             f"{fmt_s(median(r.cpu.get('no-cache', [])))} | "
                             f"{r.rss.get('no-cache', 0):.0f} | {r.findings} | | |")
                for name, (wall, cpu, rss, msgs, problem) in peers.measure(vaults[n],
                                                                      a.peer_runs).items():
                    if problem:
                        lines.append(f"| {n:,} | {name} | failed: {problem} | | | | | |")
                        continue
                    lines.append(f"| {n:,} | {name} | {fmt_s(wall)} | {fmt_s(cpu)} | {rss:.0f} | "
                                 f"{msgs} | "
                                 f"{wall / r.med('no-cache'):.1f}× | {wall / r.med('cold'):.1f}× |")
                print("  " + lines[-1], file=sys.stderr, flush=True)
            lines.append("")

    if a.corpora and CORPORA.is_dir():
        real = []
        for d in sorted(p for p in CORPORA.iterdir() if p.is_dir()):
            real.append(nl.measure(d.name, d, a.runs, cache_dir=a.out / "cache" / d.name))
            print("  " + table(real[-1:])[-1], file=sys.stderr, flush=True)
        lines += [f"### Real vaults ({CORPORA}; cache in {a.out / 'cache'})", "", *table(real), ""]
        problems += [f"- {r.name}: {p}" for r in real for p in r.problems]
    if problems:
        lines += ["### Problems", "", *problems, ""]
    if source_mtime() > started:
        lines.append("**Warning: notelint's source changed during this run** (its cache key "
                     "covers its own source, so a warm run after the change parsed everything "
                     "again): the figures mix two versions.")
    lines.append(f"Load average at the end: {loadavg()}.")
    report = "\n".join(lines) + "\n"
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (a.out / f"results-{stamp}.md").write_text(report)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
