#!/usr/bin/env python3
"""Generate a deterministic vault of video-summary notes for notelint's benchmarks.

The notes are shaped like the bot-written wikis notelint is for (one folder per
YouTube channel, several notes per video):

- front matter with `title` and `videoId` (the notes of one video share its id);
- a first body line `From: [[channel]] <br/>`;
- `##`/`###` headings, prose with `yt-timestamp` anchors, bullet lists;
- wikilinks in every form the real vaults use: `[[slug]]`, `[[slug | Title]]`,
  `[[slug|Title]]`, `[[channel/slug#Heading]]`, `[[slug#Heading | Title]]`,
  `[[channel]]`, `![[slug]]` and `![[image.png]]` embeds; every clean link resolves,
  and every `#Heading` names a heading its target has;
- clean multilingual text (French, German, Russian, Greek, Chinese, Japanese, emoji
  including a ZWJ sequence, smart quotes), which no encoding rule may flag;
- link-like text that is not a link: fenced code (``` and ~~~), inline code,
  escaped brackets;
- a hub page per channel, `<channel>/<channel>.md`: a title, no videoId, no From line,
  and a list of the channel's videos with links to their notes.

With --defect-rate R, a share R of the video notes gets exactly one known defect,
drawn from: broken-link, broken-anchor, missing-source, mojibake, frontmatter-schema
(a bad videoId), frontmatter-syntax (a YAML error), replacement-character (U+FFFD),
invisible-character (U+200B). The answer key goes to OUT.expected.jsonl, beside the
vault (not inside it): one JSON object a line, {"path", "line", "rule", "scope"};
scope "line" puts the defect on that 1-based line, "file" on the file as a whole.

Usage: make_vault.py OUT [--notes N] [--seed S] [--defect-rate R]
The same arguments give byte-identical vaults. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import string
import zlib
from dataclasses import dataclass, field
from pathlib import Path

DEFECTS = (
    "broken-link",
    "broken-anchor",
    "missing-source",
    "mojibake",
    "frontmatter-schema",
    "frontmatter-syntax",
    "replacement-character",
    "invisible-character",
)

CHANNEL_NAMES = (
    "dwarkeshpatel", "lexfridman", "hubermanlab", "veritasium", "3blue1brown",
    "asianometry", "kurzgesagt", "computerphile", "numberphile", "acquiredFM",
    "khanacademy", "causalpython", "minutephysics", "smartereveryday", "tomscott",
)

# Title words: subjects, qualifiers and connectors, combined into note titles.
SUBJECTS = (
    "algorithms", "alignment", "attention", "bandwidth", "biology", "calculus", "chips",
    "climate", "compilers", "compute", "cryptography", "databases", "distillation",
    "economics", "energy", "entropy", "evolution", "finance", "genetics", "geometry",
    "governance", "gravity", "history", "immunology", "inference", "interpretability",
    "lithography", "logic", "markets", "memory", "metabolism", "networks", "neurons",
    "optimization", "physics", "policy", "probability", "proteins", "quantum", "reasoning",
    "regulation", "robotics", "scaling", "semiconductors", "sleep", "statistics",
    "supply chains", "symmetry", "topology", "transformers", "vaccines", "vectors",
)
QUALIFIERS = (
    "applied", "early", "modern", "open", "practical", "hidden", "classical",
    "emergent", "global", "historical", "industrial", "mathematical", "strategic",
    "surprising", "theoretical", "unexpected", "visual", "geometric", "statistical",
)
LEADS = (
    "Understanding", "The role of", "Applications of", "History of", "Limits of",
    "Principles of", "Challenges in", "Foundations of", "Debates about", "Measuring",
)
CONNECTORS = ("and", "in", "for", "versus", "through", "beyond")
# A few titles carry accents or smart quotes; their slugs drop them (as the bots do).
TITLE_EXTRAS = ("Gödel’s view", "Poincaré’s legacy", "Schrödinger’s question", "Erdős’s problems")

HEADINGS = (
    "Overview", "Key Ideas", "Background", "Historical Context", "Open Questions",
    "Implications", "Methods", "Evidence", "Criticism", "Applications", "Examples",
    "Counterarguments", "Timeline", "Mechanism", "Further Reading", "Trade-offs",
    "Why It Matters", "Common Misconceptions", "Données et méthodes", "Größenordnung",
)
SUBHEADINGS = ("1. First step", "2. Second step", "3. Third step", "Case study", "In practice")

_WORD_TEXT = (
    "the a of to in and is that for as with by on this from at which model data system "
    "process energy cost growth signal structure network theory argument evidence result "
    "effect pattern measure scale rate value change problem solution method approach idea "
    "question answer claim example case point limit curve function equation proof field "
    "market policy risk trade supply demand chip memory compute training inference token "
    "context layer weight gradient loss error noise variance bias sample estimate trend "
    "cell protein gene neuron brain sleep light wave particle orbit mass force velocity "
    "explains shows suggests argues compares describes reveals predicts reduces increases "
    "matters depends follows emerges remains becomes requires enables limits improves "
    "quickly slowly roughly clearly mostly rarely often early later together independently"
)
WORDS = tuple(_WORD_TEXT.split())
ALIAS_WORDS = WORDS[40:] + SUBJECTS

CLEAN_NON_ASCII = (
    "The host’s “simple” answer — as he admits — hides a subtle assumption.",
    "Le modèle « ouvert » a été présenté à Paris ; les chercheurs étaient enthousiastes.",
    "Die Größe des Effekts überraschte die Forscher in München und Zürich.",
    "Модель была опубликована с открытыми весами, и это изменило рынок.",
    "Η ανοιχτή προσέγγιση ενθάρρυνε τη συνεργασία μεταξύ εργαστηρίων.",
    "开源模型促进了全球的合作与创新。",
    "オープンソースのモデルは研究者に広く使われている。",
    "Costs fell by ≈ 90 % while throughput rose ×3 — a clear win 🚀.",
    "São Paulo, Kraków and Reykjavík hosted the café-style meet-ups for naïve users.",
    "The team 👩‍💻 shipped it in 3½ weeks; the € price stayed under 5 €.",
    "He called it ‘a 10× improvement’ … and then hedged: “maybe 3×.”",
)

# Text that looks like a link but is not one.
CODE_BLOCKS = (
    ("```python", "links = ['[[not_a_link]]', '![[not_an_embed]]']  # code, not links", "```"),
    ("```markdown", "See [[Some Note#Heading | alias]] and ![[image.png]] in Obsidian.", "```"),
    ("~~~text", "[[template_placeholder]] is replaced by the generator", "~~~"),
    ("```js", "const re = /\\[\\[([^\\]|#]+)(#[^\\]|]+)?(\\|[^\\]]+)?\\]\\]/g;", "```"),
)
INLINE_NOT_LINKS = (
    "Write `[[double brackets]]` to link a note; `![[x]]` embeds one.",
    "Escaped brackets such as \\[\\[not a link]] stay plain text.",
    "The generator's template uses `[[{slug} | {title}]]` for every link.",
)

ATTACHMENTS = 12  # small PNG files under attachments/, embedded with ![[name.png]]
PNG = (  # a valid 1x1 PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

_NUMERIC_ID = re.compile(r"[-+]?(?:0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[0-9_]+)")


def mojibake(text: str) -> str:
    """What UTF-8 text looks like when read as Windows-1252; the five bytes that
    Windows-1252 leaves undefined come through as their Latin-1 characters."""
    chars = []
    for byte in text.encode("utf-8"):
        try:
            chars.append(bytes((byte,)).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


def slugify(title: str) -> str:
    """The bots' slugs: lower case, ASCII letters, digits and underscores only."""
    kept = "".join(c for c in title.lower() if c.isascii() and (c.isalnum() or c in " -"))
    return re.sub(r"[\s-]+", "_", kept.strip())


