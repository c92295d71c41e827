"""Build the hostile fixture vault of issue 7 in a temporary folder.

Everything is made at test time (FIFOs, symlink loops, a file name that is not UTF-8,
multi-megabyte files cannot live in git). Each hostile file is a `Case`: the path as
the reporters must print it, the rule that must name it and a word its message must
hold. Notes that are read and parsed carry a unique broken wikilink, so a finding on
them proves they were decoded and scanned, not just listed; the config makes
`missing-source` apply to every note, so even an empty note gets a finding.

A file OUTSIDE the vault holds SECRET; no output may ever show it.
"""

from __future__ import annotations

import codecs
import os
import socket
from dataclasses import dataclass
from pathlib import Path

SECRET = "SECRET-8c1f0b7e-never-print-me"
# The oversized note: any size above LIMIT; made sparse, so it costs no disk or time.
LIMIT = 4 * 1024 * 1024
LONG_LINE = 3 * 1024 * 1024
MANY_LINKS = 100_000
DEEP = 50_000

CONFIG = f"""\
max-file-size = {LIMIT}

[rules.missing-source]
paths = ["**"]
"""


@dataclass(frozen=True)
class Case:
    path: str  # relative to the vault root, as Python names it (PEP 383 surrogates)
    rule: str  # the rule that must name this file
    says: str  # a substring of that finding's message


def _missing(tag: str) -> str:
    return f"[[missing-{tag}]]"


