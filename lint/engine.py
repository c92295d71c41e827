"""The engine: discover, index once, run the enabled rules, stamp, suppress, sort.

Rules come in three kinds. Content rules read one note's text (front matter, sources,
encoding): their findings depend on that note alone, so they are cached by content and
run wherever the note is parsed, in parallel workers for large vaults. Cross-note rules
(`cross_note`: links) read a note's NoteFacts and the Vault: they run in the main process
after the index is complete. Vault-wide rules (`vault_wide`) see all facts at once.
"""

from __future__ import annotations

import gc
import os
import pickle
import threading
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from lint import __version__, discover
from lint.cache import Cache, cache_key, claim_folder
from lint.config import Config, ConfigError, format_validation_error, load_config, vault_root_for
from lint.diagnostic import Finding, FixedEdit, Severity, Violation, safe_text
from lint.facts import NoteFacts, export_of, pack, unpack
from lint.readfile import NO_KEY, StatKey, content_digest, inside, read_file, stat_key
from lint.rule import Context, Rule
from lint.rules import RULES, lookup
from lint.rules.engine_rules import InternalError, SkippedFile, UnusedSuppression
from lint.suppress import Directive, directives
from lint.vault import Vault

if TYPE_CHECKING:
    from lint.note import Note

ENGINE_MADE = (InternalError, UnusedSuppression, SkippedFile)


class UsageError(Exception):
    """Bad paths or arguments: exit 2."""


@dataclass
class Request:
    paths: list[str] = field(default_factory=lambda: ["."])
    cwd: str = field(default_factory=os.getcwd)
    config_file: str | None = None  # --config: use this file instead of discovery
    overrides: dict[str, Any] = field(default_factory=dict)  # --select and friends
    stdin_path: str | None = None  # --stdin-filename: the note's text comes in stdin_text
    stdin_text: str | None = None
    cache: bool = False  # the CLI turns it on; --no-cache turns it off
    cache_dir: str | None = None
    jobs: int | None = None  # worker processes; None: decide by size
    progress: bool = False
    keep_facts: bool = False  # keep every note's links after the run (`notelint report`)


_REPORT_IT = "this is a notelint bug; please report it"


# _few_collections is shared by every run in the process: lint.check() is a library call,
# and runs may overlap in threads. Only the outermost run changes the collector and only
# it puts things back, so an overlapping run cannot leave the threshold raised.
_gc_lock = threading.Lock()
_gc_depth = 0
_gc_saved: tuple[tuple[int, ...], bool] = ((), False)  # the host's threshold; did we freeze


@contextmanager
def _few_collections() -> Iterator[None]:
    """A run keeps what it parses (~20 objects a link, no cycles among them), so at the
    default threshold the cyclic collector runs thousands of times over a growing heap
    and frees nothing: 5-10% of a cold 10k run, measured A/B. Collect rarely instead,
    and freeze what imports made (forked workers then leave those pages shared).

    gc.unfreeze() thaws everything, not just what we froze: when the host program has
    frozen objects of its own (gc.get_freeze_count() > 0), we neither freeze nor thaw."""
    global _gc_depth, _gc_saved
    with _gc_lock:
        if _gc_depth == 0:
            freeze = gc.get_freeze_count() == 0
            _gc_saved = (gc.get_threshold(), freeze)
            if freeze:
                gc.freeze()
            gc.set_threshold(100_000, 50, 100)
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                threshold, froze = _gc_saved
                gc.set_threshold(*threshold)
                if froze:
                    gc.unfreeze()


def _crash_message(what: str, e: Exception) -> str:
    tb = traceback.extract_tb(e.__traceback__)[-1]
    return (f"{what} crashed on this note: {type(e).__name__}: {e} "
            f"({os.path.basename(tb.filename)}:{tb.lineno})")


