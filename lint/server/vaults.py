"""The vaults the editor has open: each indexed once (through the cache, as `notelint
check` does), then kept warm by a lint.workspace.Workspace that follows the open notes'
unsaved text and the files created, changed, deleted and renamed on disk."""

from __future__ import annotations

import os

from lint import discover
from lint.diagnostic import Finding
from lint.workspace import Workspace


class Vault:
    def __init__(self, folder: str, cache: bool = True, overrides: dict | None = None,
                 config_file: str | None = None) -> None:
        self.workspace = Workspace.open(folder, overrides, cache=cache, config_file=config_file)
        self.warnings = self.workspace.warnings
        self.root = self.workspace.root
        self._real_root = os.path.realpath(self.root)
        self.open: dict[str, str] = {}  # path -> the editor's text, for open notes

    def relative(self, fs_path: str) -> str | None:
        """The vault-relative POSIX path of a file, or None when it is not in the vault."""
        real = os.path.realpath(fs_path)
        try:
            rel = os.path.relpath(real, self._real_root)
        except ValueError:
            return None
        if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
            return None
        return rel.replace(os.sep, "/")

    def findings(self, rel: str) -> list[Finding]:
        """No findings for a file `notelint check` would not lint (hidden folder, `exclude`)."""
        return self.workspace.findings(rel) if self.workspace.indexed(rel) else []

    # --- what the editor says ----------------------------------------------------------
    def edited(self, rel: str, text: str) -> set[str]:
        self.open[rel] = text
        return self.workspace.set_text(rel, text) | {rel}

    def closed(self, rel: str) -> set[str]:
        """The note is read from disk again (its unsaved edits are gone)."""
        self.open.pop(rel, None)
        text = self.disk_text(rel)
        if text is None:
            return self.workspace.delete(rel) if rel in self.workspace.files else set()
        return self.workspace.set_text(rel, text)

    # --- what the disk says ------------------------------------------------------------
    def created(self, rel: str) -> set[str]:
        if rel in self.open or not self.workspace.indexed(rel):
            return set()
        if rel in self.workspace.files:
            return self.changed(rel)
        return self.workspace.create(rel, self.disk_text(rel) or "")

    def changed(self, rel: str) -> set[str]:
        if rel in self.open or rel not in self.workspace.files or not discover.is_note(rel):
            return set()  # an open note's text is the editor's until it is closed
        text = self.disk_text(rel)
        return set() if text is None else self.workspace.set_text(rel, text)

    def deleted(self, rel: str) -> set[str]:
        if rel not in self.workspace.files:
            return set()
        return self.workspace.delete(rel)

    def disk_text(self, rel: str) -> str | None:
        from lint.note import decode_text

        try:
            return decode_text((self.root / rel).read_bytes())
        except OSError:
            return None


class Vaults:
    """Every vault of the session, by root; a note outside them opens its own."""

    def __init__(self) -> None:
        self.by_root: dict[str, Vault] = {}
        # folders that could not be indexed (a bad config): not tried again on every
        # keystroke; the server is restarted once the config is fixed
        self.failed: dict[str, Exception] = {}

    def add(self, folder: str) -> Vault:
        for vault in self.by_root.values():
            if vault.relative(folder) is not None or os.path.realpath(folder) == vault._real_root:
                return vault
        if folder in self.failed:
            raise self.failed[folder]
        try:
            vault = Vault(folder)
        except Exception as e:
            self.failed[folder] = e
            raise
        self.by_root[str(vault.root)] = vault
        return vault

    def find(self, fs_path: str) -> tuple[Vault, str] | None:
        """The vault holding the file, and its path there (the deepest root wins)."""
        best: tuple[Vault, str] | None = None
        for vault in self.by_root.values():
            rel = vault.relative(fs_path)
            if rel is not None and (best is None or len(str(vault.root)) > len(str(best[0].root))):
                best = (vault, rel)
        return best

    def for_note(self, fs_path: str) -> tuple[Vault, str] | None:
        found = self.find(fs_path)
        if found is None:
            vault = self.add(os.path.dirname(fs_path) or ".")
            rel = vault.relative(fs_path)
            found = None if rel is None else (vault, rel)
        return found
