"""Code actions: each finding's fix (safe ones first, unsafe ones said to be unsafe),
every safe fix of the note at once, and a suppression comment for the finding."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from lint.diagnostic import Applicability, Edit, Finding
from lint.fix import MAX_ROUNDS, applicable
from lint.server.convert import diagnostic, finding_range, fix_edits
from lint.server.positions import DocText
from lint.text import changed_span

if TYPE_CHECKING:
    from lint.note import Note
    from lint.server.vaults import Vault

FIX_ALL_KIND = "source.fixAll.notelint"
FIX_ALL_TITLE = "notelint: fix all safe fixes in this note"


def _overlaps(r: lsp.Range, other: lsp.Range) -> bool:
    start = (r.start.line, r.start.character)
    end = (r.end.line, r.end.character)
    return (other.start.line, other.start.character) <= end and \
        (other.end.line, other.end.character) >= start


def code_actions(vault: Vault, rel: str, uri: str, doc: DocText, params: lsp.CodeActionParams
                 ) -> list[lsp.CodeAction]:
    only = params.context.only
    findings = vault.findings(rel)
    out: list[lsp.CodeAction] = []
    wants_fix_all = only is None or any(FIX_ALL_KIND.startswith(k) for k in only)
    if only is None or any(k.startswith(lsp.CodeActionKind.QuickFix) for k in only):
        here = [f for f in findings if _overlaps(params.range, finding_range(doc, f))]
        ranked = sorted(here, key=lambda f: f.fix is None or f.fix.applicability is not Applicability.SAFE)
        out += [a for f in ranked if (a := _fix_action(uri, doc, f)) is not None]
        note = vault.workspace.note(rel)
        out += [a for f in here if (a := _suppress_action(uri, doc, note, f)) is not None]
    if wants_fix_all and any(applicable(f, False) for f in findings):
        action = fix_all(vault, rel, uri, doc, findings)
        if action is not None:
            out.append(action)
    return out


def _fix_action(uri: str, doc: DocText, f: Finding) -> lsp.CodeAction | None:
    if f.fix is None or f.fix.applicability is Applicability.DISPLAY_ONLY:
        return None
    edits = fix_edits(doc, f)
    if not edits:
        return None
    safe = f.fix.applicability is Applicability.SAFE
    title = f"notelint: {_describe(f)}" + ("" if safe else " (unsafe fix: check the result)")
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix,
                          diagnostics=[diagnostic(doc, f)], is_preferred=safe,
                          edit=lsp.WorkspaceEdit(changes={uri: edits}))


def _describe(f: Finding) -> str:
    assert f.fix is not None
    if f.fix.drop_bom:
        return "remove the byte order mark"
    if len(f.fix_edits) == 1:
        content = f.fix_edits[0].content
        if not content:
            return f"fix {f.rule}: remove it"
        shown = content if len(content) <= 40 else content[:39] + "…"
        return f"fix {f.rule}: replace with `{shown}`"
    return f"fix {f.rule}"


def _suppress_action(uri: str, doc: DocText, note: Note | None, f: Finding) -> lsp.CodeAction | None:
    """A suppression comment (lint/suppress.py): in front matter a YAML comment, which
    covers the file; in the body an HTML comment at the end of the finding's line."""
    if note is None or f.rule == "unused-suppression":
        return None
    fm = note.frontmatter
    if fm is not None and fm.start <= f.start < fm.end:
        line = note.position(fm.yaml_start)[0]  # the first line after the opening ---
        at = lsp.Position(*doc.position(line, 1))
        ending = "\r\n" if "\r\n" in note.text[:fm.end] else "\n"
        edit = lsp.TextEdit(lsp.Range(at, at), f"# notelint: disable={f.rule}{ending}")
        title = f"notelint: suppress {f.rule} in this file"
    else:
        text = doc.line(f.line - 1)
        end_offset = note.lines.line_start(f.line) + len(text) - (doc.shift if f.line == 1 else 0)
        if _in_code(note, end_offset):
            return None  # a comment there would be code, not a directive
        at = lsp.Position(*doc.position(f.line, len(text) + 1 - (doc.shift if f.line == 1 else 0)))
        space = "" if not text or text.endswith((" ", "\t")) else " "
        edit = lsp.TextEdit(lsp.Range(at, at), f"{space}<!-- notelint-disable-line {f.rule} -->")
        title = f"notelint: suppress {f.rule} on this line"
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix,
                          diagnostics=[diagnostic(doc, f)],
                          edit=lsp.WorkspaceEdit(changes={uri: [edit]}))


def _in_code(note: Note, offset: int) -> bool:
    spans = note.md.code
    i = bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def fix_all(vault: Vault, rel: str, uri: str, doc: DocText, findings: list[Finding]
            ) -> lsp.CodeAction | None:
    """Every safe fix, round after round as `--fix` does, as one edit of the document."""
    fixed = fixed_text(vault, rel, doc.lint_text, findings)
    if fixed is None:
        return None
    edit = minimal_edit(doc, fixed)
    kind = FIX_ALL_KIND
    return lsp.CodeAction(title=FIX_ALL_TITLE, kind=kind,
                          edit=lsp.WorkspaceEdit(changes={uri: [edit]}))


def fixed_text(vault: Vault, rel: str, text: str, findings: list[Finding]) -> str | None:
    from lint.note import parse_note
    start = text
    for _ in range(MAX_ROUNDS):
        todo = sorted((f for f in findings if applicable(f, False) and not f.fix.drop_bom),  # type: ignore[union-attr]
                      key=lambda f: (f.start, f.end))
        chosen: list[Edit] = []
        taken: list[tuple[int, int]] = []
        for f in todo:
            assert f.fix is not None
            spans = [(e.start, e.end) for e in f.fix.edits]
            if any(s[0] < t[1] and t[0] < s[1] or s == t for s in spans for t in taken):
                continue
            taken += spans
            chosen += f.fix.edits
        if not chosen:
            break
        for e in sorted(chosen, key=lambda e: (e.start, e.end), reverse=True):
            text = text[:e.start] + e.content + text[e.end:]
        note = parse_note(rel, text.encode("utf-8", "surrogatepass"))
        if note.encoding is not None:
            break
        findings = vault.workspace.note_findings(note)
    return None if text == start else text


def minimal_edit(doc: DocText, fixed: str) -> lsp.TextEdit:
    """One edit from the old text to the new: the part between their common prefix and
    suffix (a whole-document replacement would move the cursor and folds)."""
    old = doc.lint_text
    head, tail = changed_span(old, fixed)
    start = doc.at_offset(head)
    end = doc.at_offset(len(old) - tail)
    return lsp.TextEdit(lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                        fixed[head:len(fixed) - tail])
