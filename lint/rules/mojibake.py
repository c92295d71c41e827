from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Edit, Fix, Severity, Violation
from lint.encoding.mojibake import find_mojibake
from lint.encoding.show import describe, visible
from lint.rule import Context, NoteRule

if TYPE_CHECKING:
    from lint.note import Note  # only named: a warm run never imports lint.note (PyYAML)


class Mojibake(NoteRule):
    """Text garbled by the wrong encoding: `marketâ€™s` for `market’s`.

    ## What it does
    Finds UTF-8 text that was decoded as Windows-1252 or Latin-1, or another
    single-byte code page ftfy knows (MacRoman, Windows-1250/1251/1253/1254/1257,
    ISO-8859-2, code page 437), including text garbled twice and garbled emoji,
    anywhere in the note: body, code and front matter values. Each finding covers
    exactly the garbled characters; its help shows what they should read.

    Detection is ftfy's: its badness heuristic, run only around non-ASCII
    characters, then `fix_encoding` to confirm and repair. A few garbles ftfy lets
    through are caught by narrower checks of our own: a garbled letter inside a word
    (`siÄ™`, `deÄŸil`, `Ã¥r`), a lone garbled symbol (`â„¢` for ™) or a garbled
    word of another script (`ÑŽÑ€`).

    ## Why it matters
    Readers, search and links all see the garbage: `[[Kraków]]` and `[[KrakÃ³w]]`
    are different notes. Mojibake spreads when the note is copied on.

    ## Example
    ```markdown
    The marketâ€™s naÃ¯ve models won â€” again.
    ```

    ## Fixed
    ```markdown
    The market’s naïve models won — again.
    ```

    ## Fix safety
    Safe when ftfy explains the repair as plain encode/decode steps and encoding
    the repair back through those steps gives the garbled text exactly: nothing is
    guessed and nothing can be lost. Unsafe when a step guesses (a no-break space
    that became a plain space, bytes lost to `�`) and for the garbles ftfy does not
    explain itself. Only the garbled characters are edited, never the rest of the
    line: a correct `NESTLÉ®` next to a garbled word stays as it is.
    """

    code = "ENC001"
    name = "mojibake"
    summary = "Text garbled by the wrong encoding (UTF-8 read as Windows-1252, Latin-1, ...)"
    severity = Severity.ERROR
    fixable = True

    def check(self, note: Note, ctx: Context) -> Iterator[Violation]:
        text = note.text
        invalid = {b.offset for b in note.invalid}
        for g in find_mojibake(text):
            # A placeholder for an invalid byte is not text to re-encode.
            if invalid and any(o in invalid for o in range(g.start, g.end)):
                continue
            span = text[g.start : g.end]
            how = describe(g.plan, span)
            if g.source == "word":
                how += ", probably"
            yield Violation(
                g.start, g.end,
                f"mojibake `{visible(span)}` ({how})",
                help=f"it should read `{visible(g.repair)}`" if g.repair else "it should be removed",
                fix=Fix((Edit(g.start, g.end, g.repair),),
                        Applicability.SAFE if g.safe else Applicability.UNSAFE),
            )
