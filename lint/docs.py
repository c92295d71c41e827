"""Rule documentation generated from the rules themselves (`notelint rule NAME`, docs/rules/).

Regenerate the checked-in pages with `python -m lint.docs docs/rules`; a test keeps them current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lint.rule import Rule


def options_table(rule: type[Rule]) -> str:
    fields = rule.Options.model_fields
    if not fields:
        return "None."
    rows = ["| option | default |", "| --- | --- |"]
    for name, info in fields.items():
        rows.append(f"| `{name.replace('_', '-')}` | `{json.dumps(info.default)}` |")
    return "\n".join(rows)


def rule_markdown(rule: type[Rule]) -> str:
    doc = rule.doc()
    first, _, rest = doc.partition("\n")
    return (
        f"# {rule.name} ({rule.code})\n\n"
        f"{first.strip()}\n\n"
        f"- Default severity: {rule.severity.value}\n"
        f"- Enabled by default: {'yes' if rule.default else 'no (select it)'}\n"
        f"- Fixable: {'yes' if rule.fixable else 'no'}\n\n"
        f"{rest.strip()}\n\n"
        f"## Options\n"
        f"Under `[tool.notelint.rules.{rule.name}]`.\n\n{options_table(rule)}\n"
    )


def index_markdown(rules: tuple[type[Rule], ...]) -> str:
    rows = ["# Rules", "", "| code | name | summary | severity | default | fix |",
            "| --- | --- | --- | --- | --- | --- |"]
    for r in rules:
        rows.append(f"| {r.code} | [{r.name}]({r.name}.md) | {r.summary} | {r.severity.value} | "
                    f"{'on' if r.default else 'off'} | {'yes' if r.fixable else ''} |")
    return "\n".join(rows) + "\n"


def generate(folder: Path) -> dict[Path, str]:
    from lint.rules import RULES

    pages = {folder / f"{r.name}.md": rule_markdown(r) for r in RULES}
    pages[folder / "README.md"] = index_markdown(RULES)
    return pages


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.md"):
        old.unlink()
    for path, text in generate(target).items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(list(target.glob('*.md')))} pages to {target}")
