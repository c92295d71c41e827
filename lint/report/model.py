"""The report's numbers, computed from one Linter run: a plain dict that is the JSON
contract (docs/report.md) and all the Markdown and HTML renderers see.

A broken link's target is taken from the note's links (the facts the rule read), found
by the finding's span, never parsed back out of the message; its suggestion is the
rule's own fix when it has one, else the note its help names.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lint import __version__
from lint.fix import applicable
from lint.vault import fold, strip_md

if TYPE_CHECKING:
    from lint.diagnostic import Finding
    from lint.engine import Linter
    from lint.markdown import Link

FORMAT_VERSION = 1
EXAMPLES = 3  # linking notes listed for each missing target
TOP_NOTES = 25
SEVERITIES = ("error", "warning", "info")


class CompareError(Exception):
    """--compare was given something that is not an earlier `notelint report` JSON."""


def build(linter: Linter, findings: list[Finding], compare: Mapping[str, Any] | None = None,
          compare_name: str = "", fingerprints: bool = True) -> dict[str, Any]:
    """The report of `findings` (one run of `linter`, after suppressions; with a baseline,
    after the baseline too), compared with an earlier report when `compare` is given.
    Without `fingerprints` (only the JSON and --compare use them), `fingerprints` is {}."""
    notes = list(linter.report_paths)
    by_rule = Counter(f.rule for f in findings)
    meta = {f.rule: (f.code, f.severity.value) for f in findings}
    # fixable[rule] = [by --fix, by --fix --unsafe-fixes]
    fixable: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f in findings:
        if f.fix is not None:
            counts = fixable[f.rule]
            counts[0] += applicable(f, False)
            counts[1] += applicable(f, True)
    enabled = {r.name for r in linter.rules}
    missing, broken_per_note = _missing_targets(linter, findings)
    report: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "notelint": __version__,
        "root": str(linter.root),
        "notes": len(notes),
        "findings": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        "severities": _severities(findings),
        "total_findings": len(findings),
        "notes_with_findings": len({f.path for f in findings}),
        "broken_links": sum(broken_per_note.values()),
        "rules": [
            {"rule": rule, "code": meta[rule][0], "severity": meta[rule][1], "findings": n,
             "fix": fixable[rule][0], "unsafe_fix": fixable[rule][1]}
            for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        # What `check --fix` and `check --fix --unsafe-fixes` would repair (the second
        # includes the first).
        "fixable": {"fix": sum(c[0] for c in fixable.values()),
                    "unsafe_fixes": sum(c[1] for c in fixable.values())},
        "folders": _folders(notes, findings, broken_per_note),
        "missing_targets": missing,
        "top_notes": _top_notes(findings),
        "orphans": sorted(f.path for f in findings if f.rule == "orphan-note")
        if "orphan-note" in enabled else None,
        "ambiguous_links": [{"path": f.path, "line": f.line, "message": f.message}
                            for f in findings if f.rule == "ambiguous-link"]
        if "ambiguous-link" in enabled else None,
        "fingerprints": _fingerprints(findings) if fingerprints or compare is not None else {},
        "compare": None,
    }
    if compare is not None:
        report["compare"] = compare_reports(compare, report, compare_name)
    return report


def _severities(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity.value for f in findings)
    return {s: counts[s] for s in SEVERITIES}


def folder_of(path: str) -> str:
    """The top-level folder ("" for notes at the vault root)."""
    return path.split("/", 1)[0] if "/" in path else ""


def _folders(notes: list[str], findings: list[Finding], broken: Mapping[str, int]) -> list[dict[str, Any]]:
    count: Counter[str] = Counter(folder_of(p) for p in notes)
    found: Counter[str] = Counter(folder_of(f.path) for f in findings)
    links: Counter[str] = Counter()
    for path, n in broken.items():
        links[folder_of(path)] += n
    rows = [{"folder": name, "notes": n, "findings": found[name], "broken_links": links[name],
             "broken_links_per_note": round(links[name] / n, 2) if n else 0.0}
            for name, n in count.items()]
    return sorted(rows, key=lambda r: (-r["findings"], -r["broken_links"], r["folder"]))


def _top_notes(findings: list[Finding]) -> list[dict[str, Any]]:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        per[f.path][f.rule] += 1
    ranked = sorted(per.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_NOTES]
    return [{"path": path, "findings": sum(rules.values()),
             "rules": dict(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])))}
            for path, rules in ranked]


def target_key(target: str) -> str:
    """A link target as the resolver compares it (lint/vault.py): spaces around it
    trimmed, `\\` as `/`, no leading `/`, NFC, case folded, `.md` implied."""
    key = fold(target.strip().replace("\\", "/").lstrip("/"))
    return strip_md(key)


class _Target:
    __slots__ = ("written", "notes", "links", "suggestions")

    def __init__(self) -> None:
        self.written: dict[str, int] = {}
        self.notes: dict[str, int] = {}  # linking note -> links from it
        self.links = 0
        self.suggestions: dict[str, int] = {}


def _missing_targets(linter: Linter, findings: list[Finding]) -> tuple[list[dict[str, Any]], Counter[str]]:
    """The notes that broken links point at, ranked by the distinct notes linking to
    them, then links, then name; and the broken links of each note."""
    profile = linter.config.resolution
    groups: dict[str, _Target] = {}
    keys: dict[str, str] = {}  # target as written -> its group
    hints: dict[tuple, str | None] = {}  # the same help and fix, the same suggestion
    per_note: Counter[str] = Counter()
    notes: dict[str, tuple[tuple[Link, ...], list[int]]] = {}
    for f in findings:
        if f.rule != "broken-link":
            continue
        if f.path not in notes:
            links = _links(linter, f.path)
            notes[f.path] = (links, list(map(attrgetter("target_start"), links)))
        link = _link_at(*notes[f.path], f.start, f.end)
        if link is None or not link.target:
            continue
        target = link.target
        # Only a non-ASCII target can resolve and still be reported (a normalisation
        # mismatch), and only a relative one can leave the vault: no other needs asking.
        if not target.isascii() or target.strip().replace("\\", "/").startswith(("./", "../")):
            res = linter.vault.resolve(target, f.path, profile)
            if res.path is not None or res.outside:
                continue  # nothing to create: the note exists, or the path leaves the vault
        per_note[f.path] += 1
        key = keys.get(target)
        if key is None:
            key = keys[target] = target_key(target)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Target()
        shown = target.strip()
        group.written[shown] = group.written.get(shown, 0) + 1
        group.notes[f.path] = group.notes.get(f.path, 0) + 1
        group.links += 1
        markdown = link.kind == "markdown"
        memo = (f.help, f.fix, markdown)
        hint = hints[memo] if memo in hints else hints.setdefault(memo, suggestion_of(f, markdown))
        if hint is not None:
            group.suggestions[hint] = group.suggestions.get(hint, 0) + 1
    rows: list[dict[str, Any]] = []
    for group in groups.values():
        # most often written; among equals, the first in code point order (stable)
        shown = min(group.written.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        hint = min(group.suggestions.items(), key=lambda kv: (-kv[1], kv[0]))[0] if group.suggestions else None
        examples = sorted(group.notes.items(), key=lambda kv: (-kv[1], kv[0]))[:EXAMPLES]
        rows.append({"target": shown, "notes": len(group.notes), "links": group.links,
                     "suggestion": hint, "examples": [p for p, _ in examples]})
    rows.sort(key=lambda r: (-r["notes"], -r["links"], r["target"]))
    return rows, per_note


def _link_at(links: tuple[Link, ...], starts: list[int], start: int, end: int) -> Link | None:
    """The link whose target is the finding's span. Links come in the order of the text,
    but a reference link's target is its definition's, elsewhere: then search them all."""
    i = bisect_left(starts, start)
    while i < len(links) and starts[i] == start:
        if links[i].target_end == end:
            return links[i]
        i += 1
    return next((link for link in links if link.target_start == start and link.target_end == end), None)


def _links(linter: Linter, rel: str) -> tuple[Link, ...]:
    """The note's links, from the facts the run kept (Request.keep_facts), read from the
    cache on a warm run; parsed again only when neither has them."""
    p = linter.processed.get(rel)
    facts = linter.store.full_facts(p) if p is not None else None
    if facts is not None and facts.md.links:
        return facts.md.links
    again = linter.process(rel, keep_note=False)
    return again.facts.md.links if again.skip is None and again.facts is not None else ()


# "did you mean [[a]]?", "did you mean [[a]] or [[b]]?", "... write [[a|shown]]"
_WIKILINK = re.compile(r"\[\[(.+?)\]\](?=\?| or |$)")


def suggestion_of(f: Finding, markdown: bool = False) -> str | None:
    """The target a broken link should probably have: the rule's fix when it is certain,
    else the first note its "did you mean" help names (lint/rules/broken_link.py). A
    Markdown link's fix is percent-encoded; the suggestion is shown decoded, as the
    link's own target is."""
    if f.fix is not None and f.fix.edits:
        content = f.fix.edits[0].content
        return (unquote(content) if markdown else content).strip() or None
    m = _WIKILINK.search(f.help or "")
    return m.group(1).split("|", 1)[0].strip() or None if m else None


