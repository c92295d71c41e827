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
        for batch in watch(*self.roots, stop_event=self.stop_event, raise_interrupt=False):
            changes = [(kinds[kind], path) for kind, path in sorted(batch, key=lambda c: c[1])]
            self.loop.call_soon_threadsafe(self.server.files_changed, changes)
