"""Signatures made with a small PKI of the test's own (a root CA, an intermediate and
signers under it: RSA, ECDSA P-256, expired, not yet valid, without the key usage a
signature asks for), each verdict checked against another implementation: OpenSSL's
``cms -verify`` on the signature and the bytes its /ByteRange names, extracted here."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyhanko")

from medeval.report import sign_pdf, validate_pdf, verify_certificate  # noqa: E402

_NOW = datetime.datetime.now(datetime.timezone.utc)


def _name(common: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test laboratory"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(key: Any, common: str, issuer_key: Any, issuer: Any, *, ca: bool,
           days: tuple[int, int] = (-1, 365), usage: str = "sign") -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    builder = (
        x509.CertificateBuilder().subject_name(_name(common)).issuer_name(issuer)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(_NOW + datetime.timedelta(days=days[0]))
        .not_valid_after(_NOW + datetime.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    # KeyUsage(digital_signature, content_commitment (non-repudiation), key_encipherment,
    # data_encipherment, key_agreement, key_cert_sign, crl_sign, encipher_only, decipher_only)
    flags = {"ca": (True, False, False, False, False, True, True, False, False),
             "sign": (True, True, False, False, False, False, False, False, False),
             "encipher": (False, False, True, False, False, False, False, False, False),
             "digital": (True, False, False, False, False, False, False, False, False)}
    if usage != "none":  # "none": no KeyUsage extension, as 'openssl req -x509' makes
        builder = builder.add_extension(x509.KeyUsage(*flags["ca" if ca else usage]),
                                        critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(folder: Path, stem: str, key: Any, cert: Any) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization

    key_path, cert_path = folder / f"{stem}.key", folder / f"{stem}.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """root, inter (its CA certificate), and signers under inter: good (RSA 2048), p256,
    expired, future (not yet valid), noku (key encipherment only), nokuext (no key usage
    extension), weak (RSA 1024); and own, self-signed with digitalSignature alone."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    folder = tmp_path_factory.mktemp("pki")
    rsa_key = lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)  # noqa: E731
    root_key = rsa_key()
    root = _issue(root_key, "Root CA", root_key, _name("Root CA"), ca=True)
    inter_key = rsa_key()
    inter = _issue(inter_key, "Intermediate CA", root_key, root.subject, ca=True)
    made = {"root": _write(folder, "root", root_key, root),
            "inter": _write(folder, "inter", inter_key, inter)}
    for stem, key, days, usage in (
            ("good", rsa_key(), (-1, 365), "sign"),
            ("p256", ec.generate_private_key(ec.SECP256R1()), (-1, 365), "sign"),
            ("expired", rsa_key(), (-30, -1), "sign"),
            ("future", rsa_key(), (10, 400), "sign"),
            ("noku", rsa_key(), (-1, 365), "encipher"),
            ("nokuext", rsa_key(), (-1, 365), "none"),
            ("weak", rsa.generate_private_key(public_exponent=65537, key_size=1024),
             (-1, 365), "sign")):
        cert = _issue(key, f"Signer {stem}", inter_key, inter.subject, ca=False, days=days,
                      usage=usage)
        made[stem] = _write(folder, stem, key, cert)
    own_key = rsa_key()  # self-signed, its key usage digitalSignature alone
    made["own"] = _write(folder, "own", own_key, _issue(
        own_key, "Signer own", own_key, _name("Signer own"), ca=False, usage="digital"))
    return made


def _openssl_verifies(pdf: Path, root: Path) -> bool:
    """OpenSSL's verdict on the PDF's one signature: the CMS blob between the two parts
    of /ByteRange, over the bytes of those two parts, chained to ``root``."""
    data = pdf.read_bytes()
    (match,) = re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    start, length, start2, length2 = (int(g) for g in match.groups())
    assert start == 0 and start2 + length2 == len(data)  # the whole file
    blob = data[length:start2].strip(b"<>").rstrip(b"0")
    blob += b"0" * (len(blob) % 2)
    (pdf.parent / "sig.der").write_bytes(bytes.fromhex(blob.decode()))
    (pdf.parent / "signed.bin").write_bytes(data[:length] + data[start2:])
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
         str(pdf.parent / "sig.der"), "-content", str(pdf.parent / "signed.bin"),
         "-CAfile", str(root), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, text=True, check=False)
    return done.returncode == 0


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None,
                                   reason="the openssl command is not installed")


