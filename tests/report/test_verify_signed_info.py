"""A signed certificate whose document information (``/Keywords``, ``/Title``,
``/Author``, ``/Subject``) is changed by an incremental update after signing.

Found as a recipient: pyHanko classes such an update as a metadata update it allows
(``ModificationLevel.LTA_UPDATES``, as it allows validation data), so ``medeval verify``
said "OK report KTL-2026-9999 ... (signature valid, signer trusted) genuine" for a
certificate signed as MEDEVAL/KTL-2026-0001 whose ``Keywords`` were rewritten afterwards:
the report number it printed came from the unsigned update. The update is written with
pypdf's incremental writer; the signed revision's number is read with pypdf from the
bytes the signature's /ByteRange covers; validation data added with pyHanko's
DocumentSecurityStore stays genuine.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from medeval.report import sign_pdf, verify_certificate

pytest.importorskip("pyhanko")

from .test_sign import signer  # noqa: E402,F401  (the fixture: a key and its certificate)


def _sign(certificate: Path, signer: tuple[Path, Path], folder: Path) -> Path:  # noqa: F811
    key, cert = signer
    return sign_pdf(certificate, folder / "signed.pdf", key=key, cert=cert)


@pytest.fixture(scope="module")
def signed_once(certificate: Path, signer: tuple[Path, Path],  # noqa: F811
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's certificate signed with the module's key, once for the module;
    tests take a copy of their own (``_signed``)."""
    return _sign(certificate, signer, tmp_path_factory.mktemp("signed"))


def _signed(signed_once: Path, folder: Path) -> Path:
    """A copy of the module's signed certificate in ``folder``: signed.pdf."""
    return Path(shutil.copy(signed_once, folder / "signed.pdf"))


def _updated(signed: Path, metadata: dict[str, str], folder: Path) -> Path:
    """``signed`` with an update appended (pypdf's incremental writer) that sets
    ``metadata`` in its document information: forged.pdf."""
    writer = PdfWriter(signed, incremental=True)
    writer.add_metadata(metadata)
    forged = folder / "forged.pdf"
    with forged.open("wb") as handle:
        writer.write(handle)
    return forged


def _signed_number(payload: bytes) -> str:
    """The report number in the Keywords of the revision the signature covers."""
    ranges = [int(x) for x in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)",
                                        payload).groups()]  # type: ignore[union-attr]
    keywords = str(PdfReader(io.BytesIO(payload[:ranges[2] + ranges[3]])).metadata[
        "/Keywords"])
    return re.search(r"report-number=([^;]+)", keywords).group(1)  # type: ignore[union-attr]