class Processed:
    """One file after reading, parsing and the content rules: what workers send back and
    what the cache keeps. Facts may arrive pickled (from the cache) and are decoded only
    when a cross-note rule needs them."""

    __slots__ = ("path", "stat", "digest", "local", "directives", "skip", "_cross_key", "export",
                 "_facts")

    def __init__(self, path: str, stat: StatKey, digest: str,
                 facts: NoteFacts | bytes | None, local: tuple[Finding, ...],
                 directives: tuple[tuple, ...], skip: str | None = None,
                 cross_key: str | None = None, export: tuple | bytes | None = None) -> None:
        self.path, self.stat, self.digest = path, stat, digest
        self.local, self.directives, self.skip = local, directives, skip
        self._facts = facts
        if export is None and isinstance(facts, NoteFacts):
            export = facts.export
        self.export = export
        self._cross_key = cross_key

    @property
    def cross_key(self) -> str:
        """Computed only when the cache needs it (a blake2b of the export, ~20 µs)."""
        if self._cross_key is None:
            self._cross_key = _cross_key(self.export)
        return self._cross_key

    @property
    def facts(self) -> NoteFacts | None:
        """The full facts; decoded from the cache's bytes on first use. A note parsed in a
        worker without its facts kept shows its export (all but its links)."""
        if callable(self._facts):  # in the cache's facts file, read on first use
            self._facts = self._facts()  # type: ignore[assignment]
        if isinstance(self._facts, bytes):
            self._facts = unpack(self._facts)  # type: ignore[assignment]
        elif self._facts is None and self.export is not None:
            return NoteFacts.lite(self.path, self.digest, export_of(self.export))
        return self._facts

    @property
    def facts_blob(self) -> bytes:
        f = self._facts
        return f if isinstance(f, bytes) else pack(f)

    def __reduce__(self):
        return (Processed, (self.path, self.stat, self.digest, self._facts, self.local,
                            self.directives, self.skip, self._cross_key, self.export))


def _cross_key(export: tuple | bytes | None) -> str:
    """What other notes can see of this one: a change here re-runs cross-note rules."""
    if export is None:
        return "-"
    data, headings, blocks = export_of(export)
    title = data.get("title") if data else None
    aliases = (data.get("aliases"), data.get("Aliases")) if data else None
    return cache_key([h[1] for h in headings], [b[0] for b in blocks], title, aliases)


def select_rules(config: Config) -> list[type[Rule]]:
    chosen = _expand(config.select, "select") if config.select is not None else [
        r for r in RULES if r.default
    ]
    chosen += [r for r in _expand(config.extend_select, "extend-select") if r not in chosen]
    ignored = set(_expand(config.ignore, "ignore"))
    return [r for r in RULES if r in chosen and r not in ignored]


def _expand(selectors: Iterable[str], key: str) -> list[type[Rule]]:
    out: list[type[Rule]] = []
    for s in selectors:
        hit = [r for r in RULES if s == "ALL" or s == r.name or r.code.startswith(s)]
        if not hit:
            raise ConfigError(f"`{key}`: unknown rule, code or prefix `{s}` (see `notelint rules`)")
        out += [r for r in hit if r not in out]
    return out


def check_rule_names(config: Config) -> None:
    """Every rule the config names exists (12.3): a misspelt name would silently do
    nothing. per-file-ignores take selectors as `ignore` does; severity and the rules
    tables take one rule's name or code."""
    for glob, selectors in config.per_file_ignores.items():
        _expand(selectors, f"per-file-ignores.{glob}")
    for table, names in (("severity", config.severity), ("rules", config.rules)):
        for name in names:
            if lookup(name) is None:
                raise ConfigError(f"`{table}`: unknown rule `{name}`: give a rule's name or "
                                  "code (see `notelint rules`)")


