"""The report as one self-contained HTML page: inline CSS, an inline SVG chart, no
script and nothing fetched, light and dark, narrow and wide screens.

Note names are hostile input: every value from the vault goes through `esc()` (and a
link's target through `href()`), so a `<script>` in a file name stays text."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from lint.diagnostic import safe_text

TARGET_ROWS = 500  # the page stays quick to open; the JSON has them all
LIST_ROWS = 500
CHART_FOLDERS = 30
LABEL = 32  # characters of a folder name shown in the chart

CSS = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --card: #f6f8fa; --accent: #0969da; --bad: #cf222e; --warn: #9a6700; --bar2: #8c959f; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --card: #151b23;
    --accent: #4493f8; --bad: #f85149; --warn: #d29922; --bar2: #656c76; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
.muted, caption { color: var(--muted); } caption { text-align: left; padding: .25rem 0; }
a { color: var(--accent); overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.card b { display: block; font-size: 1.4rem; } .card.bad b { color: var(--bad); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--card); position: sticky; top: 0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td { overflow-wrap: anywhere; } code { font-size: .85em; } td code { white-space: nowrap; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
.b1 { fill: var(--bad); } .b2 { fill: var(--bar2); }
.legend span { display: inline-block; width: .8em; height: .8em; margin: 0 .3em 0 1em; vertical-align: -.1em; }
@media (max-width: 40rem) { main { padding: .5rem; } .hide-narrow { display: none; } }
"""


def esc(value: object) -> str:
    return html.escape(safe_text(str(value)), quote=True)


def href(path: str, root: str, here: str) -> str:
    """A note's address relative to the folder the page is written to."""
    rel = os.path.relpath(os.path.join(root, path), here).replace(os.sep, "/")
    return esc(quote(rel, safe="/", errors="surrogateescape"))


def render(report: dict[str, Any], here: str) -> str:
    root = report["root"]

    def note(path: str) -> str:
        return f'<a href="{href(path, root, here)}">{esc(path)}</a>'

    parts = [*_head(report), *_compare(report.get("compare")), *_totals(report),
             *_missing(report["missing_targets"], note), *_lists(report, note),
             "</main></body></html>\n"]
    return "\n".join(parts)


def _head(report: dict[str, Any]) -> list[str]:
    root = report["root"]
    sev = report["severities"]
    fix = report["fixable"]
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request leaves the page: no script, style or image from anywhere.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>notelint report: {esc(os.path.basename(root) or root)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>notelint vault report</h1>",
        f'<p class="muted">{esc(root)} · notelint {esc(report["notelint"])}</p>',
        '<div class="cards">',
        _card("notes", report["notes"]),
        _card("findings", report["total_findings"], bad=True),
        _card("errors", sev["error"], bad=True),
        _card("warnings", sev["warning"]),
        _card("broken links", report["broken_links"], bad=True),
        _card("missing notes", len(report["missing_targets"])),
        _card("repaired by --fix", fix["fix"]),
        _card("with --unsafe-fixes", fix["unsafe_fixes"]),
        "</div>",
    ]


def _compare(change: dict[str, Any] | None) -> list[str]:
    if not change:
        return []
    return [
        "<h2>Since the last report</h2>",
        f"<p><b>{change['new']:,}</b> new, <b>{change['fixed']:,}</b> fixed: "
        f"{change['findings']['old']:,} → {change['findings']['now']:,} findings; missing notes "
        f"{change['missing_targets']['old']:,} → {change['missing_targets']['now']:,} "
        f"(compared with {esc(change['against'])}).</p>",
        _table(["rule", "before", "now", "new", "fixed"], " nnnn",
               [[f"<code>{esc(r['rule'])}</code>", r["old"], r["now"], r["new"], r["fixed"]]
                for r in change["rules"]], "per rule, most changed first"),
    ]


def _totals(report: dict[str, Any]) -> list[str]:
    return [
        "<h2>Findings by rule</h2>",
        _table(["rule", "code", "severity", "findings", "--fix", "unsafe"], "   nnn",
               [[f"<code>{esc(r['rule'])}</code>", esc(r["code"]), esc(r["severity"]), r["findings"],
                 r["fix"], r["unsafe_fix"]] for r in report["rules"]], "most findings first"),
        "<h2>By folder</h2>",
        _chart(report["folders"]),
        _table(["folder", "notes", "findings", "broken links", "per note"], " nnnn",
               [[_folder(f["folder"]), f["notes"], f["findings"], f["broken_links"],
                 f"{f['broken_links_per_note']:.2f}"] for f in report["folders"]],
               "top-level folders, most findings first"),
    ]


