"""Structure limits the style guide sets and reviews forget: no import cycle among the
modules of a package, no class over 250 lines, no function over 80 lines.

    python tools/check_structure.py [PACKAGE_DIR ...]   (default: lint schemas)

Exits 1 listing every offender, 0 when there is none. Standard library only (ast):
it runs before the project is installed.

Only module-level imports make a cycle: an import inside a function, or under
`if TYPE_CHECKING:`, runs later or never, which is how a cycle is broken on purpose.
Cycles are looked for among the modules of each package given, whose import names
are the folder names (run from the folder holding them).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_CLASS_LINES = 250
MAX_FUNCTION_LINES = 80
DEFAULT_PACKAGES = ("lint", "schemas")


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package by its import name."""
    base = package.parent
    return {module_name(p, base): p for p in sorted(package.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run on import: the module's own, and those inside its
    if/try/with blocks, except under `if TYPE_CHECKING:` and in def or class bodies."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def imported(name: str, path: Path, tree: ast.Module, known: set[str]) -> set[str]:
    """The known modules this module imports when it is imported."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _module_level(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(_nearest_known(alias.name, known))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, name, is_package)
            for alias in node.names:
                # `from lint.encoding import show` imports a module; `from lint.vault
                # import fold`, the module that defines fold.
                sub = f"{base}.{alias.name}" if base else alias.name
                found.add(sub if sub in known else _nearest_known(base, known))
    # Importing a.b.c first runs a/__init__ and a/b/__init__. The packages holding
    # this module are already being imported when it runs: no edge to them.
    own = _packages_of(name)
    edges = {p for target in found for p in (*_packages_of(target), target) if p in known}
    return edges - own - {name}


def _packages_of(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = name.split(".")
    if not is_package:
        parts.pop()
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def _nearest_known(name: str, known: set[str]) -> str:
    """name, or the closest package holding it that is one of ours; "" for others."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (or a module importing
    itself), as a sorted list: every such group holds at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(groups)


def long_definitions(path: Path, tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            limit, kind = MAX_CLASS_LINES, "class"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            limit, kind = MAX_FUNCTION_LINES, "function"
        else:
            continue
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        lines = (node.end_lineno or node.lineno) - start + 1
        if lines > limit:
            yield f"{path}:{node.lineno}: {kind} {node.name} is {lines} lines (limit {limit})"


def check(packages: list[Path]) -> list[str]:
    """Every offence in the packages, as lines to print."""
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    found = {name: path for package in packages for name, path in modules(package).items()}
    known = set(found)
    for name, path in found.items():
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as e:
            problems.append(f"{path}:{e.lineno}: cannot parse: {e.msg}")
            continue
        graph[name] = imported(name, path, tree, known)
        problems.extend(long_definitions(path, tree))
    for group in cycles(graph):
        problems.append("import cycle: " + " <-> ".join(group))
    return problems


def main(argv: list[str]) -> int:
    packages = [Path(a) for a in argv] or [Path(p) for p in DEFAULT_PACKAGES]
    missing = [str(p) for p in packages if not (p / "__init__.py").is_file()]
    if missing:
        print(f"not a package: {', '.join(missing)}", file=sys.stderr)
        return 2
    problems = check(packages)
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} structure problem{'s' if len(problems) != 1 else ''}")
        return 1
    print("structure: no import cycle, no class or function over its limit")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
