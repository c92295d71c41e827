"""Findings as LSP diagnostics, and fixes as LSP text edits."""

from __future__ import annotations

from lsprotocol import types as lsp

from lint.diagnostic import Finding, Severity
from lint.server.positions import DocText

# The rule pages are generated into docs/rules/ (lint/docs.py); the project's home is
# the URL the SARIF reporter names as informationUri.
RULE_DOCS = "https://github.com/notelint/notelint/blob/main/docs/rules/{name}.md"
SOURCE = "notelint"

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def lsp_range(doc: DocText, line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
    start = doc.position(line, column)
    end = doc.position(end_line, end_column)
    return lsp.Range(lsp.Position(*start), lsp.Position(*max(start, end)))


def finding_range(doc: DocText, f: Finding) -> lsp.Range:
    return lsp_range(doc, f.line, f.column, f.end_line, f.end_column)


def diagnostic(doc: DocText, f: Finding) -> lsp.Diagnostic:
    message = f"{f.message} [{f.rule}]"
    if f.help:
        message += f"\nhelp: {f.help}"
    return lsp.Diagnostic(
        range=finding_range(doc, f),
        message=message,
        severity=_SEVERITY[f.severity],
        code=f.code,
        code_description=lsp.CodeDescription(href=RULE_DOCS.format(name=f.rule)),
        source=SOURCE,
        tags=[lsp.DiagnosticTag.Unnecessary] if f.rule == "unused-suppression" else None,
        data={"rule": f.rule},
    )


def internal_error(message: str, help: str = "this is a notelint bug; please report it"
                   ) -> lsp.Diagnostic:
    """The server itself failed on this note (the engine contains a rule's crash as a
    finding; this is for anything around it, and for a vault it cannot lint)."""
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=f"{message} [internal-error]\nhelp: {help}",
        severity=lsp.DiagnosticSeverity.Error,
        code="NL001",
        code_description=lsp.CodeDescription(href=RULE_DOCS.format(name="internal-error")),
        source=SOURCE,
    )


def fix_edits(doc: DocText, f: Finding) -> list[lsp.TextEdit] | None:
    """The finding's fix as edits of the document; None when it cannot be one (a BOM to
    drop that the editor does not show)."""
    if f.fix is None:
        return None
    if f.fix.drop_bom:
        if not doc.shift:
            return None
        return [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1)), "")]
    return [lsp.TextEdit(lsp_range(doc, e.line, e.column, e.end_line, e.end_column), e.content)
            for e in f.fix_edits]
