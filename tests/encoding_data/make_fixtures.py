"""Writes the encoding rules' fixture vaults under tests/rules/, byte for byte.

Some hold bytes no editor keeps (invalid UTF-8, UTF-16, BOMs, CR, NFD names): edit
this script and rerun it (`python tests/encoding_data/make_fixtures.py`) rather than
the files. Not a test; pytest does not collect it.
"""
import codecs
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "rules"


def moj(text, codec="sloppy-windows-1252"):
    import ftfy.bad_codecs  # noqa: F401
    return text.encode("utf-8").decode(codec)


def write(case, name, content, encoding="utf-8"):
    p = ROOT / case / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode(encoding, "surrogateescape")
    p.write_bytes(content)


def vault(case, files, toml=""):
    d = ROOT / case
    snapshot = (d / "concise.txt").read_bytes() if (d / "concise.txt").exists() else None
    if d.exists():
        shutil.rmtree(d)
    for suffix in (".fixed", ".unsafe-fixed"):
        s = d.with_name(d.name + suffix)
        if s.exists():
            shutil.rmtree(s)
    d.mkdir(parents=True)
    (d / "notelint.toml").write_text(toml)
    for name, content in files.items():
        write(case, name, content)
    if snapshot is not None:  # reviewed output: the fixture test compares against it
        (d / "concise.txt").write_bytes(snapshot)


def fixed(case, kind, files):
    d = ROOT / f"{case}.{kind}"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / "notelint.toml").write_text("")
    for name, content in files.items():
        write(f"{case}.{kind}", name, content)


def E(rule, n=1):  # noqa: N802 - reads like the marker it writes
    return "<!-- expect: " + ", ".join([rule] * n) + " -->"

# --- mojibake -------------------------------------------------------------------------
M = "mojibake"
garbled_fm = (
    "---\n"
    f"title: {moj('Café notes from Kraków')}   # expect: mojibake, mojibake\n"
    "tags: [travel]\n"
    "---\n\n"
)
prose_lines = [
    ("# Notes", "# Notes", "# Notes"),
    (f"The {moj('market’s “open” models — naïve or not — won.')} {E(M, 6)}",
     "The market’s “open” models — naïve or not — won. " + E(M, 6),
     "The market’s “open” models — naïve or not — won. " + E(M, 6)),
    (f"NESTLÉ® stays; the {moj('café')} is garbled. {E(M)}",
     f"NESTLÉ® stays; the café is garbled. {E(M)}",
     f"NESTLÉ® stays; the café is garbled. {E(M)}"),
    (f"Twice garbled: {moj(moj('It’s done'))}. {E(M)}",
     f"Twice garbled: It’s done. {E(M)}", f"Twice garbled: It’s done. {E(M)}"),
    (f"An emoji: {moj('🚀')} launch. {E(M)}", f"An emoji: 🚀 launch. {E(M)}",
     f"An emoji: 🚀 launch. {E(M)}"),
    (f"MacRoman: {moj('l’été', 'macroman')} {E(M, 2)}", f"MacRoman: l’été {E(M, 2)}",
     f"MacRoman: l’été {E(M, 2)}"),
    (f"Windows-1251: {moj('don’t', 'cp1251')} {E(M)}", f"Windows-1251: don’t {E(M)}",
     f"Windows-1251: don’t {E(M)}"),
    (f"Polish, a word ftfy misses: czy siÄ™ uda {E(M)}", f"Polish, a word ftfy misses: czy siÄ™ uda {E(M)}",
     f"Polish, a word ftfy misses: czy się uda {E(M)}"),
    (f"A lost no-break space: voilÃ le travail {E(M)}", f"A lost no-break space: voilÃ le travail {E(M)}",
     f"A lost no-break space: voilà le travail {E(M)}"),
    ("", "", ""),
    ("```python", "```python", "```python"),
    (f"print('{moj('naïve')}')  # {E(M)}", f"print('naïve')  # {E(M)}", f"print('naïve')  # {E(M)}"),
    ("```", "```", "```"),
]
vault(f"{M}/basic", {
    "garbled.md": garbled_fm + "\n".join(p[0] for p in prose_lines) + "\n",
    "clean.md": (
        "---\ntitle: São Paulo, Kraków, Zürich\n---\n\n"
        "The company’s “open” strategy — as critics noted — was debated.\n"
        "Le modèle « ouvert » a été publié à Paris en été. SÃO PAULO, AÇÃO.\n"
        "Die Größe überraschte; Türkçe değil; się; Łódź; NESTLÉ®; 4288×…\n"
        "Модель была опубликована. Η ανοιχτή προσέγγιση. 开源模型。オープンソース。\n"
        "Costs fell by ≈ 90 % while throughput rose ×3, ½ + ¼ = ¾ 🚀 👩\u200d💻\n"
    ),
})
fixed_fm = "---\ntitle: Café notes from Kraków   # expect: mojibake, mojibake\ntags: [travel]\n---\n\n"
fixed(f"{M}/basic", "fixed", {"garbled.md": fixed_fm + "\n".join(p[1] for p in prose_lines) + "\n"})
fixed(f"{M}/basic", "unsafe-fixed", {"garbled.md": fixed_fm + "\n".join(p[2] for p in prose_lines) + "\n"})

