"""PAdES signing through pyHanko: a signed certificate validates; an altered one does not.
The key and certificate are made here, thrown away with the test's folder."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

pytest.importorskip("pyhanko")

from medeval.report import sign_pdf, validate_pdf, verify_certificate  # noqa: E402


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = tmp_path_factory.mktemp("signer")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test laboratory"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Technical manager")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, True, True, False,
                                     False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_signed_certificate_validates(certified: Path, certificate: Path, info_file: Path,
                                      signer: tuple[Path, Path], tmp_path: Path) -> None:
    key, cert = signer
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert,
                      location="Seoul")
    assert signed.read_bytes().startswith(certificate.read_bytes())  # incremental update
    checks = validate_pdf(signed, trust_roots=(cert,))
    assert len(checks) == 1
    assert checks[0].ok and checks[0].trusted, checks[0].summary
    outcome = verify_certificate(certified, signed, report_info=info_file,
                                 trust_roots=(cert,))
    assert outcome.ok and outcome.signed, outcome.problems


def test_altered_signed_certificate_does_not(certified: Path, certificate: Path,
                                             info_file: Path, signer: tuple[Path, Path],
                                             tmp_path: Path) -> None:
    key, cert = signer
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert)
    payload = bytearray(signed.read_bytes())
    offset = len(certificate.read_bytes()) // 2  # inside the signed revision
    payload[offset] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(payload))
    checks = validate_pdf(altered, trust_roots=(cert,))
    assert checks and not checks[0].intact and not checks[0].ok
    outcome = verify_certificate(certified, altered, report_info=info_file)
    assert not outcome.ok
    assert any("signature" in p and "broken" in p for p in outcome.problems)


def test_unusable_key_is_named(certificate: Path, tmp_path: Path) -> None:
    from medeval.report import ReportError

    bad = tmp_path / "key.pem"
    bad.write_text("not a key")
    with pytest.raises(ReportError, match="key.pem"):
        sign_pdf(certificate, tmp_path / "x.pdf", key=bad, cert=bad)


def test_signed_certificate_verifies_alone_and_the_signature_covers_the_attachments(
        certificate: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:
    import pikepdf

    key, cert = signer
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert)
    # the attachments are in the unsigned rendering, which the signed revision begins with
    with pikepdf.open(certificate) as pdf:
        assert sorted(pdf.attachments) == ["report-info.json", "result.cases.csv",
                                           "result.json"]
    (check,) = validate_pdf(signed)
    assert check.intact and check.valid and check.covers_whole_file
    assert check.signed_length == len(signed.read_bytes())
    verdict = verify_certificate(signed)
    assert verdict.status == "genuine" and verdict.signed, verdict.differences
    assert verdict.attachments == ("report-info.json", "result.cases.csv", "result.json")


def test_an_attachment_replaced_after_signing_is_named(
        certificate: Path, segmentation: Path, signer: tuple[Path, Path],
        tmp_path: Path) -> None:
    """An incremental update (pypdf's incremental writer) puts another result in after
    the signature: the signature still verifies its revision, but not the whole file."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    key, cert = signer
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert).read_bytes()
    writer = PdfWriter(PdfReader(io.BytesIO(signed)), incremental=True)
    (spec,) = [s.get_object() for s in writer.root_object["/AF"]
               if s.get_object()["/F"] == "result.json"]
    forged = DecodedStreamObject()
    forged.set_data(segmentation.read_bytes())
    forged[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec["/EF"][NameObject("/F")] = writer._add_object(forged)
    spec["/EF"][NameObject("/UF")] = spec["/EF"]["/F"]
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(signed) and len(updated) > len(signed)
    verdict = verify_certificate(updated)
    assert verdict.status == "altered" and verdict.signed
    report = "\n".join(verdict.differences)
    assert "the attachment result.json was replaced after signing" in report
    assert "does not cover the whole file" in report


def test_a_trust_root_that_is_no_certificate_is_named_as_such(
        certificate: Path, signer: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # before: "certificate signed.pdf: cannot be verified: FileNotFoundError: [Errno 2]
    # ..." or "... ValueError: Number of certs in key.pem should be exactly 1": the
    # wrong --trust file blamed on the certificate PDF, as if it were damaged.
    # `medeval verify` in-process: the exit code and what it says on stderr are the
    # command line's main, as `python -m medeval` returns them
    from medeval.cli import main

    key, cert = signer
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert)
    missing = tmp_path / "missing.pem"

    def verify(pdf: Path, trust: Path) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["verify", str(pdf), "--trust", str(trust)])
        return code, capsys.readouterr().err

    for pdf in (signed, certificate):  # signed or not, the file given is named
        assert verify(pdf, missing) == (
            2, f"medeval: error: trust root {missing}: no such file; give the file of the "
               "laboratory's signing certificate or its CA's (PEM or DER)\n")
        code, said = verify(pdf, key)  # the private key given for the certificate
        assert code == 2
        assert said.startswith(f"medeval: error: trust root {key}: not one X.509 "
                               "certificate (PEM or DER): "), said
        assert said.endswith("give the certificate of the laboratory's signer or of its "
                             "CA, not a private key or a bundle of several\n"), said
    assert verify(signed, cert)[0] == 0  # the signer's own certificate: trusted