@needs_openssl
def test_an_ecdsa_p256_signature_is_genuine(certificate: Path, pki: dict[str, Any],
                                            tmp_path: Path) -> None:
    """pyHanko writes an ECDSA signature as PDF 2.0 (ISO 32002) and, for that, a new XMP
    stream holding only its producer and a date: verify read it as document information
    "changed before signing" and called every certificate a P-256 key signed altered,
    while OpenSSL verifies the signature over the whole file."""
    key, cert = pki["p256"]
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                      chain=(pki["inter"][1],))
    assert _openssl_verifies(signed, pki["root"][1])
    verdict = verify_certificate(signed, trust_roots=(pki["root"][1],))
    assert verdict.status == "genuine" and verdict.signed, verdict.differences


@needs_openssl
def test_bytes_appended_after_a_signed_certificate_are_named(
        certificate: Path, pki: dict[str, Any], tmp_path: Path) -> None:
    """A line appended after the signed revision's %%EOF is no revision: pyHanko calls the
    coverage ENTIRE_REVISION with no modification, and verify called the file genuine
    (the same line after an unsigned certificate is named as bytes appended)."""
    key, cert = pki["good"]
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                      chain=(pki["inter"][1],))
    assert _openssl_verifies(signed, pki["root"][1])  # the signature itself is sound
    size = len(signed.read_bytes())
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed.read_bytes() + b"\n% a line appended\n")
    verdict = verify_certificate(appended, trust_roots=(pki["root"][1],))
    assert verdict.status == "altered"
    assert any(f"(at offset {size}): the signature does not cover the whole file" in p
               for p in verdict.differences), verdict.differences


def _signed_by_pyhanko(pdf: Path, out: Path, key: Path, cert: Path,
                       chain: tuple[Path, ...]) -> Path:
    """Signed as other software (or a medeval before sign_pdf refused such certificates)
    signs: pyHanko itself, with any certificate."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load(str(key), str(cert),
                                       ca_chain_files=tuple(map(str, chain)) or None)
    metadata = signers.PdfSignatureMetadata(field_name="MedevalSignature",
                                            subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    out.write_bytes(signers.sign_pdf(writer, metadata, signer=signer).getvalue())
    return out


@pytest.fixture(scope="module")
def signed_by(certificate: Path, pki: dict[str, Any],
              tmp_path_factory: pytest.TempPathFactory) -> Any:
    """signed_by(stem, chain, root): the certificate signed by pyHanko with key ``stem``
    (with the intermediate CA if ``chain``) in a folder of its own, and medeval's verdict
    on it trusting ``root``; made at a module's first asking, the same for the English
    and the Korean test of one signer (read only: a test working on it takes a copy)."""
    made: dict[tuple[str, bool, str], tuple[Path, Any]] = {}

    def get(stem: str, chain: bool, root: str) -> tuple[Path, Any]:
        if (stem, chain, root) not in made:
            key, cert = pki[stem]
            folder = tmp_path_factory.mktemp(f"signed-{stem}")
            signed = _signed_by_pyhanko(certificate, folder / "signed.pdf", key, cert,
                                        (pki["inter"][1],) if chain else ())
            made[(stem, chain, root)] = signed, verify_certificate(
                signed, trust_roots=(pki[root][1],))
        return made[(stem, chain, root)]
    return get


def _openssl_error(pdf: Path, root: Path) -> str:
    """OpenSSL's reason for refusing the signer's chain ("certificate has expired"...)."""
    _openssl_verifies(pdf, root)  # leaves sig.der and signed.bin beside the PDF
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
         str(pdf.parent / "sig.der"), "-content", str(pdf.parent / "signed.bin"),
         "-CAfile", str(root), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, text=True, check=False)
    return done.stderr


@needs_openssl
@pytest.mark.parametrize(("stem", "chain", "openssl_says", "medeval_says"), [
    ("expired", True, "certificate has expired", "its certificate expired on "),
    ("future", True, "certificate is not yet valid", "its certificate is valid only from "),
    # OpenSSL's 'any' purpose does not look at the key usage: verified there, refused here
    ("noku", True, None, "key usage lacks nonRepudiation"),
    # no KeyUsage extension: pyHanko asks for nonRepudiation and finds none (it said only
    # 'its certificate chain was not accepted (CHAIN_CONSTRAINTS_FAILURE)')
    ("nokuext", True, None, "its certificate has no key usage extension"),
    # no intermediate in the PDF: the chain stops at the signer
    ("good", False, "unable to get local issuer certificate",
     "no chain leads from it to a trust root given: its issuer "
     "CN=Intermediate CA,O=Test laboratory is no trust root given"),
])
def test_an_untrusted_signer_is_named_with_the_reason(
        signed_by: Any, pki: dict[str, Any], tmp_path: Path, stem: str, chain: bool,
        openssl_says: str | None, medeval_says: str) -> None:
    """'signer ... is not trusted' said no more: an expired signer, one not yet valid, one
    without the key usage of a signature and one whose CA the PDF does not carry read
    the same. The reason is now given, as OpenSSL gives its own."""
    made, verdict = signed_by(stem, chain, "root")
    signed = Path(shutil.copy(made, tmp_path / "signed.pdf"))  # openssl writes beside it
    root = pki["root"][1]
    if openssl_says is None:
        assert _openssl_verifies(signed, root)
    else:
        assert openssl_says in _openssl_error(signed, root)
    (check,) = validate_pdf(signed, trust_roots=(root,))
    assert check.intact and check.valid and not check.trusted
    assert verdict.status == "altered"
    (problem,) = verdict.differences
    assert f"Common Name: Signer {stem}" in problem, problem
    assert "is not trusted: " in problem and medeval_says in problem, problem


@pytest.mark.parametrize(("stem", "said"), [
    ("expired", "its certificate expired on "),
    ("future", "its certificate is valid only from "),
    ("noku", "its certificate's key usage lacks nonRepudiation"),
    ("nokuext", "its certificate has no key usage extension"),  # signed before, untrusted
])
def test_a_certificate_verify_would_not_trust_is_refused_before_signing(
        certificate: Path, pki: dict[str, Any], tmp_path: Path, stem: str,
        said: str) -> None:
    """pyHanko signs with an expired certificate, one not yet valid or one without the
    key usage of a signature, and 'report --issue --sign' recorded a PDF that 'verify
    --trust' then refused (the test above: the same certificates, signed by pyHanko)."""
    from medeval.report import ReportError

    key, cert = pki[stem]
    with pytest.raises(ReportError, match=f"certificate {re.escape(str(cert))}: {said}"):
        sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                 chain=(pki["inter"][1],))
    assert not (tmp_path / "signed.pdf").exists()


