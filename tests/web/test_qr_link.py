"""The certificate's QR code opens the verification page's verdict on the report.

A certificate rendered with the laboratory's ``verification_url`` (report info), its
first page rasterised by poppler's ``pdftoppm`` and its QR code decoded by zxing-cpp (a
peer: medeval only draws QR codes); the address decoded, followed on the page, gives
the verdict.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from starlette.testclient import TestClient

from medeval.registry import Registry
from medeval.report import render_certificate, verify_certificate
from medeval.report.info import load_report_info
from medeval.web import create_app

from .conftest import Issued

BASE = "https://verify.lab.example/medeval"


def _qr_codes(pdf: Path, folder: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils): no "
                    "pdftoppm to rasterise the certificate")
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf),
                    str(folder / "page")], check=True, capture_output=True)
    page = next(folder.glob("page*.png"))
    return [code.text for code in zxingcpp.read_barcodes(Image.open(page))]


@pytest.fixture(scope="module")
def client(issued: Issued) -> Iterator[TestClient]:
    with Registry.open(issued.registry) as registry, TestClient(create_app(registry)) as test:
        yield test


def test_qr_code_carries_the_page_address(issued: Issued, client: TestClient,
                                          tmp_path: Path) -> None:
    info = {"report_number": issued.standing, "issue_date": "2026-11-27",
            "verification_url": BASE}
    pdf = render_certificate(issued.result, tmp_path / "cert.pdf", report_info=info)
    codes = _qr_codes(pdf, tmp_path)
    address = f"{BASE}/reports/{issued.standing}?fingerprint={issued.fingerprint}"
    assert codes == [address]
    assert verify_certificate(pdf.read_bytes()).status == "genuine"

    link = urlsplit(address)
    page = client.get(link.path.removeprefix("/medeval") + "?" + link.query)
    assert page.status_code == 200
    assert 'data-status="genuine"' in page.text and issued.fingerprint in page.text


def test_without_a_base_url_the_qr_code_is_as_before(issued: Issued, tmp_path: Path) -> None:
    pdf = render_certificate(issued.result, tmp_path / "cert.pdf",
                             report_info={"report_number": issued.standing})
    assert _qr_codes(pdf, tmp_path) == [
        f"MEDEVAL-CERT|{issued.standing}|sha256:{issued.fingerprint}"]
    # report info without the new key keeps the digest it had (older certificates verify)
    assert b"verification_url" not in load_report_info({}).to_json()


@pytest.mark.parametrize("url", ["ftp://lab.example", "https://lab.example/a b",
                                 "https://lab.example/?x=1", "javascript:alert(1)"])
def test_a_malformed_base_url_is_refused(url: str) -> None:
    from medeval.report import ReportError

    with pytest.raises(ReportError, match="verification_url"):
        load_report_info({"verification_url": url})


def _status(page: str) -> str:
    found = re.search(r'data-status="(\w+)"', page)
    assert found is not None, page[:2000]
    return found.group(1)


def test_the_language_links_keep_the_qr_codes_fingerprint(issued: Issued,
                                                          client: TestClient) -> None:
    # a QR code carrying another result's fingerprint reads 'altered'; its page's links
    # to the other languages dropped the fingerprint, and read 'genuine'
    other = hashlib.sha256(b"another result").hexdigest()
    assert other != issued.fingerprint
    for fingerprint, status in ((other, "altered"), (issued.fingerprint, "genuine")):
        address = f"/reports/{issued.standing}?fingerprint={fingerprint}"
        page = client.get(address).text
        assert _status(page) == status
        nav = re.search(r'<nav class="langs">(.*?)</nav>', page, flags=re.DOTALL)
        assert nav is not None
        links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', nav.group(1))]
        assert len(links) == 3
        for link in links:  # followed as a browser resolves a relative link
            followed = client.get(urljoin(address, link))
            assert f"fingerprint={fingerprint}" in urljoin(address, link)
            assert _status(followed.text) == status, link
