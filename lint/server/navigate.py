"""Go to definition, hover and completion on links, through the vault's own resolver
(lint/vault.py): the editor jumps where `notelint check` says a link leads."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from lint.markdown import Link
from lint.server.positions import DocText
from lint.vault import checked_links, heading_key

if TYPE_CHECKING:
    from lint.facts import NoteFacts
    from lint.server.vaults import Vault

MAX_COMPLETIONS = 200


def _facts(vault: Vault, rel: str) -> NoteFacts | None:
    return vault.workspace.facts(rel)


def link_at(vault: Vault, rel: str, offset: int) -> Link | None:
    facts = _facts(vault, rel)
    if facts is None:
        return None
    for link in checked_links(facts.md):
        if link.start <= offset < link.end:
            return link
    return None


def _target(vault: Vault, rel: str, link: Link) -> str | None:
    return vault.workspace.resolve(link.target, rel)


def _doc(vault: Vault, rel: str) -> DocText | None:
    text = vault.open.get(rel)
    if text is None:
        text = vault.disk_text(rel)
    return None if text is None else DocText(text)


def _anchor_offset(vault: Vault, path: str, fragment: str | None) -> int:
    """Where `#fragment` (a heading, the last of `A#B`, or `^block`) starts in the note."""
    if not fragment or not path.lower().endswith(".md"):
        return 0
    facts = _facts(vault, path)
    if facts is None:
        return 0
    if fragment.startswith("^"):
        want = fragment[1:].strip().casefold()
        return next((b.start for b in facts.md.block_ids if b.id.casefold() == want), 0)
    parts = [p for p in (heading_key(p) for p in fragment.split("#")) if p]
    if not parts:
        return 0
    return next((h.start for h in facts.md.headings if heading_key(h.text) == parts[-1]), 0)


def definition(vault: Vault, rel: str, offset: int) -> lsp.Location | None:
    link = link_at(vault, rel, offset)
    if link is None:
        return None
    path = _target(vault, rel, link)
    if path is None:
        return None
    doc = _doc(vault, path)
    at = doc.at_offset(_anchor_offset(vault, path, link.fragment)) if doc is not None else (0, 0)
    position = lsp.Position(*at)
    return lsp.Location(uri=(vault.root / path).as_uri(), range=lsp.Range(position, position))


def hover(vault: Vault, rel: str, doc: DocText, offset: int) -> lsp.Hover | None:
    link = link_at(vault, rel, offset)
    if link is None:
        return None
    path = _target(vault, rel, link)
    if path is None:
        text = f"`{link.target}`: no such note in the vault"
    else:
        text = f"`{path}`" + (f" › {link.fragment}" if link.fragment else "")
    start, end = doc.at_offset(link.start), doc.at_offset(link.end)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
                     range=lsp.Range(lsp.Position(*start), lsp.Position(*end)))


def completion(vault: Vault, rel: str, doc: DocText, line: int, character: int
               ) -> lsp.CompletionList | None:
    """Note names after `[[`, and that note's headings after `[[name#`."""
    text = doc.line(line)
    before = text[:_char_index(text, character)]
    opened = before.rfind("[[")
    if opened < 0 or "]]" in before[opened:] or "|" in before[opened:]:
        return None
    typed = before[opened + 2:]
    name, hash_, fragment = typed.partition("#")
    workspace = vault.workspace
    if hash_:
        target = workspace.resolve(name, rel) if name else rel
        facts = _facts(vault, target) if target else None
        labels = [h.text for h in facts.md.headings] if facts is not None else []
        typed_start = len(before) - len(fragment)
        items = _items(labels, fragment, lsp.CompletionItemKind.Reference, line, text, typed_start, character)
        return lsp.CompletionList(is_incomplete=False, items=items)
    names: dict[str, list[str]] = {}
    for path in workspace.note_files:
        names.setdefault(posixpath.basename(path)[:-3].casefold(), []).append(path)
    labels, details = [], {}
    for path in workspace.note_files:
        if path == rel:
            continue
        base = posixpath.basename(path)[:-3]
        label = base if len(names[base.casefold()]) == 1 else path[:-3]  # a name two notes share
        labels.append(label)
        details[label] = path
    items = _items(labels, name, lsp.CompletionItemKind.File, line, text, opened + 2, character, details)
    return lsp.CompletionList(is_incomplete=len(items) >= MAX_COMPLETIONS, items=items)


def _char_index(text: str, units: int) -> int:
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _items(labels: list[str], typed: str, kind: lsp.CompletionItemKind, line: int, text: str,
           start: int, character: int, details: dict[str, str] | None = None
           ) -> list[lsp.CompletionItem]:
    from lint.server.positions import utf16_len

    want = typed.strip().casefold()
    hits = [label for label in labels if want in label.casefold()]
    hits.sort(key=lambda s: (not s.casefold().startswith(want), len(s), s))
    first = lsp.Position(line, utf16_len(text[:start]))
    rng = lsp.Range(first, lsp.Position(line, character))
    return [lsp.CompletionItem(label=label, kind=kind, filter_text=label,
                               detail=(details or {}).get(label),
                               text_edit=lsp.TextEdit(rng, label))
            for label in hits[:MAX_COMPLETIONS]]
