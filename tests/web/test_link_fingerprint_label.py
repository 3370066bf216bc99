"""The page shown for a QR code's link whose fingerprint is not the registry's labels
that fingerprint as what the link carried, not as the result's.

Served by ``medeval serve`` (a real uvicorn on the loopback, as a phone reaches it); the
fingerprint in the link is a SHA-256 hashlib made of other bytes, the issued one is the
registry's record of the result (``medeval.read_result``, as the fixture issued it).
"""

from __future__ import annotations

import hashlib
import html
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx2
import pytest

from .conftest import Issued, free_port


@pytest.fixture(scope="module")
def url(issued: Issued) -> Iterator[str]:
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "medeval", "serve", "--registry", str(issued.registry),
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx2.get(f"http://127.0.0.1:{port}/static/style.css")
                break
            except httpx2.TransportError:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=60)


def _rows(page: str) -> dict[str, str]:
    """The verdict's ``<dt>`` label -> ``<dd>`` text, tags stripped."""
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", page, flags=re.DOTALL)
    return {html.unescape(re.sub(r"<[^>]+>", "", dt)): html.unescape(re.sub(r"<[^>]+>", "", dd))
            for dt, dd in pairs}


@pytest.mark.parametrize("lang, link_label, issued_label, result_label", [
    ("en", "Fingerprint the link carries (SHA-256, not the registry's)",
     "Result fingerprint issued (SHA-256, the registry's)", "Result fingerprint (SHA-256)"),
    ("ko", "링크에 담긴 지문 (SHA-256, 등록부에 없는 값)", "발행된 결과 지문 (SHA-256, 등록부)",
     "결과 지문 (SHA-256)"),
])
def test_a_links_fingerprint_is_labelled_as_the_links(
        url: str, issued: Issued, lang: str, link_label: str, issued_label: str,
        result_label: str) -> None:
    other = hashlib.sha256(b"a result this laboratory never issued").hexdigest()
    page = httpx2.get(f"{url}/reports/{issued.standing}?fingerprint={other}&lang={lang}").text
    assert 'data-status="altered"' in page
    rows = _rows(page)
    # the link's value is labelled as the link's, and the registry's printed beside it;
    # before, the link's value stood alone under the result's label
    assert rows[link_label] == other
    assert rows[issued_label] == issued.fingerprint
    assert result_label not in rows

    # the link carrying the issued fingerprint: the result's, under the result's label
    page = httpx2.get(
        f"{url}/reports/{issued.standing}?fingerprint={issued.fingerprint}&lang={lang}").text
    assert 'data-status="genuine"' in page
    rows = _rows(page)
    assert rows[result_label] == issued.fingerprint
    assert link_label not in rows and issued_label not in rows


def test_the_bilingual_page_labels_it_in_both(url: str, issued: Issued) -> None:
    other = hashlib.sha256(b"a result this laboratory never issued").hexdigest()
    page = httpx2.get(f"{url}/reports/{issued.standing}?fingerprint={other}&lang=ko%2Ben").text
    rows = _rows(page)
    assert rows["링크에 담긴 지문 (SHA-256, 등록부에 없는 값) / "
                "Fingerprint the link carries (SHA-256, not the registry's)"] == other


def test_the_api_says_whose_fingerprint_it_gives(url: str, issued: Issued) -> None:
    # the PDF issued, uploaded: the fingerprint given is the registry's
    answer = httpx2.post(f"{url}/api/verify", files={
        "file": ("c.pdf", issued.pdfs["standing"], "application/pdf")}).json()
    assert (answer["status"], answer["fingerprint"], answer["fingerprint_from"]) == (
        "genuine", issued.fingerprint, "registry")