# --- invalid-utf8 ---------------------------------------------------------------------
IU = "invalid-utf8"
vault(f"{IU}/basic", {
    "stray_bytes.md": (
        "# A UTF-8 note with damage\n\n"
        f"The caf\udce9 was closed. {E(IU)}\n"
        f"An undefined byte \udc81 here, and the rest is fine: São Paulo. {E(IU)}\n"
        f"Two in a row: \udcc3\udcc3 then text. {E(IU)}\n"
        "A correct line after them.\n"
    ),
    "latin1.md": ("# Notes\n\nLe mod\udce8le a \udce9t\udce9 publi\udce9 \udce0 Paris.\n"
                  "<!-- expect(1): invalid-utf8 -->\n"),
    "clean.md": "# Fine\n\nCafé, Größe, 开源 — all UTF-8.\n",
})
# UTF-16 with a BOM. The fixture harness reads markers as UTF-8, so the marker is
# ASCII appended after the UTF-16 text (an even number of bytes: still valid UTF-16).
marker = b"\n<!-- expect(1): invalid-utf8 -->\n"
body16 = codecs.BOM_UTF16_LE + "# UTF-16 note\n\nLe café était fermé.\n".encode("utf-16-le")
write(f"{IU}/basic", "utf16.md", body16 + marker + (b" " if len(marker) % 2 else b""))
(ROOT / f"{IU}/basic/README.txt").write_text(
    "utf16.md is UTF-16 LE with a BOM. Its expect marker is ASCII appended after the\n"
    "UTF-16 text (the harness reads markers as UTF-8); the bytes still decode as UTF-16.\n"
    "latin1.md and stray_bytes.md hold bytes that are not UTF-8 on purpose.\n")
fixed(f"{IU}/basic", "unsafe-fixed", {
    "stray_bytes.md": (
        "# A UTF-8 note with damage\n\n"
        f"The café was closed. {E(IU)}\n"
        f"An undefined byte \udc81 here, and the rest is fine: São Paulo. {E(IU)}\n"
        f"Two in a row: \udcc3\udcc3 then text. {E(IU)}\n"
        "A correct line after them.\n"
    ),
})

# --- replacement-character ------------------------------------------------------------
R = "replacement-character"
vault(f"{R}/basic", {
    "lost.md": (
        "---\n"
        "title: Caf\ufffd notes   # expect: replacement-character\n"
        "---\n\n"
        f"The caf\ufffd was closed. {E(R)}\n"
        f"Three lost in a row: \ufffd\ufffd\ufffd and one more \ufffd here. {E(R, 2)}\n"
        f"An invalid byte \udce9 is invalid-utf8's, not this rule's.\n"
    ),
    "clean.md": "# Fine\n\nNo replacement characters here: café.\n",
})

# --- invisible-character --------------------------------------------------------------
V = "invisible-character"
inv = [
    (f"An invisible\u200bspace hides here. {E(V)}", f"An invisiblespace hides here. {E(V)}",
     f"An invisiblespace hides here. {E(V)}"),
    (f"Two in a row\u200b\u200b are one finding. {E(V)}", f"Two in a row are one finding. {E(V)}",
     f"Two in a row are one finding. {E(V)}"),
    (f"Soft\u00adhyphen and word\u2060joiner. {E(V, 2)}", f"Softhyphen and wordjoiner. {E(V, 2)}",
     f"Softhyphen and wordjoiner. {E(V, 2)}"),
    (f"A BOM\ufeffinside the text. {E(V)}", f"A BOMinside the text. {E(V)}",
     f"A BOMinside the text. {E(V)}"),
    (f"if access\u202e \u2066// admin\u2069 \u2066{{ {E(V, 4)}", f"if access\u202e \u2066// admin\u2069 \u2066{{ {E(V, 4)}",
     f"if access // admin {{ {E(V, 4)}"),
    (f"A left-to-right mark\u200e in plain English. {E(V)}", f"A left-to-right mark\u200e in plain English. {E(V)}",
     f"A left-to-right mark in plain English. {E(V)}"),
    ("Legit: 👩\u200d💻 and 👨\u200d👩\u200d👧, می\u200cخواهم, שלום\u200e abc, 100\u00a0km.",) * 3,
    ("A garbled í is mojibake's: " + moj("í") + ".",) * 3,
]
vault(f"{V}/basic", {
    "hidden.md": "---\ntitle: Zero\u200bwidth   # expect: invisible-character\n---\n\n" + "\n".join(x[0] for x in inv) + "\n",
})
fixed(f"{V}/basic", "fixed", {"hidden.md": "---\ntitle: Zerowidth   # expect: invisible-character\n---\n\n" + "\n".join(x[1] for x in inv) + "\n"})
fixed(f"{V}/basic", "unsafe-fixed", {"hidden.md": "---\ntitle: Zerowidth   # expect: invisible-character\n---\n\n" + "\n".join(x[2] for x in inv) + "\n"})
vault(f"{V}/allowed", {
    "soft.md": f"Hyphen\u00adation hints are allowed here; a zero\u200bwidth space is not. {E(V)}\n",
}, toml='[rules.invisible-character]\nallow = ["U+00AD"]\n')

