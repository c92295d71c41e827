"""Configuration: found next to the vault, validated by Pydantic, errors name the key."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lint.diagnostic import Severity

CONFIG_FILES = ("notelint.toml", ".notelint.toml", "pyproject.toml")


class ConfigError(Exception):
    """A config that cannot be used: the CLI prints it and exits 2."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              alias_generator=_kebab)


class SchemaMapping(_Model):
    """Which Pydantic model validates which notes: first match wins."""

    model: str = Field(description="`module:Class`, or a built-in: `video`, `titled`, `none`")
    glob: str | None = None
    field: str | None = Field(default=None, description="applies when front matter has this key")


class Config(_Model):
    select: list[str] | None = None
    extend_select: list[str] = []
    ignore: list[str] = []
    exclude: list[str] = []
    per_file_ignores: dict[str, list[str]] = {}
    severity: dict[str, Severity] = {}
    schemas: list[SchemaMapping] = []
    require_frontmatter: bool = False
    resolution: Literal["obsidian", "quartz"] = "obsidian"
    max_file_size: int = Field(default=10 * 1024 * 1024, ge=1)
    rules: dict[str, dict[str, Any]] = {}
    baseline: str | None = Field(default=None, description="a baseline file, relative to the config file")

    # Not config keys: where the config came from and the vault root.
    root: str = Field(default="", exclude=True)
    source: str | None = Field(default=None, exclude=True)


def find_config(start: Path) -> Path | None:
    """The nearest ancestor directory's notelint config file, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "notelint" in _read_toml(path).get("tool", {})
    except ConfigError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read config: {e}") from e


def load_config(path: Path | None, root: Path, overrides: dict[str, Any] | None = None) -> Config:
    raw: dict[str, Any] = {}
    if path is not None:
        doc = _read_toml(path)
        raw = doc.get("tool", {}).get("notelint", {}) if path.name == "pyproject.toml" else doc
    raw = {**raw, **(overrides or {})}
    try:
        config = Config.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(format_validation_error(e, str(path) if path else "config")) from e
    return config.model_copy(update={"root": str(root), "source": str(path) if path else None})


def format_validation_error(e: ValidationError, where: str) -> str:
    lines = [f"{where}: invalid configuration"]
    for err in e.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            lines.append(f"  unknown key `{key}`")
        else:
            lines.append(f"  `{key}`: {err['msg']} (got {err.get('input')!r})")
    return "\n".join(lines)


def vault_root_for(paths: list[Path], cwd: Path) -> tuple[Path, Path | None]:
    """The vault root and its config file (the discovery rule of the foundation issue)."""
    first = paths[0] if paths else cwd
    start = first if first.is_dir() else first.parent
    config = find_config(start)
    if config is not None:
        return config.parent, config
    if len(paths) == 1 and first.is_dir():
        return first.resolve(), None
    cwd = cwd.resolve()
    if all(_inside(p.resolve(), cwd) for p in paths):
        return cwd, None
    return start.resolve(), None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def environ_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
