"""`notelint check --watch` as a user runs it: a subprocess on a temp vault, a note
edited on disk, its finding printed, then Ctrl-C (SIGINT): exit 130, no traceback."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("watchfiles")
TIMEOUT = 60  # generous: the machine is shared; nothing here asserts a time


def _default_sigint() -> None:
    # CI may start us with SIGINT ignored, and a child inherits that disposition
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Lines:
    """The child's stdout, line by line, read in a thread (no read blocks the test)."""

    def __init__(self, stream) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.queue.put(line)
        self.queue.put(None)

    def until(self, wanted: str, timeout: float = TIMEOUT, after: int = 0) -> list[str]:
        while not any(wanted in line for line in self.seen[after:]):
            line = self.queue.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"output ended before {wanted!r}: {self.seen}")
            self.seen.append(line)
        return self.seen

    def after_writing(self, path: Path, text: str, wanted: str) -> list[str]:
        """Write, until the output shows `wanted`: the watcher starts after the first
        run's output, so a write right after it may come before it watches."""
        for _ in range(TIMEOUT):
            path.write_text(text, encoding="utf-8")
            try:
                return self.until(wanted, timeout=1)
            except queue.Empty:
                continue
        raise AssertionError(f"never printed {wanted!r}: {self.seen}")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_watch_prints_findings_as_notes_change_and_ctrl_c_exits_130(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "a.md").write_text("Links to [[b]].\n", encoding="utf-8")
    (vault / "b.md").write_text("# B\n", encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    # --ignore reaches the watch: the zero-width space before the link is not reported
    child = subprocess.Popen([sys.executable, "-m", "lint", "check", "--watch", ".",
                              "--ignore", "invisible-character"], cwd=vault,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             encoding="utf-8", preexec_fn=_default_sigint)
    try:
        out = Lines(child.stdout)
        out.until("watching")
        seen = out.after_writing(vault / "a.md", "A\u200bB Links to [[nowhere]] and The marketâ€™s needs.\n",
                                 "a.md:1:16: LNK001 [broken-link]")
        assert not any("invisible-character" in line for line in seen)
        assert any("[mojibake]" in line for line in out.until("[mojibake]"))
        seen = out.after_writing(vault / "a.md", "Links to [[b]] and The market’s needs.\n",
                                 "fixed: a.md:1:16: LNK001 [broken-link]")
        assert any(line.startswith("fixed: a.md:1:") and "[mojibake]" in line
                   for line in out.until("ENC001 [mojibake]", after=seen.index(seen[-1])))
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=TIMEOUT)
        err = child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert code == 130, err
    assert "Traceback" not in err, err


@pytest.mark.parametrize("extra", [["--fix"], ["--diff"], ["a.md"]])
def test_watch_refuses_what_it_cannot_do(tmp_path: Path, extra: list[str]) -> None:
    (tmp_path / "a.md").write_text("x\n", encoding="utf-8")
    args = [sys.executable, "-m", "lint", "check", "--watch", *extra]
    p = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 2
    assert "--watch" in p.stderr and "Traceback" not in p.stderr
