"""Configuration: found next to the vault, validated by Pydantic, errors name the key."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lint.diagnostic import Severity

if TYPE_CHECKING:
    from lint.rule import Rule, RuleOptions

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

    model: str = Field(description="`module:Class`, or a built-in: `video`, `note`, `titled`, `none`")
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
    # A schema module inside the vault is code the vault's author wrote: imported only when
    # this says so (issue 17). Modules installed in the environment need no opt-in.
    allow_code: bool = False
    require_frontmatter: bool = False
    resolution: Literal["obsidian", "quartz"] = "obsidian"
    max_file_size: int = Field(default=10 * 1024 * 1024, ge=1)
    rules: dict[str, dict[str, Any]] = {}
    baseline: str | None = Field(default=None, description="a baseline file, relative to the config file")

    # Not config keys: where the config came from and the vault root.
    root: str = Field(default="", exclude=True)
    source: str | None = Field(default=None, exclude=True)


def _config_in(folder: Path) -> Path | None:
    """The notelint config file in this folder, if any."""
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
    check_rules(config)
    return config.model_copy(update={"root": str(root), "source": str(path) if path else None})


def check_rules(config: Config) -> None:
    """What the config says of rules holds, so that a mistake is a config error when the
    config is loaded: every rule it names exists, every selector picks some rule, and
    every rule's options are valid, whether the rule is selected or not."""
    # Imported here: the registry imports every rule, and a config alone needs none.
    from lint.rules import RULES
    from lint.selection import check_rule_names, select_rules

    check_rule_names(config)
    select_rules(config)
    for rule in RULES:
        rule_options(config, rule)


def rule_options(config: Config, rule: type[Rule]) -> RuleOptions:
    """A rule's options: its table under `rules` (by name, else by code), validated."""
    raw = config.rules.get(rule.name) or config.rules.get(rule.code) or {}
    try:
        return rule.Options.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(format_validation_error(e, f"rules.{rule.name}")) from e


def format_validation_error(e: ValidationError, where: str) -> str:
    lines = [f"{where}: invalid configuration"]
    for err in e.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            lines.append(f"  unknown key `{key}`")
        else:
            lines.append(f"  `{key}`: {err['msg']} (got {err.get('input')!r})")
    return "\n".join(lines)


@dataclass(frozen=True)
class VaultRoot:
    """The vault root as the paths reach it (perhaps through a symbolic link: the
    engine resolves it), its config file, and why it is the root (for `explain`)."""

    path: Path
    config: Path | None
    why: str


def vault_root_for(paths: list[Path], cwd: Path) -> VaultRoot:
    """The nearest folder, walking up from the first path, with a config file or an
    `.obsidian/` folder; without either, the folder given (or the current folder when
    files are given); never above the top of the git work tree the first path is in
    (issue 12.2). Folders are walked as the paths spell them: a vault reached through a
    symbolic link is found, and a link out of the vault is not taken for a vault."""
    cwd = Path(os.path.abspath(cwd))
    given = [Path(os.path.abspath(p)) for p in paths] or [cwd]
    first = given[0]
    start = first if first.is_dir() else first.parent
    top: Path | None = None
    for folder in (start, *start.parents):
        config = _config_in(folder)
        if config is not None:
            return VaultRoot(folder, config, f"the nearest folder with {config.name}")
        if (folder / ".obsidian").is_dir():
            return VaultRoot(folder, None, "the nearest folder with .obsidian/")
        if os.path.lexists(folder / ".git"):  # a folder, or a file in a linked work tree
            top = folder
            break
    if len(given) == 1 and first.is_dir():
        found = VaultRoot(first, None, "the folder given: no config file or .obsidian/ above it")
    elif all(_inside(p, cwd) for p in given):
        found = VaultRoot(cwd, None, "the current folder: no config file or .obsidian/ above it")
    else:
        found = VaultRoot(start, None, "the first path's folder: no config file or .obsidian/")
    if top is not None and top != found.path and _inside(top.resolve(), found.path.resolve()):
        return VaultRoot(top, None, "the top of the git work tree: no config file or .obsidian/")
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def environ_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
