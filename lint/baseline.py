"""A baseline: the findings a vault already had, recorded so that only new ones count.

Entries are keyed by path, rule and the flagged text (the note's text at the finding's
span: a link's target, a garbled span, a key), with a count: never a line number, so
moving lines, editing other text on the same line, or adding notes changes nothing,
while a further occurrence of the same problem in the same note is new (issue 14, as
SwiftLint's and detekt's baselines do). A renamed note keeps its entries when git says
it was a rename.

The file is sorted JSON, one entry a line, for review in pull requests:
{"notelint-baseline": 1, "findings": {path: {rule: {text: count}}}}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from lint.config import ConfigError, load_config
from lint.diagnostic import Finding
from lint.discover import is_note

if TYPE_CHECKING:
    from lint.engine import Linter

FORMAT = "notelint-baseline"
VERSION = 1
# A longer span (a whole front matter block that does not load) is kept as its digest:
# the file stays small and the entry still changes when the text does.
MAX_TEXT = 120

Entries = dict[str, dict[str, dict[str, int]]]


class BaselineError(ConfigError):
    """A baseline file that cannot be read or is not one: exit 2."""


def flagged_text(text: str | None, f: Finding) -> str:
    """What a finding flags: the span's text, or its message when the span is empty
    (a whole-note finding such as a byte order mark or an orphan note)."""
    span = text[f.start:f.end] if text is not None and f.end > f.start else ""
    if not span:
        return f.message
    if len(span) > MAX_TEXT:
        return "sha256:" + hashlib.sha256(span.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return span


def entries(findings: Iterable[Finding], text_of: Callable[[str], str | None]) -> Entries:
    out: Entries = {}
    texts: dict[str, str | None] = {}
    for f in findings:
        if f.path not in texts:
            texts[f.path] = text_of(f.path)
        by_text = out.setdefault(f.path, {}).setdefault(f.rule, {})
        key = flagged_text(texts[f.path], f)
        by_text[key] = by_text.get(key, 0) + 1
    return out


# A lone surrogate: a byte of a file name that is not UTF-8, as Python decodes it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(found: Entries) -> str:
    """The file's text. Non-ASCII names stay as written; a lone surrogate (a file name
    that is not UTF-8) cannot be written as UTF-8, so it is written as JSON's `\\udcXX`
    escape, as the JSON reporter writes it: json.load reads it back as the same
    surrogate, so the entry still matches the note on the next run."""
    doc = {FORMAT: VERSION, "findings": found}
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def write(path: str, findings: Iterable[Finding], text_of: Callable[[str], str | None]) -> int:
    """Record every finding in `path` (atomically); returns how many."""
    found = entries(findings, text_of)
    text = dumps(found)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as e:
        with_suppressed_remove(tmp)
        raise BaselineError(f"{path}: cannot write the baseline: {e.strerror or e}") from e
    except BaseException:  # anything else, an interrupt too: the old file stays, nothing beside it
        with_suppressed_remove(tmp)
        raise
    return sum(n for rules in found.values() for texts in rules.values() for n in texts.values())


def refuse_partial(linter: Linter, changed: bool) -> None:
    """Refuse to write a baseline from a run over part of the vault: the file replaces
    the old one, so every entry outside the run would be dropped without a word. As
    PHPStan's and detekt's, a baseline is regenerated whole (issue 15)."""
    from lint.selection import select_rules

    why = []
    if changed:
        why.append("--changed-since or --pre-commit-refs")
    reported = set(linter.report_paths)
    found = linter.discovery
    every = [p for p in found.files if is_note(p)] + [s.path for s in found.skipped]
    if any(p not in reported and not found.is_template(p) for p in every):
        why.append("paths narrower than the vault")
    overrides = linter.request.overrides
    if "select" in overrides or "ignore" in overrides:
        source = linter.config.source
        configured = select_rules(load_config(Path(source) if source else None, linter.root))
        left_out = [r.name for r in configured if r not in linter.rules]
        if left_out:
            more = f" and {len(left_out) - 3:,} more" if len(left_out) > 3 else ""
            why.append(f"--select, --ignore leave out {', '.join(left_out[:3])}{more}")
    if why:
        raise BaselineError(f"--write-baseline records the whole vault with the config's rules, and "
                            f"this run covers part of it ({'; '.join(why)}): the entries for the "
                            "rest would be lost. Run it without those.")


def with_suppressed_remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def load(path: str) -> Entries:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found "
                            "(write one with `notelint check --write-baseline FILE`)") from None
    except OSError as e:
        raise BaselineError(f"{path}: cannot read the baseline: {e.strerror or e}") from e
    except (UnicodeDecodeError, ValueError) as e:
        raise BaselineError(f"{path}: not a notelint baseline (not JSON: {e})") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a notelint baseline (JSON nested too deeply)") from None
    if not isinstance(doc, dict) or FORMAT not in doc:
        raise BaselineError(f"{path}: not a notelint baseline (no `{FORMAT}` field)")
    # `true` and `1.0` equal 1 in Python, and are no version.
    if type(doc[FORMAT]) is not int or doc[FORMAT] != VERSION:
        raise BaselineError(f"{path}: baseline version {doc[FORMAT]!r} is not supported "
                            f"(this notelint reads version {VERSION})")
    found = doc.get("findings")
    if not _well_formed(found):
        raise BaselineError(f"{path}: not a notelint baseline (`findings` must map "
                            "path -> rule -> text -> count)")
    return found


def _well_formed(found: object) -> TypeGuard[Entries]:
    if not isinstance(found, dict):
        return False
    for rules in found.values():
        if not isinstance(rules, dict):
            return False
        for texts in rules.values():
            if not isinstance(texts, dict):
                return False
            for n in texts.values():
                if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                    return False
    return True


@dataclass
class Outcome:
    kept: list[Finding]
    hidden: int  # findings the baseline hid
    unused: int  # recorded occurrences that no longer occur


def apply(found: Entries, findings: list[Finding], text_of: Callable[[str], str | None],
          renames: Mapping[str, str] | None = None, reported: Collection[str] | None = None,
          rules: Collection[str] | None = None, vault: Collection[str] | None = None) -> Outcome:
    """Hide the findings the baseline records. renames: new path -> old path (git's
    word). Entries count as unused only for notes reported on and rules selected: a
    run over a few notes says nothing about the others. vault: every file of the
    vault, given when the whole vault is reported on, so that the entries of notes
    that are gone count as unused too."""
    renames = renames or {}
    left: dict[tuple[str, str, str], int] = {}
    owner: dict[str, str] = {}  # the baseline path whose entries a current path uses
    for path in {f.path for f in findings} | set(reported or ()):
        old = path if path in found else renames.get(path)
        if old is not None and old in found:
            owner[path] = old
    texts: dict[str, str | None] = {}
    kept: list[Finding] = []
    hidden = 0
    for f in findings:
        old = owner.get(f.path)
        recorded = found[old].get(f.rule) if old is not None else None
        if not recorded or old is None:
            kept.append(f)
            continue
        if f.path not in texts:
            texts[f.path] = text_of(f.path)
        key = (old, f.rule, flagged_text(texts[f.path], f))
        n = left.get(key)
        if n is None:
            n = recorded.get(key[2], 0)
        if n > 0:
            left[key] = n - 1
            hidden += 1
        else:
            left[key] = 0
            kept.append(f)
    unused = _unused(found, left, owner, renames, reported, rules, vault)
    return Outcome(kept, hidden, unused)


def _unused(found: Entries, left: Mapping[tuple[str, str, str], int], owner: Mapping[str, str],
            renames: Mapping[str, str], reported: Collection[str] | None,
            rules: Collection[str] | None, vault: Collection[str] | None) -> int:
    """How many entries matched no finding, among the notes and rules this run covered."""
    unused = 0
    for path, old in owner.items():
        if reported is not None and path not in reported:
            continue
        for rule, counts in found[old].items():
            if rules is not None and rule not in rules:
                continue
            for text, n in counts.items():
                unused += left.get((old, rule, text), n)
    if vault is not None:
        owned = set(owner.values()) | set(renames.values())
        for old, by_rule in found.items():
            if old not in owned and old not in vault:
                unused += sum(n for rule, counts in by_rule.items()
                              if rules is None or rule in rules for n in counts.values())
    return unused