class Linter:
    """One run over one vault. Each note is read and parsed at most once."""

    def __init__(self, request: Request) -> None:
        self.request = request
        cwd = Path(request.cwd)
        targets = [cwd / p for p in (request.paths or ["."])]
        if request.stdin_path:
            targets = [cwd / request.stdin_path]
        for t in targets:
            if not request.stdin_path and not t.exists():
                raise UsageError(f"{t}: no such file or folder")
        if request.config_file:
            cfg = Path(request.config_file)
            if not cfg.is_file():
                raise UsageError(f"{cfg}: config file not found")
            root, config_path = cfg.resolve().parent, cfg
            self.root_why = "the folder of the --config file"
        else:
            found = vault_root_for(targets, cwd)
            root, config_path, self.root_why = found.path, found.config, found.why
        self.root = root.resolve()
        self._root_slash = os.path.join(self.root, "")
        # The root as the paths reach it, perhaps through a symbolic link (17.7).
        self._reached = os.path.abspath(root)
        self._real_folders: dict[str, bool] = {}
        self.config = load_config(config_path, self.root, request.overrides)
        check_rule_names(self.config)
        self.rules = select_rules(self.config)
        self.discovery = discover.walk(self.root, self.config.exclude)
        files = self.discovery.files
        self.stdin_rel: str | None = None
        if request.stdin_path:
            self.stdin_rel = self._relative(targets[0])
            if self.stdin_rel not in files:
                files = sorted([*files, self.stdin_rel])
        self.skip_reasons: dict[str, str] = {s.path: s.reason for s in self.discovery.skipped}
        self.vault = Vault(files, self._facts, self._anchor_fields)
        self.contexts = {r.name: Context(self.vault, self.config, self._options(r)) for r in self.rules}
        self.report_paths = self._report_paths(targets)
        self.processed: dict[str, Processed] = {}
        # What other notes may see of each note (lint/parallel.py): path -> export.
        self.exports: dict[str, tuple | bytes] = {}
        self.notes: dict[str, Note] = {}  # notes parsed in this process (fixer, code frames)
        self.fix_problems: list[Finding] = []
        self.warnings: list[str] = []  # said once on stderr by the command
        # Notes --fix wrote, as written (None: another name of one it wrote).
        self.rewritten: dict[str, Note | None] = {}
        self.cache: Cache | None = None
        self.stats = {"parsed": 0, "cached": 0, "hashed": 0, "workers": 0}

    # --- rules by kind -------------------------------------------------------------
    @property
    def content_rules(self) -> list[type[Rule]]:
        return [r for r in self.rules if not (r.cross_note or r.vault_wide or r in ENGINE_MADE)]

    @property
    def cross_rules(self) -> list[type[Rule]]:
        return [r for r in self.rules if r.cross_note and not r.vault_wide]

    @property
    def vault_rules(self) -> list[type[Rule]]:
        return [r for r in self.rules if r.vault_wide]

    # --- discovery -------------------------------------------------------------------
    def relative(self, path: str) -> str:
        """A path as the command line gives it, relative to the vault root."""
        return self._relative(Path(self.request.cwd) / path)

    def _relative(self, path: Path) -> str:
        """`path` relative to the root, named as the user named it; refused when it is not
        in the vault: lexically outside, or inside only through a symbolic link out of it."""
        full = Path(os.path.abspath(path))
        for root in (self.root, self._reached):
            try:
                rel = full.relative_to(root)
                break
            except ValueError:
                continue
        else:
            raise UsageError(f"{path}: outside the vault root {self.root}")
        if not self._really_inside(str(full)):
            raise UsageError(f"{path}: outside the vault root {self.root} (through a symbolic link)")
        return rel.as_posix() if str(rel) != "." else ""

    def _really_inside(self, full: str) -> bool:
        """Whether the folder that holds `full` (or `full`, a folder) is really in the vault."""
        folder = full if os.path.isdir(full) else os.path.dirname(full)
        known = self._real_folders.get(folder)
        if known is None:
            known = self._real_folders[folder] = inside(os.path.realpath(folder), str(self.root))
        return known

    def _report_paths(self, targets: list[Path]) -> list[str]:
        if self.stdin_rel is not None:
            return [self.stdin_rel]
        found = self.discovery
        notes = [p for p in found.files if discover.is_note(p)]
        notes += [s.path for s in found.skipped]
        if found.templates:
            notes = [p for p in notes if not found.is_template(p)]
        if len(targets) == 1 and targets[0].is_dir() and self._relative(targets[0]) == "":
            return sorted(notes)  # the whole vault, the usual case: no set of 10,000 paths
        chosen: set[str] = set()
        for t in targets:
            rel = self._relative(t)
            if t.is_dir():
                prefix = rel + "/" if rel else ""
                chosen.update(p for p in notes if p.startswith(prefix))
            elif rel in self.discovery.files or rel in self.skip_reasons:
                chosen.add(rel)
            elif not discover.matches_any(rel, self.config.exclude) and not _hidden(rel):
                chosen.add(rel)  # named on the command line though not `.md`
                self.vault.add_file(rel)
        return sorted(p for p in chosen if not found.is_template(p))

    def _options(self, rule: type[Rule]) -> Any:
        raw = self.config.rules.get(rule.name) or self.config.rules.get(rule.code) or {}
        try:
            return rule.Options.model_validate(raw)
        except ValidationError as e:
            raise ConfigError(format_validation_error(e, f"rules.{rule.name}")) from e

    # --- reading and parsing: one file -----------------------------------------------
    def process(self, rel: str, keep_note: bool = True) -> Processed:
        """Read, parse and run the content rules on one file. Never raises."""
        if rel == self.stdin_rel and self.request.stdin_text is not None:
            data = self.request.stdin_text.encode("utf-8", "surrogatepass")
            return self._from_bytes(rel, (0, len(data), 0, 0), data, keep_note)
        if rel in self.skip_reasons:
            return Processed(rel, NO_KEY, "", None, (), (), self.skip_reasons[rel])
        st, data, why = self._read(rel)
        if data is None:
            return Processed(rel, st, "", None, (), (), why)
        if _looks_binary(data):
            return Processed(rel, st, "", None, (), (), "binary data, not text; not linted")
        return self._from_bytes(rel, st, data, keep_note)

    def _from_bytes(self, rel: str, st: StatKey, data: bytes, keep: bool) -> Processed:
        # Reading the suppression comments and the facts other notes see is parsing too:
        # a bug in either costs this note, not the run.
        # Imported here: a warm run parses nothing, and lint.note brings PyYAML (10 ms).
        from lint.note import parse_note

        try:
            note = parse_note(rel, data)
            ds = tuple(d.spec() for d in directives(note))
            facts = note.facts()
        except Exception as e:  # noqa: BLE001 - a parser bug costs one note, not the run
            crash = self._crash_finding(rel, "the parser", e)
            return Processed(rel, st, "", None, (crash,), (), "notelint could not parse it")
        if keep:
            self.notes[rel] = note
        local = tuple(self._content_findings(note))
        return Processed(rel, st, note.digest, facts, local, ds)

    def _read(self, rel: str) -> tuple[StatKey, bytes | None, str]:
        got = read_file(self.root, rel, self.config.max_file_size)
        return got.key, got.data, got.why

    def _content_findings(self, note: Note) -> Iterator[Finding]:
        for rule in self.content_rules:
            try:
                for v in rule().check(note, self.contexts[rule.name]):
                    yield self._finding(note, rule, v)
            except Exception as e:  # noqa: BLE001 - contain a crashing rule
                yield self._internal_error(note, rule, e)

    def cross_findings(self, facts: NoteFacts) -> list[Finding]:
        out: list[Finding] = []
        for rule in self.cross_rules:
            try:
                out += [self._finding(facts, rule, v) for v in rule().check(facts, self.contexts[rule.name])]
            except Exception as e:  # noqa: BLE001
                out.append(self._internal_error(facts, rule, e))
        return out

    # --- the vault index's loader ------------------------------------------------------
    def _facts(self, rel: str) -> NoteFacts | None:
        p = self.processed.get(rel)
        if p is None and rel in self.exports:  # in a worker: another worker's note
            return NoteFacts.lite(rel, "", export_of(self.exports[rel]))
        p = p or self._from_cache(rel)
        if p is None:
            p = self.process(rel)
            self.stats["parsed"] += 1
            self.adopt(p)
        if not isinstance(p._facts, NoteFacts) and p.export is not None and not self.vault_rules:
            # Cross-note rules read other notes' headings, block ids and front matter
            # only: the export has them, and the facts file stays unread.
            return NoteFacts.lite(rel, p.digest, export_of(p.export))
        return p.facts

    def _anchor_fields(self, rel: str) -> tuple[tuple, tuple] | None:
        """A note's headings and block ids for the Vault's anchors, read from its export
        when there is one (another worker's note, a cached one): no NoteFacts made."""
        export = self.exports.get(rel)
        if export is None:
            facts = self._facts(rel)
            return None if facts is None else (facts.md.headings, facts.md.block_ids)
        _, headings, blocks = export_of(export)
        return headings, blocks

    def adopt(self, p: Processed) -> None:
        """Record a processed file: in the run, its export, and the cache."""
        self.processed[p.path] = p
        if p.export is not None:
            self.exports[p.path] = p.export
        if self.cache is not None and p.path != self.stdin_rel and p.stat != NO_KEY:
            # Most notes have no finding, directive or skip reason: b"" costs nothing
            # to store or to read back.
            quiet = not p.local and not p.directives and p.skip is None
            local = b"" if quiet else pack((p.local, p.directives, p.skip))
            export = p.export if isinstance(p.export, bytes) else pack(p.export)
            self.cache.files[p.path] = (p.stat, p.digest, p.cross_key, local, export)
            if p.skip is None and not callable(p._facts):
                self.cache.put_facts(p.path, p.facts_blob)
                if (isinstance(p._facts, bytes) and not p.directives and not self.vault_rules
                        and not self.request.keep_facts):
                    # From a worker, which also made the note's cross-note findings:
                    # nothing in this run reads these again, and the cache has them
                    # (50,000 notes' worth is 115 MB).
                    p._facts = None
            self.cache.dirty = True

    def _from_cache(self, rel: str) -> Processed | None:
        if self.cache is None or rel == self.stdin_rel:
            return None
        entry = self.cache.files.get(rel)
        if entry is None:
            return None
        try:
            # root + rel, not os.path.join: this runs for every note of a warm run
            st = stat_key(os.stat(self._root_slash + rel, follow_symlinks=False))
        except OSError:
            return None
        if st != entry[0] or self.cache.racy(rel, st):
            self.stats["hashed"] += 1
            if not self._same_content(rel, entry[1]):
                return None
            self.cache.confirm(rel, st)
        local, ds, skip = unpack(entry[3]) if entry[3] else ((), (), None)
        export = entry[4]
        facts = partial(self._cached_facts, rel, entry[1]) if skip is None else None
        p = Processed(rel, st, entry[1], facts, local, ds, skip, cross_key=entry[2], export=export)
        self.processed[rel] = p
        if export is not None:
            self.exports[rel] = export
        self.stats["cached"] += 1
        return p

    def _same_content(self, rel: str, digest: str) -> bool:
        """Does the file hold the content the cache saw? For an entry its stat key cannot
        prove (changed, or racily clean)."""
        data = self._read(rel)[1]
        return data is not None and content_digest(data) == digest

    def _cached_facts(self, rel: str, digest: str) -> NoteFacts | None:
        """A cached note's facts from the facts file, if they are of this very content.
        Two runs saving at once can leave one's index beside the other's facts file;
        facts of another state of the note would hide its findings, so parse again."""
        assert self.cache is not None
        blob = self.cache.facts_blob(rel)
        facts = unpack(blob) if blob else None
        if isinstance(facts, NoteFacts) and facts.digest == digest:
            return facts
        p = self.process(rel, keep_note=False)
        self.stats["parsed"] += 1
        if p.skip is None and isinstance(p._facts, NoteFacts):
            self.cache.put_facts(rel, p.facts_blob)
            return p._facts
        return None

    # --- running ---------------------------------------------------------------------
    def _open_cache(self) -> None:
        if not self.request.cache or self.stdin_rel is not None:
            return
        from lint.rules import RULES as ALL

        folder = Path(self.request.cache_dir) if self.request.cache_dir else self.root / ".notelint_cache"
        why = claim_folder(folder)
        if why is not None:
            self.warnings.append(f"not using the cache folder {folder}: {why}; running without a cache")
            return
        key = cache_key(__version__, _code_stamp(), self.config.model_dump_json(),
                        [r.name for r in self.rules], [(r.name, r.code) for r in ALL],
                        _schema_sources(self.config))
        self.cache = Cache(folder, key)
        if self.cache.usable:
            self.cache.load()
        else:
            self.cache = None

    def _prefetch(self, paths: list[str], whole: bool) -> dict[str, list[Finding]]:
        """Parse what the cache does not hold, in parallel when it pays; a parallel run
        also returns the cross-note findings its workers made."""
        todo = [p for p in paths if p not in self.processed and self._from_cache(p) is None]
        if not todo:
            return {}  # a warm run: not even multiprocessing is imported
        from lint.parallel import jobs_for, process_parallel

        jobs = jobs_for(self, len(todo))
        if not whole or jobs < 2:
            for rel in todo:
                self.stats["parsed"] += 1
                self.adopt(self.process(rel))
            return {}
        self.stats["parsed"] += len(todo)
        keep = self.cache is not None or bool(self.vault_rules)
        cross = set(self.report_paths) if self.cross_rules else set()
        return process_parallel(self, todo, cross, jobs, keep)

    def run(self) -> list[Finding]:
        try:
            with _few_collections():
                return self._run()
        finally:
            if self.cache is not None:
                self.cache.discard()  # a facts file begun by a run that did not finish

    def _run(self) -> list[Finding]:
        self._open_cache()
        notes = self.vault.note_paths
        whole = len(self.report_paths) * 2 >= len(notes)
        everything = bool(self.vault_rules) or whole
        wanted = self.report_paths
        if everything:
            # Vault-wide rules need every note, and so do parallel workers (each needs
            # every note's export) and the cross-note cache (every note's cross key).
            # A run over a few files (a commit hook) stays lazy instead.
            wanted = sorted(set(self.report_paths) | set(notes))
        done = self._prefetch(wanted, everything)
        cross = self._cross_all(done)
        vault_wide = self._vault_wide()
        findings: list[Finding] = []
        for rel in self.report_paths:
            p = self.processed.get(rel) or self._from_cache(rel) or self._load_now(rel)
            if p.skip is not None:
                # A parser crash carries its internal-error finding in place of a skip.
                # per-file-ignores apply to both; suppression comments cannot, as the
                # file was not parsed (p.directives is empty).
                findings += self._finalise(p, list(p.local) or self._skipped(rel, p.skip))
                continue
            raw = [*p.local, *cross.get(rel, ()), *vault_wide.get(rel, ())]
            findings += self._finalise(p, raw)
        findings.sort(key=lambda f: f.sort_key)
        if self.cache is not None:
            if everything:
                self.cache.prune(set(self.vault.files))
            self.cache.save()
        return findings

    def note(self, rel: str) -> Note | None:
        """The parsed Note (for the fixer and code frames). Notes parsed in workers or
        taken from the cache are parsed here on demand: only those with findings."""
        if rel not in self.notes:
            p = self.process(rel, keep_note=True)
            if p.skip is not None:
                return None
        return self.notes.get(rel)

    def text(self, rel: str) -> str | None:
        """A note's text as the rules read it (findings' offsets index it), for code
        frames and baselines: the parsed note when this run kept it, else the file
        decoded the same way, not parsed (a warm run over a rotten vault would otherwise
        parse every note with a finding just to show its lines)."""
        note = self.notes.get(rel)
        if note is None and rel == self.stdin_rel:
            note = self.note(rel)
        if note is not None:
            return note.text
        from lint.note import decode_text

        got = read_file(self.root, rel, self.config.max_file_size)
        return None if got.data is None or _looks_binary(got.data) else decode_text(got.data)

    def _load_now(self, rel: str) -> Processed:
        self._facts(rel)
        return self.processed[rel]

    def _cross_all(self, done: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
        if not self.cross_rules:
            return {}
        signature = self._signature()
        reuse = self.cache is not None and signature is not None and self.cache.signature == signature
        out: dict[str, list[Finding]] = {}
        for rel in self.report_paths:
            p = self.processed.get(rel) or self._load_now(rel)
            if p.skip is not None:
                continue
            hit = self.cache.cross.get(rel) if reuse and self.cache is not None else None
            if hit is not None and hit[0] == p.digest:
                out[rel] = pickle.loads(hit[1]) if hit[1] else []
                continue
            if rel in done:
                out[rel] = done[rel]
            else:
                assert p.facts is not None
                out[rel] = self.cross_findings(p.facts)
            if self.cache is not None and signature is not None:
                # most notes have no cross-note finding: b"" costs nothing to read back
                self.cache.cross[rel] = (p.digest, pickle.dumps(out[rel], -1) if out[rel] else b"")
                self.cache.dirty = True
        if self.cache is not None and signature is not None and self.cache.signature != signature:
            self.cache.cross = {k: v for k, v in self.cache.cross.items() if k in out}
            self.cache.signature = signature
            self.cache.dirty = True
        return out

    def _signature(self) -> str | None:
        """Everything cross-note findings depend on besides the note itself: the file list
        and what each note shows others. None when some note was not looked at."""
        if self.cache is None:
            return None
        keys = []
        for rel in self.vault.note_paths:
            p = self.processed.get(rel)
            if p is None:
                return None
            keys.append(p.cross_key)
        # joined, not repr()'d: the same content, a third of the time for 10,000 notes
        # (NUL, which no file name holds: "a" + "b.md" must not join like "a\nb.md")
        return cache_key("\0".join(self.vault.files), "\0".join(keys), self.config.resolution)

    def _vault_wide(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        report = set(self.report_paths)
        for rule in self.vault_rules:
            try:
                for rel, v in rule().check_vault(self.report_paths, self.contexts[rule.name]):
                    facts = self.vault.note(rel)
                    if facts is not None and rel in report:
                        out.setdefault(rel, []).append(self._finding(facts, rule, v))
            except Exception as e:  # noqa: BLE001
                tb = traceback.extract_tb(e.__traceback__)[-1]
                for rel in self.report_paths[:1]:
                    out.setdefault(rel, []).append(self._stamp(
                        rel, InternalError, f"rule `{rule.name}` crashed: {type(e).__name__}: {e} "
                        f"({os.path.basename(tb.filename)}:{tb.lineno})", None, 1, 1, 1, 1))
        return out

    def lint_note(self, note: Note, with_unused: bool = False) -> list[Finding]:
        """Every per-note rule on one note, suppressions applied (the fixer's re-lint;
        with the unused suppressions, a rewritten note's findings as a run reports them)."""
        facts = note.facts()
        raw = [*self._content_findings(note), *self.cross_findings(facts)]
        p = Processed(note.path, NO_KEY, note.digest, facts, (), tuple(d.spec() for d in directives(note)))
        return self._finalise(p, raw, with_unused=with_unused)

    def relint_rewritten(self, findings: list[Finding]) -> list[Finding] | None:
        """The run's findings with those of the notes --fix wrote made anew from what was
        written. None when the fixes may have changed other notes' findings (a heading,
        block id, title or alias changed, or a vault-wide rule is on): then only a new run
        over the vault is right."""
        if self.vault_rules:
            return None
        for rel, note in self.rewritten.items():
            p = self.processed.get(rel)
            if note is None or p is None or p.cross_key != _cross_key(note.facts().export):
                return None
        out = [f for f in findings if f.path not in self.rewritten]
        for rel, note in self.rewritten.items():
            assert note is not None
            self.notes[rel] = note  # code frames show the text as written
            out += self.lint_note(note, with_unused=True)
        self.stats["parsed"] += len(self.rewritten)
        return sorted(out, key=lambda f: f.sort_key)

    # --- findings --------------------------------------------------------------------
    def _internal_error(self, note: Note | NoteFacts, rule: type[Rule], e: Exception) -> Finding:
        v = Violation(0, 0, _crash_message(f"rule `{rule.name}`", e), help=_REPORT_IT)
        return self._finding(note, InternalError, v)

    def _crash_finding(self, rel: str, what: str, e: Exception) -> Finding:
        """An internal-error finding for a file that has no Note (the parser crashed)."""
        return self._stamp(rel, InternalError, _crash_message(what, e), _REPORT_IT, 1, 1, 1, 1)

    def _skipped(self, rel: str, reason: str | None) -> list[Finding]:
        if SkippedFile not in self.rules:
            return []
        return [self.problem(rel, f"skipped: {reason or 'could not be read'}")]

    def problem(self, rel: str, message: str) -> Finding:
        """A file-level skipped-file finding (also: a fix that could not be written)."""
        return self._stamp(rel, SkippedFile, message, None, 1, 1, 1, 1)

    def severity_of(self, rule: type[Rule]) -> Severity:
        sev = self.config.severity
        return sev.get(rule.name) or sev.get(rule.code) or rule.severity

    def _finding(self, note: Note | NoteFacts, rule: type[Rule], v: Violation) -> Finding:
        line, col = note.position(v.start)
        end_line, end_col = note.position(v.end) if v.end != v.start else (line, col)
        f = self._stamp(note.path, rule, v.message, v.help, line, col, end_line, end_col)
        if v.fix is None:
            return replace(f, start=v.start, end=v.end)
        edits = tuple(
            FixedEdit(*note.position(e.start), *note.position(e.end), e.content) for e in v.fix.edits
        )
        if v.fix.drop_bom and not edits:
            edits = (FixedEdit(1, 1, 1, 1, ""),)
        return replace(f, start=v.start, end=v.end, fix=v.fix, fix_edits=edits)

    def _stamp(self, path: str, rule: type[Rule], message: str, help: str | None,
               line: int, col: int, end_line: int, end_col: int) -> Finding:
        return Finding(path, line, col, end_line, end_col, rule.code, rule.name,
                       self.severity_of(rule), safe_text(message),
                       None if help is None else safe_text(help), root=str(self.root))

    def _finalise(self, p: Processed, raw: list[Finding], with_unused: bool = True) -> list[Finding]:
        ignored = [sel for glob, sels in self.config.per_file_ignores.items()
                   if discover.compile_glob(glob).match(p.path) for sel in sels]
        if "ALL" in ignored:
            return []  # unused-suppression too: nothing in this file is reported
        if ignored:
            raw = [f for f in raw if not any(f.rule == s or f.code.startswith(s) for s in ignored)]
        if not p.directives:
            return raw
        ds = [Directive.from_spec(s) for s in p.directives]
        kept = [f for f in raw if not _suppressed(f, ds)]
        if with_unused and UnusedSuppression in self.rules:
            kept += self._unused(p, ds)
        return kept

    def _unused(self, p: Processed, ds: list[Directive]) -> list[Finding]:
        enabled = {r.name for r in self.rules} | {r.code for r in self.rules}
        out = []
        for d in ds:
            if d.used:
                continue
            unknown = sorted(n for n in (d.rules or ()) if lookup(n) is None)
            if unknown:
                msg = f"suppression names unknown rule `{unknown[0]}`"
            elif d.rules is None or d.rules <= enabled:
                names = ", ".join(sorted(d.rules)) if d.rules else "all rules"
                msg = f"suppression ({names}) suppresses no finding"
            else:
                continue
            assert p.facts is not None
            out.append(self._finding(p.facts, UnusedSuppression,
                                     Violation(d.start, d.end, msg, help="remove the comment")))
        return out


def _suppressed(f: Finding, ds: list[Directive]) -> bool:
    for d in ds:
        if d.covers(f.rule, f.code, f.line):
            d.used = True
            return True
    return False


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def _code_stamp() -> list[tuple[str, int, int]]:
    """notelint's own source files as (name, mtime, size): the version alone would let a
    cache outlive an edited rule in a development checkout (about 60 stats, 1 ms)."""
    import importlib.util

    import lint

    # schemas is found, not imported: importing it builds its Pydantic models, which a
    # warm run does not otherwise need
    spec = importlib.util.find_spec("schemas")
    tops = [os.path.dirname(lint.__file__ or ""), *(spec.submodule_search_locations or [] if spec else [])]
    out = []
    for top in tops:
        for folder, _, names in os.walk(top):
            for name in sorted(names):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder, name))
                    out.append((name, st.st_mtime_ns, st.st_size))
    return sorted(out)


