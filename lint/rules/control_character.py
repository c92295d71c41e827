from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.encoding.chars import Control, find_control
from lint.encoding.mojibake import find_mojibake
from lint.encoding.show import Spans
from lint.rule import Character, Context, NoteRule, RuleOptions

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class Options(RuleOptions):
    # Controls to accept, as `U+000C` or the character itself (e.g. form feeds as
    # page breaks).
    allow: list[Character] = []


class ControlCharacter(NoteRule):
    """A control character: C0 other than tab, LF and CR; DEL; C1.

    ## What it does
    Reports, by name (`U+0007 BELL`), the C0 control characters except tab, line
    feed and carriage return, DEL, and the C1 controls U+0080 to U+009F. Adjacent
    ones are one finding. A C1 control inside mojibake (`â€\\x9d` for `”`) is the
    `mojibake` finding's, not this rule's.

    ## Why it matters
    Controls are invisible in most editors, print as boxes or garbage elsewhere,
    and break YAML (front matter with a control character does not load), XML
    exports and terminal output (an escape sequence can rewrite the screen).

    ## Example
    ```markdown
    Ring the bell\x07 twice.
    ```

    ## Fixed
    ```markdown
    Ring the bell twice.
    ```

    ## Fix safety
    Removing a control character is unsafe: it is usually debris from a copy and
    paste, but a form feed or an escape sequence may be there on purpose.
    """

    code = "ENC005"
    name = "control-character"
    summary = "Control character (C0 other than tab, LF, CR; DEL; C1)"
    severity = Severity.ERROR
    fixable = True
    Options = Options

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        text = note.text
        found = find_control(text)
        if not found:
            return
        opts: Options = ctx.options
        allowed = set(opts.allow)
        if any(c.char >= "\x80" for c in found):
            garbled = Spans(find_mojibake(text))
            found = [c for c in found if c.offset not in garbled]
        group: list[Control] = []
        for c in found:
            if c.char in allowed:
                continue
            if group and group[-1].offset + 1 != c.offset:
                yield _violation(group)
                group = []
            group.append(c)
        if group:
            yield _violation(group)


def _violation(group: list[Control]) -> Violation:
    start, end = group[0].offset, group[-1].offset + 1
    if len(group) == 1:
        message = f"control character {group[0].name}"
    else:
        names = list(dict.fromkeys(c.name for c in group))
        message = f"{len(group)} control characters ({', '.join(names)})"
    return Violation(start, end, message, help="remove it" if len(group) == 1 else "remove them",
                     fix=Fix((Edit(start, end, ""),), Applicability.UNSAFE))
