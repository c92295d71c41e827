"""The content cache and the parallel workers give exactly the findings of a plain run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lint.cache import MAGIC
from lint.engine import Linter, Request

HUB = "---\ntitle: Hub\n---\n\n# Hub\n\n## Section\n"
NOTE = "---\ntitle: {t}\nvideoId: rYXeQbTuVl0\n---\n\nFrom: [[hub]] <br/>\nSee [[hub#Section]] and [[other]].\n"


@pytest.fixture(autouse=True)
def _private_cache_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _vault(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "notelint.toml").write_text("")
    (root / "hub.md").write_text(HUB)
    (root / "other.md").write_text("---\ntitle: Other\n---\n")
    for i in range(5):
        (root / f"n{i}.md").write_text(NOTE.format(t=f"Note {i}"))
    return root


def _run(root: Path, **kw) -> tuple[list, Linter]:
    linter = Linter(Request(paths=[str(root)], cwd=str(root), cache=True, **kw))
    return [(f.path, f.line, f.column, f.rule, f.message) for f in linter.run()], linter


def test_warm_run_reads_the_cache_and_agrees(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    (v / "n1.md").write_text(NOTE.format(t="x") + "[[missing]]\n")
    cold, first = _run(v)
    assert first.stats["parsed"] == 7 and first.stats["cached"] == 0
    assert (v / ".notelint_cache" / ".gitignore").read_text().strip().endswith("*")
    warm, second = _run(v)
    assert warm == cold and second.stats["parsed"] == 0 and second.stats["cached"] == 7


def test_one_change_reparses_one_note(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    _run(v)
    (v / "n2.md").write_text(NOTE.format(t="Changed") + "Now [[nowhere]].\n")
    found, linter = _run(v)
    assert linter.stats["parsed"] == 1
    assert [(p, r) for p, _, _, r, _ in found] == [("n2.md", "broken-link")]


def test_a_rename_breaks_links_in_unchanged_notes(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    assert _run(v)[0] == []
    os.rename(v / "other.md", v / "renamed.md")
    found, linter = _run(v)
    assert linter.stats["parsed"] == 1  # only the renamed file is new; the others come from the cache
    assert sorted(p for p, _, _, r, _ in found if r == "broken-link") == [f"n{i}.md" for i in range(5)]


def test_a_heading_change_rechecks_anchors_elsewhere(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    _run(v)
    (v / "hub.md").write_text(HUB.replace("## Section", "## Renamed"))
    found, _ = _run(v)
    assert sorted(p for p, _, _, r, _ in found if r == "broken-anchor") == [f"n{i}.md" for i in range(5)]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_corrupt_or_foreign_cache_is_ignored(tmp_path, damage) -> None:
    v = _vault(tmp_path / "v")
    (v / "n1.md").write_text(NOTE.format(t="x") + "[[missing]]\n")
    cold, _ = _run(v)
    (cache,) = (v / ".notelint_cache").glob("*.bin")
    raw = cache.read_bytes()
    if damage == "truncate":
        cache.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        cache.write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))
    else:  # planted by someone without our key: a valid pickle that would run code
        import pickle

        class Boom:
            def __reduce__(self):
                return (os.system, ("touch " + str(tmp_path / "pwned"),))

        cache.write_bytes(MAGIC + b"\0" * 32 + pickle.dumps(Boom()))
    again, linter = _run(v)
    assert again == cold and linter.stats["cached"] == 0
    assert not (tmp_path / "pwned").exists()


def test_no_cache_and_cache_dir(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    Linter(Request(paths=[str(v)], cwd=str(v), cache=False)).run()
    assert not (v / ".notelint_cache").exists()
    _run(v, cache_dir=str(tmp_path / "elsewhere"))
    assert list((tmp_path / "elsewhere").glob("*.bin")) and not (v / ".notelint_cache").exists()


def test_config_change_invalidates(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    (v / "n1.md").write_text(NOTE.format(t="x") + "[[missing]]\n")
    assert len(_run(v)[0]) == 1
    (v / "notelint.toml").write_text("ignore = ['broken-link']\n")
    found, linter = _run(v)
    assert found == [] and linter.stats["cached"] == 0


@pytest.mark.parametrize("held_pickled", [False, True], ids=["facts-held", "facts-pickled"])
def test_parallel_workers_agree_with_one_process(make_vault, monkeypatch, held_pickled) -> None:
    """Both ways a worker can hold its notes between its passes (lint/parallel.py)."""
    import lint.parallel

    if held_pickled:  # workers are forked from this process, so they see it
        monkeypatch.setattr(lint.parallel, "HELD_PICKLED_FROM", 1)
    vault, _ = make_vault(900, 0.05, seed=3)
    one = Linter(Request(paths=[str(vault)], cwd=str(vault), jobs=1)).run()
    two = Linter(Request(paths=[str(vault)], cwd=str(vault), jobs=2))
    found = two.run()
    assert two.stats["workers"] == 2
    assert [(f.path, f.line, f.column, f.rule, f.message, f.fix) for f in found] == \
           [(f.path, f.line, f.column, f.rule, f.message, f.fix) for f in one]
    assert len(one) > 20


def test_facts_pack_and_unpack_to_equal_facts() -> None:
    """Facts are pickled as a flat tuple (lint/facts.py): every field must come back,
    links, headings and block ids as their named tuples."""
    from lint.facts import NoteFacts, pack, unpack
    from lint.markdown import BlockId, Heading, Link
    from lint.note import parse_text

    note = parse_text("a/n.md", "---\ntitle: T\naliases: [x]\n---\n# H\r\n\nSee [[b#H|B]] and "
                                "[c](c.md#x).\nQuote ^blk\n\n`[[code]]` ![[img.png]]\n")
    facts = note.facts()
    back = unpack(pack(facts))
    assert isinstance(back, NoteFacts)
    assert (back.path, back.digest, back.data, back.length) == \
           (facts.path, facts.digest, facts.data, facts.length)
    assert back.md == facts.md and len(back.md.links) == 3 and back.md.block_ids
    assert all(type(x) is Link for x in back.md.links)
    assert all(type(x) is Heading for x in back.md.headings)
    assert all(type(x) is BlockId for x in back.md.block_ids)
    assert back.md.links[0].display == "B" and back.md.links[1].fragment == "x"
    assert list(back.line_starts) == list(facts.line_starts)
    assert [back.position(k) for k in range(facts.length + 1)] == \
           [note.position(k) for k in range(facts.length + 1)]


@pytest.mark.parametrize("batch", [2, 10_000], ids=["spooled", "held"])
def test_facts_file_round_trip(tmp_path, monkeypatch, batch) -> None:
    """A run that parses many notes writes their facts out as they come (spooled) or at
    the end (held); a later run that must re-check links in notes it did not parse reads
    them back, including the facts it carried over from the file before."""
    import lint.cache

    monkeypatch.setattr(lint.cache, "SPOOL_BATCH", batch)
    monkeypatch.setattr(lint.cache, "RECENT_MAX", 2)  # both ways write the facts file
    v = _vault(tmp_path / "v")
    (v / "n1.md").write_text(NOTE.format(t="x") + "[[missing]]\n")

    def agrees_with_a_plain_run() -> list:
        found, linter = _run(v)
        plain = Linter(Request(paths=[str(v)], cwd=str(v), cache=False)).run()
        assert found == [(f.path, f.line, f.column, f.rule, f.message) for f in plain]
        return found

    agrees_with_a_plain_run()
    folder = v / ".notelint_cache"
    assert len(list(folder.glob("*.facts"))) == 1 and not list(folder.glob(".tmp-*"))
    for i in range(3):  # three notes change: their facts are spooled, the others' carried
        (v / f"n{i}.md").write_text(NOTE.format(t=f"Changed {i}") + f"[[gone{i}]]\n")
    agrees_with_a_plain_run()
    (v / "hub.md").write_text(HUB.replace("## Section", "## Renamed"))  # re-check everyone
    found = agrees_with_a_plain_run()
    assert sorted(p for p, _, _, r, _ in found if r == "broken-anchor") == [f"n{i}.md" for i in range(5)]
    assert not list(folder.glob(".tmp-*"))


def _plain(v: Path) -> list:
    return [(f.path, f.line, f.column, f.rule, f.message)
            for f in Linter(Request(paths=[str(v)], cwd=str(v), cache=False)).run()]


def test_a_few_changes_go_to_the_delta_and_the_index_stays(tmp_path) -> None:
    """One changed note must not rewrite the whole index (lint/cache.py, DELTA_MAX)."""
    v = _vault(tmp_path / "v")
    _run(v)
    (index,) = (v / ".notelint_cache").glob("*.bin")
    before = index.read_bytes()
    (v / "n2.md").write_text(NOTE.format(t="Changed") + "Now [[nowhere]].\n")
    found, linter = _run(v)
    assert linter.stats["parsed"] == 1 and found == _plain(v)
    assert index.read_bytes() == before and index.with_suffix(".delta").exists()
    warm, again = _run(v)  # the index and its delta, read together
    assert warm == found and again.stats["parsed"] == 0


def test_many_changes_rewrite_the_index_and_drop_the_delta(tmp_path, monkeypatch) -> None:
    import lint.cache

    v = _vault(tmp_path / "v")
    _run(v)
    (v / "n2.md").write_text(NOTE.format(t="Changed") + "Now [[nowhere]].\n")
    _run(v)
    (index,) = (v / ".notelint_cache").glob("*.bin")
    assert index.with_suffix(".delta").exists()
    monkeypatch.setattr(lint.cache, "DELTA_MAX", 1)
    before = index.read_bytes()
    for i in (0, 1):
        (v / f"n{i}.md").write_text(NOTE.format(t=f"Again {i}"))
    found, linter = _run(v)
    assert linter.stats["parsed"] == 2 and found == _plain(v)
    assert index.read_bytes() != before and not index.with_suffix(".delta").exists()
    warm, again = _run(v)
    assert warm == found and again.stats["parsed"] == 0


@pytest.mark.parametrize("damage", ["another-index", "flipped"])
def test_a_delta_that_does_not_belong_is_ignored(tmp_path, monkeypatch, damage) -> None:
    """A delta written against an older index (a concurrent run, a restored folder) or
    damaged is not applied: its entries would put older states of notes back."""
    import lint.cache

    v = _vault(tmp_path / "v")
    _run(v)
    (v / "n2.md").write_text(NOTE.format(t="First") + "[[one]]\n")
    _run(v)
    (index,) = (v / ".notelint_cache").glob("*.bin")
    delta = index.with_suffix(".delta")
    old = delta.read_bytes()
    if damage == "another-index":
        monkeypatch.setattr(lint.cache, "DELTA_MAX", 0)  # the next save rewrites the index
        (v / "n2.md").write_text(NOTE.format(t="Second") + "[[two]]\n")
        _run(v)
        assert not delta.exists()
        delta.write_bytes(old)  # the delta of the index before
        found, linter = _run(v)
        assert linter.stats["parsed"] == 0  # applied, it would have put n2's first state back
    else:
        delta.write_bytes(old[:-1] + bytes([old[-1] ^ 1]))
        found, linter = _run(v)
        assert linter.stats["parsed"] == 1  # n2 is new against the index alone
    assert found == _plain(v)


def test_a_run_that_stops_leaves_no_spool_and_the_folder_ignored(tmp_path, monkeypatch) -> None:
    """A run stopped after it began spooling facts (Ctrl-C) removes the unfinished
    facts file; and the folder's .gitignore is there from the start, so a file left by
    a run killed outright is never committed. The stop is injected by making one of
    our own steps raise: what is under test is the clean-up around it."""
    import lint.cache
    import lint.engine

    monkeypatch.setattr(lint.cache, "SPOOL_BATCH", 2)
    v = _vault(tmp_path / "v")

    def stop(self, done):
        raise KeyboardInterrupt

    monkeypatch.setattr(lint.engine.Linter, "_cross_phase", stop)
    with pytest.raises(KeyboardInterrupt):
        _run(v)
    folder = v / ".notelint_cache"
    assert (folder / ".gitignore").exists()
    assert not list(folder.glob(".tmp-*"))


def test_a_name_with_a_newline_does_not_pass_for_two_files(tmp_path) -> None:
    """The cross-note signature joins the file list: `a` and `b.md` must not read as
    the one file `a\\nb.md`, or links to the vanished b.md stay unreported."""
    v = tmp_path / "v"
    v.mkdir()
    (v / "notelint.toml").write_text("")
    (v / "b.md").write_text("# B\n")
    (v / "a").write_text("x")
    (v / "c.md").write_text("# C\n\nsee [[b]]\n")
    assert _run(v)[0] == []
    (v / "a").unlink()
    (v / "b.md").unlink()
    (v / "a\nb.md").write_text("# B\n")
    found, _ = _run(v)
    assert found == _plain(v) and [r for _, _, _, r, _ in found] == ["broken-link"]


def test_facts_of_another_state_of_a_note_are_not_used(tmp_path, monkeypatch) -> None:
    """Two runs saving at once can leave one's index beside the other's facts file.
    A note's cached facts are used only if they are of the content the index vouches
    for; else the note is parsed again."""
    import lint.cache

    monkeypatch.setattr(lint.cache, "RECENT_MAX", 0)  # every save writes the facts file
    v = _vault(tmp_path / "v")
    _run(v)
    (facts,) = (v / ".notelint_cache").glob("*.facts")
    older = facts.read_bytes()  # n1 without a broken link
    (v / "n1.md").write_text(NOTE.format(t="x") + "[[p_new_broken]]\n")
    _run(v)
    facts.write_bytes(older)  # as a concurrent run's save would leave it
    (v / "hub.md").write_text(HUB.replace("## Section", "## Section\n\n## More"))  # re-check all
    found, _ = _run(v)
    assert found == _plain(v)
    assert ("n1.md", "broken-link") in [(p, r) for p, _, _, r, _ in found]


def test_unused_suppression_is_placed_right_by_parallel_workers_without_cache(tmp_path) -> None:
    v = _vault(tmp_path / "v")
    (v / "n3.md").write_text(NOTE.format(t="N3") + "\n\n<!-- notelint-disable-next-line mojibake -->\nClean.\n")
    one = Linter(Request(paths=[str(v)], cwd=str(v), jobs=1)).run()
    two = Linter(Request(paths=[str(v)], cwd=str(v), jobs=2))
    found = two.run()
    assert two.stats["workers"] == 2
    unused = [(f.path, f.line, f.column) for f in found if f.rule == "unused-suppression"]
    assert unused == [(f.path, f.line, f.column) for f in one if f.rule == "unused-suppression"]
    assert unused and unused[0][1] > 1
