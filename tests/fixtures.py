"""The fixture-vault harness: tests/rules/<rule>/<case>/ is a small vault whose notes
carry their expected findings as invisible comments:

    A line with [[a broken link]] <!-- expect: broken-link -->
    title: [unclosed        # expect: frontmatter-syntax
    <!-- expect(1): missing-source -->     (a finding expected on line 1)

Each case folder holds a `notelint.toml` (the vault root; rule options go there) and
`concise.txt`, the snapshot of the concise output (UPDATE_SNAPSHOTS=1 rewrites it).
A sibling `<case>.fixed/` holds the vault after `--fix`; `<case>.unsafe-fixed/` after
`--fix --unsafe-fixes`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

RULES_DIR = Path(__file__).parent / "rules"
_MARK = re.compile(r"(?:<!--|#)\s*expect(?:\((\d+)\))?:\s*([\w\-, ]+?)\s*(?:-->|$)")


def cases() -> list[Path]:
    return sorted(
        p for p in RULES_DIR.glob("*/*")
        if p.is_dir() and not p.name.endswith((".fixed", ".unsafe-fixed"))
    )


def expected(case: Path) -> Counter:
    out: Counter = Counter()
    for note in sorted(case.rglob("*.md")):
        rel = note.relative_to(case).as_posix()
        text = note.read_bytes().decode("utf-8", "replace")
        for n, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
            for m in _MARK.finditer(line):
                at = int(m.group(1)) if m.group(1) else n
                for rule in re.split(r"[\s,]+", m.group(2).strip()):
                    out[(rel, at, rule)] += 1
    return out
