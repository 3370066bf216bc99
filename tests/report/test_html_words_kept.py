"""The HTML page breaks Korean text between words only, and a number's cell not at all.

Found in the hcert4 pass (chromium's screenshot of a reader study's Korean page at 1200
px): a browser narrowing the criteria table's columns broke the header '판정' into '판' /
'정', '신뢰구간' into '신뢰구' / '간', a verdict '합격' into '합' / '격' and an interval into
'0.0143 -' / '0.1217'; the PDF breaks Korean only between words (reportlab) and never
inside a number's cell. CSS's default 'word-break: normal' lets Korean (Hangul) break
between any two syllables (CSS Text Level 3, 5.2); 'keep-all' breaks it at spaces only.
A result made after 0.11.0 is styled so, and its number cells 'white-space: pre' (lines
kept, no wrapping at spaces); one made by 0.11.0 keeps the page as issued. The page is
read with the standard library's HTML parser."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import medeval
from medeval.report import render_html

from ..conftest import binary_study
from ..test_evaluation import protocol_file


class _Page(HTMLParser):
    """The page's style sheet and the class of each <td> holding a number."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.style = ""
        self.numbers: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag
        if tag == "td" and ("class", "num") in attrs:
            self.numbers.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.style += data


def _rules(path: Path) -> dict[str, str]:
    """The style sheet's rules: selector -> declarations, blanks squeezed."""
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    assert page.numbers  # the page has number cells for the rule to apply to
    rules = {}
    for rule in page.style.split("}"):
        selector, _, body = rule.partition("{")
        rules.setdefault(" ".join(selector.split()), "")
        rules[" ".join(selector.split())] += " ".join(body.split())
    return rules


def test_korean_breaks_between_words_and_numbers_not_at_all(tmp_path: Path) -> None:
    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    for lang in ("ko", "ko+en"):
        rules = _rules(render_html(result, tmp_path / f"{lang}.html", lang=lang))
        assert "word-break: keep-all;" in rules["td, th, p, h2"]
        assert "white-space: pre;" in rules["td.num"]
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _rules(render_html(issued, tmp_path / "old.html", lang="ko"))
    assert not any("keep-all" in body for body in old.values())
    assert "td.num" in old and "white-space" not in old["td.num"]
