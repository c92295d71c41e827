"""The pygls server: handlers, and which diagnostics go out when.

Every handler runs on the event loop's one thread, so the Workspace sees one change at
a time. A note's diagnostics are published when it is opened, changed or saved, and
whenever an edit elsewhere changed its findings (the set Workspace answers). An
exception around the engine (which already contains a crashing rule as a finding)
becomes an internal-error diagnostic on the note, and the server goes on."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from lint import __version__
from lint.server import actions, navigate
from lint.server.convert import diagnostic, internal_error
from lint.server.positions import DocText
from lint.server.vaults import Vault, Vaults

if TYPE_CHECKING:
    from lint.server.disk import DiskWatcher

log = logging.getLogger(__name__)
WATCH_ID = "notelint-watched-files"


def uri_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else None


class NotelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("notelint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.vaults = Vaults()
        self.folders: list[str] = []
        self.uris: dict[tuple[str, str], str] = {}  # (vault root, path) -> the editor's URI
        self.watcher: DiskWatcher | None = None

    # --- documents -----------------------------------------------------------------------
    def at(self, uri: str, pos: lsp.Position) -> tuple[Vault, str, DocText, int] | None:
        """The note at `uri`, its text, and the offset of `pos` in it."""
        found = self.note_of(uri)
        if found is None:
            return None
        doc = self.doc(uri)
        return (*found, doc, doc.offset(pos.line, pos.character))

    def note_of(self, uri: str) -> tuple[Vault, str] | None:
        path = uri_path(uri)
        if path is None:
            return None
        found = self.safely(lambda: self.vaults.for_note(path), uri)
        if found is not None:
            self.uris[(str(found[0].root), found[1])] = uri
        return found

    def doc(self, uri: str) -> DocText:
        return DocText(self.workspace.get_text_document(uri).source)

    def lint_open(self, uri: str) -> None:
        found = self.note_of(uri)
        if found is None:
            return
        vault, rel = found
        text = self.workspace.get_text_document(uri).source
        changed = self.safely(lambda: vault.edited(rel, text), uri)
        self.publish(vault, (changed or set()) | {rel})

    def publish(self, vault: Vault, paths: set[str]) -> None:
        """Diagnostics for the open notes among `paths`."""
        for rel in sorted(paths):
            uri = self.uris.get((str(vault.root), rel))
            if uri is None or rel not in vault.open:
                continue
            doc = self.workspace.get_text_document(uri)
            text = DocText(doc.source)
            try:
                found = [diagnostic(text, f) for f in vault.findings(rel)]
            except Exception as e:  # noqa: BLE001 - one note's failure is that note's diagnostic
                found = [self.crashed(e)]
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=doc.version))

    def crashed(self, e: BaseException) -> lsp.Diagnostic:
        from lint.config import ConfigError
        from lint.engine import UsageError

        if isinstance(e, ConfigError | UsageError):  # the user's to fix, not a bug
            return internal_error(f"notelint cannot lint this vault: {e}",
                                  "fix the config, then restart the language server")
        log.error("notelint server: %s", "".join(traceback.format_exception(e)))
        return internal_error(f"notelint failed on this note: {type(e).__name__}: {e}")

    def safely(self, run: Callable, uri: str | None = None):
        """run(), or None when it raised: then the note (if any) shows why."""
        try:
            return run()
        except Exception as e:  # noqa: BLE001 - bad input never stops the server
            self.show_error(e, uri)
            return None

    def show_error(self, e: BaseException, uri: str | None) -> None:
        diag = self.crashed(e)
        if uri is not None:
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[diag]))
        else:
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, diag.message))

    def warm(self) -> None:
        """Each vault's index of who links where, built now that the server is idle rather
        than on the first edit that changes a heading."""
        for vault in list(self.vaults.by_root.values()):
            self.safely(vault.workspace.warm)

    # --- the disk ------------------------------------------------------------------------
    def files_changed(self, changes: list[tuple[lsp.FileChangeType, str]]) -> None:
        touched: dict[str, tuple[Vault, set[str]]] = {}
        for kind, path in changes:
            found = self.vaults.find(path)
            if found is None:
                continue
            vault, rel = found
            if kind == lsp.FileChangeType.Created:
                changed = self.safely(lambda v=vault, r=rel: v.created(r))
            elif kind == lsp.FileChangeType.Deleted:
                changed = self.safely(lambda v=vault, r=rel: v.deleted(r))
            else:
                changed = self.safely(lambda v=vault, r=rel: v.changed(r))
            touched.setdefault(str(vault.root), (vault, set()))[1].update(changed or ())
        for vault, paths in touched.values():
            self.publish(vault, paths)


def build() -> NotelintServer:
    server = NotelintServer()
    _lifecycle(server)
    _documents(server)
    _language_features(server)
    return server


def _lifecycle(server: NotelintServer) -> None:
    """Start, the folders to index, and shutdown."""

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: NotelintServer, params: lsp.InitializeParams) -> None:
        folders = [uri_path(f.uri) for f in params.workspace_folders or ()]
        if not folders and params.root_uri:
            folders = [uri_path(params.root_uri)]
        elif not folders and params.root_path:
            folders = [params.root_path]
        ls.folders = [f for f in folders if f]

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: NotelintServer, params: lsp.InitializedParams) -> None:
        for folder in ls.folders:
            vault = ls.safely(lambda f=folder: ls.vaults.add(f))
            for warning in getattr(vault, "warnings", ()):
                ls.window_log_message(lsp.LogMessageParams(lsp.MessageType.Warning, warning))
        watch_files(ls)
        # On the event loop, as every handler is: warming runs between two messages,
        # never during an edit (a thread would race them).
        asyncio.get_running_loop().call_soon(ls.warm)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: NotelintServer, params: None) -> None:
        if ls.watcher is not None:
            ls.watcher.stop()


def _documents(server: NotelintServer) -> None:
    """Open notes and the disk: what keeps the diagnostics current."""

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NotelintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.lint_open(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NotelintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.lint_open(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: NotelintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.lint_open(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NotelintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        found = ls.note_of(uri)
        if found is None:
            return
        vault, rel = found
        changed = ls.safely(lambda: vault.closed(rel)) or set()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        ls.publish(vault, changed)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: NotelintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.files_changed([(c.type, p) for c in params.changes if (p := uri_path(c.uri))])


def _language_features(server: NotelintServer) -> None:
    """Quick fixes, and what the resolver answers: definition, hover, completion."""

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, actions.FIX_ALL_KIND]))
    def code_action(ls: NotelintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        found = ls.note_of(uri)
        if found is None:
            return None
        vault, rel = found
        return ls.safely(lambda: actions.code_actions(vault, rel, uri, ls.doc(uri), params))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: NotelintServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        at = ls.at(params.text_document.uri, params.position)
        if at is None:
            return None
        vault, rel, _doc, offset = at
        return ls.safely(lambda: navigate.definition(vault, rel, offset))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: NotelintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        at = ls.at(params.text_document.uri, params.position)
        if at is None:
            return None
        vault, rel, doc, offset = at
        return ls.safely(lambda: navigate.hover(vault, rel, doc, offset))

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["[", "#"]))
    def completion(ls: NotelintServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        found = ls.note_of(params.text_document.uri)
        if found is None:
            return None
        vault, rel = found
        doc = ls.doc(params.text_document.uri)
        pos = params.position
        return ls.safely(lambda: navigate.completion(vault, rel, doc, pos.line, pos.character))


def watch_files(ls: NotelintServer) -> None:
    """Ask the client to tell us of files created, changed and deleted (renames come as a
    delete and a create); a client that cannot gets a watcher of our own."""
    caps = ls.client_capabilities.workspace
    dynamic = caps is not None and caps.did_change_watched_files is not None and \
        bool(caps.did_change_watched_files.dynamic_registration)
    if dynamic:
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern="**/*")])
        ls.client_register_capability(lsp.RegistrationParams(registrations=[
            lsp.Registration(id=WATCH_ID, method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                             register_options=options)]))
        return
    if ls.vaults.by_root:
        from lint.server.disk import DiskWatcher

        ls.watcher = DiskWatcher(ls, [str(v.root) for v in ls.vaults.by_root.values()])
        ls.watcher.start()


def serve() -> int:
    """Serve on stdin and stdout until the client says exit: 0 after a shutdown request,
    1 without one (the protocol's rule)."""
    import os

    # The protocol gets its own copies of the descriptors, and file descriptor 1 becomes
    # stderr: a stray print() anywhere cannot corrupt the stream of messages.
    stdin = os.fdopen(os.dup(0), "rb", buffering=0)
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    server = build()
    server.start_io(stdin, stdout)
    return 0 if server.protocol._shutdown else 1