def _schema_sources(config: Config) -> list[str]:
    """Content hashes of the schema modules config names, so editing one invalidates the
    cache. The files are found by path, never imported: importing runs code (issue 17)."""
    if not config.schemas:
        return []
    import hashlib

    from schemas.registry import module_files

    out = []
    for m in config.schemas:
        digest = hashlib.blake2b(digest_size=8)
        for path in module_files(m.model, config.root):
            digest.update(os.fsencode(path) + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError as e:
                digest.update(str(e).encode())
        out.append(f"{m.model} {digest.hexdigest()}")
    return out


def _looks_binary(data: bytes) -> bool:
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


def check(paths: Iterable[str | os.PathLike[str]] = (".",), config: Config | dict | str | None = None,
          *, cwd: str | None = None, cache: bool = False) -> list[Finding]:
    """Lint the notes at `paths` (files or folders) and return the findings, sorted.

    `config` is a config file path, a dict of settings (the keys of `[tool.notelint]`,
    merged over the discovered config), or None for discovery alone. `cache=True` reads
    and writes `.notelint_cache/` at the vault root. Raises ConfigError for a bad config
    and UsageError for bad paths.
    """
    request = Request(paths=[os.fspath(p) for p in paths] or ["."], cwd=cwd or os.getcwd(), cache=cache)
    if isinstance(config, str | os.PathLike):
        request.config_file = os.fspath(config)
    elif isinstance(config, Config):
        request.overrides = config.model_dump(by_alias=True, exclude_unset=True)
    elif isinstance(config, dict):
        request.overrides = dict(config)
    return Linter(request).run()
