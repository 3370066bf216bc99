"""A certificate rendered again from the issued result, with other report info, is not
the certificate issued.

Anyone holding an issued certificate holds its result and report info (attached). Rendered
again with the same number but another approver and the laboratory's deviation left out,
it verifies alone (it is what medeval renders from what it carries) and carries the
result the registry records; the page called it genuine. So did the PDF issued with a
signature of anyone's making appended. The registry records the SHA-256 of the PDF
issued: the page now calls every other upload altered, naming which of the two it is.
The expected values come from hashlib and pypdf, not from medeval.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from medeval.report import render_certificate, verify_certificate

from ..report.test_sign import signer  # noqa: F401  (the fixture: a throw-away key)
from .conftest import Issued

FORGED_APPROVER = "Dr. Someone Else (not the laboratory's)"


def _upload(client: TestClient, payload: bytes) -> dict[str, object]:
    answer = client.post("/api/verify", files={"file": ("c.pdf", payload, "application/pdf")})
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def _attached(payload: bytes, name: str) -> bytes:
    data: bytes = PdfReader(io.BytesIO(payload)).attachments[name][0]
    return data


def test_rendered_again_with_other_report_info_is_altered(
        client: TestClient, issued: Issued, tmp_path: Path) -> None:
    standing = issued.pdfs["standing"]
    info = json.loads(_attached(standing, "report-info.json"))
    assert info["report_number"] == issued.standing
    info["approved_by"] = {"name": FORGED_APPROVER, "title": "Technical manager"}
    info["deviations"] = []
    result = tmp_path / "result.json"
    result.write_bytes(_attached(standing, "result.json"))
    forged = render_certificate(result, tmp_path / "forged.pdf", report_info=info).read_bytes()
    # the premise: it prints the other approver, carries the issued number and result, and
    # verifies alone; its bytes are not the ones issued
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(forged)).pages)
    assert FORGED_APPROVER.split(" (")[0] in text and issued.standing in text
    alone = verify_certificate(forged)
    assert (alone.status, alone.fingerprint) == ("genuine", issued.fingerprint)
    forged_sha = hashlib.sha256(forged).hexdigest()
    issued_sha = hashlib.sha256(standing).hexdigest()
    assert forged_sha != issued_sha

    body = _upload(client, forged)
    assert (body["status"], body["report_number"], body["checked"]) == (
        "altered", issued.standing, "verified")
    differences = body["differences"]
    assert isinstance(differences, list) and len(differences) == 1
    assert forged_sha in differences[0] and issued_sha in differences[0]
    assert "not the PDF issued" in differences[0]
    # the page in Korean says it too, not the English marked as untranslated
    page = client.post("/check", files={"file": ("c.pdf", forged, "application/pdf")},
                       data={"lang": "ko"}).text
    assert 'data-status="altered"' in page
    assert "발행된 PDF가 아닙니다" in page and "영문 원문" not in page


def test_the_pdf_issued_signed_afterwards_by_someone_is_altered(
        client: TestClient, issued: Issued, tmp_path: Path,
        signer: tuple[Path, Path]) -> None:  # noqa: F811
    # anyone can append a signature of their own making ("Technical manager, Test
    # laboratory") to the PDF issued; it verifies alone (the signature is intact), but the
    # registry records the PDF without it
    from medeval.report import sign_pdf

    key, cert = signer
    source = tmp_path / "issued.pdf"
    source.write_bytes(issued.pdfs["standing"])
    signed = sign_pdf(source, tmp_path / "signed.pdf", key=key, cert=cert).read_bytes()
    assert signed.startswith(issued.pdfs["standing"])  # an incremental update
    assert verify_certificate(signed).status == "genuine"
    body = _upload(client, signed)
    assert (body["status"], body["checked"]) == ("altered", "verified")
    added = len(signed) - len(issued.pdfs["standing"])
    assert body["differences"] == [
        f"the certificate is the PDF report {issued.standing} was issued as, with {added} "
        "bytes appended after it (an incremental update: a signature, or a change to its "
        "pages or attachments) that the registry does not record"]
    page = client.post("/check", files={"file": ("c.pdf", signed, "application/pdf")},
                       data={"lang": "ko"}).text
    assert f"{added}바이트가 덧붙었습니다" in page and "영문 원문" not in page


@pytest.mark.parametrize("tail", [b"", b"\n", b"\r\n"])
def test_revisions_are_hashed_as_hashlib_hashes_them(tail: bytes) -> None:
    from medeval.web.verdicts import revision_ends

    first = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF" + tail
    second = first + b"2 0 obj <<>> endobj\n%%EOF\n"
    ends = revision_ends(second)
    assert ends[hashlib.sha256(first).hexdigest()] == len(first)
    assert ends[hashlib.sha256(second).hexdigest()] == len(second)
    assert hashlib.sha256(first[:-1] + b"X").hexdigest() not in ends
