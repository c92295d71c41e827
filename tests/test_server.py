"""`notelint server` driven over stdio by a real LSP client (pytest-lsp): the server is
the installed code in a subprocess, as an editor starts it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

TIMEOUT = 60  # generous: the machine is shared; nothing here asserts a time


BOOM_SCHEMA = """\
from pydantic import BaseModel, field_validator


class Boom(BaseModel):
    title: str

    @field_validator("title")
    @classmethod
    def explode(cls, v):
        if v == "explode":
            raise ZeroDivisionError("the schema fell over")
        return v
"""


def make_vault(root: Path) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    (root / "missing.md").write_text("# Missing\n\nThe note the typo meant.\n\n## Part two\n",
                                     encoding="utf-8")
    (root / "a.md").write_text("See [[missng]] here.\n", encoding="utf-8")
    (root / "b.md").write_text("Links to [[later]].\n", encoding="utf-8")
    # a schema of the vault's own that raises (not a validation error) on one title
    (root / "boom_schema.py").write_text(BOOM_SCHEMA, encoding="utf-8")
    (root / "notelint.toml").write_text(
        'allow-code = true\n[[schemas]]\nglob = "boom/**"\nmodel = "boom_schema:Boom"\n')
    (root / "boom").mkdir()
    (root / "boom" / "n.md").write_text("---\ntitle: calm\n---\nSee [[missing]].\n")
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "lint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    vault = make_vault(tmp_path / "vault")
    lsp_client.vault = vault  # type: ignore[attr-defined]
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=vault.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")]))
    yield
    await lsp_client.shutdown_session()  # shutdown, then exit: the server leaves with 0
    assert lsp_client._server is not None and lsp_client._server.returncode == 0


async def diagnostics_until(client: LanguageClient, uri: str,
                            ok: Callable[[list[lsp.Diagnostic]], bool]) -> list[lsp.Diagnostic]:
    async def wait() -> list[lsp.Diagnostic]:
        while True:
            got = client.diagnostics.get(uri)
            if got is not None and ok(list(got)):
                return list(got)
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), TIMEOUT)


def rules(diags: list[lsp.Diagnostic]) -> list[str]:
    return [d.data["rule"] for d in diags]


def open_note(client: LanguageClient, path: Path, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
        uri=uri, language_id="markdown", version=version, text=path.read_text(encoding="utf-8"))))
    return uri


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [lsp.TextDocumentContentChangeWholeDocument(text=text)]))


@pytest.mark.asyncio
async def test_a_broken_link_and_its_quick_fix(client: LanguageClient) -> None:
    uri = open_note(client, client.vault / "a.md")  # type: ignore[attr-defined]
    diags = await diagnostics_until(client, uri, lambda d: "broken-link" in rules(d))
    broken = next(d for d in diags if d.data["rule"] == "broken-link")
    assert broken.code == "LNK001"
    assert broken.source == "notelint"
    assert broken.severity == lsp.DiagnosticSeverity.Error
    assert "help: did you mean [[missing]]" in broken.message
    assert broken.code_description.href.endswith("/docs/rules/broken-link.md")
    # the span is the link's target, `missng`
    assert broken.range == lsp.Range(lsp.Position(0, 6), lsp.Position(0, 12))

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=broken.range,
        context=lsp.CodeActionContext(diagnostics=[broken])))
    titles = [a.title for a in actions]
    fix = next(a for a in actions if "replace with `missing`" in a.title)
    assert "unsafe" in fix.title  # broken-link's fix is unsafe, and says so
    assert any("suppress broken-link on this line" in t for t in titles)
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "missing"
    text = "See [[missng]] here.\n"
    fixed = text[:edit.range.start.character] + edit.new_text + text[edit.range.end.character:]
    assert fixed == "See [[missing]] here.\n"

    # the suppression comment, applied, silences the finding
    suppress = next(a for a in actions if "suppress broken-link on this line" in a.title)
    (comment,) = suppress.edit.changes[uri]
    at = comment.range.start.character
    assert (comment.range.start.line, at) == (0, len("See [[missng]] here."))
    replace_all(client, uri, text[:at] + comment.new_text + text[at:], 2)
    await diagnostics_until(client, uri, lambda d: d == [])
    replace_all(client, uri, text, 3)
    await diagnostics_until(client, uri, lambda d: "broken-link" in rules(d))
    replace_all(client, uri, fixed, 4)
    await diagnostics_until(client, uri, lambda d: d == [])


@pytest.mark.asyncio
async def test_mojibake_typed_in_and_fixed_all_at_once(client: LanguageClient) -> None:
    uri = open_note(client, client.vault / "missing.md")  # type: ignore[attr-defined]
    await diagnostics_until(client, uri, lambda d: d == [])
    text = "# Missing\n\nThe marketâ€™s needs 😀 and the cafÃ© menu.\n"
    replace_all(client, uri, text, 2)
    diags = await diagnostics_until(client, uri, lambda d: "mojibake" in rules(d))
    moji = [d for d in diags if d.data["rule"] == "mojibake"]
    # UTF-16 columns: the emoji before the second one counts two units
    assert moji[0].range.start == lsp.Position(2, 10)
    assert moji[1].range.start.character == len("The marketâ€™s needs 😀 and the caf".encode("utf-16-le")) // 2

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=moji[0].range,
        context=lsp.CodeActionContext(diagnostics=moji[:1])))
    fix_all = next(a for a in actions if a.title == "notelint: fix all safe fixes in this note")
    (edit,) = fix_all.edit.changes[uri]
    lines = text.split("\n")
    line = lines[2]
    # both repairs in one edit, inside line 2 (columns in UTF-16 units)
    assert edit.range.start.line == edit.range.end.line == 2
    units = line.encode("utf-16-le")
    start, end = edit.range.start.character * 2, edit.range.end.character * 2
    repaired = (units[:start].decode("utf-16-le") + edit.new_text + units[end:].decode("utf-16-le"))
    assert repaired == "The market’s needs 😀 and the café menu."


@pytest.mark.asyncio
async def test_a_file_created_on_disk_makes_a_link_resolve(client: LanguageClient) -> None:
    vault: Path = client.vault  # type: ignore[attr-defined]
    uri = open_note(client, vault / "b.md")
    await diagnostics_until(client, uri, lambda d: rules(d) == ["broken-link"])
    (vault / "later.md").write_text("# Later\n", encoding="utf-8")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        [lsp.FileEvent(uri=(vault / "later.md").as_uri(), type=lsp.FileChangeType.Created)]))
    await diagnostics_until(client, uri, lambda d: d == [])
    (vault / "later.md").unlink()
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        [lsp.FileEvent(uri=(vault / "later.md").as_uri(), type=lsp.FileChangeType.Deleted)]))
    await diagnostics_until(client, uri, lambda d: rules(d) == ["broken-link"])


@pytest.mark.asyncio
async def test_an_unsaved_heading_reaches_the_notes_linking_to_it(client: LanguageClient) -> None:
    vault: Path = client.vault  # type: ignore[attr-defined]
    (vault / "c.md").write_text("See [[missing#Part three]].\n", encoding="utf-8")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        [lsp.FileEvent(uri=(vault / "c.md").as_uri(), type=lsp.FileChangeType.Created)]))
    linking = open_note(client, vault / "c.md")
    await diagnostics_until(client, linking, lambda d: rules(d) == ["broken-anchor"])
    target = open_note(client, vault / "missing.md")
    await diagnostics_until(client, target, lambda d: d == [])
    replace_all(client, target, (vault / "missing.md").read_text() + "\n## Part three\n", 2)
    await diagnostics_until(client, linking, lambda d: d == [])


@pytest.mark.asyncio
async def test_definition_hover_and_completion(client: LanguageClient) -> None:
    vault: Path = client.vault  # type: ignore[attr-defined]
    (vault / "d.md").write_text("Go to [[missing#Part two]].\n[[mis", encoding="utf-8")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        [lsp.FileEvent(uri=(vault / "d.md").as_uri(), type=lsp.FileChangeType.Created)]))
    uri = open_note(client, vault / "d.md")
    await diagnostics_until(client, uri, lambda d: True)
    on_link = lsp.Position(0, 10)
    where = await client.text_document_definition_async(lsp.DefinitionParams(
        lsp.TextDocumentIdentifier(uri), on_link))
    assert where.uri == (vault / "missing.md").as_uri()
    assert where.range.start == lsp.Position(4, 0)  # the heading "## Part two"
    shown = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), on_link))
    assert "`missing.md`" in shown.contents.value
    got = await client.text_document_completion_async(lsp.CompletionParams(
        lsp.TextDocumentIdentifier(uri), lsp.Position(1, 5)))
    labels = [item.label for item in got.items]
    assert labels[0] == "missing"


@pytest.mark.asyncio
async def test_a_note_that_crashes_a_rule_gets_an_internal_error_and_the_server_goes_on(
        client: LanguageClient) -> None:
    """A schema of the vault's own that raises (not a validation error) crashes the
    frontmatter-schema rule on the note typed in; the server answers the next edit."""
    vault: Path = client.vault  # type: ignore[attr-defined]
    uri = open_note(client, vault / "boom" / "n.md")
    await diagnostics_until(client, uri, lambda d: d == [])
    replace_all(client, uri, "---\ntitle: explode\n---\nSee [[missing]].\n", 2)
    diags = await diagnostics_until(client, uri, lambda d: rules(d) == ["internal-error"])
    assert "ZeroDivisionError: the schema fell over" in diags[0].message
    replace_all(client, uri, "---\ntitle: calm\n---\nSee [[missng]].\n", 3)
    await diagnostics_until(client, uri, lambda d: rules(d) == ["broken-link"])


@pytest.mark.asyncio
async def test_without_a_client_watcher_the_server_watches_the_disk_itself(
        client: LanguageClient) -> None:
    """This client cannot register file watchers (no dynamicRegistration): the server's
    own watcher sees the new file, and no didChangeWatchedFiles is sent."""
    vault: Path = client.vault  # type: ignore[attr-defined]
    uri = open_note(client, vault / "b.md")
    await diagnostics_until(client, uri, lambda d: rules(d) == ["broken-link"])
    (vault / "later.md").write_text("# Later\n", encoding="utf-8")
    await diagnostics_until(client, uri, lambda d: d == [])


@pytest.mark.asyncio
async def test_a_client_that_can_watch_files_is_asked_to(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    client = pytest_lsp.make_test_lsp_client()
    asked: list[lsp.RegistrationParams] = []
    client.feature(lsp.CLIENT_REGISTER_CAPABILITY)(lambda params: asked.append(params))
    await client.start_io(sys.executable, "-m", "lint", "server")
    try:
        caps = lsp.ClientCapabilities(workspace=lsp.WorkspaceClientCapabilities(
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True)))
        await client.initialize_session(lsp.InitializeParams(capabilities=caps, root_uri=vault.as_uri()))
        uri = open_note(client, vault / "a.md")
        await diagnostics_until(client, uri, lambda d: "broken-link" in rules(d))
        methods = [r.method for params in asked for r in params.registrations]
        assert methods == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        await client.shutdown_session()
    finally:
        await client.stop()


@pytest.mark.asyncio
async def test_a_bad_config_is_said_on_the_note_not_called_a_bug(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    (vault / "notelint.toml").write_text('select = ["no-such-rule"]\n', encoding="utf-8")
    client = pytest_lsp.make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "lint", "server")
    try:
        await client.initialize_session(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=vault.as_uri()))
        uri = open_note(client, vault / "a.md")
        (diag,) = await diagnostics_until(client, uri, lambda d: len(d) == 1)
        assert "notelint cannot lint this vault" in diag.message
        assert "no-such-rule" in diag.message and "bug" not in diag.message
        await client.shutdown_session()  # and the server still answers
    finally:
        await client.stop()


@pytest.mark.asyncio
async def test_suppressing_a_front_matter_finding_covers_the_file(client: LanguageClient) -> None:
    uri = open_note(client, client.vault / "a.md")  # type: ignore[attr-defined]
    await diagnostics_until(client, uri, lambda d: "broken-link" in rules(d))
    text = "---\ntitle: [unclosed\n---\nBody.\n"
    replace_all(client, uri, text, 2)
    diags = await diagnostics_until(client, uri, lambda d: rules(d) == ["frontmatter-syntax"])
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=diags[0].range,
        context=lsp.CodeActionContext(diagnostics=diags)))
    suppress = next(a for a in actions if a.title == "notelint: suppress frontmatter-syntax in this file")
    (edit,) = suppress.edit.changes[uri]
    assert edit.range.start == edit.range.end == lsp.Position(1, 0)  # the first line of the YAML
    lines = text.splitlines(keepends=True)
    replace_all(client, uri, lines[0] + edit.new_text + "".join(lines[1:]), 3)
    await diagnostics_until(client, uri, lambda d: d == [])


@pytest.mark.asyncio
async def test_a_note_in_a_hidden_folder_is_not_linted_nor_linked_to(client: LanguageClient) -> None:
    vault: Path = client.vault  # type: ignore[attr-defined]
    uri = open_note(client, vault / "a.md")
    await diagnostics_until(client, uri, lambda d: rules(d) == ["broken-link"])
    hidden = vault / ".obsidian" / "missng.md"  # the name a.md's link asks for
    hidden.write_text("See [[nowhere]].\n", encoding="utf-8")
    hidden_uri = open_note(client, hidden)
    await diagnostics_until(client, hidden_uri, lambda d: d == [])  # as `notelint check`: not linted
    replace_all(client, uri, (vault / "a.md").read_text(encoding="utf-8"), 2)
    await diagnostics_until(client, uri, lambda d: rules(d) == ["broken-link"])  # still leads nowhere
