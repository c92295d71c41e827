"""Edit-to-diagnostics latency of `notelint server` on generated vaults (make_vault.py).

A real LSP client (pygls's) starts `python -m lint server` over stdio, as an editor
does, and measures from the moment a `didChange` is written to the moment the
`publishDiagnostics` of that version arrives:

- the first index: `initialize` + `initialized` until the first note's diagnostics, with
  no cache (cold) and with the cache the cold run left (warm);
- edits of a note's body (a word typed), edits that add a broken link and mojibake, and
  edits that change a heading (other notes' findings may change: the server re-checks
  the notes that link to it);
- the server's memory afterwards (VmRSS and VmHWM from /proc, Linux only).

Usage: python bench/lsp_latency.py [--notes 1000 10000] [--edits 30] [--out bench/out]
Nothing here asserts a time; figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import make_vault  # noqa: E402


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("notelint-bench", "1")
        self.versions: dict[str, int | None] = {}
        self.arrived = asyncio.Event()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.versions[params.uri] = params.version
            self.arrived.set()

    async def until_version(self, uri: str, version: int) -> None:
        while self.versions.get(uri) != version:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 600)


def memory(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) // 1024  # MiB
    except OSError:
        pass
    return out


async def session(vault: Path, note: Path, edits: int) -> dict:
    client = Client()
    await client.start_io(sys.executable, "-m", "lint", "server")
    uri = note.as_uri()
    text = note.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=vault.as_uri(), process_id=None))
    client.initialized(lsp.InitializedParams())
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=text)))
    await client.until_version(uri, 1)
    result: dict = {"first index": time.perf_counter() - t0}
    version = 1
    kinds = {
        "body": lambda i: text + f"\nA word typed {i}.\n",
        "broken link + mojibake": lambda i: text + f"\nSee [[no_such_note_{i}]]; the marketâ€™s {i}.\n",
        "heading": lambda i: text + f"\n## A new heading {i}\n",
    }
    for kind, make in kinds.items():
        times = []
        for i in range(edits):
            version += 1
            start = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangeWholeDocument(text=make(i))]))
            await client.until_version(uri, version)
            times.append(time.perf_counter() - start)
        result[kind] = times
    assert client._server is not None
    result["memory"] = memory(client._server.pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--out", type=Path, default=BENCH / "out" / "lsp")
    a = ap.parse_args(argv)
    print("| vault | first index, cold | first index, warm (cache) | edit | median ms | "
          "p90 ms | max ms | server memory (RSS / peak) |")
    print("|---|---|---|---|---|---|---|---|")
    for n in a.notes:
        vault = a.out / f"vault-{n}"
        make_vault.generate(vault, n, seed=1, defect_rate=0.02)
        shutil.rmtree(vault / ".notelint_cache", ignore_errors=True)
        note = sorted(vault.rglob("*.md"))[len(list(vault.rglob("*.md"))) // 2]
        cold = asyncio.run(session(vault, note, a.edits))
        warm = asyncio.run(session(vault, note, a.edits))
        mem = warm["memory"]
        for kind in ("body", "broken link + mojibake", "heading"):
            times = sorted(warm[kind])
            p90 = times[int(0.9 * (len(times) - 1))]
            print(f"| {n:,} notes | {cold['first index']:.1f} s | {warm['first index']:.1f} s | {kind} | "
                  f"{ms(statistics.median(times))} | {ms(p90)} | {ms(times[-1])} | "
                  f"{mem.get('VmRSS', '?')} / {mem.get('VmHWM', '?')} MiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