def fingerprint(f: Finding) -> str:
    """A finding's identity across runs: its note and message, not its line, so an
    edit above it does not make it new."""
    return hashlib.blake2b(f"{f.path}\0{f.message}".encode("utf-8", "surrogatepass"),
                           digest_size=6).hexdigest()


def _fingerprints(findings: list[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        out[f.rule].append(fingerprint(f))
    return {rule: sorted(prints) for rule, prints in sorted(out.items())}


def load_compare(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            old = json.load(fh)
    except OSError as e:
        raise CompareError(f"--compare: cannot read {path}: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise CompareError(f"--compare: {path} is not JSON: {e}") from None
    except RecursionError:
        raise CompareError(f"--compare: {path} is not a report (JSON nested too deeply)") from None
    if not _comparable(old):
        raise CompareError(f"--compare: {path} is not a `notelint report --format json` file")
    return old


def _comparable(old: object) -> bool:
    """Whether the fields compare_reports reads have their types: `fingerprints`, and
    `missing_targets` and `notes` when there (an older report may lack them)."""
    if not isinstance(old, dict):
        return False
    prints = old.get("fingerprints")
    if not isinstance(prints, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in prints.values()):
        return False
    targets = old.get("missing_targets")
    if targets is not None and not (isinstance(targets, list) and all(
            isinstance(t, dict) and isinstance(t.get("target"), str) for t in targets)):
        return False
    notes = old.get("notes")
    return notes is None or (isinstance(notes, int) and not isinstance(notes, bool))


def compare_reports(old: Mapping[str, Any], new: Mapping[str, Any], name: str = "") -> dict[str, Any]:
    """What changed since `old`: findings new and fixed, in all and per rule (a finding
    is matched by its fingerprint, counted as a multiset), and the missing targets."""
    rules = sorted(set(old["fingerprints"]) | set(new["fingerprints"]))
    rows = []
    for rule in rules:
        before = Counter(old["fingerprints"].get(rule, ()))
        after = Counter(new["fingerprints"].get(rule, ()))
        rows.append({"rule": rule, "old": sum(before.values()), "now": sum(after.values()),
                     "new": sum((after - before).values()), "fixed": sum((before - after).values())})
    rows.sort(key=lambda r: (-(r["new"] + r["fixed"]), r["rule"]))
    old_targets = {target_key(t["target"]) for t in old.get("missing_targets") or ()}
    now_targets = {target_key(t["target"]) for t in new["missing_targets"]}
    old_notes = old.get("notes")
    return {
        "against": name,
        "notes": {"old": old_notes if isinstance(old_notes, int) else None, "now": new["notes"]},
        "findings": {"old": sum(r["old"] for r in rows), "now": sum(r["now"] for r in rows)},
        "new": sum(r["new"] for r in rows),
        "fixed": sum(r["fixed"] for r in rows),
        "rules": [r for r in rows if r["old"] or r["now"]],
        "missing_targets": {"old": len(old_targets), "now": len(now_targets),
                            "new": len(now_targets - old_targets), "gone": len(old_targets - now_targets)},
    }
