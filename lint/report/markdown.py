"""The report as Markdown, for a pull request's job summary (GitHub renders it, and caps
it at 1 MiB: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#step-isolation-and-limits).

Note names are hostile input: every value from the vault goes through `md()`, so a name
cannot open a tag, a link, an emphasis or a table cell."""

from __future__ import annotations

import re
from typing import Any

from lint.diagnostic import safe_text

LIMIT = 1024 * 1024 - 4096  # GitHub's cap, less room for what another step appends
TOP_TARGETS = 20
TOP_NOTES = 15
LIST_CAP = 50  # orphans and ambiguous links

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&\"'=:@$%^])")


def md(value: object) -> str:
    """Any text as Markdown that shows it literally: control characters spelled out,
    every punctuation character that means something backslash-escaped (a character
    reference for `<`, `>` and `&`, which GitHub also reads as HTML)."""
    text = safe_text(str(value))
    text = _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(), "\\" + m.group()), text)
    return text


_RULE_NAME = re.compile(r"[a-z0-9-]+")


def rule_name(name: str) -> str:
    """A rule's name in code font; a name that is not one (from a `--compare` file,
    hostile input) as text, escaped like any other cell."""
    return f"`{name}`" if _RULE_NAME.fullmatch(name) else md(name)


def folder_name(name: str) -> str:
    return md(name) if name else "*(vault root)*"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(report: dict[str, Any], limit: int = LIMIT) -> str:
    """The Markdown report, under `limit` bytes: lists are cut with a note saying how
    many rows were left out, longest first, until it fits."""
    caps = {"targets": TOP_TARGETS, "folders": len(report["folders"]), "notes": TOP_NOTES,
            "list": LIST_CAP}
    while True:
        text = _render(report, caps)
        if len(text.encode("utf-8")) <= limit or not any(caps.values()):
            return text
        for key in caps:
            caps[key] //= 2


def _more(shown: int, total: int, what: str) -> list[str]:
    return ["", f"*… and {total - shown:,} more {what} (see the JSON or HTML report).*"] if total > shown else []


def _render(report: dict[str, Any], caps: dict[str, int]) -> str:
    out: list[str] = ["# notelint vault report", ""]
    sev = report["severities"]
    out.append(f"**{report['total_findings']:,} findings** ({sev['error']:,} errors, "
               f"{sev['warning']:,} warnings, {sev['info']:,} info) in "
               f"{report['notes_with_findings']:,} of {report['notes']:,} notes; "
               f"**{report['broken_links']:,} broken links** to "
               f"**{len(report['missing_targets']):,} missing notes**.")
    fix = report["fixable"]
    out += ["", f"`notelint check --fix` would repair **{fix['fix']:,}**; "
            f"`--fix --unsafe-fixes` would repair **{fix['unsafe_fixes']:,}**."]
    change = report.get("compare")
    if change:
        out += ["", "## Since the last report", "",
                f"**{change['new']:,} new**, **{change['fixed']:,} fixed** "
                f"({change['findings']['old']:,} → {change['findings']['now']:,} findings; missing notes "
                f"{change['missing_targets']['old']:,} → {change['missing_targets']['now']:,}).", "",
                _row(["rule", "before", "now", "new", "fixed"]), "|---|---:|---:|---:|---:|"]
        out += [_row([rule_name(r["rule"]), f"{r['old']:,}", f"{r['now']:,}", f"{r['new']:,}", f"{r['fixed']:,}"])
                for r in change["rules"]]
    out += ["", "## Findings by rule", "", _row(["rule", "code", "severity", "findings", "--fix", "unsafe"]),
            "|---|---|---|---:|---:|---:|"]
    out += [_row([f"`{r['rule']}`", r["code"], r["severity"], f"{r['findings']:,}", f"{r['fix']:,}",
                   f"{r['unsafe_fix']:,}"]) for r in report["rules"]]
    if not report["rules"]:
        out.append(_row(["*none*", "", "", "0", "0", "0"]))

    targets = report["missing_targets"]
    if targets:
        shown = targets[:caps["targets"]]
        out += ["", "## Missing notes, most linked first", "",
                _row(["missing note", "linked from", "links", "did you mean", "for example"]),
                "|---|---:|---:|---|---|"]
        out += [_row([md(t["target"]), f"{t['notes']:,}", f"{t['links']:,}",
                      md(t["suggestion"]) if t["suggestion"] else "",
                      ", ".join(md(e) for e in t["examples"])]) for t in shown]
        out += _more(len(shown), len(targets), "missing notes")

    folders = report["folders"]
    shown_folders = folders[:caps["folders"]]
    out += ["", "## By folder", "", _row(["folder", "notes", "findings", "broken links", "per note"]),
            "|---|---:|---:|---:|---:|"]
    out += [_row([folder_name(f["folder"]), f"{f['notes']:,}", f"{f['findings']:,}",
                  f"{f['broken_links']:,}", f"{f['broken_links_per_note']:.2f}"]) for f in shown_folders]
    out += _more(len(shown_folders), len(folders), "folders")

    notes = report["top_notes"][:caps["notes"]]
    if notes:
        out += ["", "## Notes with the most findings", "", _row(["note", "findings", "rules"]), "|---|---:|---|"]
        out += [_row([md(n["path"]), f"{n['findings']:,}",
                      ", ".join(f"`{rule}` {c:,}" for rule, c in n["rules"].items())]) for n in notes]
    for key, title in (("orphans", "Orphan notes"), ("ambiguous_links", "Ambiguous links")):
        items = report.get(key)
        if not items:
            continue
        shown_items = items[:caps["list"]]
        out += ["", f"## {title} ({len(items):,})", ""]
        out += [f"- {md(i)}" if isinstance(i, str) else f"- {md(i['path'])}:{i['line']}: {md(i['message'])}"
                for i in shown_items]
        out += _more(len(shown_items), len(items), title.lower())
    return "\n".join(out) + "\n"
