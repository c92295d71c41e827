"""The `notelint` command: a thin layer over lint.engine (exit 0 clean, 1 findings, 2 errors)."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from lint import __version__

if TYPE_CHECKING:
    from lint.diagnostic import Finding
    from lint.engine import Linter, Request
    from lint.reporters import ReportContext

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("full", "concise", "json", "github", "sarif", "junit")


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="notelint", description="A linter for vaults of Markdown notes.")
    p.add_argument("--version", action="version", version=f"notelint {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="lint notes (the default command)")
    c.add_argument("paths", nargs="*", default=None, help="files or folders to report on (default: .)")
    c.add_argument("--fix", action="store_true", help="apply safe fixes")
    c.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: unsafe fixes too")
    c.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    c.add_argument("--output-format", choices=FORMATS, default=None,
                   help="default: github on GitHub Actions, else full")
    c.add_argument("--select", type=_csv, default=None, metavar="RULES",
                   help="only these rules (names, codes or code prefixes, comma-separated)")
    c.add_argument("--extend-select", type=_csv, default=None, metavar="RULES")
    c.add_argument("--ignore", type=_csv, default=None, metavar="RULES")
    c.add_argument("--config", default=None, help="use this config file instead of discovery")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    c.add_argument("--statistics", action="store_true",
                   help="print counts per rule instead of the findings")
    c.add_argument("-q", "--quiet", action="store_true", help="findings only, no summary")
    c.add_argument("-v", "--verbose", action="store_true", help="say what was read and decided")
    c.add_argument("--stdin-filename", default=None, metavar="PATH",
                   help="lint the note on stdin as if it were at PATH (give `-` as the path)")
    c.add_argument("--allow-code", action=argparse.BooleanOptionalAction, default=None,
                   help="import schema modules from the vault (overrides `allow-code` in config)")
    c.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    c.add_argument("--cache-dir", default=None, help="default: .notelint_cache at the vault root")
    c.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    c.add_argument("--github-check-run", action="store_true",
                   help="also publish a GitHub check run with every finding as an annotation")
    c.add_argument("--github-review", action="store_true",
                   help="also post a pull request review suggesting the fixable findings' fixes")
    c.add_argument("--write-baseline", default=None, metavar="FILE",
                   help="record every current finding in FILE and exit 0")
    c.add_argument("--baseline", default=None, metavar="FILE",
                   help="hide the findings recorded in FILE (default: the config's `baseline`)")
    c.add_argument("--changed-since", default=None, metavar="REF",
                   help="report on the notes changed since git REF, and the notes whose links "
                        "a deletion or rename since REF broke")
    c.add_argument("--watch", action="store_true",
                   help="lint, then re-lint notes as they change on disk (Ctrl-C to stop)")
    c.add_argument("--pre-commit-refs", action="store_true",
                   help="what $PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF changed when pre-commit "
                        "sets them (pre-push); else the whole vault")

    rp = sub.add_parser("report", help="a vault health report: what to fix first (HTML, Markdown, JSON)")
    rp.add_argument("paths", nargs="*", default=None, help="files or folders to report on (default: .)")
    rp.add_argument("--format", choices=("html", "markdown", "json"), default="markdown",
                    help="default: markdown")
    rp.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (default: stdout)")
    rp.add_argument("--compare", default=None, metavar="OLD.json",
                    help="say what changed since an earlier `report --format json`")
    rp.add_argument("--select", type=_csv, default=None, metavar="RULES")
    rp.add_argument("--extend-select", type=_csv, default=None, metavar="RULES")
    rp.add_argument("--ignore", type=_csv, default=None, metavar="RULES")
    rp.add_argument("--config", default=None, help="use this config file instead of discovery")
    rp.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    rp.add_argument("--cache-dir", default=None, help="default: .notelint_cache at the vault root")
    rp.add_argument("--baseline", default=None, metavar="FILE",
                    help="leave out the findings this baseline records (default: the config's)")
    rp.add_argument("-q", "--quiet", action="store_true", help="no remark on stderr")

    r = sub.add_parser("rules", help="list the rules")
    r.add_argument("--output-format", choices=("text", "json"), default="text")
    d = sub.add_parser("rule", help="show a rule's documentation")
    d.add_argument("name", help="rule name or code")
    e = sub.add_parser("explain", help="show how a note is read: root, config, schema, links")
    e.add_argument("path")
    sub.add_parser("server", help="the language server, over stdio (needs the `lsp` extra)")
    s = sub.add_parser("schema", help="front matter schemas")
    s.add_argument("action", choices=("export",))
    s.add_argument("-o", "--output", default=None, help="write to this file (default: stdout)")
    return p


def entry() -> None:
    """The `notelint` command: main(), then leave at once. Tearing the interpreter down
    frees every object of the run one by one (every note's facts, findings and
    indexes), a noticeable part of a run (figures: bench/README.md). Everything
    that must be written is written by then: the cache is saved and its temporary files
    removed in Linter.run, workers are joined, and the output is flushed here. main()
    itself returns, for callers in the same process (tests, `python -m lint`)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the stream closed (`2>&-`)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass  # the reader left with everything still buffered: the code stands
        except (OSError, ValueError) as e:
            code = _cannot_write(e) if stream is sys.stdout else code
    os._exit(code)


