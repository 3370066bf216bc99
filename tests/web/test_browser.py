"""The page as a person uses it: a real headless Chromium (Selenium) on a real uvicorn.

Open the page, type the report number, choose the PDF, press the button, read the
verdict; for the standing certificate, an altered copy, and numbers alone (withdrawn,
amended, the QR code's link). The expected verdicts are what the fixture did to the
registry; the fingerprint is the result file's.
"""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import AMENDED_REASON, WITHDRAWN_REASON, Issued, Served


def _check(chrome: Any, served: Served, *, number: str = "", pdf: str | None = None,
           lang: str = "en") -> Any:
    chrome.get(f"{served.url}/?lang={lang}")
    if number:
        chrome.find_element(By.ID, "number").send_keys(number)
    if pdf is not None:
        chrome.find_element(By.ID, "file").send_keys(pdf)
    chrome.find_element(By.ID, "submit").click()
    return WebDriverWait(chrome, 120).until(
        expected_conditions.presence_of_element_located((By.ID, "verdict")))


def test_genuine_certificate_uploaded(chrome: Any, served: Served, issued: Issued) -> None:
    verdict = _check(chrome, served, number=issued.standing,
                     pdf=str(issued.paths["standing"]))
    assert verdict.get_attribute("data-status") == "genuine"
    assert chrome.find_element(By.ID, "verdict-status").text == "Genuine"
    assert chrome.find_element(By.ID, "verdict-number").text == "LAB-AI-2026-0003"
    assert chrome.find_element(By.ID, "verdict-fingerprint").text == issued.fingerprint
    assert chrome.find_element(By.ID, "verdict-issued").text == "2026-11-27"
    assert "byte for byte" in verdict.text


def test_altered_certificate_uploaded(chrome: Any, served: Served, issued: Issued) -> None:
    verdict = _check(chrome, served, pdf=str(issued.paths["altered"]))
    assert verdict.get_attribute("data-status") == "altered"
    assert chrome.find_element(By.ID, "verdict-status").text == "Altered"
    differences = chrome.find_element(By.ID, "differences").text
    assert f"at byte {len(issued.pdfs['standing']) // 2}" in differences, differences
    assert "rendered again" in verdict.text


def test_withdrawn_number_in_korean(chrome: Any, served: Served, issued: Issued) -> None:
    verdict = _check(chrome, served, number=issued.withdrawn, lang="ko")
    assert verdict.get_attribute("data-status") == "withdrawn"
    assert chrome.find_element(By.ID, "verdict-status").text == "철회됨"
    assert chrome.find_element(By.ID, "verdict-reason").text == WITHDRAWN_REASON
    assert chrome.find_element(By.ID, "verdict-changed").text.endswith("UTC")


def test_amended_number_links_to_its_replacement(chrome: Any, served: Served,
                                                 issued: Issued) -> None:
    verdict = _check(chrome, served, number=issued.amended, lang="ko+en")
    assert verdict.get_attribute("data-status") == "amended"
    assert chrome.find_element(By.ID, "verdict-status").text == "수정 발행됨 / Amended"
    assert chrome.find_element(By.ID, "verdict-reason").text == AMENDED_REASON
    chrome.find_element(By.CSS_SELECTOR, "#verdict-replaced-by a").click()
    WebDriverWait(chrome, 60).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "verdict-number"),
                                                          issued.standing))
    assert chrome.find_element(By.ID, "verdict").get_attribute("data-status") == "genuine"


def test_the_qr_codes_link(chrome: Any, served: Served, issued: Issued) -> None:
    chrome.get(f"{served.url}/reports/{issued.standing}?fingerprint={issued.fingerprint}")
    assert chrome.find_element(By.ID, "verdict").get_attribute("data-status") == "genuine"
    other = "0" * 64
    chrome.get(f"{served.url}/reports/{issued.standing}?fingerprint={other}&lang=en")
    verdict = chrome.find_element(By.ID, "verdict")
    assert verdict.get_attribute("data-status") == "altered"
    assert f"sha256:{other}" in chrome.find_element(By.ID, "differences").text


def test_a_phone_shows_the_verdict_without_scrolling_sideways(chrome: Any, served: Served,
                                                              issued: Issued) -> None:
    # the QR code's link opened on a phone 390 px wide (CSS pixels): the label column
    # took the width of 'Result fingerprint (SHA-256)' and left the values a few pixels,
    # one character a line ('K', 'T', 'L', ...), the page scrolling sideways. Found in
    # the lifecycle-pass. Now each value is as wide as the verdict box, and nothing is
    # wider than the window.
    # At 600 px (a 7-inch tablet; the review of the lifecycle-pass) in Korean and English
    # (the page's default) the labels still stood beside the values, ~370 px of them,
    # and the number broke over two lines.
    other = "0" * 64
    try:
        for width in (390, 600):
            chrome.set_window_size(width, 900)
            chrome.get(f"{served.url}/reports/{issued.standing}?fingerprint={other}")
            inner = chrome.execute_script("return document.documentElement.clientWidth")
            wide = chrome.execute_script("return document.documentElement.scrollWidth")
            number = chrome.find_element(By.ID, "verdict-number")
            box = chrome.find_element(By.ID, "verdict")
            assert wide <= inner, (width, wide, inner)
            assert number.size["width"] > box.size["width"] // 2, (width, number.size,
                                                                    box.size)
            assert number.size["height"] < 40, width  # one line, not a letter a line
    finally:
        chrome.set_window_size(1200, 1600)  # as the fixture opens it


def test_bad_input_is_shown_not_crashed(chrome: Any, served: Served, issued: Issued) -> None:
    for number, pdf, words in (("'; DROP TABLE reports; --", None, "only letters, digits"),
                               ("", str(issued.paths["truncated"]), "truncated")):
        chrome.get(f"{served.url}/?lang=en")
        if number:
            chrome.find_element(By.ID, "number").send_keys(number)
        if pdf:
            chrome.find_element(By.ID, "file").send_keys(pdf)
        chrome.find_element(By.ID, "submit").click()
        error = WebDriverWait(chrome, 60).until(
            expected_conditions.presence_of_element_located((By.ID, "error-message")))
        assert words in error.text
        assert chrome.find_elements(By.ID, "check-form")  # the form is there to try again


def test_page_draws_korean_with_its_own_font(chrome: Any, served: Served) -> None:
    chrome.get(f"{served.url}/?lang=ko")
    fonts = platform_fonts(chrome, "h1")
    assert fonts == [{"familyName": "NanumGothic", "glyphCount": len("성적서 진위확인"),
                      "isCustomFont": True, "postScriptName": fonts[0]["postScriptName"]}]


def platform_fonts(chrome: Any, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium drew ``selector``'s text with (DevTools CSS domain)."""
    chrome.execute_cdp_cmd("DOM.enable", {})
    chrome.execute_cdp_cmd("CSS.enable", {})
    root = chrome.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = chrome.execute_cdp_cmd("DOM.querySelector",
                                  {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = chrome.execute_cdp_cmd(
        "CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return fonts