def video_id(rng: random.Random) -> str:
    while True:
        vid = "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=11))
        if not _NUMERIC_ID.fullmatch(vid):  # YAML would load it as a number
            return vid


@dataclass
class Note:
    channel: str
    slug: str
    title: str
    video: int  # index into Vault.videos
    headings: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.channel}/{self.slug}.md"


class Vault:
    def __init__(self, n: int, seed: int, defect_rate: float) -> None:
        self.n, self.seed, self.defect_rate = n, seed, defect_rate
        rng = random.Random(f"plan:{seed}")
        channel_count = max(5, round(n / 250))  # the public vault: about 260 notes a channel
        self.channels = [
            CHANNEL_NAMES[i % len(CHANNEL_NAMES)] + ("" if i < len(CHANNEL_NAMES) else str(i))
            for i in range(channel_count)
        ]
        self.videos: list[tuple[str, str, str]] = []  # (channel, videoId, video title)
        self.notes: list[Note] = []
        self.by_channel: dict[str, list[int]] = {c: [] for c in self.channels}
        used: set[str] = set(c.lower() for c in self.channels)
        while len(self.notes) < n:
            channel = self.channels[len(self.videos) % channel_count]
            self.videos.append((channel, video_id(rng), self._title(rng).rstrip(".") + "?"))
            for _ in range(min(rng.randint(3, 7), n - len(self.notes))):
                title = self._title(rng)
                slug = slugify(title)
                base, k = slug, 2
                while slug in used:  # names are unique across the vault (case-folded)
                    slug, k = f"{base}_{k}", k + 1
                if slug != base:
                    title = f"{title} {k - 1}"
                used.add(slug)
                heads = rng.sample(HEADINGS, rng.randint(3, 5))
                self.by_channel[channel].append(len(self.notes))
                self.notes.append(Note(channel, slug, title, len(self.videos) - 1, heads))
        self.expected: list[dict] = []

    @staticmethod
    def _title(rng: random.Random) -> str:
        shape = rng.random()
        a, b = rng.sample(SUBJECTS, 2)
        if shape < 0.45:
            title = f"{rng.choice(LEADS)} {rng.choice(QUALIFIERS)} {a}"
        elif shape < 0.8:
            title = f"{rng.choice(QUALIFIERS).capitalize()} {a} {rng.choice(CONNECTORS)} {b}"
        elif shape < 0.95:
            title = f"{rng.choice(LEADS)} {a} {rng.choice(CONNECTORS)} {rng.choice(QUALIFIERS)} {b}"
        else:
            title = f"{rng.choice(TITLE_EXTRAS)} on {a}"
        return title[0].upper() + title[1:]

    # -- pieces of a note ----------------------------------------------------------

    def link(self, rng: random.Random, note: Note) -> str:
        pool = self.by_channel[note.channel]
        target = self.notes[rng.choice(pool)] if rng.random() < 0.7 else rng.choice(self.notes)
        alias = target.title if rng.random() < 0.7 else rng.choice(ALIAS_WORDS)
        form = rng.random()
        if form < 0.55:
            return f"[[{target.slug} | {alias}]]"
        if form < 0.65:
            return f"[[{target.slug}|{alias}]]"
        if form < 0.75:
            return f"[[{target.slug}]]"
        if form < 0.83:
            return f"[[{target.channel}/{target.slug}#{rng.choice(target.headings)}]]"
        if form < 0.91:
            return f"[[{target.slug}#{rng.choice(target.headings)} | {alias}]]"
        if form < 0.96:
            return f"[[{target.channel}]]"
        return f"[[{target.channel}/{target.slug} | {alias}]]"

    @staticmethod
    def timestamp(rng: random.Random) -> str:
        t = rng.randrange(10, 5400)
        hms = f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
        return f'<a class="yt-timestamp" data-t="{hms}">[{hms}]</a>'

    def sentence(self, rng: random.Random, note: Note, link_p: float = 0.45) -> str:
        words = rng.choices(WORDS, k=rng.randint(9, 22))
        if rng.random() < link_p:
            words.insert(rng.randrange(1, len(words)), self.link(rng, note))
        if rng.random() < 0.08:
            words.insert(rng.randrange(1, len(words)), f"`{rng.choice(WORDS)}()`")
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        if rng.random() < 0.4:
            text += " " + self.timestamp(rng)
        return text

    def paragraph(self, rng: random.Random, note: Note) -> str:
        parts = [self.sentence(rng, note) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.35:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(CLEAN_NON_ASCII))
        return " ".join(parts)

    def body(self, rng: random.Random, note: Note) -> tuple[list[str], list[int]]:
        """The lines after the front matter, and which of them are plain prose."""
        lines: list[str] = []
        prose: list[int] = []

        def add_prose(text: str) -> None:
            prose.append(len(lines))
            lines.append(text)

        channel = note.channel
        lines += [f"From: [[{channel}]] <br/> ", ""]
        add_prose(self.paragraph(rng, note))
        for heading in note.headings:
            lines += ["", f"## {heading}"]
            add_prose(self.paragraph(rng, note))
            if rng.random() < 0.35:
                lines.append("")
                add_prose(self.paragraph(rng, note))
            roll = rng.random()
            if roll < 0.25:
                lines.append("")
                for _ in range(rng.randint(2, 5)):
                    lines.append("*   " + self.sentence(rng, note, link_p=0.6))
            elif roll < 0.4:
                lines += ["", f"### {rng.choice(SUBHEADINGS)}"]
                add_prose(self.paragraph(rng, note))
            if rng.random() < 0.2:
                lines += ["", *rng.choice(CODE_BLOCKS)]
            if rng.random() < 0.2:
                lines += ["", rng.choice(INLINE_NOT_LINKS)]
            if rng.random() < 0.08:
                target = rng.choice(self.notes)
                lines += ["", f"![[{target.slug}]]"]
            if rng.random() < 0.04:
                lines += ["", f"![[figure_{rng.randrange(ATTACHMENTS)}.png]]"]
        return lines, prose

    def note_text(self, idx: int) -> str:
        note = self.notes[idx]
        rng = random.Random(f"note:{self.seed}:{idx}")
        _, vid, _ = self.videos[note.video]
        quoted = rng.random() < 0.1
        fm = ["---", f'title: "{note.title}"' if quoted else f"title: {note.title}",
              f"videoId: {vid}", "---", ""]
        body, prose = self.body(rng, note)
        lines = fm + body
        prose = [len(fm) + i for i in prose]
        defect = rng.choice(DEFECTS) if rng.random() < self.defect_rate else None
        line, scope = 1, "file"
        if defect == "missing-source":
            lines[len(fm)] = "Source: the video itself."
        elif defect == "frontmatter-schema":
            lines[2], line, scope = "videoId: not-a-video-id!", 3, "line"
        elif defect == "frontmatter-syntax":
            lines[1], line, scope = f"title: [{note.title}", 2, "line"
        elif defect:
            at = rng.choice(prose)
            if defect == "broken-link":
                extra = f"See [[no_such_note_{idx} | a note that does not exist]]."
            elif defect == "broken-anchor":
                target = rng.choice(self.notes)
                extra = f"See [[{target.slug}#No Such Heading {idx}]]."
            elif defect == "mojibake":
                extra = mojibake("The speaker’s “open” models — naïve or not — won.")
            elif defect == "replacement-character":
                extra = "The caf\ufffd on the corner was closed."
            else:
                extra = "An invisible\u200bspace hides in this sentence."
            lines[at] += " " + extra
            line, scope = at + 1, "line"
        if defect:
            self.expected.append({"path": note.path, "line": line, "rule": defect, "scope": scope})
        return "\n".join(lines) + "\n"

    def hub_text(self, channel: str) -> str:
        lines = ["---", f"title: {channel}", "---"]
        current = None
        for idx in self.by_channel[channel]:
            note = self.notes[idx]
            if note.video != current:
                current = note.video
                _, vid, vtitle = self.videos[current]
                if len(lines) > 3:
                    lines.append("")
                lines.append(f"### [{vtitle}](https://www.youtube.com/watch?v={vid})")
            lines.append(f"- [[{note.slug} | {note.title}]]")
        return "\n".join(lines) + "\n"

    def write(self, out: Path) -> None:
        if out.exists():
            shutil.rmtree(out)
        for channel in self.channels:
            (out / channel).mkdir(parents=True)
            (out / channel / f"{channel}.md").write_text(self.hub_text(channel), encoding="utf-8")
        (out / "attachments").mkdir()
        for i in range(ATTACHMENTS):
            (out / "attachments" / f"figure_{i}.png").write_bytes(PNG)
        for idx, note in enumerate(self.notes):
            (out / note.path).write_text(self.note_text(idx), encoding="utf-8")
        if self.defect_rate:
            key = out.with_name(out.name + ".expected.jsonl")
            key.write_text("".join(json.dumps(e) + "\n" for e in self.expected), encoding="utf-8")


