"""Coverage-guided fuzzing of the note parser, the rules and the fixer with atheris.

Each input is the bytes of one note. It must parse without raising, with every span
inside the text (tests/hostile/invariants.py); every per-note rule must run without an
internal-error finding; the findings must be the same on a second run; and the fixer
(--fix --unsafe-fixes, in memory) must reach a fixed point: fixing the fixed note again
changes nothing. A violation raises, and libFuzzer saves the input as crash-*; an input
slower than -timeout is saved as timeout-*. See fuzz/README.md.

    pip install atheris
    python fuzz/fuzz_notes.py -max_total_time=600 -timeout=10 /tmp/notelint-corpus
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

with atheris.instrument_imports(include=["lint"]):
    from lint.engine import Linter, Request, _looks_binary
    from lint.fix import fix_note
    from lint.note import parse_note

from hostile.invariants import check_spans, crashes  # noqa: E402
from hostile.notes import SEEDS, TARGETS, TOKENS  # noqa: E402

VAULT = Path(tempfile.mkdtemp(prefix="notelint-fuzz-vault-"))
(VAULT / "notelint.toml").write_text("[rules.missing-source]\npaths = [\"**\"]\n")
for _name, _data in TARGETS.items():
    (VAULT / _name).parent.mkdir(parents=True, exist_ok=True)
    (VAULT / _name).write_bytes(_data)
NOTE = VAULT / "n.md"
NOTE.write_bytes(b"")
LINTER = Linter(Request(paths=[str(VAULT)], cwd=str(VAULT)))
LINTER.run()  # builds the vault index once; n.md is a note of it


def _fixed(data: bytes) -> bytes:
    """--fix --unsafe-fixes on one note, in memory but through the real fixer."""
    NOTE.write_bytes(data)
    note = parse_note("n.md", data)
    result = fix_note(LINTER, note, LINTER.lint_note(note), unsafe=True)
    if result is None or result.error is not None:
        return data
    return result.after


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    note = parse_note("n.md", data)
    check_spans(note)
    if _looks_binary(data):
        return  # the engine reports it as skipped and never lints it
    findings = LINTER.lint_note(note)
    assert not crashes(findings), crashes(findings)
    assert findings == LINTER.lint_note(parse_note("n.md", data)), "findings differ on a re-run"
    for f in findings:
        assert 0 <= f.start <= f.end <= len(note.text) and f.line >= 1, f
    once = _fixed(data)
    if once != data:
        check_spans(parse_note("n.md", once))
        assert _fixed(once) == once, f"--fix is not idempotent: {data!r} -> {once!r}"


def _corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.iterdir()):
        for i, seed in enumerate(SEEDS):
            (folder / f"seed-{i:03}").write_bytes(seed)


def _dictionary() -> str:
    path = Path(tempfile.gettempdir()) / "notelint-fuzz.dict"
    lines = ['"' + "".join(f"\\x{b:02x}" for b in t) + '"' for t in TOKENS if len(t) <= 64]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def main() -> None:
    args = list(sys.argv)
    folders = [a for a in args[1:] if not a.startswith("-")]
    for folder in folders:
        _corpus(Path(folder))
    if not any(a.startswith("-dict=") for a in args):
        args.append(f"-dict={_dictionary()}")
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
