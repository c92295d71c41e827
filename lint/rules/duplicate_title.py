from __future__ import annotations

from collections.abc import Iterator

from lint.diagnostic import Severity, Violation
from lint.rule import Context, RuleOptions, VaultRule
from lint.vault import fold


class Options(RuleOptions):
    # The front matter key that holds the title.
    field: str = "title"


class DuplicateTitle(VaultRule):
    """Two notes with the same title.

    ## What it does
    Compares the front matter `title` (the key is configurable: `field`) of every
    note in the vault, with case, Unicode normalisation and runs of spaces ignored,
    and reports each note whose title another note has too, naming the others.
    Off by default: select it with `extend-select = ["duplicate-title"]`.

    ## Why it matters
    Search results, graph views and published sites show titles: two notes that
    look the same are one written twice, or two that need telling apart.

    ## Example
    ```markdown
    ---
    title: Open models
    ---
    ```

    ## Fixed
    ```markdown
    ---
    title: Open models and their licences
    ---
    ```

    ## Fix safety
    No automatic fix: merging or renaming is the author's call.
    """

    code = "LNK005"
    name = "duplicate-title"
    summary = "Two notes share a title"
    severity = Severity.WARNING
    default = False
    Options = Options
    example_vault = {"other.md": "---\ntitle: Open models\n---\n"}

    def check_vault(self, paths: list[str], ctx: Context) -> Iterator[tuple[str, Violation]]:
        vault = ctx.vault
        key_name = ctx.options.field
        titles: dict[str, list[str]] = {}
        for path in vault.note_paths:
            facts = vault.note(path)
            data = getattr(facts, "data", None) if facts is not None else None
            title = data.get(key_name) if data else None
            if isinstance(title, str) and title.strip():
                titles.setdefault(fold(" ".join(title.split())), []).append(path)
        for path in paths:
            facts = vault.note(path)
            data = getattr(facts, "data", None) if facts is not None else None
            title = data.get(key_name) if data else None
            if not isinstance(title, str) or not title.strip():
                continue
            others = [p for p in titles.get(fold(" ".join(title.split())), []) if p != path]
            if others:
                listed = ", ".join(f"`{p}`" for p in others[:5]) + (" ..." if len(others) > 5 else "")
                yield path, Violation(0, 0, f"duplicate title `{title.strip()}`: also the title of {listed}",
                                      help="give each note a title of its own")
