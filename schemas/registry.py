"""Which schema validates which note: config mappings first (first match wins), then the
zero-config default: `videoId` present -> VideoNote, any other front matter -> TitledNote."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from lint.config import Config, SchemaMapping

BUILTIN = {
    "video": "schemas.notes:VideoNote",
    "titled": "schemas.notes:TitledNote",
}


class SchemaError(Exception):
    """A schema named in config cannot be imported or is not a Pydantic model."""


@dataclass(frozen=True)
class Choice:
    model: type[BaseModel] | None  # None: the note is not validated
    reason: str  # shown by `notelint explain`


def load_model(spec: str, root: str) -> type[BaseModel] | None:
    if spec == "none":
        return None
    spec = BUILTIN.get(spec, spec)
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise SchemaError(f"schema `{spec}`: write it as `module:Class`")
    # A user's schema module lives in the vault's repository. It is code: see the
    # README's security notes on where CI may load it from.
    if root and root not in sys.path:
        sys.path.insert(0, root)
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # noqa: BLE001 - any import failure is a config error
        raise SchemaError(f"schema `{spec}`: cannot import `{module_name}`: {e}") from e
    model = getattr(module, attr, None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise SchemaError(f"schema `{spec}`: `{attr}` is not a Pydantic model")
    return model


class Registry:
    def __init__(self, config: Config) -> None:
        from lint.discover import compile_glob

        self._mappings: list[tuple[SchemaMapping, Any, type[BaseModel] | None]] = [
            (m, compile_glob(m.glob) if m.glob else None, load_model(m.model, config.root))
            for m in config.schemas
        ]
        self._video = load_model("video", "")
        self._titled = load_model("titled", "")

    def choose(self, path: str, data: dict[str, Any]) -> Choice:
        for mapping, rx, model in self._mappings:
            if rx is not None and not rx.match(path):
                continue
            if mapping.field is not None and mapping.field not in data:
                continue
            why = " and ".join(
                w for w in (mapping.glob and f"path matches `{mapping.glob}`",
                            mapping.field and f"front matter has `{mapping.field}`") if w
            ) or "the catch-all mapping"
            return Choice(model, f"{mapping.model} (config: {why})")
        if "videoId" in data:
            return Choice(self._video, "video (default: front matter has `videoId`)")
        return Choice(self._titled, "titled (default: a note with front matter needs a title)")


def export_json_schema(models: list[type[BaseModel]]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "notelint note front matter",
        "$defs": {m.__name__: m.model_json_schema() for m in models},
        "anyOf": [{"$ref": f"#/$defs/{m.__name__}"} for m in models],
    }