def _another_certificate(folder: Path) -> Path:
    """A self-signed certificate of a key of its own (not the signer's)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Another laboratory")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    path = folder / "another.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_a_certificate_of_another_key_is_refused_before_signing(
        certificate: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:
    # pyHanko signed with the key and another key's certificate; the signature never
    # verified ("signature MedevalSignature does not verify"), and 'report --issue --sign'
    # recorded that PDF as the one issued
    from medeval.report import ReportError

    key, _ = signer
    another = _another_certificate(tmp_path)
    with pytest.raises(ReportError) as caught:
        sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=another)
    assert str(caught.value) == (
        f"signing key {key} is not the key of certificate {another} (their public keys "
        "differ): a signature made with it would never verify; give the certificate "
        "issued for this key")
    assert not (tmp_path / "signed.pdf").exists()
    with pytest.raises(ReportError) as caught:
        sign_pdf(certificate, tmp_path / "signed.pdf", key=tmp_path / "missing.pem",
                 cert=another)
    assert str(caught.value) == f"signing key {tmp_path / 'missing.pem'}: no such file"


def test_a_key_that_cannot_be_loaded_prints_no_traceback(
        certificate: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:
    # pyHanko logged "Could not load cryptographic material" and a traceback on
    # standard error, above medeval's one line
    import subprocess
    import sys

    key, _ = signer
    out = tmp_path / "cert.pdf"
    run = subprocess.run([sys.executable, "-m", "medeval", "report",
                          str(certificate.with_name("result.json")), "--out", str(out),
                          "--sign", str(key), "--cert", str(key)],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr == (f"medeval: error: signing key {key} / certificate {key}: cannot "
                          "be loaded; check the files and the passphrase\n")


def test_a_refused_key_leaves_no_unsigned_certificate_where_a_signed_one_was_asked(
        certificate: Path, signer: tuple[Path, Path], tmp_path: Path) -> None:
    # 'medeval report --sign KEY --cert OTHER' rendered the certificate to --out, then
    # refused the key: an unsigned certificate was left where the signed one was asked for
    import subprocess
    import sys

    key, _ = signer
    another = _another_certificate(tmp_path)
    out = tmp_path / "cert.pdf"
    run = subprocess.run([sys.executable, "-m", "medeval", "report",
                          str(certificate.with_name("result.json")), "--out", str(out),
                          "--sign", str(key), "--cert", str(another)],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr == (f"medeval: error: signing key {key} is not the key of certificate "
                          f"{another} (their public keys differ): a signature made with it "
                          "would never verify; give the certificate issued for this key\n")
    assert not out.exists()
