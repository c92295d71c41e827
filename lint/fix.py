"""Applying fixes: non-overlapping edits, re-lint, repeat until stable; write atomically.

Offsets in edits index the decoded text. Invalid UTF-8 bytes are one U+FFFD each in
that text (lint/text.py), so the same offsets index the surrogateescape decoding of
the file, which encodes back to the original bytes: bytes outside the edits never change.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lint.diagnostic import Applicability, Edit, Finding
from lint.readfile import OUTSIDE, content_digest, read_file

if TYPE_CHECKING:
    from lint.note import Note

MAX_ROUNDS = 10


@dataclass
class FileFix:
    path: str
    before: bytes
    after: bytes
    fixed: list[Finding] = field(default_factory=list)  # what the fixes addressed
    error: str | None = None  # why it was not written
    note: Note | None = None  # `after`, parsed: the note as it will be on disk


def applicable(f: Finding, unsafe: bool) -> bool:
    if f.fix is None:
        return False
    app = f.fix.applicability
    return app is Applicability.SAFE or (unsafe and app is Applicability.UNSAFE)


def fix_note(linter, note: Note, findings: list[Finding], unsafe: bool) -> FileFix | None:
    """Fix one note to a fixed point; None when nothing applies. `linter` re-lints."""
    if not any(applicable(f, unsafe) for f in findings):
        return None
    if note.encoding is not None:
        return FileFix(note.path, b"", b"", error=f"not fixed: the file is {note.encoding}, not UTF-8")
    got = read_file(linter.root, note.path, linter.config.max_file_size)
    if got.data is None:
        return FileFix(note.path, b"", b"", error=f"not fixed: {got.why}")
    original = got.data
    if content_digest(original) != note.digest:
        return FileFix(note.path, b"", b"", error="not fixed: the file changed on disk since it was read")
    p = linter.processed.get(note.path)
    if p is None or p.digest != note.digest:
        # The run's findings are of other bytes (the file changed after it was read, or
        # a cache entry was stale): their offsets would garble this text.
        findings = linter.lint_note(note)
        if not any(applicable(f, unsafe) for f in findings):
            return None
    current, data = note, original
    fixed: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        todo = [f for f in findings if applicable(f, unsafe)]
        if not todo:
            break
        candidate, used = _apply(data, current, todo)
        if not used:
            break
        try:
            after, again = _relint(linter, note.path, candidate)
        except Exception as e:  # noqa: BLE001 - a parser bug costs this note's fix, not the run
            return FileFix(note.path, b"", b"", error="not fixed: notelint crashed reading the "
                           f"fixed text: {type(e).__name__}: {e} (a notelint bug; please report it)")
        if after.encoding is not None:
            # The sniffer reads this round's bytes as another encoding (dropping a NUL can
            # do that to a file with invalid UTF-8): they would mean other text, and the
            # next round's offsets would not line up. Keep the last round read as UTF-8.
            if not fixed:
                return FileFix(note.path, b"", b"", error="not fixed: the fixed file would read as "
                               f"{after.encoding}, not UTF-8")
            break
        data, current, fixed = candidate, after, fixed + used
        findings = again
    return FileFix(note.path, original, data, fixed, note=current)


def _relint(linter, path: str, candidate: bytes) -> tuple[Note, list[Finding]]:
    """A round's bytes parsed and linted again (findings only when they read as UTF-8):
    the next round fixes what this one left or caused."""
    from lint.note import parse_note  # the check command imports this module for applicable()

    after = parse_note(path, candidate)
    return after, [] if after.encoding is not None else linter.lint_note(after)


def _apply(data: bytes, note: Note, todo: list[Finding]) -> tuple[bytes, list[Finding]]:
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    raw = body.decode("utf-8", "surrogateescape")
    if len(raw) != len(note.text):
        return data, []  # offsets would not line up: apply nothing rather than garble
    chosen: list[tuple[Edit, ...]] = []
    used: list[Finding] = []
    taken: list[tuple[int, int]] = []
    drop_bom = False
    for f in sorted(todo, key=lambda f: (f.start, f.end)):
        assert f.fix is not None
        spans = [(e.start, e.end) for e in f.fix.edits]
        if any(_overlaps(s, t) for s in spans for t in taken):
            continue  # the next round re-lints and picks it up
        taken += spans
        chosen.append(f.fix.edits)
        drop_bom |= f.fix.drop_bom
        used.append(f)
    edits = sorted((e for group in chosen for e in group), key=lambda e: (e.start, e.end), reverse=True)
    for e in edits:
        raw = raw[: e.start] + e.content + raw[e.end :]
    out = raw.encode("utf-8", "surrogateescape")
    if bom and not drop_bom:
        out = b"\xef\xbb\xbf" + out
    return out, used


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Touching insertions at one point would make their order matter: treat as overlap.
    return a[0] < b[1] and b[0] < a[1] or a == b or (a[0] == a[1] == b[0]) or (b[0] == b[1] == a[0])


def write_atomic(root, fix: FileFix, spare: str | None = None) -> str | None:
    """Write fix.after over the file, keeping its mode and, where the OS lets us, its
    owner; None on success, else why not. A note that is a symbolic link (inside the
    vault) keeps it: the target is rewritten.

    The temporary file goes in `spare` (the cache folder, which git ignores and whose
    next save removes what a killed run left) when it is on the note's filesystem, as
    the rename needs; else beside the note."""
    current = read_file(root, fix.path, len(fix.before) + 1)
    if current.data is None and current.why == OUTSIDE:
        return f"not fixed: {current.why}"
    if current.data != fix.before:
        return "not fixed: the file changed on disk during the run"
    # Between this check and os.replace() a folder on the way could still be swapped for
    # a symlink: microseconds, and only by someone who can write in the vault anyway.
    path = current.real
    folder = os.path.dirname(path) or "."
    try:
        st = os.stat(path)
        fd, tmp = _temporary(folder, spare, st.st_dev)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(fix.after)
                f.flush()
                os.fsync(f.fileno())
            _keep_owner(tmp, st)
            os.chmod(tmp, st.st_mode & 0o7777)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as e:
        return f"not fixed: cannot write: {e.strerror or e}"
    return None


def _temporary(folder: str, spare: str | None, device: int) -> tuple[int, str]:
    if spare is not None:
        try:
            if os.stat(spare).st_dev == device:
                return tempfile.mkstemp(prefix=".tmp-fix-", dir=spare)
        except OSError:
            pass
    return tempfile.mkstemp(prefix=".notelint-", suffix=".tmp", dir=folder)


def _keep_owner(tmp: str, st: os.stat_result) -> None:
    """The new file is the writer's: give it the note's owner and group back (root can;
    a user can keep the group when they belong to it; otherwise it stays theirs)."""
    if not hasattr(os, "chown") or (st.st_uid, st.st_gid) == (os.geteuid(), os.getegid()):
        return
    for uid, gid in ((st.st_uid, st.st_gid), (-1, st.st_gid)):
        try:
            os.chown(tmp, uid, gid)
            return
        except OSError:
            continue


def unified_diff(fix: FileFix, display: str) -> bytes:
    """The fix as a patch `git apply` and `patch` accept: the file's own bytes (CRLF, a
    BOM and bytes that are not UTF-8 included), lines split at LF only, as git does, and
    `\\ No newline at end of file` after a last line without one."""
    import difflib  # only --diff needs it; the CLI imports this module for every run

    name = display.encode("utf-8", "surrogateescape")
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, _lf_lines(fix.before),
                                   _lf_lines(fix.after), b"a/" + name, b"b/" + name):
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


def _lf_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    last = lines.pop()
    return [line + b"\n" for line in lines] + ([last] if last else [])
