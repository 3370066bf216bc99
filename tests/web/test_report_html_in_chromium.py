"""The HTML report is self-contained: Chromium draws its Korean with the embedded
NanumGothic, on this machine that has no Korean font at all (``fc-list :lang=ko`` is
empty here), so without the embedded font every Hangul syllable is an empty box.

Two checks, each also run on the same page with its ``@font-face`` rules removed, to
show that it tells the two apart:

1. DevTools (``CSS.getPlatformFontsForNode``): the fonts Chromium drew the title with
   are the embedded NanumGothic faces (``isCustomFont``), not a system fallback.
2. Pixels: each Hangul syllable of the title, cut out of Chromium's screenshot at the box
   the browser gives for it, looks like that syllable as the shipped NanumGothic TrueType
   file draws it (the glyphs the certificate PDF embeds), rasterised by Pillow: the
   correlation of the two ink images is high, while a missing glyph's box is the same
   empty rectangle for every syllable and looks like none of them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from medeval.report import render_html
from medeval.report.fonts import font_path

from .conftest import Issued
from .test_browser import platform_fonts

#: Each Hangul syllable of an element: (character, left, top, width, height, font size
#: in px, font weight), from the layout of its text nodes (DOM Range boxes).
_SYLLABLES = """
const element = document.querySelector(arguments[0]);
const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
const out = [];
let node;
while ((node = walker.nextNode())) {
  const style = getComputedStyle(node.parentElement);
  for (let i = 0; i < node.data.length; i++) {
    if (!/[\\uAC00-\\uD7A3]/.test(node.data[i])) continue;
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const box = range.getBoundingClientRect();
    out.push([node.data[i], box.left, box.top, box.width, box.height,
              parseFloat(style.fontSize), parseInt(style.fontWeight)]);
  }
}
return out;
"""


@pytest.fixture(scope="module")
def pages(issued: Issued, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # Chromium draws no text at all (web fonts included) where fontconfig finds no font:
    # the comparison needs the Latin fonts any desktop has, none of them Korean
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                            check=False).stdout if shutil.which("fc-list") else ""
    if not listed.strip():
        pytest.skip("no system font at all for Chromium to fall back on (apt-get install "
                    "fonts-liberation, which Debian's chromium recommends)")
    folder = tmp_path_factory.mktemp("html")
    embedded = render_html(issued.result, folder / "report.html", lang="ko+en")
    text = embedded.read_text(encoding="utf-8")
    bare = re.sub(r"@font-face\s*\{[^}]*\}", "", text)
    assert bare != text and "@font-face" not in bare
    without = folder / "report-without-fonts.html"
    without.write_text(bare, encoding="utf-8")
    return {"embedded": embedded, "without": without}


def _ink(pixels: np.ndarray) -> np.ndarray:
    """The dark pixels of a glyph image, cropped to their box and scaled to 32 x 32."""
    mask = pixels < 128
    rows, columns = np.nonzero(mask)
    if rows.size == 0:
        return np.zeros((32, 32))
    crop = mask[rows.min():rows.max() + 1, columns.min():columns.max() + 1]
    image = Image.fromarray((crop * 255).astype(np.uint8)).resize((32, 32), Image.BILINEAR)
    return np.asarray(image, dtype=float) / 255.0


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-12))


#: Chromium draws the page at this many device pixels per CSS pixel, so that the
#: glyphs of small text are large enough to compare.
_SCALE = 4


def _drawn_and_expected(chrome: Any, page: Path, selector: str
                        ) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    """The syllables of ``selector``, as Chromium drew them and as the TTF draws them."""
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1000, "height": 1200, "deviceScaleFactor": _SCALE, "mobile": False})
    try:
        chrome.get(page.as_uri())
        syllables = chrome.execute_script(_SYLLABLES, selector)
        shot = Image.open(io.BytesIO(chrome.get_screenshot_as_png())).convert("L")
    finally:
        chrome.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert syllables, f"no Hangul in {selector}"
    drawn, expected = [], []
    for char, left, top, width, height, size_px, weight in syllables:
        box = tuple(int(round(v * _SCALE)) for v in (left, top, left + width, top + height))
        drawn.append(_ink(np.asarray(shot.crop(box))))
        size = round(size_px * _SCALE)
        font = ImageFont.truetype(str(font_path(bold=weight >= 600)), size)
        canvas = Image.new("L", (3 * size, 3 * size), 255)
        ImageDraw.Draw(canvas).text((size, size), char, font=font, fill=0)
        expected.append(_ink(np.asarray(canvas)))
    return [s[0] for s in syllables], drawn, expected


def test_chromium_uses_the_embedded_font(chrome: Any, pages: dict[str, Path]) -> None:
    chrome.get(pages["embedded"].as_uri())
    fonts = platform_fonts(chrome, "h1")
    assert fonts and all(f["familyName"] == "NanumGothic" and f["isCustomFont"]
                         for f in fonts), fonts
    chrome.get(pages["without"].as_uri())
    fallback = platform_fonts(chrome, "h1")
    assert fallback and not any(f["isCustomFont"] for f in fallback), fallback


@pytest.mark.parametrize("selector", ["h1", "h2"])
def test_korean_glyphs_are_drawn_not_boxes(chrome: Any, pages: dict[str, Path],
                                           selector: str) -> None:
    chars, drawn, expected = _drawn_and_expected(chrome, pages["embedded"], selector)
    for char, got, want in zip(chars, drawn, expected):
        # the glyph Chromium drew is the font's glyph for that syllable (0.978 to 0.995
        # measured here, at 4 device pixels per CSS pixel)
        assert _correlation(got, want) > 0.9, char


@pytest.mark.parametrize("selector", ["h1", "h2"])
def test_without_the_embedded_font_they_are_boxes(chrome: Any, pages: dict[str, Path],
                                                  selector: str) -> None:
    """What the check above would see on a machine without Korean fonts, had the page
    not carried its own: it tells the two apart."""
    korean = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True,
                            text=True, check=False).stdout.strip()
    if korean:
        pytest.skip(f"this machine has Korean fonts ({korean.splitlines()[0]}): the page "
                    "without its own font is drawn with them, not with empty boxes")
    chars, boxes, expected = _drawn_and_expected(chrome, pages["without"], selector)
    # one and the same box for every syllable (0.93 and up against the first, measured),
    # like none of the syllables (under 0.2, measured)
    assert all(_correlation(box, boxes[0]) > 0.9 for box in boxes)
    assert all(_correlation(box, want) < 0.5 for box, want in zip(boxes, expected))
