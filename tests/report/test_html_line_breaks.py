"""The HTML page keeps a text's line breaks, as the PDF does. The PDF sets each line
of a cell or paragraph on a line of its own (a subgroup's 'estimate / (interval) / k/n',
a value of the report info written on two lines); the HTML page gave a browser the same
text, which it joins into one line (white space collapses: found in the hcert3 pass). A
result made after 0.11.0 is styled 'white-space: pre-line' in its cells and paragraphs;
the text stays escaped (a '<script>' in a value is text, never markup). The page is
read with the standard library's HTML parser, the PDF with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

import medeval
from medeval.report import render_certificate, render_html

from ..conftest import binary_study
from ..test_evaluation import protocol_file

PLACE = "KTL Seoul, AI test room 3\n<script>alert(1)</script> & bench 2"


class _Page(HTMLParser):
    """The text of each <td>, the tags met and the page's style sheet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.tags: list[str] = []
        self.style = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("td", "style"):
            self._in = tag
            if tag == "td":
                self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "td":
            self.cells[-1] += data
        elif self._in == "style":
            self.style += data


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_a_value_on_two_lines_stays_on_two_lines_and_escaped(tmp_path: Path) -> None:
    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    info = {"place": PLACE, "issue_date": result.context.finished[:10]}
    pdf = render_certificate(result, tmp_path / "c.pdf", lang="en", report_info=info)
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    at = next(k for k, line in enumerate(lines) if "KTL Seoul, AI test room 3" in line)
    # the PDF: two lines (the label of the row beside, between them, laid out by -layout)
    assert "<script>" not in lines[at]
    assert any("<script>alert(1)</script> & bench 2" in line for line in lines[at + 1:at + 3])
    page = _page(render_html(result, tmp_path / "c.html", lang="en", report_info=info))
    assert PLACE in page.cells  # the newline kept in the text, '<' and '&' as text
    assert "script" not in page.tags  # no markup from the value
    assert "td, th, p { white-space: pre-line; }" in page.style
    # a subgroup's cell: estimate, interval and n on three lines, as the PDF prints them
    assert any(cell.count("\n") == 2 and "(" in cell for cell in page.cells)
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _page(render_html(issued, tmp_path / "old.html", lang="en", report_info=info))
    assert "pre-line" not in old.style and PLACE in old.cells  # the page as issued


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_a_tab_or_other_blank_control_separates_words_as_in_the_pdf(tmp_path: Path) -> None:
    """A tab, CR, VT, FF or U+001C-U+001F in a value: the PDF sets a space between the
    words (its font has these characters, and reportlab breaks words there); the page
    dropped them with the invisible characters and joined the words ('room3'). Read: the
    PDF's words by pdftotext, the page's by html.parser (a browser collapses the spaces
    under pre-line as the PDF does)."""
    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    place = "Seoul\troom\r3\x0bbench\x0c4\x1cwest\x1fwing"
    info = {"place": place, "issue_date": result.context.finished[:10]}
    pdf = render_certificate(result, tmp_path / "c.pdf", lang="en", report_info=info)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = ["Seoul", "room", "3", "bench", "4", "west", "wing"]
    assert " ".join(words) in text  # by hand: seven words, as the PDF prints them
    page = _page(render_html(result, tmp_path / "c.html", lang="en", report_info=info))
    assert [cell.split() for cell in page.cells if "Seoul" in cell] == [words]
