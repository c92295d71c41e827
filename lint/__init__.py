"""notelint: a linter for vaults of Markdown notes.

The Python API the command is a thin layer over:

    import lint
    findings = lint.check(["vault/"])                 # list[lint.Finding], sorted
    findings = lint.check(["vault/a.md"], config={"select": ["broken-link"]})
    errors = [f for f in findings if f.severity == "error"]

Imports are lazy so that `notelint --version` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["check", "Finding", "Severity", "Config", "ConfigError", "UsageError", "__version__"]

if TYPE_CHECKING:
    from lint.config import Config, ConfigError
    from lint.diagnostic import Finding, Severity
    from lint.engine import UsageError, check


def __getattr__(name: str) -> Any:
    if name in ("check", "UsageError"):
        from lint import engine

        return getattr(engine, name)
    if name in ("Finding", "Severity"):
        from lint import diagnostic

        return getattr(diagnostic, name)
    if name in ("Config", "ConfigError"):
        from lint import config

        return getattr(config, name)
    raise AttributeError(name)