def _missing(targets: list[dict[str, Any]], note: Callable[[str], str]) -> list[str]:
    parts = ["<h2>Missing notes, most linked first</h2>"]
    if targets:
        rows = [[esc(t["target"]), t["notes"], t["links"],
                 esc(t["suggestion"]) if t["suggestion"] else '<span class="muted">none</span>',
                 "<br>".join(note(e) for e in t["examples"])] for t in targets[:TARGET_ROWS]]
        parts.append(_table(["missing note", "linked from", "links", "did you mean", "for example"],
                            " nn  ", rows, "by the number of notes linking to it, then links",
                            _more(len(rows), len(targets))))
    else:
        parts.append('<p class="muted">No broken link points at a missing note.</p>')
    return parts


def _lists(report: dict[str, Any], note: Callable[[str], str]) -> list[str]:
    parts: list[str] = []
    if report["top_notes"]:
        parts += ["<h2>Notes with the most findings</h2>",
                  _table(["note", "findings", "rules"], " n ",
                         [[note(n["path"]), n["findings"],
                           ", ".join(f"<code>{esc(r)}</code> {c:,}" for r, c in n["rules"].items())]
                          for n in report["top_notes"]], "most findings first")]
    if report.get("orphans"):
        items = report["orphans"]
        parts += [f"<h2>Orphan notes ({len(items):,})</h2>",
                  _table(["note"], " ", [[note(p)] for p in items[:LIST_ROWS]], "by path",
                         _more(min(len(items), LIST_ROWS), len(items)))]
    if report.get("ambiguous_links"):
        items = report["ambiguous_links"]
        parts += [f"<h2>Ambiguous links ({len(items):,})</h2>",
                  _table(["note", "line", "what"], " n ",
                         [[note(a["path"]), a["line"], esc(a["message"])] for a in items[:LIST_ROWS]],
                         "by path and line", _more(min(len(items), LIST_ROWS), len(items)))]
    return parts


def _card(label: str, value: int, bad: bool = False) -> str:
    cls = "card bad" if bad and value else "card"
    return f'<div class="{cls}"><b>{value:,}</b>{esc(label)}</div>'


def _folder(name: str) -> str:
    return esc(name) if name else '<span class="muted">(vault root)</span>'


def _more(shown: int, total: int) -> str:
    return f"… and {total - shown:,} more in the JSON report." if total > shown else ""


def _table(heads: list[str], kinds: str, rows: list[list[Any]], caption: str, foot: str = "") -> str:
    """kinds: one letter a column, `n` for a number (right-aligned, thousands grouped)."""
    def cell(value: Any, kind: str) -> str:
        if kind == "n":
            text = f"{value:,}" if isinstance(value, int) else str(value)
            return f'<td class="n">{text}</td>'
        return f"<td>{value}</td>"

    head = "".join(f'<th class="n">{esc(h)}</th>' if k == "n" else f"<th>{esc(h)}</th>"
                   for h, k in zip(heads, kinds, strict=True))
    body = "\n".join("<tr>" + "".join(cell(v, k) for v, k in zip(row, kinds, strict=True)) + "</tr>"
                     for row in rows)
    tail = f'<p class="muted">{esc(foot)}</p>' if foot else ""
    return (f'<div class="scroll"><table><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>{tail}")


def _chart(folders: list[dict[str, Any]]) -> str:
    """Horizontal bars, one a folder: its broken links, then its other findings."""
    shown = [f for f in folders if f["findings"]][:CHART_FOLDERS]
    if not shown:
        return '<p class="muted">No findings in any folder.</p>'
    top = max(f["findings"] for f in shown)
    bar_h, gap, label_w, width = 18, 6, 230, 760
    span = width - label_w - 70
    height = len(shown) * (bar_h + gap) + gap
    out = [f'<svg id="folder-chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="findings per top-level folder" xmlns="http://www.w3.org/2000/svg">']
    for i, f in enumerate(shown):
        y = gap + i * (bar_h + gap)
        broken = span * f["broken_links"] / top
        other = span * (f["findings"] - f["broken_links"]) / top
        name = f["folder"] or "(vault root)"
        label = name if len(name) <= LABEL else name[:LABEL - 1] + "…"
        tip = (f"{name}: {f['findings']:,} findings, {f['broken_links']:,} broken links, "
               f"{f['notes']:,} notes")
        out.append(
            f'<g><title>{esc(tip)}</title>'
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end">{esc(label)}</text>'
            f'<rect class="b1" x="{label_w}" y="{y}" width="{broken:.1f}" height="{bar_h}"/>'
            f'<rect class="b2" x="{label_w + broken:.1f}" y="{y}" width="{other:.1f}" height="{bar_h}"/>'
            f'<text x="{label_w + broken + other + 6:.1f}" y="{y + bar_h - 5}">{f["findings"]:,}</text></g>')
    out.append("</svg>")
    legend = ('<p class="legend muted"><span class="b1" style="background:var(--bad)"></span>broken links'
              '<span style="background:var(--bar2)"></span>other findings</p>')
    return "\n".join(out) + legend
