"""A number looked up without the PDF is the registry's record only, and the page says
so: a certificate rendered again from an issued one's attachments, with another approver,
carries the same number and fingerprint (tests/web/test_not_the_pdf_issued.py), so the
fingerprint a visitor compares by eye does not show it. Before, the page said "Genuine.
This report stands as issued. Checked against the registry's record." and no more."""

from __future__ import annotations

import html

import pytest
from starlette.testclient import TestClient

from .conftest import Issued


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Only the registry's record was checked", "upload its PDF")),
    ("ko", ("등록부의 기록만 확인했습니다", "PDF를 올려 주십시오")),
])
def test_a_number_alone_asks_for_the_pdf(client: TestClient, issued: Issued, lang: str,
                                         words: tuple[str, str]) -> None:
    page = html.unescape(client.get(f"/reports/{issued.standing}?lang={lang}").text)
    assert 'data-status="genuine"' in page
    assert all(w in page for w in words), page
    # an upload of the PDF issued says it was compared byte for byte, not this
    upload = html.unescape(client.post("/check", files={"file": (
        "c.pdf", issued.pdfs["standing"], "application/pdf")}, data={"lang": lang}).text)
    assert 'data-status="genuine"' in upload and words[0] not in upload


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "The registry holds no record of this number"),
    ("ko", "등록부에 이 번호의 기록이 없어"),
])
def test_an_unknown_number_alone_does_not_say_its_record_was_checked(
        client: TestClient, lang: str, words: str) -> None:
    # Before, a number the registry does not hold read "Only the registry's record was
    # checked. To check the document itself, upload its PDF": there is no record, and an
    # upload would not make the number known.
    page = html.unescape(client.get(f"/reports/LAB-AI-2026-0999?lang={lang}").text)
    assert 'data-status="unknown"' in page
    assert words in page
    assert "Only the registry's record was checked" not in page
    assert "등록부의 기록만 확인했습니다" not in page
