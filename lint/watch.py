"""`notelint check --watch`: lint the vault once, then re-lint the notes that change on
disk and print their findings as they change (watchfiles). A note whose findings went
away says so: each finding gone is printed once more, marked `fixed:`. Ctrl-C ends it
(exit 130, as any interrupted command)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from lint.reporters.concise import line_of

if TYPE_CHECKING:
    from lint.server.vaults import Vault

NEEDS_EXTRA = ("`--watch` needs watchfiles: install it with `pip install 'notelint[lsp]'`")


def watch(args: argparse.Namespace, out: TextIO) -> int:
    paths = _one_folder(args)
    try:
        from watchfiles import Change
        from watchfiles import watch as changes
    except ImportError:
        print(f"notelint: error: {NEEDS_EXTRA}", file=sys.stderr)
        return 2
    from lint.cli import _overrides
    from lint.server.vaults import Vault

    cwd = os.getcwd()
    config = os.path.abspath(args.config) if args.config else None
    vault = Vault(os.path.abspath(paths[0]), cache=not args.no_cache, overrides=_overrides(args),
                  config_file=config)
    for warning in vault.warnings:
        print(f"notelint: warning: {warning}", file=sys.stderr)
    shown = {rel: vault.findings(rel) for rel in vault.workspace.notes}
    for findings in shown.values():
        for f in findings:
            out.write(line_of(f, cwd) + "\n")
    count = sum(map(len, shown.values()))
    out.write(f"notelint: {count} finding{'s' * (count != 1)}; watching {vault.root} "
              "for changes (Ctrl-C to stop)\n")
    out.flush()
    for batch in changes(vault.root):
        touched = _apply(vault, batch, Change)
        if touched:
            out.write(f"notelint: {time.strftime('%H:%M:%S')} {len(touched)} "
                      f"note{'s' * (len(touched) != 1)} changed\n")
        for rel in sorted(touched):
            now = vault.findings(rel) if rel in vault.workspace.notes else []
            before = shown.get(rel, [])
            for f in now:
                out.write(line_of(f, cwd) + "\n")
            for f in before:
                if f not in now:
                    out.write("fixed: " + line_of(f, cwd) + "\n")
            shown[rel] = now
        out.flush()
    return 0


def _one_folder(args: argparse.Namespace) -> list[str]:
    from lint.engine import UsageError

    paths = args.paths or ["."]
    if len(paths) != 1 or not os.path.isdir(paths[0]):
        raise UsageError("--watch watches one folder: give it as the only path")
    others = [flag for flag, on in (("--fix", args.fix), ("--diff", args.diff),
                                    ("--stdin-filename", args.stdin_filename),
                                    ("--statistics", args.statistics)) if on]
    if others:
        raise UsageError(f"--watch cannot be combined with {others[0]}")
    return paths


def _apply(vault: Vault, batch: set[tuple[Any, str]], change: Any) -> set[str]:
    """One batch of changes on disk given to the vault: the notes whose findings changed."""
    touched: set[str] = set()
    for kind, path in sorted(batch, key=lambda c: c[1]):
        rel = vault.relative(path)
        if rel is None:
            continue
        if kind == change.deleted:
            touched |= vault.deleted(rel)
        elif kind == change.added:
            touched |= vault.created(rel)
        else:
            touched |= vault.changed(rel)
    return touched
