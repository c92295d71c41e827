""""Did you mean": the help and the unsafe fix of broken-link and broken-anchor, on real
vaults in temp folders, through the public API."""

from __future__ import annotations

from pathlib import Path

import lint
from lint.diagnostic import Applicability


def run(tmp_path: Path, files: dict[str, str], rule: str) -> dict[str, lint.Finding]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "notelint.toml").write_text("")
    findings = lint.check([tmp_path], config={"select": [rule]}, cwd=str(tmp_path))
    lines = (tmp_path / "links.md").read_text(encoding="utf-8").splitlines()
    return {lines[f.line - 1].split(" <!--")[0]: f for f in findings}


def fixed(f: lint.Finding) -> str | None:
    """The target the fix writes, when the fix is one unsafe edit."""
    if f.fix is None:
        return None
    assert f.fix.applicability is Applicability.UNSAFE
    (edit,) = f.fix_edits
    return edit.content


# --- broken-anchor -------------------------------------------------------------------

DOC = "# Doc\n\n## Limitations\n\n### Mitigation Efforts\n\n## Key Ideas\n\n## Open questions?\n"


def test_anchor_help_prefers_a_heading_with_the_words(tmp_path: Path) -> None:
    found = run(tmp_path, {"doc.md": DOC, "links.md": (
        "[[doc#Mitigation]]\n[[doc#Limitation]]\n[[doc#Key Idea]]\n[[doc#ideas key]]\n"
        "[[doc#Zebra crossing]]\n")}, "broken-anchor")
    assert found["[[doc#Mitigation]]"].help == "did you mean [[doc#Mitigation Efforts]]?"
    assert found["[[doc#Limitation]]"].help == "did you mean [[doc#Limitations]]?"
    assert found["[[doc#Key Idea]]"].help == "did you mean [[doc#Key Ideas]]?"
    assert found["[[doc#ideas key]]"].help == "did you mean [[doc#Key Ideas]]?"
    assert found["[[doc#Zebra crossing]]"].help is None


def test_anchor_help_names_the_heading_as_obsidian_links_it(tmp_path: Path) -> None:
    found = run(tmp_path, {"doc.md": DOC, "links.md": "[[doc#Open question]]\n[[doc#Open questions]]\n"},
                "broken-anchor")
    assert list(found) == ["[[doc#Open question]]"]  # the `?` is not needed
    assert found["[[doc#Open question]]"].help == "did you mean [[doc#Open questions?]]?"


# --- broken-link ----------------------------------------------------------------------

NOTES = {
    "missing.md": "# Missing\n",
    "sub/Deep Note.md": "# Deep\n",
    "khanacademy.md": "# Khan Academy\n",
    "open_source.md": "# Open source\n",
    "bat.md": "# Bat\n",
    "ai.md": "---\naliases: [AI Safety]\n---\n# AI\n",
    "open_source_ai.md": "# Open source AI\n",
}


def test_a_one_word_typo_gets_help_and_an_unsafe_fix(tmp_path: Path) -> None:
    found = run(tmp_path, {**NOTES, "links.md": (
        "[[missng]]\n"
        "[[misisng | shown]]\n"
        "![[missng#Part|the part]]\n"
        "[[mising.md]]\n"
        "[x](missng.md#part)\n"
        "[[sub/Deep Nte]]\n"
        "[y](sub/Deep%20Nte.md)\n"
        "[[Khan Academy]]\n"
        "[[OpenSource]]\n")}, "broken-link")
    assert found["[[missng]]"].help == "did you mean [[missing]]?"
    assert fixed(found["[[missng]]"]) == "missing"
    assert fixed(found["[[misisng | shown]]"]) == "missing"  # two letters swapped
    assert fixed(found["![[missng#Part|the part]]"]) == "missing"  # heading and display stay
    assert fixed(found["[[mising.md]]"]) == "missing.md"
    assert fixed(found["[x](missng.md#part)"]) == "missing.md"
    assert fixed(found["[[sub/Deep Nte]]"]) == "sub/Deep Note"  # a path stays a path
    assert fixed(found["[y](sub/Deep%20Nte.md)"]) == "sub/Deep%20Note.md"
    assert fixed(found["[[Khan Academy]]"]) == "khanacademy"
    assert fixed(found["[[OpenSource]]"]) == "open_source"


def test_no_suggestion_for_names_that_are_not_a_typo_away(tmp_path: Path) -> None:
    found = run(tmp_path, {**NOTES, "links.md": (
        "[[cat]]\n"  # one letter from bat: too short to tell a typo
        "[[mssng]]\n"  # two letters away
        "[[zebra]]\n"
        "[[Missing Link]]\n")}, "broken-link")
    for line, f in found.items():
        assert f.help is None and f.fix is None, line


def test_every_suggestion_naming_one_note_carries_the_fix(tmp_path: Path) -> None:
    found = run(tmp_path, {**NOTES, "a/twin_note.md": "# A\n", "b/twin_note.md": "# B\n",
                           "\u2068chan\u2069.md": "# Chan\n", "links.md": (
        "[[chan|the channel]]\n"  # the file's name has invisible characters the link lacks
        "[[Open Source AI | open models]]\n"  # the snake_case form
        "[[open_sorce_ai]]\n"  # close by rapidfuzz
        "[[AI Safety|safety]]\n"  # an alias, with a display text
        "[[AI Safety]]\n"  # an alias: the fix would need a `|` (tables), so help only
        "[[Twin Note]]\n")}, "broken-link")  # two notes: no fix
    assert fixed(found["[[chan|the channel]]"]) == "\u2068chan\u2069"
    assert fixed(found["[[Open Source AI | open models]]"]) == "open_source_ai"
    assert found["[[open_sorce_ai]]"].help == "did you mean [[open_source_ai]]?"
    assert fixed(found["[[open_sorce_ai]]"]) == "open_source_ai"
    assert fixed(found["[[AI Safety|safety]]"]) == "ai"
    assert found["[[AI Safety]]"].help.endswith("write [[ai|AI Safety]]")
    assert found["[[AI Safety]]"].fix is None
    assert found["[[Twin Note]]"].help == "did you mean [[a/twin_note]] or [[b/twin_note]]?"
    assert found["[[Twin Note]]"].fix is None
