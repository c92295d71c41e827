"""Processing one file, a stateless function: read, parse, suppression comments, content
rules, giving one typed result, Processed. Its wire form (`Wire`: the cache's Entry, and
the note's pickled facts) is what workers send and what the cache keeps.

The rules are bound to their contexts in a Checker, which also runs the cross-note and
vault-wide rules; it holds nothing per note."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from lint.cache import Entry, cache_key
from lint.diagnostic import Finding
from lint.facts import NoteFacts, pack, unpack
from lint.plan import Plan
from lint.readfile import NO_KEY, StatKey, read_file
from lint.rule import Context
from lint.stamp import Stamper
from lint.suppress import directives

if TYPE_CHECKING:
    from lint.note import Note
    from lint.vault import Vault

Export = tuple  # (front matter data, headings as tuples, block ids as tuples)
NO_DIGEST = ""  # a file with no content digest: skipped, unreadable, not parsed


class Local(NamedTuple):
    """What processing found in the file itself."""

    findings: tuple[Finding, ...] = ()
    directives: tuple[tuple, ...] = ()  # Directive.spec() of its suppression comments
    skip: str | None = None  # why it was not linted (a parser crash: its finding is in findings)

    def pack(self) -> bytes:
        # Most notes have no finding, directive or skip reason: b"" costs nothing to
        # store or read back.
        return b"" if not (self.findings or self.directives or self.skip) else pack(tuple(self))

    @classmethod
    def unpack(cls, blob: bytes) -> Local:
        return cls(*unpack(blob)) if blob else _QUIET  # type: ignore[misc]


_QUIET = Local()


def cross_key_of(export: Export | None) -> str:
    """What other notes can see of this one: a change here re-runs cross-note rules."""
    if export is None:
        return "-"
    data, headings, blocks = export
    title = data.get("title") if data else None
    aliases = (data.get("aliases"), data.get("Aliases")) if data else None
    return cache_key([h[1] for h in headings], [b[0] for b in blocks], title, aliases)


class Wire(NamedTuple):
    """A processed file as workers send it: its cache entry and, when asked for, its
    facts pickled (for the cache's facts file)."""

    path: str
    entry: Entry
    facts: bytes | None


class Processed:
    """One file after processing. `local` and the export are decoded on first use: a
    warm run over a large vault decodes only what it reports."""

    __slots__ = ("path", "entry", "facts", "blob", "_local", "_export")

    def __init__(self, path: str, entry: Entry, facts: NoteFacts | None = None,
                 blob: bytes | None = None, local: Local | None = None,
                 export: Export | None = None) -> None:
        self.path, self.entry = path, entry
        self.facts = facts  # decoded, when this process has them
        self.blob = blob  # the facts pickled (from a worker), when it sent them
        self._local, self._export = local, export

    @classmethod
    def made(cls, path: str, stat: StatKey, digest: str, local: Local,
             facts: NoteFacts | None = None) -> Processed:
        export = facts.export if facts is not None else None
        packed = pack(export) if export is not None else b""
        entry = Entry(stat, digest, "", local.pack(), packed)
        return cls(path, entry, facts, None, local, export)

    @classmethod
    def from_wire(cls, wire: Wire) -> Processed:
        return cls(wire.path, wire.entry, None, wire.facts)

    def to_wire(self, with_facts: bool, with_key: bool) -> Wire:
        entry = self.keyed() if with_key else self.entry
        return Wire(self.path, entry, self.facts_blob() if with_facts else None)

    def keyed(self) -> Entry:
        """The entry with its cross key, which only the cache compares: computed when
        first asked for (its cost: bench/README.md)."""
        if not self.entry.cross_key:
            self.entry = self.entry._replace(cross_key=cross_key_of(self.export))
        return self.entry

    @property
    def stat(self) -> StatKey:
        return self.entry.stat

    @property
    def digest(self) -> str:
        return self.entry.digest

    @property
    def cross_key(self) -> str:
        return self.keyed().cross_key

    @property
    def local(self) -> Local:
        if self._local is None:
            self._local = Local.unpack(self.entry.local)
        return self._local

    @property
    def skip(self) -> str | None:
        return self.local.skip if self.entry.local else None

    @property
    def directives(self) -> tuple[tuple, ...]:
        return self.local.directives if self.entry.local else ()

    @property
    def export(self) -> Export | None:
        if self._export is None and self.entry.export:
            self._export = unpack(self.entry.export)  # type: ignore[assignment]
        return self._export

    def facts_blob(self) -> bytes | None:
        if self.blob is None and self.facts is not None:
            self.blob = pack(self.facts)
        return self.blob

    def decoded_facts(self) -> NoteFacts | None:
        """Its full facts when this process has them (decoded from a worker's blob)."""
        if self.facts is None and self.blob is not None:
            facts = unpack(self.blob)
            self.facts = facts if isinstance(facts, NoteFacts) else None
        return self.facts

    def lite(self) -> NoteFacts | None:
        """Its facts as other notes see them: everything but its links."""
        export = self.export
        return None if export is None else NoteFacts.lite(self.path, self.digest, export)


@dataclass(frozen=True)
class Parsed:
    processed: Processed
    note: Note | None  # the parsed note, when there was one


class Checker:
    """The run's rules bound to their contexts, and the stamper. Holds nothing per note."""

    def __init__(self, plan: Plan, vault: Vault) -> None:
        self.plan = plan
        self.stamper = Stamper(plan.root, plan.config, plan.rules)
        self.contexts = {r.name: Context(vault, plan.config, plan.options[r.name]) for r in plan.rules}
        self.content_rules = plan.content_rules
        self.cross_rules = plan.cross_rules
        self.vault_rules = plan.vault_rules

    def content_findings(self, note: Note) -> Iterator[Finding]:
        stamper = self.stamper
        for rule in self.content_rules:
            try:
                for v in rule().check(note, self.contexts[rule.name]):
                    yield stamper.finding(note, rule, v)
            except Exception as e:  # noqa: BLE001 - contain a crashing rule
                yield stamper.internal_error(note, rule, e)

    def cross_findings(self, facts: NoteFacts) -> list[Finding]:
        out: list[Finding] = []
        for rule in self.cross_rules:
            try:
                out += [self.stamper.finding(facts, rule, v)
                        for v in rule().check(facts, self.contexts[rule.name])]
            except Exception as e:  # noqa: BLE001
                out.append(self.stamper.internal_error(facts, rule, e))
        return out

    def vault_findings(self, report: Sequence[str], vault: Vault) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        wanted = set(report)
        for rule in self.vault_rules:
            try:
                for rel, v in rule().check_vault(list(report), self.contexts[rule.name]):
                    facts = vault.note(rel)
                    if facts is not None and rel in wanted:
                        out.setdefault(rel, []).append(self.stamper.finding(facts, rule, v))
            except Exception as e:  # noqa: BLE001
                for rel in report[:1]:
                    out.setdefault(rel, []).append(self.stamper.rule_crash(rel, rule, e))
        return out

    def finish(self, p: Processed, raw: list[Finding], where: Note | NoteFacts | None = None,
               with_unused: bool = True) -> list[Finding]:
        """A processed file's findings as reported (see Stamper.finish)."""
        return self.stamper.finish(p.path, raw, p.directives, where, with_unused)


def process_file(checker: Checker, rel: str) -> Parsed:
    """Read, parse and run the content rules on one file. Never raises."""
    plan = checker.plan
    if rel == plan.stdin_rel and plan.stdin_text is not None:
        data = plan.stdin_text.encode("utf-8", "surrogatepass")
        return process_bytes(checker, rel, (0, len(data), 0, 0), data)
    if rel in plan.skip_reasons:
        return _skipped(rel, NO_KEY, plan.skip_reasons[rel])
    got = read_file(plan.root, rel, plan.config.max_file_size)
    if got.data is None:
        return _skipped(rel, got.key, got.why)
    if looks_binary(got.data):
        return _skipped(rel, got.key, "binary data, not text; not linted")
    return process_bytes(checker, rel, got.key, got.data)


def _skipped(rel: str, stat: StatKey, why: str) -> Parsed:
    return Parsed(Processed.made(rel, stat, NO_DIGEST, Local(skip=why)), None)


def process_bytes(checker: Checker, rel: str, stat: StatKey, data: bytes) -> Parsed:
    # Reading the suppression comments and the facts other notes see is parsing too:
    # a bug in either costs this note, not the run.
    # Imported here: a warm run parses nothing, and lint.note brings PyYAML (figures:
    # bench/README.md).
    from lint.note import parse_note

    try:
        note = parse_note(rel, data)
    except Exception as e:  # noqa: BLE001 - a parser bug costs one note, not the run
        return _crashed(checker, rel, stat, e)
    return process_note(checker, note, stat)


def process_note(checker: Checker, note: Note, stat: StatKey = NO_KEY) -> Parsed:
    try:
        ds = tuple(d.spec() for d in directives(note))
        facts = note.facts()
    except Exception as e:  # noqa: BLE001 - a parser bug costs one note, not the run
        return _crashed(checker, note.path, stat, e)
    local = Local(tuple(checker.content_findings(note)), ds)
    return Parsed(Processed.made(note.path, stat, note.digest, local, facts), note)


def _crashed(checker: Checker, rel: str, stat: StatKey, e: Exception) -> Parsed:
    crash = checker.stamper.crash(rel, "the parser", e)
    local = Local((crash,), (), "notelint could not parse it")
    return Parsed(Processed.made(rel, stat, NO_DIGEST, local), None)


def note_findings(checker: Checker, note: Note, with_unused: bool = False) -> list[Finding]:
    """Every per-note rule on one parsed note, suppressions applied."""
    facts = note.facts()
    raw = [*checker.content_findings(note), *checker.cross_findings(facts)]
    specs = tuple(d.spec() for d in directives(note))
    return checker.stamper.finish(note.path, raw, specs, facts, with_unused)


def looks_binary(data: bytes) -> bool:
    """NUL bytes in quantity and no UTF-16/32 pattern: an image or archive named `.md`.
    A few stray NUL or control bytes in text are control-character findings instead."""
    head = data[:8192]
    if b"\x00" not in head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    from lint.encoding.sniff import sniff_encoding

    if (sniff_encoding(data) or "").startswith("UTF-"):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 20

