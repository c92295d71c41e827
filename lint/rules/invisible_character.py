from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.encoding.chars import Invisible, find_invisible
from lint.encoding.mojibake import find_mojibake
from lint.encoding.show import Spans
from lint.rule import Character, Context, NoteRule, RuleOptions

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class Options(RuleOptions):
    # Characters to accept, as `U+00AD` or the character itself (e.g. soft hyphens
    # placed on purpose for hyphenation).
    allow: list[Character] = []


class InvisibleCharacter(NoteRule):
    """An invisible character: zero-width space, joiner, soft hyphen, bidi control.

    ## What it does
    Reports, by name (`U+200B ZERO WIDTH SPACE`): zero-width space; zero-width
    non-joiner and joiner outside their jobs; word joiner; soft hyphen; a byte
    order mark inside the text; left-to-right and right-to-left marks on lines
    with no right-to-left text; the bidirectional embeddings, overrides and
    isolates (U+202A to U+202E, U+2066 to U+2069: the "Trojan Source" characters);
    invisible math operators, deprecated format characters and tag characters
    (hidden text). Adjacent ones are one finding.

    Legitimate uses stay silent: ZWJ inside emoji sequences (👩\u200d💻), ZWJ and ZWNJ in
    Arabic, Persian and Indic scripts, LRM and RLM in mixed-direction text, tags in
    flag emoji, ZWSP between words of Thai, Lao, Myanmar, Khmer and Tibetan, and
    every kind of no-break or thin space.

    ## Why it matters
    Invisible characters break search (`open\u200bsource` does not match `opensource`),
    links and note titles, and make equal-looking text differ. Bidirectional
    controls can make text display in a different order than it is stored.

    ## Example
    ```markdown
    An invisible\u200bspace hides here.
    ```

    ## Fixed
    ```markdown
    An invisible space hides here.
    ```

    ## Fix safety
    Removing a zero-width character, soft hyphen, word joiner or stray byte order
    mark is safe: nothing visible changes. Removing bidirectional controls and
    marks, invisible operators or tag characters is unsafe: it changes how the
    text displays or drops hidden content, so review it.
    """

    code = "ENC004"
    name = "invisible-character"
    summary = "Invisible character (zero-width space, soft hyphen, bidi control, ...)"
    severity = Severity.WARNING
    fixable = True
    Options = Options

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        text = note.text
        found = find_invisible(text)
        if not found:
            return
        opts: Options = ctx.options
        allowed = set(opts.allow)
        if "\u00ad" in (f.char for f in found):
            # A soft hyphen inside mojibake (`Ã\xad` for `í`) is the mojibake's finding.
            garbled = Spans(find_mojibake(text))
            found = [f for f in found if f.offset not in garbled]
        group: list[Invisible] = []
        for f in found:
            if f.char in allowed:
                continue
            if group and group[-1].offset + 1 != f.offset:
                yield _violation(group)
                group = []
            group.append(f)
        if group:
            yield _violation(group)


def _violation(group: list[Invisible]) -> Violation:
    start, end = group[0].offset, group[-1].offset + 1
    names = list(dict.fromkeys(f.name for f in group))
    if names == ["U+FEFF ZERO WIDTH NO-BREAK SPACE"]:
        names = ["U+FEFF ZERO WIDTH NO-BREAK SPACE (a byte order mark inside the text)"]
    what = names[0] if len(group) == 1 else (
        f"{len(group)} invisible characters ({', '.join(names)})")
    safe = all(f.removable_safely for f in group)
    return Violation(
        start, end, f"invisible character {what}" if len(group) == 1 else what,
        help="remove it" if len(group) == 1 else "remove them",
        fix=Fix((Edit(start, end, ""),), Applicability.SAFE if safe else Applicability.UNSAFE),
    )