# --- control-character ----------------------------------------------------------------
C = "control-character"
ctrl = [
    (f"Ring the bell\x07 twice. {E(C)}", f"Ring the bell twice. {E(C)}"),
    (f"Colour: \x1b[31mred\x1b[0m. {E(C, 2)}", f"Colour: [31mred[0m. {E(C, 2)}"),
    (f"Delete\x7f and backspace\x08. {E(C, 2)}", f"Delete and backspace. {E(C, 2)}"),
    (f"A C1 control Windows-1252 leaves undefined: \x81. {E(C)}", f"A C1 control Windows-1252 leaves undefined: . {E(C)}"),
    ("Tabs\tare fine.", "Tabs\tare fine."),
    ("A C1 control inside mojibake is mojibake's: " + moj("”") + ".",) * 2,
]
vault(f"{C}/basic", {"controls.md": "# Controls\n\n" + "\n".join(x[0] for x in ctrl) + "\n"})
fixed(f"{C}/basic", "unsafe-fixed", {"controls.md": "# Controls\n\n" + "\n".join(x[1] for x in ctrl) + "\n"})

# --- byte-order-mark ------------------------------------------------------------------
B = "byte-order-mark"
vault(f"{B}/basic", {
    "bom.md": "\ufeff---\ntitle: Starts with a BOM\n---\n<!-- expect(1): byte-order-mark -->\nBody.\n",
    "no_bom.md": "---\ntitle: No BOM\n---\nBody.\n",
})
fixed(f"{B}/basic", "fixed", {"bom.md": "---\ntitle: Starts with a BOM\n---\n<!-- expect(1): byte-order-mark -->\nBody.\n"})

# --- unicode-normalization ------------------------------------------------------------
U = "unicode-normalization"
vault(f"{U}/basic", {
    "nfd.md": (
        "---\n"
        "title: Cafe\u0301 notes   # expect: unicode-normalization\n"
        "---\n\n"
        f"The cafe\u0301 opens at nine. {E(U)}\n"
        f"Zu\u0308rich and Kra\u0301kow, decomposed. {E(U, 2)}\n"
        f"Ten \u212bngstr\u00f6m, with the ANGSTROM SIGN. {E(U)}\n"
        "Already composed: café, Zürich, Ångström, 한국어.\n"
    ),
})
fixed(f"{U}/basic", "fixed", {
    "nfd.md": (
        "---\n"
        "title: Café notes   # expect: unicode-normalization\n"
        "---\n\n"
        f"The café opens at nine. {E(U)}\n"
        f"Zürich and Krákow, decomposed. {E(U, 2)}\n"
        f"Ten Ångström, with the ANGSTROM SIGN. {E(U)}\n"
        "Already composed: café, Zürich, Ångström, 한국어.\n"
    ),
})

# --- mixed-line-endings ---------------------------------------------------------------
L = "mixed-line-endings"
vault(f"{L}/basic", {
    "mixed.md": f"# Mostly LF\nLine two.\r\n{E(L, 0)[:0]}Line three. {E(L)}\r\nLine four.\nLine five.\n".replace(
        "Line two.\r\n", f"Line two. {E(L)}\r\n").replace(f"Line three. {E(L)}\r\n", f"Line three. {E(L)}\r\n"),
    "all_crlf.md": "# All CRLF\r\nis fine\r\nthroughout.\r\n",
    "all_lf.md": "# All LF\nis fine.\n",
})
fixed(f"{L}/basic", "fixed", {
    "mixed.md": f"# Mostly LF\nLine two. {E(L)}\nLine three. {E(L)}\nLine four.\nLine five.\n",
    "all_crlf.md": "# All CRLF\r\nis fine\r\nthroughout.\r\n",
})

# --- file-name-encoding ---------------------------------------------------------------
F = "file-name-encoding"
vault(f"{F}/basic", {
    "zero\u200bwidth.md": "<!-- expect(1): file-name-encoding -->\nA zero-width space in the name.\n",
    f"{moj('Kraków')}.md": "<!-- expect(1): file-name-encoding -->\nA garbled name.\n",
    "Zu\u0308rich.md": "<!-- expect(1): file-name-encoding -->\nA decomposed name, as macOS may write it.\n",
    "Zürich café.md": "Fine: composed, no invisible characters.\n",
})
print("ok")
