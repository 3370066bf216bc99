"""A genuine certificate is verified without pypdf's text extraction of its pages.

Reading the page texts (to check that each prints the fingerprint of the metadata) was
half of a genuine verification's time; a certificate that is, byte for byte, the one
rendered again from the result it carries has the rendering's text, whose every page
prints that fingerprint in its footer. So the text is read only when the verdict or a
message needs it. Counted with a spy that calls pypdf's real ``extract_text``; the
page checks a genuine verification leaves out are made here, with pypdf, and find
nothing; and where a page does not print the metadata's fingerprint, it is still said,
first, where it was said before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader

import medeval
from medeval.report.verify import verify_certificate


@pytest.fixture()
def extracted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many pages pypdf's extract_text reads: a spy that calls the real one."""
    calls: list[int] = []
    real = PageObject.extract_text

    def spy(self: PageObject, *args: Any, **kwargs: Any) -> str:
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", spy)
    yield calls


def test_a_genuine_certificate_is_verified_without_reading_its_text(
        certificate: Path, certified: Path, extracted: list[int]) -> None:
    alone = verify_certificate(certificate)
    assert alone.status == "genuine", alone.differences
    with_result = verify_certificate(certified, certificate)
    assert with_result.status == "genuine", with_result.differences
    assert len(extracted) == 0  # was once per page, in each verification
    # what was not read: every page's text (pypdf, a peer) prints the fingerprint that
    # the metadata carries, so those checks would have found nothing
    reader = PdfReader(certificate)
    keywords = str(reader.metadata["/Keywords"])
    meta = re.search(r"fingerprint=sha256:([0-9a-f]{64})", keywords)
    assert meta is not None and meta.group(1) == alone.fingerprint
    assert medeval.read_result(certified).fingerprint == meta.group(1)
    extracted.clear()
    texts = [page.extract_text() for page in reader.pages]
    assert len(extracted) == len(reader.pages) > 1
    assert all(meta.group(1) in " ".join(t.split()) for t in texts)


def test_pages_that_do_not_print_the_metadata_s_fingerprint_are_still_named(
        certificate: Path, extracted: list[int]) -> None:
    payload = certificate.read_bytes()
    # the Keywords' fingerprint, one hex digit changed in place (same length): every
    # page still prints the one it was rendered with
    found = re.search(rb"fingerprint\\075sha256\\072([0-9a-f]{64})", payload)
    assert found is not None, "the Keywords are no longer written as reportlab wrote them"
    printed = found.group(1).decode()
    other = ("1" if printed[0] == "0" else "0") + printed[1:]
    altered = payload[:found.start(1)] + other.encode() + payload[found.end(1):]
    verdict = verify_certificate(altered)
    pages = len(PdfReader(certificate).pages)
    assert verdict.status == "altered"
    assert verdict.printed == other
    # read_pdf_record lists it before the attachments' problems, as it did
    assert verdict.differences[0] == (
        f"the uploaded file: {pages} page(s) do not print the fingerprint sha256:{other} "
        "of the metadata")
    assert f"its attached result.json has fingerprint sha256:{printed}" in \
        verdict.differences[1]
    assert len(extracted) >= pages
