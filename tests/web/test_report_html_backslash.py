"""The HTML report draws "\\" as a backslash, not as NanumGothic's won sign.

NanumGothic's U+005C has the outline of its U+20A9 "₩" (read from the TTF by fontTools
below), so the binary result's confusion matrix, headed "Reference \\ output", read
"Reference ₩ output" in a browser. The certificate PDF of a result made after medeval
0.11.0 sets the backslash in DejaVu Sans; its HTML report now does too (a DejaVu Sans
subset embedded under ``unicode-range: U+005C``). Checked by a real headless Chromium
(DevTools' ``CSS.getPlatformFontsForNode``: the faces it drew the header cell with),
and the report of a result made by 0.11.0 keeps the bytes it was issued with. The
verification page (``medeval serve``) likewise: a withdrawal reason or a refused number
quoting a Windows path read "₩"; its style sheet now gives the backslash to a DejaVu
Sans subset the app serves.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from selenium.webdriver.common.by import By

import medeval
from medeval.report.content import build_certificate
from medeval.report.fonts import font_path
from medeval.report.html import html_text
from medeval.report.info import load_report_info

from .conftest import Issued, Served
from .test_browser import platform_fonts

#: Marks the paragraph holding the deviation (its text node only: no markup inside).
_MARK = """
for (const p of document.querySelectorAll('p')) {
  if (p.childNodes.length === 1 && p.firstChild.data && p.firstChild.data.includes(arguments[0])) {
    p.id = 'deviation'; return p.firstChild.data;
  }
}
return null;
"""
#: A deviation a laboratory may write: a Windows path
_DEVIATION = "Set read from D:\\KTL\\set-0001"
_INFO = load_report_info({"deviations": [_DEVIATION]})


def _pages(issued: Issued, folder: Path) -> dict[str, Path]:
    result = medeval.read_result(issued.result)
    old = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval="0.11.0"))
    pages = {}
    for name, made in (("later", result), ("0.11.0", old)):
        pages[name] = folder / f"{name}.html"
        pages[name].write_text(html_text(build_certificate(made, _INFO)), "utf-8")
    return pages


def test_nanumgothic_backslash_is_its_won_sign() -> None:
    font = TTFont(str(font_path()))
    glyphs, cmap = font["glyf"], font.getBestCmap()
    assert list(glyphs[cmap[0x5C]].coordinates) == list(glyphs[cmap[0x20A9]].coordinates)


def test_chromium_draws_the_backslash_in_dejavu_sans(chrome: Any, issued: Issued,
                                                     tmp_path: Path) -> None:
    pages = _pages(issued, tmp_path)
    later = pages["later"].read_text("utf-8")
    assert later.count("unicode-range: U+005C;") == 2  # regular and bold
    assert "unicode-range" not in pages["0.11.0"].read_text("utf-8")
    drawn = {}
    for name, page in pages.items():
        chrome.get(page.as_uri())
        assert chrome.execute_script(_MARK, _DEVIATION) == "• " + _DEVIATION, name
        drawn[name] = {f["postScriptName"]: f["glyphCount"]
                       for f in platform_fonts(chrome, "#deviation")}
    # "• " and the deviation, 31 characters (spaces too): its two backslashes in DejaVu
    # Sans, the other 29 in NanumGothic; the page of a result made by 0.11.0 all in
    # NanumGothic, as issued
    assert drawn["later"] == {"DejaVuSans": 2, "NanumGothic": 29}, drawn
    assert drawn["0.11.0"] == {"NanumGothic": 31}, drawn


@pytest.mark.parametrize("swap", [False, True])
def test_a_page_without_a_backslash_is_unchanged(issued: Issued, swap: bool) -> None:
    from medeval.report.fonts import font_face_css

    assert (font_face_css("성적서 Report", swap=swap)
            == font_face_css("성적서 Report"))


def test_the_verification_page_draws_the_backslash_in_dejavu_sans(chrome: Any,
                                                                  served: Served) -> None:
    # a number typed with a backslash is refused, the message quoting it as Python
    # writes it: 'A\\B', two backslashes
    chrome.get(f"{served.url}/reports/A%5CB?lang=en")
    message = chrome.find_element(By.ID, "error-message").text
    assert "'A\\\\B'" in message
    chrome.execute_script("return document.fonts.ready")
    drawn = {f["postScriptName"]: f["glyphCount"]
             for f in platform_fonts(chrome, "#error-message")}
    # the two backslashes in DejaVu Sans (served by the page), the rest in NanumGothic
    assert drawn.get("DejaVuSans") == 2, drawn
    assert drawn.get("NanumGothic") == len(message) - 2, drawn
