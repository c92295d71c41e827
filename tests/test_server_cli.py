"""The `server` command's edges: without the `lsp` extra it says what to install (exit
2), `notelint check` never imports pygls, and positions convert to LSP's UTF-16 units."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lint.server.positions import DocText, utf16_len

WITHOUT_PYGLS = """
import sys
sys.modules["pygls"] = None  # as if it were not installed: importing it raises ImportError
from lint.cli import main
sys.exit(main(["server"]))
"""


def test_server_without_the_extra_says_what_to_install_and_exits_2(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, "-c", WITHOUT_PYGLS], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 2
    assert "pip install 'notelint[lsp]'" in p.stderr
    assert "Traceback" not in p.stderr


PROBE = """
import contextlib, io, json, sys
from lint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", "."])
print(json.dumps({"code": code, "loaded": [m for m in ("pygls", "lsprotocol", "watchfiles")
                                           if m in sys.modules]}))
"""


def test_check_imports_no_server_module(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("See [[b]].\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    got = json.loads(p.stdout.splitlines()[-1])
    assert got == {"code": 1, "loaded": []}


def test_columns_count_utf16_units_past_astral_characters() -> None:
    doc = DocText("a😀b\nc\r\nd")
    # a finding's (line, column) is 1-based, in characters: "b" is character 3 of line 1
    assert doc.position(1, 3) == (0, 3)
    assert doc.position(2, 1) == (1, 0)
    assert doc.position(3, 2) == (2, 1)
    assert utf16_len("😀") == 2
    # and back: LSP (0, 3) is the offset of "b" in the text
    assert doc.offset(0, 3) == 2
    assert doc.at_offset(2) == (0, 3)
    assert doc.at_offset(len("a😀b\nc\r\n")) == (2, 0)


def test_a_bom_the_editor_shows_shifts_line_one_by_one_unit() -> None:
    doc = DocText("\ufeffab\ncd")
    assert doc.lint_text == "ab\ncd"
    assert doc.position(1, 1) == (0, 1)  # "a", after the BOM the linter never saw
    assert doc.position(2, 1) == (1, 0)
    assert doc.offset(0, 2) == 1
    assert doc.at_offset(0) == (0, 1)
