"""Which schema validates which note: config mappings first (first match wins), then the
zero-config defaults: `videoId` present -> video, any other front matter -> note (no key
required; Obsidian takes a note's title from its file name).

A schema named `module:Class` is Python code (issue 17): it is imported only when a note
needs it, code inside the vault only with `allow-code`, and `sys.path` is restored after.
The cache finds the module's files by path alone (`module_files`), importing nothing."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from lint.config import Config, SchemaMapping

BUILTIN = {
    "video": "schemas.notes:VideoNote",
    "note": "schemas.notes:PlainNote",
    "titled": "schemas.notes:TitledNote",
}
# Where a user changes the schema, for the help of every schema finding.
CONFIG_HINT = "`[[schemas]]` in notelint.toml (or [tool.notelint]) changes it"
ALLOW_HINT = ("notelint imports code from the vault only with `allow-code = true` in notelint.toml "
              "(or [tool.notelint]) or `--allow-code`; allow it only for a vault you trust")


class SchemaError(Exception):
    """A schema named in config that cannot be used: not importable, not a Pydantic model,
    or code from the vault that `allow-code` does not allow."""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.help = help or f"check the schema's name: {CONFIG_HINT}"


@dataclass(frozen=True)
class Choice:
    spec: str  # a built-in name, `none`, or `module:Class`
    reason: str  # shown by `notelint explain` and in a finding's help


def vault_module(module: str, root: str) -> list[Path] | None:
    """The files importing `module` would run from the vault root (packages'
    `__init__.py` on the way, then the module), found by path without importing
    anything; None when the vault holds none of them."""
    parts = module.split(".")
    if not root or not all(p.isidentifier() for p in parts):
        return None
    files: list[Path] = []
    folder = Path(root)
    for part in parts:
        # The order of Python's path finder: a package, then a module, then a plain folder
        # (a namespace package, which runs nothing).
        init, single = folder / part / "__init__.py", folder / f"{part}.py"
        if init.is_file():
            files.append(init)
        elif single.is_file():
            files.append(single)
            break  # a module has no submodules: the import fails after running it
        elif not (folder / part).is_dir():
            break
        folder = folder / part
    return files or None


def module_files(spec: str, root: str) -> list[Path]:
    """The source files of the module a schema names, from the vault or the environment,
    found by path: no import, so no code runs (for the cache's key)."""
    if spec in BUILTIN or spec == "none":
        return []
    module = spec.partition(":")[0]
    in_vault = vault_module(module, root)
    if in_vault is not None:
        return in_vault
    top, *rest = module.split(".")
    try:
        found = importlib.util.find_spec(top)  # a top-level name: finding it imports nothing
    except (ImportError, ValueError):
        return []
    if found is None:
        return []
    files = [Path(found.origin)] if found.origin and found.has_location else []
    folders = [Path(f) for f in found.submodule_search_locations or []]
    for part in rest:
        hit = next((p for f in folders for p in (f / part / "__init__.py", f / f"{part}.py")
                    if p.is_file()), None)
        if hit is None:
            break
        files.append(hit)
        folders = [hit.parent] if hit.name == "__init__.py" else []
    return files


def load_model(spec: str, root: str, allow_code: bool = False) -> type[BaseModel] | None:
    if spec == "none":
        return None
    target = BUILTIN.get(spec, spec)
    module_name, _, attr = target.partition(":")
    if not module_name or not attr:
        raise SchemaError(f"schema `{spec}`: write it as `module:Class`, or a built-in: "
                          f"{', '.join(BUILTIN)}, none")
    in_vault = spec not in BUILTIN and vault_module(module_name, root) is not None
    if in_vault and not allow_code:
        raise SchemaError(f"schema `{spec}` is Python code in the vault, and `allow-code` is off",
                          help=ALLOW_HINT)
    saved = list(sys.path)
    saved_bytecode = sys.dont_write_bytecode, sys.pycache_prefix
    if in_vault:
        sys.path.insert(0, root)
        # The vault's code is compiled from its source, never from or into a __pycache__:
        # notelint writes nothing in the vault but its cache, and Python trusts a .pyc
        # whose source kept its mtime and size, where the cache key follows the bytes.
        sys.dont_write_bytecode = True
        sys.pycache_prefix = os.path.join(os.devnull, "notelint")  # a folder that cannot exist
    try:
        module = importlib.import_module(module_name)
    except (Exception, SystemExit) as e:  # noqa: BLE001 - any import failure is the schema's
        raise SchemaError(f"schema `{spec}`: cannot import `{module_name}`: {e}") from e
    finally:
        sys.path[:] = saved  # the vault root, or whatever the module added, goes again
        sys.dont_write_bytecode, sys.pycache_prefix = saved_bytecode
    model = getattr(module, attr, None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise SchemaError(f"schema `{spec}`: `{attr}` is not a Pydantic model")
    return model


class Registry:
    def __init__(self, config: Config) -> None:
        from lint.discover import compile_glob

        self._root = config.root
        self._allow_code = config.allow_code
        self._mappings: list[tuple[SchemaMapping, Any]] = [
            (m, compile_glob(m.glob) if m.glob else None) for m in config.schemas
        ]
        # Each model is imported the first time a note needs it; a failure is kept, so a
        # broken schema is tried once per run, not once per note.
        self._models: dict[str, type[BaseModel] | None | SchemaError] = {}

    def choose(self, path: str, data: dict[str, Any]) -> Choice:
        for mapping, rx in self._mappings:
            if rx is not None and not rx.match(path):
                continue
            if mapping.field is not None and mapping.field not in data:
                continue
            why = " and ".join(
                w for w in (mapping.glob and f"path matches `{mapping.glob}`",
                            mapping.field and f"front matter has `{mapping.field}`") if w
            ) or "the catch-all mapping"
            return Choice(mapping.model, f"{mapping.model} (config: {why})")
        if "videoId" in data:
            return Choice("video", "video (default: front matter has `videoId`)")
        return Choice("note", "note (default: no key is required)")

    def model(self, spec: str) -> type[BaseModel] | None:
        """The model for a chosen spec, imported now if it was not; raises SchemaError."""
        if spec not in self._models:
            try:
                self._models[spec] = load_model(spec, self._root, self._allow_code)
            except SchemaError as e:
                self._models[spec] = e
        got = self._models[spec]
        if isinstance(got, SchemaError):
            raise got
        return got

    def refused(self, spec: str) -> bool:
        """Whether the spec is code in the vault that `allow-code` keeps out (no import)."""
        target = BUILTIN.get(spec, spec)
        return (spec not in BUILTIN and not self._allow_code
                and vault_module(target.partition(":")[0], self._root) is not None)


def export_json_schema(models: list[type[BaseModel]]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "notelint note front matter",
        "$defs": {m.__name__: m.model_json_schema() for m in models},
        "anyOf": [{"$ref": f"#/$defs/{m.__name__}"} for m in models],
    }
