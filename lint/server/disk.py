"""A watcher of our own, for clients that cannot watch files for us (no dynamic
registration of workspace/didChangeWatchedFiles): watchfiles in a thread, its batches
handed to the event loop's thread, where every Workspace change happens."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:
    from lint.server.protocol import NotelintServer


class DiskWatcher:
    def __init__(self, server: NotelintServer, roots: list[str]) -> None:
        self.server = server
        self.roots = roots
        self.stop_event = threading.Event()
        self.loop = asyncio.get_running_loop()
        self.thread = threading.Thread(target=self._run, name="notelint-watch", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()

    def _run(self) -> None:
        from watchfiles import Change, watch

        kinds = {Change.added: lsp.FileChangeType.Created, Change.modified: lsp.FileChangeType.Changed,
                 Change.deleted: lsp.FileChangeType.Deleted}
        ready = False
        # yield_on_timeout: the first yield, empty or not, says the watch is in place.
        for batch in watch(*self.roots, stop_event=self.stop_event, raise_interrupt=False,
                           yield_on_timeout=True, rust_timeout=1000):
            if not ready:
                ready = True
                self.loop.call_soon_threadsafe(self._catch_up)
            if batch:
                changes = [(kinds[kind], path) for kind, path in sorted(batch, key=lambda c: c[1])]
                self.loop.call_soon_threadsafe(self.server.files_changed, changes)

    def _catch_up(self) -> None:
        """Files created or deleted between the first index and the watch taking hold
        reached no one: compare the disk with each vault's file list once, now that
        every later change comes as an event."""
        from lint import discover

        changes: list[tuple[lsp.FileChangeType, str]] = []
        for vault in list(self.server.vaults.by_root.values()):
            ws = vault.workspace
            found = self.server.safely(lambda ws=ws: discover.walk(ws.root, ws.config.exclude))
            if found is None:
                continue
            on_disk, known = set(found.files), set(ws.files)
            changes += [(lsp.FileChangeType.Created, str(ws.root / p)) for p in sorted(on_disk - known)]
            gone = known - on_disk - set(vault.open)  # an open note may exist only unsaved
            changes += [(lsp.FileChangeType.Deleted, str(ws.root / p)) for p in sorted(gone)]
        if changes:
            self.server.files_changed(changes)
