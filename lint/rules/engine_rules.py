"""Rules whose findings the engine itself makes; here for their code, name and docs."""

from __future__ import annotations

from lint.diagnostic import Severity
from lint.rule import EngineRule


class InternalError(EngineRule):
    """A rule, or the parser, crashed on a note.

    ## What it does
    When a rule raises an exception, notelint reports it as this finding,
    naming the rule and the exception, and goes on with the other rules and
    notes. The other findings of the run are still correct. When the parser
    itself fails on a file, the note gets this one finding at line 1 and no
    other; links to it still resolve, since the vault index lists every file.
    `per-file-ignores` can silence that finding; a suppression comment in the
    note cannot, since the note was never parsed.

    ## Why it matters
    A bug in one rule must not hide every other finding, nor crash a commit hook.

    ## Fix safety
    Please report it, with the note if you can share it.
    """

    code = "NL001"
    name = "internal-error"
    summary = "A rule or the parser raised an exception on this note (a notelint bug)"
    severity = Severity.ERROR


class UnusedSuppression(EngineRule):
    """A suppression comment that suppresses nothing.

    ## What it does
    Reports `<!-- notelint-disable... -->` comments and `# notelint: disable=`
    front matter comments that suppressed no finding in this run, and those
    that name a rule notelint does not know. Directives naming rules that are
    not enabled in this run are left alone: they may matter under another config.

    ## Why it matters
    Stale suppressions hide the next real problem on that line.

    ## Example
    ```markdown
    <!-- notelint-disable-next-line -->
    A line with nothing to suppress.
    ```

    ## Fixed
    ```markdown
    A line with nothing to suppress.
    ```

    ## Fix safety
    Not fixed automatically.
    """

    code = "NL002"
    name = "unused-suppression"
    summary = "A notelint-disable comment suppresses no finding"
    severity = Severity.WARNING


class SkippedFile(EngineRule):
    """A file that could not be linted as a note.

    ## What it does
    Reports a `.md` file that notelint did not read, and why: not a regular
    file (a FIFO or device), a symbolic link leading outside the vault, larger
    than `max-file-size`, binary data, unreadable, removed or replaced while it
    was being opened, or vanished during the run. `--fix` reports here too a
    note whose fixes it could not write (`not fixed: ...`, with the reason).

    ## Why it matters
    Nothing is lost silently: every file named like a note is either linted or
    reported.

    ## Fix safety
    Nothing to fix automatically.
    """

    code = "NL003"
    name = "skipped-file"
    summary = "A note file was skipped (not regular, too large, binary, unreadable)"
    severity = Severity.WARNING