class _Output:
    """stdout as the commands see it. When the reader goes away (`notelint check |
    head`), the rest of the output is thrown away and the command finishes as it would
    have, with the same exit code whenever the pipe closed. Only a broken pipe on stdout
    itself means that: one anywhere else (a worker that died, a network peer) stays an
    error. Any other failure to write stdout (a full disk) is an error of its own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            _discard(self._stream)
            return len(text)
        except OSError as e:
            raise OutputError(e) from e

    def write_bytes(self, data: bytes) -> None:
        """Bytes as they are (a patch carries the file's own bytes), after any text."""
        self.flush()
        buffer = getattr(self._stream, "buffer", None)
        try:
            if buffer is None:
                self._stream.write(data.decode("utf-8", "replace"))
            else:
                buffer.write(data)
                buffer.flush()
        except BrokenPipeError:
            _discard(self._stream)
        except OSError as e:
            raise OutputError(e) from e

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _discard(self._stream)
        except OSError as e:
            raise OutputError(e) from e

    def __getattr__(self, name: str) -> object:  # isatty, encoding, ...
        return getattr(self._stream, name)


class OutputError(Exception):
    """stdout could not be written (not a reader that left: see _Output)."""


def _discard(stream: TextIO) -> None:
    """Point the stream's descriptor at /dev/null: what is still buffered, and all that
    follows, goes nowhere instead of failing again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


def _cannot_write(e: BaseException) -> int:
    with contextlib.suppress(Exception):
        print(f"notelint: error: cannot write the output: {e}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ("check", "report", "rules", "rule", "explain", "schema", "server")
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv = ["check", *argv]  # `notelint PATHS` means `notelint check PATHS`
    args = build_parser().parse_args(argv)
    _utf8_streams()
    # stdout is None when notelint was started with it closed (`>&-`)
    out: TextIO = _Output(sys.stdout) if sys.stdout is not None else io.StringIO()  # type: ignore[assignment]
    command = {"rules": cmd_rules, "rule": cmd_rule, "schema": cmd_schema,
               "explain": cmd_explain, "report": cmd_report, "server": cmd_server}.get(args.command, cmd_check)
    try:
        code = command(args, out)
        out.flush()  # a reader that left, or a full disk, is noticed here at the latest
        return code
    except KeyboardInterrupt:
        return 130
    except OutputError as e:
        return _cannot_write(e.__cause__ or e)
    except Exception as e:  # noqa: BLE001 - known errors become one line and exit 2
        from lint.config import ConfigError
        from lint.engine import UsageError
        from lint.parallel import WorkerDied
        from lint.report.model import CompareError

        known: tuple[type[Exception], ...] = (ConfigError, UsageError, WorkerDied, CompareError)
        try:
            from schemas.registry import SchemaError

            known += (SchemaError,)
        except Exception:  # noqa: BLE001 - a broken schema package is reported elsewhere
            pass
        if isinstance(e, known):
            print(f"notelint: error: {e}", file=sys.stderr)
            return EXIT_ERROR
        raise


def _utf8_streams() -> None:
    # Windows consoles and some CI runners default to a legacy code page.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def _color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _format(args: argparse.Namespace) -> str:
    # `full` in pipes and under pre-commit too, as ruff does: `concise` drops the help
    # ("did you mean") exactly where users read the output (issue 12).
    if args.output_format:
        return args.output_format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"


def _overrides(args: argparse.Namespace) -> dict:
    out: dict = {}
    for key in ("select", "extend_select", "ignore"):
        value = getattr(args, key)
        if value is not None:
            out[key.replace("_", "-")] = value
    if getattr(args, "allow_code", None) is not None:  # `report` has no such flag
        out["allow-code"] = args.allow_code
    return out


def cmd_server(args: argparse.Namespace, out: TextIO) -> int:
    from lint.server import main as serve

    return serve()


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    if args.watch:
        from lint.watch import watch

        return watch(args, out)
    from lint.engine import Linter
    from lint.reporters import get_reporter

    request = _check_request(args)
    linter = Linter(request)
    changes = _changed_since(linter, args)
    if args.write_baseline:
        _refuse_a_partial_baseline(linter, changes)
    if args.verbose:
        _say_the_plan(linter)
    findings = linter.run()
    for warning in linter.warnings:
        print(f"notelint: warning: {warning}", file=sys.stderr)
    if args.verbose:
        print(f"notelint: {linter.stats['parsed']:,} files parsed, {linter.stats['cached']:,} "
              f"from the cache ({linter.stats['hashed']:,} hashed: time stamps changed or too "
              "recent to trust)", file=sys.stderr)
    fixed = 0
    not_fixed: set[str] = set()  # notes --fix could not write: their fixes are not "fixable"
    if args.fix or args.diff:
        outcome = _fix(linter, findings, args, out)
        if outcome is not None and args.diff:
            return outcome
        if args.fix:
            fixed = outcome or 0
            linter, findings, not_fixed = _after_fixes(linter, request, findings, fixed, args)
    if args.write_baseline:
        return _write_baseline(linter, findings, args.write_baseline)
    findings = _apply_baseline(linter, findings, args, changes)
    fmt = _format(args)
    ctx = _report_context(linter, findings, args, fmt, out, fixed, not_fixed)
    if args.github_check_run:
        code = _publish(findings, ctx, fmt, out)
        if code is not None:
            return code
    if args.github_review:
        code = _review(findings, ctx)
        if code is not None:
            return code
    get_reporter(fmt)(findings, out, ctx)
    return _exit_code(findings, args)


def _check_request(args: argparse.Namespace) -> Request:
    from lint.engine import Request, UsageError

    paths = args.paths or ["."]
    stdin_text = None
    if args.stdin_filename:
        if paths != ["-"]:
            raise UsageError("with --stdin-filename, give `-` as the only path")
        stdin_text = sys.stdin.read()
    elif "-" in paths:
        raise UsageError("`-` (stdin) needs --stdin-filename PATH")
    if args.stdin_filename and (args.fix or args.diff):
        raise UsageError("--fix and --diff work on files, not on stdin")
    return Request(paths=paths, cwd=os.getcwd(), config_file=args.config,
                   overrides=_overrides(args), stdin_path=args.stdin_filename,
                   stdin_text=stdin_text, cache=not args.no_cache, cache_dir=args.cache_dir,
                   progress=True)


def _say_the_plan(linter: Linter) -> None:
    for note in linter.discovery.notes:
        print(f"notelint: {note}", file=sys.stderr)
    print(f"notelint: vault root {linter.root} ({linter.root_why}); "
          f"config {linter.config.source or '(none)'}; "
          f"{len(linter.vault.files):,} files indexed; reporting on "
          f"{len(linter.report_paths):,} notes; rules: "
          f"{', '.join(r.name for r in linter.rules)}", file=sys.stderr)


def _after_fixes(linter: Linter, request: Request, findings: list[Finding], fixed: int,
                 args: argparse.Namespace) -> tuple[Linter, list[Finding], set[str]]:
    """The findings once --fix wrote: the rewritten notes re-linted, and the notes that
    could not be written reported with this run's findings."""
    from lint.engine import Linter

    # The notes that could not be fixed are reported from this run's list (a re-lint's
    # new Linter does not have it).
    problems = linter.fix_problems
    if fixed:  # re-lint what was written, and only that when nothing else can change
        again = linter.relint_rewritten(findings)
        if args.verbose:
            print(f"notelint: --fix re-linted {len(linter.rewritten):,} rewritten notes"
                  if again is not None else "notelint: --fix changed what other notes "
                  "see: linting the vault again", file=sys.stderr)
        if again is None:
            narrowed = linter.report_paths  # --changed-since's notes stay the ones reported
            linter = Linter(request)
            linter.report_paths = narrowed
            again = linter.run()
        findings = again
    findings = sorted(findings + problems, key=lambda f: f.sort_key)
    return linter, findings, {p.path for p in problems}


def _report_context(linter: Linter, findings: list[Finding], args: argparse.Namespace, fmt: str,
                    out: TextIO, fixed: int, not_fixed: set[str]) -> ReportContext:
    from lint.fix import applicable
    from lint.reporters import ReportContext

    return ReportContext(
        cwd=os.getcwd(),
        color=_color(args.color, out),
        statistics=args.statistics,
        quiet=args.quiet,
        rules=_rule_meta(),
        sources={p: text for p in {f.path for f in findings}
                 if (text := linter.text(p)) is not None}
        if (fmt == "full" and not args.statistics) or args.github_review else {},
        files_checked=len(linter.report_paths),
        fixed=fixed,
        fixable_remaining=sum(1 for f in findings if applicable(f, False) and f.path not in not_fixed),
        unsafe_fixable_remaining=sum(1 for f in findings if f.path not in not_fixed
                                     and applicable(f, True) and not applicable(f, False)),
    )


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """`notelint report`: one run as `check` makes it (same discovery, config and
    cache), rendered as what to fix first. Exits 0 whatever it finds: it is a report."""
    from lint.engine import Linter, Request
    from lint.report import model

    old = model.load_compare(args.compare) if args.compare else None
    request = Request(paths=args.paths or ["."], cwd=os.getcwd(), config_file=args.config,
                      overrides=_overrides(args), cache=not args.no_cache, cache_dir=args.cache_dir,
                      progress=True, keep_facts=True)
    linter = Linter(request)
    findings = linter.run()
    for warning in linter.warnings:
        print(f"notelint: warning: {warning}", file=sys.stderr)
    # A baseline (`--baseline` or the config's, as in check) hides what it records: the
    # report then shows what is new since the baseline.
    findings = _apply_baseline(linter, findings, args, None)
    report = model.build(linter, findings, old, args.compare or "", fingerprints=args.format == "json")
    text = _render_report(report, args.format, args.output)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                f.write(text)
        except OSError as e:
            print(f"notelint: error: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
            return EXIT_ERROR
    else:
        out.write(text)
    return EXIT_OK


def _render_report(report: dict, fmt: str, output: str | None) -> str:
    if fmt == "json":
        from lint.report.json_out import render

        return render(report)
    if fmt == "markdown":
        from lint.report.markdown import render as render_md

        return render_md(report)
    from lint.report.html import render as render_html

    # Links to notes are relative to where the page is written.
    here = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    return render_html(report, here)


def _changed_since(linter, args: argparse.Namespace):
    """With --changed-since, narrow the notes reported on; returns git's changes."""
    from lint import changed

    ref = args.changed_since
    to_ref = None
    if ref is None and args.pre_commit_refs:
        ref = os.environ.get("PRE_COMMIT_FROM_REF") or None
        # A pre-push: what the pushed commits change, not the working tree's edits.
        to_ref = os.environ.get("PRE_COMMIT_TO_REF") or None
    if ref is None:
        return None
    changes = changed.changes_since(linter.root, ref, to_ref)
    linter.report_paths = changed.report_paths(linter, changes)
    return changes


def _refuse_a_partial_baseline(linter, changes) -> None:
    from lint import baseline

    baseline.refuse_partial(linter, changed=changes is not None)


def _write_baseline(linter, findings, path: str) -> int:

    from lint import baseline

    count = baseline.write(path, findings, linter.text)
    print(f"notelint: recorded {count:,} findings in {path}", file=sys.stderr)
    return EXIT_OK


def _apply_baseline(linter, findings, args: argparse.Namespace, changes) -> list:
    """Hide what the baseline records (--baseline, else the config's `baseline`)."""

    from lint import baseline, changed

    path = args.baseline
    if path is None and linter.config.baseline:
        folder = os.path.dirname(linter.config.source) if linter.config.source else str(linter.root)
        path = os.path.join(folder, linter.config.baseline)
    if path is None:
        return findings
    found = baseline.load(path)
    renames = changed.baseline_renames(linter.root, path)
    if changes is not None:
        renames = {**changes.renames, **renames}
    whole = changes is None and set(linter.vault.note_paths) <= set(linter.report_paths)
    outcome = baseline.apply(found, findings, linter.text, renames,
                             reported=set(linter.report_paths), rules={r.name for r in linter.rules},
                             vault=set(linter.vault.files) if whole else None)
    if not args.quiet and (outcome.hidden or outcome.unused):
        stale = (f"; {outcome.unused:,} recorded no longer occur (run --write-baseline to shrink it)"
                 if outcome.unused else "")
        print(f"notelint: {outcome.hidden:,} findings hidden by the baseline {path}{stale}",
              file=sys.stderr)
    return outcome.kept


def _exit_code(findings, args: argparse.Namespace) -> int:
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if any(f.severity.value == "error" for f in findings) else EXIT_OK


def _publish(findings, ctx, fmt: str, out: TextIO) -> int | None:
    """Publish the check run; on a read-only token fall back to workflow commands."""
    from lint.github.checks import CheckRunUnavailable, GitHubError, publish_check_run
    from lint.reporters import get_reporter

    try:
        url = publish_check_run(findings, ctx, os.environ, sys.stderr)
        print(f"notelint: check run published: {url}", file=sys.stderr)
        if fmt != "github":  # the github reporter writes the job summary itself
            from lint.reporters.github import write_summary

            write_summary(findings, ctx, os.environ)
    except CheckRunUnavailable as e:
        print(f"notelint: cannot create a check run ({e}); "
              "falling back to workflow-command annotations", file=sys.stderr)
        if fmt != "github":
            get_reporter("github")(findings, out, ctx)
    except GitHubError as e:
        print(f"notelint: error: GitHub: {e}", file=sys.stderr)
        return EXIT_ERROR
    return None


def _review(findings, ctx) -> int | None:
    from lint.github.checks import GitHubError
    from lint.github.review import ReviewUnavailable, publish_review

    try:
        url = publish_review(findings, ctx, os.environ, sys.stderr)
        if url:
            print(f"notelint: review posted: {url}", file=sys.stderr)
    except ReviewUnavailable as e:
        print(f"notelint: cannot post a review ({e}); the findings are still reported", file=sys.stderr)
    except GitHubError as e:
        print(f"notelint: error: GitHub: {e}", file=sys.stderr)
        return EXIT_ERROR
    return None


def _fix(linter, findings, args: argparse.Namespace, out: TextIO) -> int | None:
    """Fix (or diff) every note with applicable fixes; returns the count fixed, or the
    --diff exit code."""
    with _terminate_as_exit():
        return _fix_all(linter, findings, args, out)


@contextlib.contextmanager
def _terminate_as_exit():
    """SIGTERM (a CI job cancelled, an editor quitting) ends a --fix run as an exception
    would, so the temporary file of the note being written is removed, not left beside
    it."""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: a library caller handles its signals
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fix_all(linter, findings, args: argparse.Namespace, out: TextIO) -> int | None:
    from itertools import groupby

    from lint.diagnostic import Applicability
    from lint.fix import fix_note, unified_diff, write_atomic

    linter.fix_problems = []
    spare = str(linter.cache.folder) if linter.cache is not None else None
    total = 0
    diffs = 0
    withheld = 0  # unsafe fixes --diff leaves out without --unsafe-fixes
    # A symlinked note and its target are one file under two names: fix it once. The
    # second fix would start from the bytes read before the first was written.
    done: set[str] = set()
    for path, group in groupby(findings, key=lambda f: f.path):
        mine = list(group)
        if not any(f.fix is not None for f in mine):
            continue
        if not args.unsafe_fixes:
            withheld += sum(1 for f in mine
                            if f.fix is not None and f.fix.applicability is Applicability.UNSAFE)
        real = os.path.realpath(os.path.join(linter.root, path))
        if real in done:
            linter.rewritten[path] = None  # another name of a note rewritten: read it again
            continue
        note = linter.note(path)
        if note is None:
            continue
        result = fix_note(linter, note, mine, args.unsafe_fixes)
        if result is None:
            continue
        error = result.error
        if error is None and result.after != result.before:
            if args.diff:
                write_bytes = getattr(out, "write_bytes", None)
                patch = unified_diff(result, mine[0].display_path(os.getcwd(), raw=True))
                if write_bytes is not None:
                    write_bytes(patch)
                else:
                    out.write(patch.decode("utf-8", "replace"))
                diffs += 1
                done.add(real)
                continue
            error = write_atomic(linter.root, result, spare)
            if error is None:
                total += len(result.fixed)
                done.add(real)
                linter.rewritten[path] = result.note
        if error is not None:
            linter.fix_problems.append(linter.problem(path, error))
    if args.diff:
        if withheld:
            # On stderr: stdout stays a patch that applies.
            safe = any(f.fix is not None and f.fix.applicability is Applicability.SAFE
                       for f in findings)
            more = "" if safe else "no safe fixes; "
            print(f"notelint: {more}`--unsafe-fixes` would show {withheld:,} more "
                  f"fix{'' if withheld == 1 else 'es'}", file=sys.stderr)
        return EXIT_FINDINGS if diffs else EXIT_OK
    return total


def _rule_meta():
    from lint.reporters import RuleMeta
    from lint.rules import RULES

    return {r.name: RuleMeta(r.code, r.name, r.summary, r.severity.value, r.fixable, r.doc())
            for r in RULES}


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    from lint.rules import RULES

    if args.output_format == "json":
        import json

        json.dump([{"code": r.code, "name": r.name, "summary": r.summary,
                    "severity": r.severity.value, "fixable": r.fixable, "default": r.default}
                   for r in RULES], out, indent=2)
        out.write("\n")
        return EXIT_OK
    width = max(len(r.name) for r in RULES)
    out.write(f"{'code':<7} {'name':<{width}} {'severity':<8} fix  on   summary\n")
    for r in RULES:
        out.write(f"{r.code:<7} {r.name:<{width}} {r.severity.value:<8} "
                  f"{'yes' if r.fixable else '-':<4} {'yes' if r.default else 'no':<4} {r.summary}\n")
    return EXIT_OK


def cmd_rule(args: argparse.Namespace, out: TextIO) -> int:
    from lint.docs import rule_markdown
    from lint.rules import lookup

    rule = lookup(args.name)
    if rule is None:
        print(f"notelint: error: unknown rule `{args.name}` (see `notelint rules`)", file=sys.stderr)
        return EXIT_ERROR
    out.write(rule_markdown(rule))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from schemas.notes import PlainNote, TitledNote, VideoNote
    from schemas.registry import export_json_schema

    # The two defaults, then the opt-in built-in.
    text = json.dumps(export_json_schema([VideoNote, PlainNote, TitledNote]), indent=2) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        out.write(text)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    from lint.engine import Linter, Request

    linter = Linter(Request(paths=[args.path], cwd=os.getcwd()))
    rel = linter.report_paths[0] if linter.report_paths else linter.relative(args.path)
    note = linter.note(rel)
    out.write(f"path:        {rel}\nvault root:  {linter.root} ({linter.root_why})\n"
              f"config:      {linter.config.source or '(none: defaults)'}\n")
    template = next((t for t in linter.discovery.templates if rel.startswith(t + "/")), None)
    if template is not None:
        out.write(f"template:    yes ({template}/): indexed, not reported on\n")
    if note is None:
        out.write(f"skipped:     {linter.process(rel).skip or 'not a note'}\n")
        return EXIT_ERROR
    fm = note.frontmatter
    if fm is None:
        out.write("front matter: none\nschema:      none (no front matter)\n")
    elif fm.data is None:
        out.write("front matter: does not load (see frontmatter-syntax)\n")
    else:
        from schemas.registry import Registry

        registry = Registry(linter.config)
        choice = registry.choose(rel, fm.data)
        refused = " (code in the vault, not imported: `allow-code` is off)" if registry.refused(choice.spec) else ""
        out.write(f"front matter: {', '.join(map(str, fm.data)) or '(empty)'}\n"
                  f"schema:      {choice.reason}{refused}\n")
    out.write(f"headings:    {len(note.md.headings)}\nlinks:       {len(note.md.links)}\n")
    for link in note.md.links:
        if link.external:
            continue
        res = linter.vault.resolve(link.target, rel, linter.config.resolution) if link.target else None
        where = "(this note)" if res is None else res.path or "(broken)"
        line, _ = note.position(link.start)
        origin = _ORIGINS.get(link.origin, "")
        out.write(f"  line {line}: {note.text[link.start:link.end]} -> {where}{origin}\n")
    return EXIT_OK


_ORIGINS = {"comment": " (commented out: checked only with `check-comments = true`)",
            "property": " (front matter)", "property-escaped": " (front matter)"}


if __name__ == "__main__":
    raise SystemExit(main())
