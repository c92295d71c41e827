"""Inline suppressions, markdownlint-style HTML comments and a front matter comment.

    <!-- notelint-disable-next-line broken-link -->
    <!-- notelint-disable-line mojibake -->
    <!-- notelint-disable broken-link, mojibake --> ... <!-- notelint-enable -->
    <!-- notelint-disable-file -->
    # notelint: disable=broken-link,missing-source      (in front matter: the whole file)

No rule list means every rule. Rules are named by name or code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


_HTML = re.compile(
    r"<!--\s*notelint-(disable-next-line|disable-line|disable-file|disable|enable)\b([^>]*?)\s*-->"
)
_YAML = re.compile(r"#\s*notelint:\s*disable=([\w\-, ]+)")


@dataclass(eq=False)
class Directive:
    kind: str  # disable-next-line | disable-line | disable-file | range
    rules: frozenset[str] | None  # None: every rule
    line: int  # where the directive is written
    start: int  # its span, for the unused-suppression finding
    end: int
    first: int = 0  # the lines it covers, inclusive
    last: int = 0
    used: bool = field(default=False)

    def spec(self) -> tuple:
        """A plain tuple, for the cache and for worker processes."""
        return (self.kind, self.rules, self.line, self.start, self.end, self.first, self.last)

    @classmethod
    def from_spec(cls, spec: tuple) -> Directive:
        return cls(*spec)

    def covers(self, rule: str, code: str, line: int) -> bool:
        if self.rules is not None and rule not in self.rules and code not in self.rules:
            return False
        return self.first <= line <= self.last


def _names(raw: str) -> frozenset[str] | None:
    names = frozenset(n for n in re.split(r"[\s,]+", raw.strip()) if n)
    return names or None


def directives(note: Note) -> list[Directive]:
    text = note.text
    if "notelint" not in text:  # the common case costs one substring search
        return []
    found: list[Directive] = []
    last_line = note.lines.line_count
    open_ranges: list[Directive] = []
    for start, end in note.md.comments:
        for m in _HTML.finditer(text, start, end):
            kind, rules = m.group(1), _names(m.group(2))
            line, _ = note.position(m.start())
            d = Directive(kind, rules, line, m.start(), m.end())
            if kind == "disable-next-line":
                d.first = d.last = line + 1
            elif kind == "disable-line":
                d.first = d.last = line
            elif kind == "disable-file":
                d.first, d.last = 1, last_line
            elif kind == "disable":
                d.kind, d.first, d.last = "range", line, last_line
                open_ranges.append(d)
            else:  # enable closes the ranges it names (all, when it names none)
                for r in open_ranges:
                    if r.last == last_line and (rules is None or r.rules is None or r.rules & rules):
                        r.last = line
                continue
            found.append(d)
    fm = note.frontmatter
    if fm is not None:
        for m in _YAML.finditer(text, fm.yaml_start, fm.yaml_end):
            line, _ = note.position(m.start())
            found.append(Directive("disable-file", _names(m.group(1).replace(",", " ")), line,
                                   m.start(), m.end(), 1, last_line))
    return found
