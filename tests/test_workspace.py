"""The incremental core (lint/workspace.py): after any edit, a Workspace answers what a
fresh run over the same files finds, and names exactly the notes whose findings changed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lint.engine import Linter, Request
from lint.workspace import Workspace

CONFIG = 'extend-select = ["orphan-note"]\n'


def _vault(folder: Path, files: dict[str, str], config: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notelint.toml").write_text(config)
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def _plain(findings) -> list[tuple]:
    return [(f.path, f.line, f.column, f.end_line, f.end_column, f.start, f.end, f.rule, f.message,
             f.help, f.fix) for f in findings]


def _fresh(files: dict[str, str], config: str = "") -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        root = _vault(Path(tmp) / "v", files, config)
        return _plain(Linter(Request(paths=[str(root)], cwd=str(root))).run())


def _rules(ws: Workspace, path: str) -> list[str]:
    return [f.rule for f in ws.findings(path)]


def test_set_text_breaks_and_mends_a_link_in_another_note(tmp_path) -> None:
    ws = Workspace.open(_vault(tmp_path, {"a.md": "See [[b#Intro]].\n", "b.md": "# Intro\n"}))
    assert _rules(ws, "a.md") == []
    assert ws.set_text("b.md", "# Outro\n") == {"a.md"}
    assert _rules(ws, "a.md") == ["broken-anchor"]
    assert ws.set_text("b.md", "# Intro\n\nMore text.\n") == {"a.md"}
    assert _rules(ws, "a.md") == []
    assert ws.set_text("b.md", "# Intro\n\nOther text.\n") == set()  # nothing others read


def test_set_text_changes_a_notes_own_links(tmp_path) -> None:
    ws = Workspace.open(_vault(tmp_path, {"a.md": "Plain.\n", "b.md": "# B\n"}))
    assert ws.set_text("a.md", "See [[nowhere]].\n") == {"a.md"}
    assert _rules(ws, "a.md") == ["broken-link"]


def test_create_delete_and_rename_resolve_or_break_links_elsewhere(tmp_path) -> None:
    ws = Workspace.open(_vault(tmp_path, {"a.md": "See [[b]] and [[c]].\n", "b.md": "# B\n"}))
    assert _rules(ws, "a.md") == ["broken-link"]  # c
    assert ws.create("c.md", "# C\n") == {"a.md", "c.md"}
    assert _rules(ws, "a.md") == []
    assert ws.delete("b.md") == {"a.md", "b.md"}
    assert _rules(ws, "a.md") == ["broken-link"]  # b
    assert ws.rename("c.md", "sub/b.md") == {"a.md", "c.md", "sub/b.md"}
    assert [f.message for f in ws.findings("a.md")] == ["broken link: no note `c` in the vault"]
    assert "sub/b.md" in ws.notes and "c.md" not in ws.notes


def test_a_new_alias_changes_a_suggestion(tmp_path) -> None:
    ws = Workspace.open(_vault(tmp_path, {"a.md": "See [[Zebra]].\n", "b.md": "# B\n"}))
    before = ws.findings("a.md")
    changed = ws.set_text("b.md", "---\naliases: [Zebra]\n---\n# B\n")
    assert changed == {"a.md"} and ws.findings("a.md") != before
    assert ws.findings("a.md") == [f for f in ws.findings("a.md") if f.rule == "broken-link"]


# --- incremental == from scratch ------------------------------------------------------------

NAMES = ["a.md", "b.md", "sub/a.md", "sub/c.md", "d.md", "img.png"]
NOTES = [n for n in NAMES if n.endswith(".md")]
LINES = ["# Intro", "## Part", "[[a]]", "[[b#Intro]]", "[[sub/c#Part]]", "[[c]]", "[[d#^blk]]",
         "text ^blk", "![[img.png]]", "[x](b.md#intro)", "[[Zebra]]",
         "<!-- notelint-disable-next-line broken-link -->", "plain text", "# Intro", "[[A]]",
         "[[../a]]", "[[./c]]", "[[sub/a#Part]]", "[y](sub/c.md)", "[[img]]"]
FRONT = ["", "---\ntitle: Same\n---\n", "---\naliases: [Zebra]\n---\n", "---\ntitle: Same\naliases: b\n---\n"]


@st.composite
def texts(draw) -> str:
    return draw(st.sampled_from(FRONT)) + "\n".join(draw(st.lists(st.sampled_from(LINES), max_size=5))) + "\n"


@st.composite
def edits(draw) -> tuple:
    kind = draw(st.sampled_from(["set", "set", "set", "create", "delete", "rename"]))
    return (kind, draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES)), draw(texts()))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.dictionaries(st.sampled_from(NAMES), texts(), min_size=3, max_size=6),
       steps=st.lists(edits(), min_size=1, max_size=6),
       config=st.sampled_from(["", CONFIG]), warm=st.booleans())
# the kinds of dependency, each once for sure: an alias others' suggestions read, a
# heading a link names, a file a link names, a link a vault-wide rule reads
@example(start={"a.md": "---\naliases: b\n---\n", "c.md": "[[b#Intro]]\n", "d.md": "\n"},
         steps=[("set", "a.md", "a.md", "\n")], config="", warm=False)
@example(start={"a.md": "[[b#Intro]]\n", "b.md": "# Intro\n", "d.md": "\n"},
         steps=[("set", "b.md", "b.md", "## Part\n")], config="", warm=True)
@example(start={"a.md": "[[c]]\n", "b.md": "\n", "d.md": "\n"},
         steps=[("rename", "b.md", "c.md", "")], config="", warm=True)
@example(start={"a.md": "[[c]]\n", "sub/c.md": "\n", "d.md": "\n"},
         steps=[("create", "c.md", "c.md", "")], config="", warm=False)
@example(start={"a.md": "\n", "b.md": "[[a]]\n", "d.md": "\n"},
         steps=[("set", "b.md", "b.md", "\n")], config=CONFIG, warm=False)
# unsaved text given to an attachment is what a rename to a note's name carries
@example(start={"b.md": "\n", "img.png": "[[b#Intro]]\n", "sub/a.md": "\n"},
         steps=[("set", "img.png", "a.md", "\n"), ("rename", "img.png", "a.md", "\n")],
         config="", warm=False)
def test_incremental_answers_equal_a_fresh_run(start, steps, config, warm) -> None:
    files = dict(start)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(_vault(Path(tmp) / "w", files, config))
        if warm:  # the index of who links where built ahead, as the server does when idle
            ws.warm()
        assert _plain(ws.all_findings()) == _fresh(files, config)
        for kind, path, other, text in steps:
            before = {p: _plain(ws.findings(p)) for p in ws.notes}
            if kind == "set":
                changed = ws.set_text(path, text)
                files[path] = text
            elif kind == "create" and path not in files:
                changed = ws.create(path, text)
                files[path] = text
            elif kind == "delete" and path in files:
                changed = ws.delete(path)
                del files[path]
            elif kind == "rename" and path in files and other not in files:
                changed = ws.rename(path, other)
                files[other] = files.pop(path)
            else:
                continue
            assert _plain(ws.all_findings()) == _fresh(files, config)
            after = {p: _plain(ws.findings(p)) for p in ws.notes}
            moved = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
            assert changed == moved


def test_warm_changes_no_answer(tmp_path) -> None:
    files = {"a.md": "See [[b#Intro]] and [[nowhere]].\n", "b.md": "# Intro\n", "c.md": "[[b]]\n"}
    cold = Workspace.open(_vault(tmp_path / "cold", files), cache=False)
    warm = Workspace.open(_vault(tmp_path / "warm", files), cache=False)
    before = _plain(warm.all_findings())
    warm.warm()
    assert _plain(warm.all_findings()) == before == _plain(cold.all_findings())
    # the edit that would have built the index answers as without warm()
    assert warm.set_text("b.md", "# Outro\n") == cold.set_text("b.md", "# Outro\n") == {"a.md"}
    assert _plain(warm.all_findings()) == _plain(cold.all_findings())


def test_open_a_folder_inside_a_vault_opens_the_vault(tmp_path) -> None:
    root = _vault(tmp_path / "v", {"sub/a.md": "See [[b#Intro]].\n", "b.md": "# Intro\n"},
                  'exclude = ["drafts/**"]\n')
    ws = Workspace.open(root / "sub", {"select": ["broken-link"]}, cache=False)
    assert ws.root == root and set(ws.notes) == {"sub/a.md", "b.md"}
    assert ws.config.select == ["broken-link"] and ws.warnings == []
    assert ws.resolve("b", "sub/a.md") == "b.md" and ws.resolve("zebra", "sub/a.md") is None
    facts = ws.facts("sub/a.md")
    assert facts is not None and [h.text for h in ws.facts("b.md").md.headings] == ["Intro"]
    assert ws.facts("missing.md") is None
    assert ws.indexed("c.md") and not ws.indexed(".obsidian/x.md") and not ws.indexed("drafts/x.md")


def test_a_file_discovery_would_not_list_is_not_added(tmp_path) -> None:
    files = {"a.md": "See [[x]].\n", "b.md": "# B\n"}
    ws = Workspace.open(_vault(tmp_path / "v", files, 'exclude = ["drafts/**"]\n'), cache=False)
    before = _plain(ws.all_findings())
    assert ws.create(".obsidian/x.md", "# X\n") == set()
    assert ws.set_text("drafts/x.md", "[[nowhere]]\n") == set()
    assert ".obsidian/x.md" not in ws.files and "drafts/x.md" not in ws.files
    assert _plain(ws.all_findings()) == before  # a.md's link still leads nowhere
    assert ws.create("x.md", "# X\n") == {"a.md", "x.md"}


# --- --fix's re-lint goes through the workspace -------------------------------------------------

def _relint(tmp_path, monkeypatch, new_a: str) -> tuple[list | None, list]:
    """A cached parallel run whose facts were spooled, then a.md rewritten as --fix would."""
    import lint.cache
    from lint.note import parse_note

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key"))
    monkeypatch.setattr(lint.cache, "SPOOL_BATCH", 2)
    files = {"a.md": "# Intro\n", "b.md": "See [[a#Intro]].\n", **{f"n{i}.md": "[[a]]\n" for i in range(6)}}
    v = _vault(tmp_path / "v", files)
    linter = Linter(Request(paths=[str(v)], cwd=str(v), cache=True, jobs=2))
    findings = linter.run()
    assert linter.stats["workers"] == 2
    (v / "a.md").write_text(new_a)
    linter.rewritten = {"a.md": parse_note("a.md", new_a.encode())}
    again = linter.relint_rewritten(findings)
    return (None if again is None else _plain(again)), _fresh({**files, "a.md": new_a})


def test_relint_answers_when_no_other_note_changes(tmp_path, monkeypatch) -> None:
    again, fresh = _relint(tmp_path, monkeypatch, "# Intro\n\n## Added\n")  # a heading no one names
    assert again == fresh


def test_relint_defers_to_a_new_run_when_another_note_changes(tmp_path, monkeypatch) -> None:
    again, fresh = _relint(tmp_path, monkeypatch, "# Outro\n")
    assert again is None and any(f[0] == "b.md" for f in fresh)
