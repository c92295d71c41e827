"""The report as JSON: the model's dict as it is (the contract is in docs/report.md)."""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any]) -> str:
    # ensure_ascii: a note name that is not valid UTF-8 (a lone surrogate) stays writable.
    return json.dumps(report, indent=1, ensure_ascii=True) + "\n"
