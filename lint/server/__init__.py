"""`notelint server`: notelint as a language server over stdio (pygls and lsprotocol).

The modules, from the wire inward:
- protocol.py: the pygls server, its handlers, and when diagnostics are published;
- vaults.py: the vaults the editor has open, each a warm lint.workspace.Workspace
  indexed through the cache, following open notes' unsaved text and files on disk;
- convert.py, positions.py: findings and fixes as LSP diagnostics and edits (LSP counts
  columns in UTF-16 code units; findings count characters);
- actions.py: quick fixes, "fix all", suppression comments;
- navigate.py: go to definition, hover and completion on links.

pygls is an optional dependency (the `lsp` extra): only this command imports it.
"""

from __future__ import annotations

import sys

NEEDS_EXTRA = ("notelint: error: `notelint server` needs pygls, lsprotocol and watchfiles: "
               "install them with `pip install 'notelint[lsp]'`")


def main() -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as e:
        print(f"{NEEDS_EXTRA} ({e})", file=sys.stderr)
        return 2
    from lint.server.protocol import serve

    return serve()
