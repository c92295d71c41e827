"""tools/check_structure.py: import cycles and over-long classes and functions fail it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "check_structure.py"


def _package(root: Path, name: str, modules: dict[str, str]) -> None:
    for rel, text in {"__init__.py": "", **modules}.items():
        path = root / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run(cwd: Path, *packages: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *packages], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def _function(name: str, lines: int) -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(lines - 2))
    return f"def {name}():\n{body}    return 0\n"


def test_a_cycle_and_a_long_function_fail(tmp_path: Path) -> None:
    _package(tmp_path, "pkg", {
        "a.py": "from pkg.b import helper\n\n\ndef main():\n    return helper()\n",
        "b.py": "import pkg.c\n\n\ndef helper():\n    return 1\n",
        "c.py": "from . import a\n\n" + _function("long", 81),
        "sub/__init__.py": "from pkg.sub.d import thing\n",
        "sub/d.py": "from pkg.sub import e\nthing = 1\n",
        "sub/e.py": "thing = 2\n",
    })
    got = _run(tmp_path, "pkg")
    assert got.returncode == 1, got.stdout + got.stderr
    assert "import cycle: pkg.a <-> pkg.b <-> pkg.c" in got.stdout
    assert "pkg/c.py:3: function long is 81 lines (limit 80)" in got.stdout
    assert "pkg.sub" not in got.stdout  # a package's modules may import each other
    assert got.stdout.strip().endswith("2 structure problems")


def test_a_long_class_fails(tmp_path: Path) -> None:
    methods = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(84))
    _package(tmp_path, "pkg", {"big.py": f"class Big:\n{methods}"})
    got = _run(tmp_path, "pkg")
    assert got.returncode == 1
    assert "pkg/big.py:1: class Big is 252 lines (limit 250)" in got.stdout


def test_a_clean_package_passes(tmp_path: Path) -> None:
    # The same mutual imports, made inside a function and for type checking only: the
    # ways a cycle is broken on purpose.
    _package(tmp_path, "pkg", {
        "a.py": "from typing import TYPE_CHECKING\n\nimport os\n\nif TYPE_CHECKING:\n"
                "    from pkg.b import helper\n\n\ndef main():\n    from pkg.b import helper\n"
                "\n    return helper()\n",
        "b.py": "import pkg.a\n\n\ndef helper():\n    return 1\n",
        "c.py": _function("just_short_enough", 80),
    })
    got = _run(tmp_path, "pkg")
    assert got.returncode == 0, got.stdout
    assert "no import cycle" in got.stdout


def test_a_folder_that_is_no_package_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "loose").mkdir()
    assert _run(tmp_path, "loose").returncode == 2