@needs_openssl
def test_a_self_signed_signer_trusted_as_the_root_may_lack_non_repudiation(
        certificate: Path, pki: dict[str, Any], tmp_path: Path) -> None:
    """pyHanko does not judge a trust root's key usage: a self-signed certificate with
    digitalSignature alone, given to --trust, verifies trusted (signed by pyHanko here).
    sign_pdf refused it as 'never trusted (medeval verify --trust refuses it)'."""
    key, cert = pki["own"]
    by_pyhanko = _signed_by_pyhanko(certificate, tmp_path / "pyhanko.pdf", key, cert, ())
    assert _openssl_verifies(by_pyhanko, cert)
    (check,) = validate_pdf(by_pyhanko, trust_roots=(cert,))
    assert check.intact and check.valid and check.trusted
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert)
    assert _openssl_verifies(signed, cert)
    verdict = verify_certificate(signed, trust_roots=(cert,))
    assert verdict.status == "genuine" and verdict.signed, verdict.differences
    other_root = pki["root"][1]  # not given as a root: named as self-signed
    (problem,) = verify_certificate(signed, trust_roots=(other_root,)).differences
    assert problem.endswith("is not trusted: its certificate is self-signed and is none "
                            "of the trust roots given"), problem


def test_verify_with_trust_says_an_unsigned_certificate_has_no_signature(
        certificate: Path, pki: dict[str, Any], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A signed certificate cut back to its first revision (its signature removed) is the
    rendering, genuine alone, as docs/certificate.md says. But 'verify --trust' then
    advised "check its signature with --trust CA.pem", the very option given, and said
    nothing of the missing signature."""
    from medeval.cli import main

    key, cert = pki["good"]
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                      chain=(pki["inter"][1],)).read_bytes()
    unsigned = certificate.read_bytes()
    assert signed.startswith(unsigned) and b"/ByteRange" not in unsigned  # by hand
    stripped = tmp_path / "stripped.pdf"
    stripped.write_bytes(signed[:len(unsigned)])
    assert main(["verify", str(stripped), "--trust", str(pki["root"][1])]) == 0
    out = capsys.readouterr().out
    assert "(not signed: --trust had no signature to check)" in out
    assert "the PDF carries no signature" in out and "with --trust CA.pem" not in out
    assert main(["verify", str(tmp_path / "signed.pdf"), "--trust",
                 str(pki["root"][1])]) == 0
    assert "(signature valid, signer trusted)" in capsys.readouterr().out


def test_a_signed_certificate_whose_update_lost_its_eof_is_named_by_its_file(
        certificate: Path, pki: dict[str, Any], tmp_path: Path) -> None:
    """An update appended after the signature without its closing %%EOF cannot be read
    for signatures; the difference named "PDF <bytes>", not the certificate given."""
    key, cert = pki["good"]
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                      chain=(pki["inter"][1],)).read_bytes()
    cut = tmp_path / "cut.pdf"
    # a long comment, then the signed revision's trailer again without its %%EOF:
    # no %%EOF in the last 1024 bytes, where readers look for it
    tail = signed[signed.rindex(b"trailer"):].rstrip()
    assert tail.endswith(b"%%EOF")
    cut.write_bytes(signed + b"%" + b"x" * 2048 + b"\n" + tail[:-len(b"%%EOF")])
    verdict = verify_certificate(cut, trust_roots=(pki["root"][1],))
    assert verdict.status == "altered"
    assert not any("<bytes>" in p for p in verdict.differences), verdict.differences
    assert any(p.startswith(f"certificate {cut}: cannot be read for its signatures")
               for p in verdict.differences), verdict.differences


def _appended(signed: bytes, edit: Any) -> bytes:
    """``signed`` with an incremental update by pypdf (a PDF editor's save) of ``edit``."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _note(writer: Any) -> None:
    from pypdf.annotations import FreeText

    writer.add_annotation(0, FreeText(text="PASS", rect=(50, 50, 200, 80)))


def _overprint(writer: Any) -> None:
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    page = writer.pages[1]
    stream = DecodedStreamObject()
    stream.set_data(b"q 1 1 1 rg 0 0 600 300 re f Q")  # a white box over the lower page
    contents = page[NameObject("/Contents")]
    page[NameObject("/Contents")] = ArrayObject(
        [*(contents.get_object() if isinstance(contents.get_object(), list) else
           [contents]), writer._add_object(stream)])


def test_what_an_update_after_signing_changes_is_named(
        certificate: Path, pki: dict[str, Any], tmp_path: Path) -> None:
    """A note drawn over page 1, a white box over page 2, a second signature: each was
    only "bytes were added after signature MedevalSignature", the same words for all."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key, cert = pki["good"]
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                      chain=(pki["inter"][1],)).read_bytes()
    root = (pki["root"][1],)
    said = verify_certificate(_appended(signed, _note), trust_roots=root).differences
    assert any(p.endswith(": an annotation (/FreeText) was added to page 1 after "
                          "signing, drawn over the page") for p in said), said
    said = verify_certificate(_appended(signed, _overprint), trust_roots=root).differences
    assert any(p.endswith(": page 2 was changed after signing (its content or resources): "
                          "the signature does not cover what it now shows")
               for p in said), said
    assert not any("page 1 was changed" in p for p in said), said
    # signed again by the same trusted signer: both signatures valid (pyHanko's own
    # validation below), the first no longer covering the file
    second = signers.SimpleSigner.load(str(key), str(cert),
                                       ca_chain_files=(str(pki["inter"][1]),))
    twice = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed)),
        signers.PdfSignatureMetadata(field_name="Second", md_algorithm="sha256",
                                     subfilter=fields.SigSeedSubFilter.PADES),
        signer=second).getvalue()
    assert [(c.field, c.intact, c.valid, c.trusted) for c in validate_pdf(
        twice, trust_roots=root)] == [("MedevalSignature", True, True, True),
                                      ("Second", True, True, True)]
    said = verify_certificate(twice, trust_roots=root).differences
    assert any(p.endswith(": signature Second (signer Common Name: Signer good, "
                          "Organization: Test laboratory) was added after signature "
                          "MedevalSignature") for p in said), said


@needs_openssl
@pytest.mark.parametrize(("days", "said"), [
    ((-30, -1), "its certificate expired on "),
    ((10, 400), "its certificate is valid only from "),
])
def test_an_out_of_date_self_signed_certificate_is_refused_with_what_is_true(
        certificate: Path, tmp_path: Path, days: tuple[int, int], said: str) -> None:
    """sign_pdf refused an expired self-signed certificate as 'never trusted (medeval
    verify --trust refuses it)'; but pyHanko does not judge a trust root's dates, and
    verify --trust given that very certificate calls a signature made with it trusted
    (signed by pyHanko itself here), while OpenSSL, which checks dates, refuses it."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from medeval.report import ReportError

    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key, cert = _write(tmp_path, "own", own_key, _issue(
        own_key, "Signer own", own_key, _name("Signer own"), ca=False, days=days))
    by_pyhanko = _signed_by_pyhanko(certificate, tmp_path / "pyhanko.pdf", key, cert, ())
    (check,) = validate_pdf(by_pyhanko, trust_roots=(cert,))
    assert check.intact and check.valid and check.trusted  # its own root: trusted
    openssl = _openssl_error(by_pyhanko, cert)
    assert "expired" in openssl or "not yet valid" in openssl, openssl
    with pytest.raises(ReportError) as caught:
        sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert)
    message = str(caught.value)
    assert message.startswith(f"certificate {cert}: {said}"), message
    assert "refuses it" not in message and "never trusted" not in message
    assert (f"it is self-signed, so it can be trusted only as its own root (medeval "
            f"verify --trust {cert}, which does not check a root's dates)") in message
    assert not (tmp_path / "signed.pdf").exists()