def test_keywords_rewritten_after_signing_are_named(
        signed_once: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    key, cert = signer
    signed = _signed(signed_once, tmp_path)
    number = _signed_number(signed.read_bytes())
    keywords = str(PdfReader(signed).metadata["/Keywords"])
    assert f"report-number={number}" in keywords and number != "KTL-2026-9999"
    writer = PdfWriter(signed, incremental=True)
    writer.add_metadata({"/Keywords": keywords.replace(f"report-number={number}",
                                                       "report-number=KTL-2026-9999"),
                         "/Subject": "KTL-2026-9999", "/Author": "another laboratory"})
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as handle:
        writer.write(handle)
    assert forged.read_bytes().startswith(signed.read_bytes())  # an update appended
    verdict = verify_certificate(forged, trust_roots=(cert,))
    assert verdict.status == "altered", verdict
    assert verdict.report_number == number  # the signed revision's, not the update's
    assert any("document information (/Author, /Keywords, /Subject) was changed after "
               "signing" in d for d in verdict.differences), verdict.differences


def test_a_creator_renamed_after_signing_is_named_alone(
        signed_once: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    # Found in the review-lead pass: a signed certificate whose /Creator an update after
    # signing renamed ('medeval 0.6.0') was also told "rendered by medeval 0.6.0 ... lays
    # a certificate out otherwise", though its signed revision is this version's rendering
    # byte for byte: 8a54c6e rendered it again under the last revision's name.
    key, cert = signer
    forged = _updated(_signed(signed_once, tmp_path), {"/Creator": "medeval 0.6.0"},
                      tmp_path)
    verdict = verify_certificate(forged, trust_roots=(cert,))
    assert verdict.status == "altered" and verdict.signed
    assert len(verdict.differences) == 1, verdict.differences
    assert "document information (/Creator) was changed after signing" in \
        verdict.differences[0]


def test_a_title_changed_after_signing_is_named(
        signed_once: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    forged = _updated(_signed(signed_once, tmp_path),
                      {"/Title": "Test Report - PASS"}, tmp_path)
    verdict = verify_certificate(forged)
    assert verdict.status == "altered"
    assert any("(/Title) was changed after signing" in d for d in verdict.differences)


def test_validation_data_added_after_signing_stays_genuine(
        signed_once: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    key, cert = signer
    signed = _signed(signed_once, tmp_path)
    buffer = io.BytesIO(signed.read_bytes())
    DocumentSecurityStore.add_dss(buffer, sig_contents=None,
                                  certs=[load_cert_from_pemder(str(cert))])
    assert len(buffer.getvalue()) > len(signed.read_bytes())
    verdict = verify_certificate(buffer.getvalue(), trust_roots=(cert,))
    assert verdict.status == "genuine", verdict.differences


def test_the_verification_page_words_it_in_korean() -> None:
    from medeval.web.differences_ko import difference_ko

    english = ("the uploaded file: its document information (/Keywords, /Title) was changed "
               "after signing: the signature does not cover what it now says (the signed "
               "revision is the one checked)")
    assert difference_ko(english) == (
        "올린 파일: 문서 정보(/Keywords, /Title)가 서명 후 바뀌었습니다: 서명은 지금 적힌 "
        "내용을 보증하지 않습니다 (서명된 판을 확인했습니다)")


@pytest.fixture(scope="module")
def pdfa(certified: Path, info_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The certificate as PDF/A (an XMP metadata stream in its catalog)."""
    from medeval.report import render_certificate

    pytest.importorskip("pikepdf")
    folder = tmp_path_factory.mktemp("pdfa")
    return render_certificate(certified, folder / "pdfa.pdf", report_info=info_file,
                              pdfa=True)


@pytest.fixture(scope="module")
def signed_pdfa(pdfa: Path, signer: tuple[Path, Path]) -> Path:  # noqa: F811
    """The PDF/A certificate, signed."""
    return _sign(pdfa, signer, pdfa.parent)


def test_xmp_metadata_rewritten_after_signing_is_named(
        signed_pdfa: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    # Found reviewing f44b082: the XMP stream (what a viewer shows of a PDF/A document:
    # dc:title, pdf:Keywords) rewritten by an update after signing verified "genuine"
    # (pyHanko's MetadataUpdateRule lets it pass as LTA_UPDATES; only /Info was compared)
    _, cert = signer
    number = _signed_number(signed_pdfa.read_bytes())
    writer = PdfWriter(signed_pdfa, incremental=True)
    xmp = writer._root_object["/Metadata"].get_object()
    xmp.set_data(xmp.get_data().replace(number.encode(), b"KTL-2026-9999"))
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as handle:
        writer.write(handle)
    assert forged.read_bytes().startswith(signed_pdfa.read_bytes())  # an update appended
    # what a reader of the XMP (pypdf) now finds, and the /Info it left alone
    assert PdfReader(forged).xmp_metadata.dc_title["x-default"].endswith("KTL-2026-9999")
    assert str(PdfReader(forged).metadata["/Title"]).endswith(number)
    verdict = verify_certificate(forged, trust_roots=(cert,))
    assert verdict.status == "altered", verdict
    assert verdict.report_number == number
    assert any("document information (/Metadata) was changed after signing" in d
               for d in verdict.differences), verdict.differences


def test_validation_data_added_to_a_signed_pdfa_stays_genuine(
        signed_pdfa: Path, signer: tuple[Path, Path]) -> None:  # noqa: F811
    # pyHanko sets xmp:ModifyDate when it adds the DSS: a date, as /ModDate, not a change
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    _, cert = signer
    buffer = io.BytesIO(signed_pdfa.read_bytes())
    DocumentSecurityStore.add_dss(buffer, sig_contents=None,
                                  certs=[load_cert_from_pemder(str(cert))])
    verdict = verify_certificate(buffer.getvalue(), trust_roots=(cert,))
    assert verdict.status == "genuine", verdict.differences


def test_a_document_time_stamp_added_after_signing_stays_genuine(
        signed_once: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    # Found reviewing f44b082 (validation data after signing): a PAdES-LTA document
    # time stamp (pyHanko's PdfTimeStamper; its dummy time stamping authority, the
    # fixture's key) was validated as a signature and failed, so a genuine certificate
    # read 'signature Timestamp-... is broken: the signed bytes were changed after
    # signing' and 'signer ? is not trusted'
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    key, cert = signer
    signed = _signed(signed_once, tmp_path)
    authority = load_cert_from_pemder(str(cert))
    stamper = DummyTimeStamper(tsa_cert=authority, certs_to_embed=[authority],
                               tsa_key=load_private_key_from_pemder(str(key), None))
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    stamped = signers.PdfTimeStamper(stamper).timestamp_pdf(writer, "sha256").getvalue()
    assert stamped.startswith(signed.read_bytes())
    # pyHanko itself: the time stamp intact and valid, the signature before it untouched
    from pyhanko.pdf_utils.reader import PdfFileReader

    embedded = PdfFileReader(io.BytesIO(stamped)).embedded_signatures
    assert [s.sig_object_type for s in embedded] == ["/Sig", "/DocTimeStamp"]
    status = validate_pdf_timestamp(embedded[1], ValidationContext(trust_roots=[authority]))
    assert status.intact and status.valid
    verdict = verify_certificate(stamped, trust_roots=(cert,))
    assert verdict.status == "genuine", verdict.differences


def test_a_change_signed_with_the_signature_is_named(
        certified: Path, certificate: Path, signer: tuple[Path, Path],  # noqa: F811
        tmp_path: Path) -> None:
    # Found reviewing f44b082 (what the signed revision holds): the sensitivity changed
    # in a page's content stream and the report number in /Keywords, in the very update
    # that adds the signature (pyHanko's IncrementalPdfFileWriter, then sign_pdf on it),
    # verified 'genuine' even with the signer trusted: the file's first revision is the
    # rendering byte for byte, and what the signed revision adds was not looked at
    import csv

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from sklearn.metrics import recall_score

    from medeval.web.differences_ko import difference_ko

    key, cert = signer
    with certified.with_name("result.cases.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    figure = format(recall_score([int(r["reference"]) for r in rows],
                                 [int(r["prediction"]) for r in rows]), ".4f")
    forged = "0.9999" if figure != "0.9999" else "0.1111"
    writer = IncrementalPdfFileWriter(io.BytesIO(certificate.read_bytes()))
    pages = []
    for index in range(int(writer.root["/Pages"]["/Count"])):
        page = writer.find_page_for_modification(index)[0].get_object()
        contents = page["/Contents"]
        refs = contents if isinstance(contents, generic.ArrayObject) else [contents]
        for position, ref in enumerate(refs):
            data = ref.get_object().data
            if figure.encode() in data:
                new = writer.add_object(generic.StreamObject(
                    stream_data=data.replace(figure.encode(), forged.encode())))
                if isinstance(contents, generic.ArrayObject):
                    contents[position] = new
                else:
                    page["/Contents"] = new
                writer.update_container(page)
                pages.append(index + 1)
    assert pages
    document = writer.trailer["/Info"].get_object()
    document["/Keywords"] = generic.TextStringObject(str(document["/Keywords"]).replace(
        "report-number=", "report-number=X"))
    writer.update_container(document)
    signed = signers.sign_pdf(writer, signers.PdfSignatureMetadata(
        field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"),
        signer=signers.SimpleSigner.load(str(key), str(cert))).getvalue()
    assert signed.startswith(certificate.read_bytes())  # the rendering, then one update
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(signed)).pages)
    assert forged in text and figure not in text  # what a reader sees (pypdf)
    verdict = verify_certificate(signed, trust_roots=(cert,))
    assert verdict.status == "altered", verdict
    assert verdict.differences[:len(set(pages)) + 1] == tuple(
        f"the uploaded file: page {n} of the revision signed is not the page rendered from "
        "the result (its content or resources were changed before signing)"
        for n in sorted(set(pages))) + (
        "the uploaded file: its document information (/Keywords) was changed before "
        "signing: the signature covers what the certificate rendered from the result does "
        "not say",)
    named = [d for d in verdict.differences if f"prints '{forged}'" in d]
    assert named and all(d.endswith(f"gives '{figure}'") for d in named)
    assert all(difference_ko(d) for d in verdict.differences), verdict.differences


def test_xmp_metadata_changed_in_the_update_signed_is_named(
        pdfa: Path, signer: tuple[Path, Path]) -> None:  # noqa: F811
    # Found with the check above: the PDF/A certificate's title set anew in the update
    # that is signed (pyHanko's document metadata, written to /Info and the XMP stream)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key, cert = signer
    writer = IncrementalPdfFileWriter(io.BytesIO(pdfa.read_bytes()))
    writer.document_meta.title = "Test Report KTL-2026-9999 (PASS)"
    signed = signers.sign_pdf(writer, signers.PdfSignatureMetadata(
        field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"),
        signer=signers.SimpleSigner.load(str(key), str(cert))).getvalue()
    reader = PdfReader(io.BytesIO(signed))  # what a viewer shows (pypdf)
    assert reader.xmp_metadata.dc_title["x-default"] == "Test Report KTL-2026-9999 (PASS)"
    verdict = verify_certificate(signed, trust_roots=(cert,))
    assert verdict.differences == (
        "the uploaded file: its document information (/Metadata, /Title) was changed "
        "before signing: the signature covers what the certificate rendered from the "
        "result does not say",)
