"""Notes for property tests and the fuzzer: seed-shaped notes, the repository's own fixture
notes, and hypothesis strategies that mutate them at the byte level.

Seeds look like the vaults notelint is built for (shared/bench/make_vault.py): YAML front
matter with title and videoId, a `From: [[channel]] <br/>` line, headings, wikilinks in
all their forms, code that looks like links, multilingual text. Mutations insert the
characters the parsers care about (brackets, backticks, `---`, `$`, `<!--`, CRs, YAML
indicators) and random bytes, delete and duplicate slices, and flip bytes.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"

SEEDS: list[bytes] = [s.encode() for s in (
    "---\ntitle: Open models 1\nvideoId: rYXeQbTuVl0\n---\n\nFrom: [[dwarkeshpatel]] <br/>\n"
    "Weights matter: see [[open_source_ai | open models]] and [[Open Source AI]].\n\n"
    "## Overview\n\nA [[ai/scaling_laws_2#Overview]] link and ![[diagram.png]] embed.\n\n"
    "```python\nnotes = '[[not_a_link]]'  # code, not a link\n```\n\n"
    "Write `[[double brackets]]` to link; \\[\\[escaped]] is text. ^block-1\n",
    "---\ntitle: \"Quoted: title\"\naliases: [AI, \"Open AI\"]\ntags:\n  - a\n  - b\n"
    "created: 2024-01-02\n---\nFrom: [[lexfridman]]\n\n# Key Ideas\n\n"
    "Le modèle « ouvert » a été publié. [md](open_source_ai.md#Key%20Ideas) [ref][r]\n\n"
    "[r]: ./hub.md \"title\"\n\n> quoted [[hub#Top|hub]]\n> - item $x^2$ and $$y$$\n",
    "From: [[hub]]\r\n\r\nSetext heading\r\n===\r\n\r\n- [[a]]\r\n  - [[b|B]]\r\n\r\n"
    "<!-- [[commented]] -->\r\n    indented [[code]]\r\n\r\n~~~\r\n[[fenced]]\r\n~~~\r\n",
    "No front matter, no source.\n\n| a | [[hub\\|Hub]] |\n|---|---|\n\n$$\n[[math]]\n$$\n"
    "Footnote[^1].\n\n[^1]: [[hub]]\n",
    "---\nvideoId: x\n---\n",
    "",
)]
SEEDS += sorted(p.read_bytes() for p in RULES_DIR.rglob("*.md"))[:200]

# The note names the seeds link to, so links resolve, fixes apply and anchors matter.
TARGETS: dict[str, bytes] = {
    "hub.md": b"---\ntitle: Hub\n---\nFrom: [[hub]]\n\n# Top\n\n^hub-block\n",
    "open_source_ai.md": b"---\ntitle: Open source AI\n---\nFrom: [[hub]]\n\n# Key Ideas\n",
    "ai/scaling_laws_2.md": b"From: [[hub]]\n\n## Overview\n",
    "dwarkeshpatel.md": b"channel\n",
}

TOKENS: list[bytes] = [t if isinstance(t, bytes) else t.encode() for t in (
    "[", "]", "[[", "]]", "](", "]:", "![[", "|", "\\|", "#", "# ", "\n## ", "^", "^id", "`", "``",
    "```", "\n```\n", "~~~", "---", "\n---\n", "...", "$", "$$", "<!--", "-->", "<", ">", "> ",
    "- ", "1. ", "    ", "\t", "\n", "\r", "\r\n", "\n\n", " ", ":", ": ", "'", '"', "&a ", "*a",
    "!!", "!!python/object/apply:os.system ['true']", "{", "}", "%", "%20", "?", ",", "=",
    "\x00", "\x1b", "\x7f", "\u200b", "\u00e9", "\u0301", "\ufeff", "\ufffd", "\u2028",
    "\U0001f680", "../", "http://x/", "From: [[hub]]", "[[hub]]", "[[Open Source AI]]",
    "2024-02-30", "1" * 30, "<!-- notelint-disable-next-line -->",
    "<!-- notelint-disable broken-link -->", "<!-- notelint-enable -->",
    "<!-- notelint-disable-file FM -->", "<!-- notelint-disable-line nonsense -->",
    "  # notelint: disable=frontmatter-syntax", "# notelint: disable=",
)] + [b"\xff", b"\xfe", b"\xc3", b"\xe2\x80", b"\xef\xbb\xbf", b"\xff\xfe", b"\x80"]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes] = SEEDS, max_ops: int = 8) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(("insert", "insert", "insert", "delete", "duplicate", "flip")))
        pos = draw(st.integers(0, len(data)))
        if op == "insert":
            data[pos:pos] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=4)))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 24))]
        elif op == "duplicate":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 40))] * draw(st.integers(1, 3))
        elif data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
    return bytes(data)


token_soup = st.lists(st.sampled_from(TOKENS + [b"a", b"word ", b"hub", b"x.md"]),
                      max_size=60).map(b"".join)

# Any note: mostly mutated seeds, some token soup, some raw bytes and unicode text.
notes = st.one_of(
    mutated(),
    mutated(),
    token_soup,
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
)
