"""verify as a tester meets it: a result file written otherwise (same numbers), and a
certificate signed with the laboratory's own self-signed key, checked from the command
line (standard error read as the tester reads it)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from medeval.report import verify_certificate


def test_a_re_indented_result_verifies_its_certificate(certified: Path, certificate: Path,
                                                       tmp_path: Path) -> None:
    flat = tmp_path / "result.json"
    flat.write_text(json.dumps(json.loads(certified.read_bytes())))  # one line, no indent
    assert flat.read_bytes() != certified.read_bytes()
    assert json.loads(flat.read_bytes()) == json.loads(certified.read_bytes())
    verdict = verify_certificate(flat, certificate)
    # before: "its bytes differ ... in PDF object .., embedded file stream of result.json:
    # the PDF was altered" although neither the PDF nor a number had changed
    assert verdict.status == "genuine", verdict.problems


def test_a_changed_number_is_still_named(certified: Path, certificate: Path,
                                         tmp_path: Path) -> None:
    data = json.loads(certified.read_bytes())
    data["metrics"]["sensitivity"]["low"] += 0.1  # printed with 4 decimals: 0.1 more
    changed = tmp_path / "result.json"
    changed.write_text(json.dumps(data))
    verdict = verify_certificate(changed, certificate)
    assert verdict.status == "altered"
    assert any("metrics.sensitivity" in p for p in verdict.problems), verdict.problems


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Technical manager")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_verify_of_a_self_signed_certificate_prints_no_traceback(
        certificate: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyhanko")
    from medeval.report import sign_pdf

    key, cert = _self_signed(tmp_path)
    signed = sign_pdf(certificate, tmp_path / "signed.pdf", key=key, cert=cert)
    run = subprocess.run([sys.executable, "-m", "medeval", "verify", str(signed)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    # anyone can sign with a certificate of their own making: without trust roots the
    # signature is intact, not valid (it said "signature valid")
    assert "signature valid" not in run.stdout
    assert "(signature intact; its signer was not checked: give --trust CA.pem)" in run.stdout
    assert "not checked: that the laboratory named issued it" in run.stdout
    # before: pyHanko's log of the self-signed signer, 20 lines with two tracebacks
    assert run.stderr == ""
    trusted = subprocess.run([sys.executable, "-m", "medeval", "verify", str(signed),
                              "--trust", str(cert)], capture_output=True, text=True)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert "(signature valid, signer trusted)" in trusted.stdout
    assert "not checked: that the laboratory named issued it" not in trusted.stdout


def test_a_damaged_certificate_is_verified_without_pypdf_s_repair_log(
        certificate: Path, tmp_path: Path) -> None:
    # 500 bytes of the file repeated in its middle: every cross-reference offset after them
    # is wrong, and pypdf logs its repair ("incorrect startxref pointer(1)", "parsing for
    # Object Streams") - on the terminal, above medeval's own message, before
    payload = certificate.read_bytes()
    middle = len(payload) // 3
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(payload[:middle] + payload[middle:middle + 500] + payload[middle:])
    run = subprocess.run([sys.executable, "-m", "medeval", "verify", str(damaged)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stderr.startswith("medeval: verification failed: "), run.stderr
    assert "startxref" not in run.stderr and "Object Streams" not in run.stderr


def _locked(certificate: Path, folder: Path) -> Path:
    """The certificate encrypted by pypdf with a password to open it, as a PDF program's
    "protect with a password" writes it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(certificate))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    locked = folder / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    assert PdfReader(locked).is_encrypted  # pypdf itself cannot open it without "secret"
    return locked


def test_a_certificate_locked_with_a_password_is_named_so(
        certified: Path, certificate: Path, tmp_path: Path) -> None:
    # before: "a damaged PDF that cannot be read (File has not been decrypted)", naming
    # neither the password nor what to give instead
    locked = _locked(certificate, tmp_path)
    run = subprocess.run([sys.executable, "-m", "medeval", "verify", str(locked)],
                         capture_output=True, text=True)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr == (
        f"medeval: error: certificate {locked}: it is encrypted with a password, which "
        "medeval never sets on a certificate (other software encrypted it); give the PDF "
        "as the laboratory issued it\n")
    # with its result: the first difference says the same
    verdict = verify_certificate(certified, locked)
    assert verdict.status == "altered"
    assert verdict.problems[0] == (
        f"certificate {locked}: cannot be read as a PDF: it is encrypted with a password, "
        "which medeval never sets on a certificate (other software encrypted it); give "
        "the PDF as the laboratory issued it")


def test_a_file_that_is_no_pdf_given_with_its_result_is_named_so(
        certified: Path, tmp_path: Path) -> None:
    # before: alone it was "not a PDF", but beside its result it was a verdict "altered"
    # (exit 1) with pypdf's "Stream has ended unexpectedly" and "no result fingerprint"
    from medeval.report import ReportError

    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"minutes of the meeting, not a certificate")
    with pytest.raises(ReportError) as caught:
        verify_certificate(certified, notes)
    # the first 16 bytes, as the refusal of a file given alone quotes them
    assert str(caught.value) == (f"certificate {notes}: not a PDF (it begins with "
                                 "b'minutes of the m', not %PDF-); give the certificate's "
                                 "PDF file")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    run = subprocess.run([sys.executable, "-m", "medeval", "verify", str(certified),
                          str(empty)], capture_output=True, text=True)
    assert (run.returncode, run.stderr) == (
        2, f"medeval: error: certificate {empty}: the file is empty, not a PDF\n")


def test_the_certificate_given_before_its_result_is_named_so(
        certified: Path, certificate: Path) -> None:
    # before: "verification failed: result certificate.pdf: not valid JSON: 'utf-8'
    # codec can't decode byte ...", exit 1, as if a result had been found altered
    def verify(*paths: Path) -> tuple[int, str]:
        run = subprocess.run([sys.executable, "-m", "medeval", "verify",
                              *map(str, paths)], capture_output=True, text=True)
        return run.returncode, run.stderr

    assert verify(certificate, certified) == (
        2, f"medeval: error: verify: {certificate} is a PDF and {certified} is not: the "
           f"result comes first: medeval verify {certified} {certificate}\n")
    assert verify(certificate, certificate) == (
        2, f"medeval: error: verify: {certificate} is a PDF, not a result: give the result "
           "and its certificate (medeval verify RESULT.json CERT.pdf), or one certificate "
           f"alone (medeval verify {certificate})\n")
    assert verify(certified, certificate)[0] == 0  # the order the usage gives


def test_a_certificate_encrypted_without_a_password_names_the_encryption(
        certificate: Path) -> None:
    # readable by every viewer (an empty password to open it, as 'restrict editing'
    # writes it), it was "altered" at "byte 32 (in PDF object 1 0, /Catalog)" only
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(certificate))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).is_encrypted
    verdict = verify_certificate(out.getvalue())
    assert verdict.status == "altered"
    assert verdict.differences[0] == ("the uploaded file: it is encrypted (with no password "
                                      "to open it), which medeval never does: other "
                                      "software saved it again")
    assert verify_certificate(certificate).differences == ()  # medeval's own: none