def _not_after(cert: Path, field: str) -> str:
    """A certificate's date as the reason prints it, read by ``cryptography``."""
    from cryptography import x509

    when = getattr(x509.load_pem_x509_certificate(cert.read_bytes()), field)
    return f"{when:%Y-%m-%d %H:%M}"


@pytest.mark.parametrize(("stem", "chain", "root", "korean"), [
    ("expired", True, "root", "인증서가 {not_valid_after_utc} UTC에 만료되었습니다 (서명이 만료 "
     "전에 이루어졌음을 보여 주는 타임스탬프가 PDF에 없습니다)"),
    ("future", True, "root", "인증서는 {not_valid_before_utc} UTC부터 유효합니다 (아직 유효하지 "
     "않음)"),
    ("noku", True, "root", "인증서의 키 용도(key usage)에 문서 서명에 필요한 부인 방지 용도"
     "(nonRepudiation, contentCommitment)가 없습니다"),
    ("nokuext", True, "root", "인증서에 키 용도(key usage) 확장이 없어, 문서 서명에 필요한 부인 "
     "방지 용도(nonRepudiation, contentCommitment)가 없습니다"),
    ("weak", True, "root", "키(1024비트)가 너무 약합니다: 2048비트 이상이어야 합니다"),
    ("good", False, "root", "주어진 신뢰 루트로 이어지는 인증서 체인이 없습니다: 이 인증서를 "
     "발급한 CA(CN=Intermediate CA,O=Test laboratory)는 주어진 신뢰 루트가 아니며, PDF에 "
     "담긴 어떤 인증서도 신뢰 루트로 이어지지 않습니다 (중간 CA는 --chain으로 함께 넣어 "
     "서명하거나, 시험기관의 루트 CA를 --trust로 주십시오)"),
    ("own", False, "root", "인증서가 자체 서명 인증서이며, 주어진 신뢰 루트 중 어느 것도 "
     "아닙니다"),
], ids=("expired", "future", "noku", "nokuext", "weak", "no-chain", "self-signed"))
def test_the_korean_page_says_why_a_signer_is_not_trusted_in_korean(
        signed_by: Any, pki: dict[str, Any], stem: str, chain: bool,
        root: str, korean: str) -> None:
    """The Korean verification page printed each reason a signer is not trusted in
    English, after '영문 원문' (expired, not yet valid, key usage, weak key, self-signed, no
    chain): the reasons are medeval's own sentences, now each in Korean. Signed by pyHanko
    with the test's own PKI; the dates read from the certificates by cryptography; the
    Korean written by hand."""
    from medeval.web.differences_ko import difference_ko

    _, cert = pki[stem]
    signed, verdict = signed_by(stem, chain, root)
    (problem,) = verdict.differences
    signer = problem.split("signer ", 1)[1].split(" is not trusted: ")[0]
    why = korean.format(not_valid_after_utc=_not_after(cert, "not_valid_after_utc"),
                        not_valid_before_utc=_not_after(cert, "not_valid_before_utc"))
    said = f"성적서 {signed}: 서명자({signer})는 신뢰할 수 없습니다: {why}"
    assert difference_ko(problem) == said
