"""The verification page labels the date of issue as the certificate it checks does.

Found in the Korean-certificate pass: the Korean page printed the registry's date of
issue as '발급일' beside a certificate whose own field for that date reads '발행일' (as
the page's own list of report info that may differ also says): a reader comparing the
two saw two words for one date. The certificate's label is read from the issued PDF by
pdftotext, not from medeval's catalogue.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from .conftest import Issued


class _Issued(HTMLParser):
    """The text of the <dt> before <dd id="verdict-issued">, and that <dd>'s text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag, self.last_dt, self.label, self.date = "", "", "", ""
        self.in_date = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        if tag == "dd" and dict(attrs).get("id") == "verdict-issued":
            self.label, self.in_date = self.last_dt, True
        elif tag == "dt":
            self.last_dt = ""

    def handle_data(self, data: str) -> None:
        if self.tag == "dt":
            self.last_dt += data
        elif self.in_date:
            self.date += data

    def handle_endtag(self, tag: str) -> None:
        self.tag = ""
        if tag == "dd":
            self.in_date = False


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_the_korean_page_says_what_the_certificate_says(client: TestClient, issued: Issued
                                                         ) -> None:
    page = _Issued()
    page.feed(client.get(f"/reports/{issued.standing}?lang=ko").text)
    assert page.date.strip() == "2026-11-27"  # the date the fixture issued it on
    text = subprocess.run(["pdftotext", "-layout", str(issued.paths["standing"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    # the certificate (ko+en): the date's field, its Korean label on the line above the
    # date and its English below, in the column of the date
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if "2026-11-27" in line)
    assert page.label.strip() == lines[at - 1].split()[-1] == "발행일"
    assert lines[at + 1].rstrip().endswith("Date of issue")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_the_page_says_issued_with_the_certificates_word(client: TestClient, issued: Issued
                                                          ) -> None:
    """The page said 발급 (발급된 PDF, 수정 발급됨, 발급된 그대로) for what the certificate
    calls 발행 (발행일, 발행): one act, two words. The certificate's word is read from its
    PDF by pdftotext; every Korean sentence the page can print (its own words, the
    differences and refusals) is held to it."""
    from medeval.web.differences_ko import DIFFERENCES
    from medeval.web.pages import strings
    from medeval.web.refusals_ko import REFUSALS

    text = subprocess.run(["pdftotext", str(issued.paths["standing"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "발행" in text and "발급" not in text
    page = client.get(f"/reports/{issued.standing}?lang=ko").text
    assert "발행된 그대로" in page and "발급" not in page
    korean = [*strings()["ko"].values(), *(n.korean for n in DIFFERENCES + REFUSALS)]
    assert [k for k in korean if "발급" in k] == []
