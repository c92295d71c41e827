"""The HTML report in a real browser: Debian's Chromium, headless, renders the page
(the screenshot is not blank), and the DOM holds the chart, the tables, and hostile
note names as text. Skips when no Chromium is installed (.ci/run installs it)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import run_notelint
from test_report import FILE, TARGET, _hostile_vault, _vault

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary on PATH (apt-get install chromium; .ci/run does)")


def _browse(chromium: str, tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    profile.mkdir()
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """A PNG's width, height and rows of pixels (8-bit RGB or RGBA, as Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = depth = kind = 0
    while pos < len(png):
        size, tag = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + size]
        if tag == b"IHDR":
            width, height, depth, kind = struct.unpack(">IIBB", body[:10])
        elif tag == b"IDAT":
            idat += body
        pos += size + 12
    assert depth == 8 and kind in (2, 6), (depth, kind)
    bpp = 4 if kind == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind_byte, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind_byte == 1:
                line[i] = (line[i] + a) & 255
            elif kind_byte == 2:
                line[i] = (line[i] + b) & 255
            elif kind_byte == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind_byte == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[x:x + 3]) for r in rows for x in range(0, stride, bpp)]


def _report_page(tmp_path: Path) -> Path:
    vault = _hostile_vault(tmp_path / "vault")
    _vault(vault, {f"folder{i}/n{i}.md": "[[gone]] " * (i + 1) + "\n" for i in range(6)})
    page = tmp_path / "out" / "report.html"
    page.parent.mkdir()
    r = run_notelint("report", ".", "--format", "html", "-o", str(page), cwd=vault)
    assert r.returncode == 0, r.stderr
    return page


@pytest.mark.parametrize("size", ["390,844", "1280,900"])  # a phone, a desktop
def test_chromium_renders_the_page(chromium, tmp_path, size) -> None:
    page = _report_page(tmp_path)
    shot = tmp_path / "shot.png"
    r = _browse(chromium, tmp_path, page, f"--screenshot={shot}", f"--window-size={size}")
    assert shot.is_file(), r.stderr
    width, height, pixels = _pixels(shot.read_bytes())
    assert (width, height) == tuple(int(n) for n in size.split(","))
    colours = set(pixels)
    assert len(colours) > 50, len(colours)  # text, bars and cards, not a blank page
    assert pixels[0] == b"\xff\xff\xff"  # light by default


def test_dark_mode_when_the_system_asks_for_it(chromium, tmp_path) -> None:
    page = _report_page(tmp_path)
    shot = tmp_path / "dark.png"
    r = _browse(chromium, tmp_path, page, f"--screenshot={shot}", "--window-size=390,844",
                "--force-dark-mode", "--blink-settings=preferredColorScheme=0")
    assert shot.is_file(), r.stderr
    _, _, pixels = _pixels(shot.read_bytes())
    assert pixels[0] == bytes((0x0D, 0x11, 0x17)), pixels[0]  # --bg in the dark scheme


def test_the_dom_holds_the_chart_the_tables_and_names_as_text(chromium, tmp_path) -> None:
    page = _report_page(tmp_path)
    r = _browse(chromium, tmp_path, page, "--dump-dom")
    dom = r.stdout
    assert "<main>" in dom, r.stderr
    chart = re.search(r'<svg id="folder-chart".*?</svg>', dom, re.S)
    assert chart is not None and chart.group().count("<rect") >= 14  # 7 folders, 2 bars each
    assert dom.count("<table>") == 4 and dom.count("<tr>") > 20
    # The hostile names are text: no element came out of them.
    assert "<script" not in dom and "<b>bold" not in dom and 'href="javascript' not in dom
    shown = TARGET.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<td>{shown}</td>" in dom
    # each linking note is a link to its file, relative to the page
    links = re.findall(r'<a href="([^"]+)">', dom)
    assert "../vault/plain.md" in links
    hostile = [h for h in links if h.endswith(".md") and "script" in h]
    assert hostile and all("<" not in h and " " not in h for h in hostile)
    assert (page.parent / unquote(hostile[0])).resolve().name == f"{FILE}.md"
