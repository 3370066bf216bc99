"""The verification page in both languages names the language of its English parts.

Found in the trust-pass: the ko+en page was <html lang="ko"> with "진본 / Genuine",
"성적서 번호 / Report number" and every other label's English unmarked, so a screen
reader read the English with a Korean voice (WCAG 2.x 3.1.2, language of parts). The
page is read here with the standard library's HTMLParser: each text run with the
language of its nearest element that states one.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from .conftest import Issued


class _Runs(HTMLParser):
    """Each text run of the body with the language in force, and the <title>'s text."""

    _VOID = frozenset(("br", "meta", "link", "input", "img", "hr"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.runs: list[tuple[str, str]] = []
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self._VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(t in ("style", "script") for t, _ in self.stack):
            return
        if self.stack and self.stack[-1][0] == "title":
            self.title += data
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), "")
        self.runs.append((lang, " ".join(data.split())))


def _runs(page: str) -> _Runs:
    parser = _Runs()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("path", ["/", "/reports/{number}"])
def test_the_english_of_a_bilingual_page_is_marked(client: TestClient, issued: Issued,
                                                   path: str) -> None:
    page = client.get(path.format(number=issued.standing) + "?lang=ko%2Ben").text
    read = _runs(page)
    assert read.title == "성적서 진위확인 / Report authenticity check"  # plain text
    english = {text for lang, text in read.runs if lang == "en"}
    assert {"Report authenticity check", "Report number"} <= english, read.runs
    if path != "/":
        assert "Genuine" in english
    # no English label left in a Korean run (the report number and hashes aside)
    korean = " ".join(text for lang, text in read.runs if lang == "ko")
    for words in ("Report authenticity check", "Report number", "Genuine", "Check"):
        assert words not in korean, korean


def test_a_page_in_one_language_is_not_marked(client: TestClient) -> None:
    read = _runs(client.get("/?lang=en").text)
    assert read.title == "Report authenticity check"
    assert {lang for lang, text in read.runs if text == "Report number"} == {"en"}
    read = _runs(client.get("/?lang=ko").text)
    assert {lang for lang, text in read.runs if text == "성적서 번호"} == {"ko"}