def build(base: Path) -> tuple[Path, list[Case], Path]:
    """Make `base/vault` and `base/outside`; returns (vault, cases, canary path).

    The canary is where `!!python/object/apply` front matter would create a file if
    the YAML were ever loaded unsafely.
    """
    vault = base / "vault"
    outside = base / "outside"
    vault.mkdir()
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text(f"---\ntitle: {SECRET}\n---\n[[{SECRET}]] {SECRET}\n")
    canary = base / "pwned"
    (vault / "notelint.toml").write_text(CONFIG)
    cases: list[Case] = []

    def note(name: str, data: bytes | str, rule: str, says: str) -> None:
        p = vault / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        cases.append(Case(name, rule, says))

    # Something to link to, so the 100,000 links resolve and stay quiet.
    (vault / "hub.md").write_text("---\ntitle: Hub\n---\nFrom: [[hub]]\n\n# Top\n")

    # --- files that are not ordinary text -------------------------------------------
    note("binary.md", bytes(range(256)) * 64 + b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096,
         "skipped-file", "binary")
    note("empty.md", b"", "missing-source", "no source line")
    note("frontmatter-only.md", "---\ntitle: Only front matter\n---", "missing-source",
         "no source line")
    note("no-final-newline.md", f"From: [[hub]]\n\ntext {_missing('eof')}", "broken-link",
         "missing-eof")
    note("cr-only.md", f"From: [[hub]]\r\rline two\r{_missing('cr')}\r", "broken-link",
         "missing-cr")
    note("mixed-endings.md", f"From: [[hub]]\r\nwin\rmac\nunix\r\n{_missing('mixed')}",
         "broken-link", "missing-mixed")
    utf16 = f"From: [[hub]]\r\nUTF-16 text, caf\u00e9 {_missing('utf16')}\r\n"
    note("utf16.md", codecs.BOM_UTF16_LE + utf16.encode("utf-16-le"), "broken-link",
         "missing-utf16")
    latin = f"From: [[hub]]\nLatin-1: caf\u00e9, na\u00efve, \u00bd {_missing('latin1')}\n"
    note("latin1.md", latin.encode("latin-1"), "broken-link", "missing-latin1")
    note("control-bytes.md",
         f"From: [[hub]]\nNUL\x00here, bell\x07, esc\x1b[31m, del\x7f {_missing('nul')}\n",
         "broken-link", "missing-nul")

    # --- enormous inputs -------------------------------------------------------------
    note("long-line.md", "From: [[hub]]\n" + "word " * (LONG_LINE // 5) + _missing("long"),
         "broken-link", "missing-long")
    note("many-links.md", "From: [[hub]]\n" + "[[hub]] [x](hub.md) " * (MANY_LINKS // 2)
         + "\n" + _missing("many") + "\n", "broken-link", "missing-many")
    big = vault / "too-big.md"
    with open(big, "wb") as f:
        f.write(b"From: [[hub]]\n")
        f.truncate(LIMIT + 1)  # sparse: over the limit, and never read
    cases.append(Case("too-big.md", "skipped-file", "max-file-size"))

    # --- front matter that attacks the parser -----------------------------------------
    note("deep-nesting.md", "---\nx: " + "[" * DEEP + "\n---\nFrom: [[hub]]\n",
         "frontmatter-syntax", "")
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        laughs.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
    note("billion-laughs.md", "---\n" + "\n".join(laughs) + "\n---\nFrom: [[hub]]\n",
         "frontmatter-syntax", "aliases")
    note("python-tag.md",
         f"---\ntitle: x\nboom: !!python/object/apply:os.system ['touch {canary}']\n---\n"
         "From: [[hub]]\n", "frontmatter-syntax", "python/object/apply")
    note("tabs.md", "---\ntitle: x\n\tindented: with a tab\n---\nFrom: [[hub]]\n",
         "frontmatter-syntax", "")
    note("complex-keys.md", "---\n? [a, b]\n: list key\n1: int key\n{x: 1}: map key\n---\n"
         "From: [[hub]]\n", "frontmatter-syntax", "not a string")
    note("list-frontmatter.md", "---\n- one\n- two\n---\nFrom: [[hub]]\n",
         "frontmatter-syntax", "a list")

    # --- the file system ---------------------------------------------------------------
    os.symlink("self-loop.md", vault / "self-loop.md")
    cases.append(Case("self-loop.md", "skipped-file", "cannot read"))
    os.symlink("loop-b.md", vault / "loop-a.md")
    os.symlink("loop-a.md", vault / "loop-b.md")
    cases.append(Case("loop-a.md", "skipped-file", "cannot read"))
    cases.append(Case("loop-b.md", "skipped-file", "cannot read"))
    (vault / "folder").mkdir()
    (vault / "folder" / "inner.md").write_text(f"From: [[hub]]\n{_missing('inner')}\n")
    cases.append(Case("folder/inner.md", "broken-link", "missing-inner"))
    os.symlink("..", vault / "folder" / "up")  # a folder loop: indexed once
    os.symlink(secret, vault / "outside-link.md")
    cases.append(Case("outside-link.md", "skipped-file", "outside the vault"))
    os.symlink(outside, vault / "outside-folder")  # a folder outside: not walked
    os.mkfifo(vault / "fifo.md")
    cases.append(Case("fifo.md", "skipped-file", "not a regular file"))
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(vault / "socket.md"))
        cases.append(Case("socket.md", "skipped-file", "not a regular file"))
    except OSError:  # a socket path is limited to about 100 bytes
        pass
    (vault / "dir.md").mkdir()
    (vault / "dir.md" / "in-dir.md").write_text(f"From: [[hub]]\n{_missing('indir')}\n")
    cases.append(Case("dir.md/in-dir.md", "broken-link", "missing-indir"))
    with open(os.fsencode(vault) + b"/bad-\xff\xfe-name.md", "wb") as f:
        f.write(f"From: [[hub]]\n{_missing('badname')}\n".encode())
    # Undecodable bytes reach Python as lone surrogates (PEP 383).
    cases.append(Case("bad-\udcff\udcfe-name.md", "broken-link", "missing-badname"))

    # --- links that try to leave the vault ---------------------------------------------
    note("escape.md", "From: [[hub]]\n[[../../../../etc/passwd]]\n[x](../../etc/hosts)\n"
         "[s](../outside/secret.md) ![[../outside/secret.md]] [[../outside/secret]]\n"
         "[f](outside-folder/secret.md)\n[web](https://example.invalid/x.md) "
         "![img](http://127.0.0.1:9/i.png) <https://example.invalid/>\n",
         "broken-link", "etc/passwd")
    return vault, cases, canary
