"""Positions in a document as the editor holds it. Findings count lines and columns in
characters (code points, 1-based) over the note's text without its BOM; LSP counts
UTF-16 code units, 0-based (the default `positionEncoding`, the only one every client
speaks)."""

from __future__ import annotations

from lint.text import BOM, split_lines


def utf16_len(s: str) -> int:
    # surrogatepass: a lone surrogate (an escaped invalid byte) is one unit, not an error
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class DocText:
    def __init__(self, text: str) -> None:
        self.text = text
        # set_text() hands the linter the text without a leading BOM: line 1's columns,
        # and offsets, are one character short of the editor's
        self.shift = 1 if text.startswith(BOM) else 0
        self.lines, self.starts = split_lines(text)

    @property
    def lint_text(self) -> str:
        return self.text[self.shift:]

    def line(self, index: int) -> str:
        """The 0-based line's text, without its ending ("" past the end)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def position(self, line: int, column: int) -> tuple[int, int]:
        """A finding's 1-based (line, column in characters) as an LSP (line, character)."""
        index = max(0, line - 1)
        if index >= len(self.lines):
            return len(self.lines) - 1, utf16_len(self.lines[-1])
        col = max(0, column - 1) + (self.shift if index == 0 else 0)
        return index, utf16_len(self.lines[index][:col])

    def offset(self, line: int, character: int) -> int:
        """An LSP position as an offset into the linter's text (clamped to the line)."""
        if line >= len(self.lines):
            return len(self.lint_text)
        text = self.lines[max(0, line)]
        units = 0
        for i, ch in enumerate(text):
            if units >= character:
                return max(0, self.starts[line] + i - self.shift)
            units += 2 if ord(ch) > 0xFFFF else 1
        return max(0, self.starts[line] + len(text) - self.shift)

    def at_offset(self, offset: int) -> tuple[int, int]:
        """An offset into the linter's text as an LSP (line, character)."""
        from bisect import bisect_right

        o = min(max(0, offset + self.shift), len(self.text))
        index = bisect_right(self.starts, o) - 1
        return index, utf16_len(self.text[self.starts[index]:o])