def generate(out: Path | str, notes: int, seed: int = 1, defect_rate: float = 0.0) -> Vault:
    vault = Vault(notes, seed, defect_rate)
    vault.write(Path(out))
    return vault


def fingerprint(out: Path | str) -> str:
    """A CRC of every file's path and bytes, to show two runs wrote the same vault."""
    crc = 0
    root = Path(out)
    for p in sorted(root.rglob("*")):
        if p.is_file():
            crc = zlib.crc32(p.relative_to(root).as_posix().encode() + p.read_bytes(), crc)
    return f"{crc:08x}"


def fingerprint_source() -> str:
    """A CRC of this generator, so that a changed generator regenerates reused vaults."""
    return f"{zlib.crc32(Path(__file__).read_bytes()):08x}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--notes", type=int, default=1000, help="video notes (hub pages come on top)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defect-rate", type=float, default=0.0,
                    help="share of video notes with one known defect (0 to 1)")
    args = ap.parse_args(argv)
    if args.notes < 1 or not 0 <= args.defect_rate <= 1:
        ap.error("--notes must be at least 1 and --defect-rate between 0 and 1")
    vault = generate(args.out, args.notes, args.seed, args.defect_rate)
    size = sum(p.stat().st_size for p in args.out.rglob("*.md"))
    msg = (f"wrote {len(vault.notes)} notes and {len(vault.channels)} channel pages to "
           f"{args.out} ({size / 1e6:.1f} MB, {size / max(1, len(vault.notes)) / 1e3:.1f} KB a note)")
    if args.defect_rate:
        msg += f"; {len(vault.expected)} known defects in {args.out.name}.expected.jsonl"
    print(msg)


if __name__ == "__main__":
    main()
