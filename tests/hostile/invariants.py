"""The invariants every parse and every run must keep, shared by tests/test_properties.py
and the fuzzing harness in fuzz/."""

from __future__ import annotations

from lint.note import Note


def check_spans(note: Note) -> None:
    """Every offset the parse produced lies inside the text, start <= end."""
    text = note.text
    n = len(text)
    fm = note.frontmatter
    if fm is None:
        assert note.body_start == 0
    else:
        assert 0 == fm.start <= fm.yaml_start <= fm.yaml_end <= fm.end == note.body_start <= n
        for p in fm.problems:
            assert 0 <= p.start <= p.end <= n, p
        for path, place in fm.places.items():
            assert fm.yaml_start <= place.key_start <= place.key_end <= fm.yaml_end, path
            assert fm.yaml_start <= place.value_start <= place.value_end <= fm.yaml_end, path
        if fm.data is not None:
            assert isinstance(fm.data, dict)
    body = note.body_start
    md = note.md
    last = body
    for a, b in md.code:  # sorted and disjoint: in_spans() bisects them
        assert last <= a < b <= n, (a, b)
        last = b
    assert set(md.comments) <= set(md.code)
    for h in md.headings:
        assert body <= h.start <= h.end <= n and 1 <= h.level <= 6, h
    for b_id in md.block_ids:
        assert body <= b_id.start < b_id.end <= n and text[b_id.start] == "^", b_id
        assert text[b_id.start + 1:b_id.end] == b_id.id
    for lk in md.links:
        if lk.origin.startswith("property"):  # a front matter value (markdown.property_link)
            assert fm is not None and fm.yaml_start <= lk.start < lk.end <= fm.yaml_end, lk
        else:
            assert body <= lk.start < lk.end <= n, lk
        assert 0 <= lk.target_start <= lk.target_end <= n, lk
        if lk.kind != "markdown":
            assert lk.start <= lk.target_start <= lk.target_end <= lk.end, lk
            if lk.origin != "property-escaped":
                assert text[lk.target_start:lk.target_end] == lk.target, lk
    for bad in note.invalid:
        assert 0 <= bad.offset < n and text[bad.offset] == "\ufffd"
    lines = note.lines
    for offset in {0, n, body, *(lk.start for lk in md.links[:5]), n // 2}:
        line, col = lines.position(offset)
        assert 1 <= line <= lines.line_count and lines.line_start(line) + col - 1 == offset


def crashes(findings: list) -> list:
    return [f for f in findings if f.rule == "internal-error"]
