"""PAdES signatures on a certificate, through pyHanko.

:func:`sign_pdf` adds a PAdES baseline signature (CAdES detached, ``ETSI.CAdES.detached``)
as an incremental update, so the signed file begins with the unsigned certificate's exact
bytes and a PDF/A document stays PDF/A. :func:`validate_pdf` checks every signature: the
digest covers the bytes (intact), the signature verifies, and — when trust roots are
given — the signer's certificate chains to one of them.

Order (REFERENCE.md 5): render -> PDF/A fix-up -> sign -> hash.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._atomic import write_named
from ._errors import ReportError

__all__ = ["SignatureCheck", "load_signer", "load_trust_roots", "sign_pdf", "validate_pdf"]


@dataclass(frozen=True)
class SignatureCheck:
    """The validation of one signature.

    Attributes
    ----------
    field : str
        The signature field's name.
    signer : str
        The signer certificate's subject.
    intact : bool
        The signed bytes hash to the signed digest.
    valid : bool
        The cryptographic signature verifies.
    trusted : bool
        The signer's certificate chains to a given trust root.
    covers_whole_file : bool
        Nothing was appended after the signature (or only what the signature allows).
    signed_length : int
        The length of the revision the signature covers (its byte range's end).
    summary : str
        pyHanko's one-line summary.
    untrusted_because : str
        Why the signer is not trusted, in words ("" when it is, or no trust root was
        given): its certificate expired or not yet valid, its key usage, a weak key,
        self-signed, or no chain to a trust root.
    """

    field: str
    signer: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    signed_length: int
    summary: str
    untrusted_because: str = ""

    @property
    def ok(self) -> bool:
        """Intact, valid and covering the whole file."""
        return self.intact and self.valid and self.covers_whole_file


def sign_pdf(
    pdf: str | Path,
    out_pdf: str | Path,
    *,
    key: str | Path,
    cert: str | Path,
    chain: tuple[str | Path, ...] = (),
    passphrase: bytes | None = None,
    reason: str = "Test report issued",
    location: str | None = None,
) -> Path:
    """Sign a PDF with a PAdES signature (incremental update).

    Parameters
    ----------
    pdf : path
        The certificate to sign.
    out_pdf : path
        Where to write the signed PDF (may be ``pdf`` itself).
    key, cert : path
        The signer's private key and certificate (PEM or DER).
    chain : tuple of path
        Intermediate certificates to embed.
    passphrase : bytes, optional
        The key's passphrase.
    reason, location : str
        Recorded in the signature.

    Returns
    -------
    Path

    Raises
    ------
    ReportError
        The key or certificate cannot be read, the PDF cannot be signed, or the signed
        PDF cannot be written.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer(key=key, cert=cert, chain=chain, passphrase=passphrase)
    source = Path(pdf).read_bytes()
    metadata = signers.PdfSignatureMetadata(
        field_name="MedevalSignature", subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256", reason=reason, location=location)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(source))
        output = signers.sign_pdf(writer, metadata, signer=signer)
    except Exception as exc:  # pyHanko raises many kinds on a malformed PDF
        raise ReportError(f"PDF {pdf}: cannot be signed: {exc}") from exc
    target = Path(out_pdf)
    # signed in place: the unsigned stays whole
    write_named(target, output.getvalue(), what="signed PDF", error=ReportError)
    return target


def load_signer(*, key: str | Path, cert: str | Path, chain: tuple[str | Path, ...] = (),
                passphrase: bytes | None = None) -> Any:
    """The signer (pyHanko's ``SimpleSigner``) of a key and its certificate, checked:
    call it before rendering to refuse what :func:`sign_pdf` would refuse, so that a
    failed signing leaves no unsigned certificate where the signed one was asked for.

    Raises
    ------
    ReportError
        A file missing, the key or certificate unreadable, or the certificate another
        key's.
    """
    from pyhanko.sign import signers

    for path, what in ((key, "signing key"), (cert, "certificate"), *(
            (c, "chain certificate") for c in chain)):
        if not Path(path).is_file():  # pyHanko logged a traceback, then said "cannot be
            # loaded; check the files and the passphrase", naming no file in particular
            raise ReportError(f"{what} {path}: no such file")
    try:
        with _quiet_pyhanko():  # it logs its own failure to load with a traceback
            signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call,unused-ignore]
                str(key), str(cert), ca_chain_files=tuple(str(c) for c in chain) or None,
                key_passphrase=passphrase)
    except (OSError, ValueError) as exc:
        raise ReportError(f"signing key {key} / certificate {cert}: cannot be loaded: {exc}; "
                          "give a PEM or DER key and its certificate") from None
    if signer is None:
        raise ReportError(f"signing key {key} / certificate {cert}: cannot be loaded; "
                          "check the files and the passphrase")
    _refuse_another_keys_certificate(signer, key, cert)
    _refuse_an_unfit_certificate(signer, cert)
    return signer


def _refuse_another_keys_certificate(signer: Any, key: str | Path, cert: str | Path) -> None:
    """Refuse a certificate that is not the key's: pyHanko signs with any pair, and the
    signature never verifies ('report --issue --sign' issued a report whose PDF, the
    bytes recorded, failed 'medeval verify': "signature ... does not verify")."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        private = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
        ours = private.public_key().public_bytes(*spki)
        theirs = x509.load_der_x509_certificate(
            signer.signing_cert.dump()).public_key().public_bytes(*spki)
    except Exception as exc:  # a key or certificate cryptography cannot read: refused
        raise ReportError(f"signing key {key} / certificate {cert}: cannot be compared "
                          f"({exc}); give a PEM or DER key and its certificate") from None
    if ours != theirs:
        raise ReportError(f"signing key {key} is not the key of certificate {cert} (their "
                          "public keys differ): a signature made with it would never "
                          "verify; give the certificate issued for this key")


def _refuse_an_unfit_certificate(signer: Any, cert: str | Path) -> None:
    """Refuse a certificate the verifier would not trust (expired, not yet valid, without
    nonRepudiation, a weak key): pyHanko signs with it, and 'report --issue --sign'
    recorded a certificate that 'medeval verify --trust' then refused."""
    from cryptography import x509

    certificate = x509.load_der_x509_certificate(signer.signing_cert.dump())
    unfit = _signer_unfit(certificate)
    if unfit is None:
        return
    if certificate.issuer == certificate.subject and unfit.startswith(_OUT_OF_DATE):
        # pyHanko does not judge a trust root's dates: 'medeval verify --trust' given this
        # very certificate calls the signer trusted, so 'never trusted' was not true
        raise ReportError(
            f"certificate {cert}: {unfit}: it is self-signed, so it can be trusted only as "
            f"its own root (medeval verify --trust {cert}, which does not check a root's "
            "dates), and a verifier that checks dates finds a signature made today outside "
            "its validity period; give a certificate valid today for signing documents")
    raise ReportError(f"certificate {cert}: {unfit}: a signature made with it is never "
                      "trusted (medeval verify --trust refuses it); give a certificate "
                      "valid today for signing documents")


_OUT_OF_DATE = ("its certificate expired on ", "its certificate is valid only from ")


def load_trust_roots(paths: tuple[str | Path, ...]) -> list[Any]:
    """The certificates to trust, each read from its PEM or DER file.

    Raises
    ------
    ReportError
        A file missing, unreadable, or not one X.509 certificate (a private key, say),
        named as the trust root it was given as: pyHanko's words ("Number of certs in
        key.pem should be exactly 1") were reported as the certificate PDF's, "cannot be
        verified", as if the PDF were damaged.
    """
    from pyhanko.keys import load_cert_from_pemder

    roots = []
    for path in paths:
        what = f"trust root {path}"
        try:
            roots.append(load_cert_from_pemder(str(path)))  # type: ignore[no-untyped-call,unused-ignore]
        except FileNotFoundError:
            raise ReportError(f"{what}: no such file; give the file of the laboratory's "
                              "signing certificate or its CA's (PEM or DER)") from None
        except OSError as exc:
            raise ReportError(f"{what}: cannot be read ({exc.strerror or exc})") from None
        except Exception as exc:  # pyHanko and asn1crypto raise ValueError and others
            raise ReportError(f"{what}: not one X.509 certificate (PEM or DER): {exc}; give "
                              "the certificate of the laboratory's signer or of its CA, not "
                              "a private key or a bundle of several") from None
    return roots


@contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs a self-signed or untrusted signer with its traceback (about 20 lines
    on standard error from ``medeval verify``); what it found is in the returned status."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def validate_pdf(
    pdf: str | Path | bytes, *, trust_roots: tuple[str | Path, ...] = ()
) -> tuple[SignatureCheck, ...]:
    """Validate every signature of a PDF; an empty tuple when it has none.

    Raises
    ------
    ReportError
        The PDF cannot be parsed as a signed PDF.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    name = "<bytes>" if isinstance(pdf, bytes) else str(pdf)
    roots = load_trust_roots(trust_roots)
    # no OS trust store, no network: trust only what is given
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        raise ReportError(f"PDF {name}: cannot be read for its signatures: {exc}") from exc
    checks = []
    for signature in signatures:
        # a document time stamp (PAdES-LTA, added after signing) is validated as one:
        # as a signature it failed ("validation failed: Signature object type must be
        # /Sig"), and a certificate with it was called broken
        stamp = signature.sig_object_type == "/DocTimeStamp"
        try:
            with _quiet_pyhanko():  # an untrusted signer is reported in the check, not logged
                status: Any = (validate_pdf_timestamp(signature, context) if stamp
                               else validate_pdf_signature(signature, context))
        except Exception as exc:
            checks.append(SignatureCheck(signature.field_name, "?", False, False, False, False,
                                         0, f"validation failed: {exc}"))
            continue
        byte_range = signature.byte_range
        checks.append(SignatureCheck(
            field=signature.field_name,
            signer=status.signing_cert.subject.human_friendly,
            intact=bool(status.intact),
            valid=bool(status.valid),
            trusted=bool(status.trusted),
            covers_whole_file=_covers_whole_file(status),
            signed_length=int(byte_range[2] + byte_range[3]),
            summary=status.summary(),
            untrusted_because="" if status.trusted or not roots else _untrusted_because(
                status.signing_cert, str(status.trust_problem_indic or "")),
        ))
    return tuple(checks)


def _covers_whole_file(status: Any) -> bool:
    """The signature covers the file, or what follows its revision is validation data or
    a document time stamp (PAdES-LTA). pyHanko calls bytes after the signed revision's
    ``%%EOF`` that are no revision (a line of junk appended) ``ENTIRE_REVISION`` with
    modification level ``NONE``: they were taken for nothing added, and such a file was
    genuine where the same bytes after an unsigned certificate were named."""
    coverage = status.coverage.name if status.coverage is not None else None
    if coverage == "ENTIRE_FILE":
        return True
    level = status.modification_level
    return coverage == "ENTIRE_REVISION" and level is not None \
        and level.name == "LTA_UPDATES"


def _untrusted_because(signing_cert: Any, indication: str) -> str:
    """Why pyHanko did not trust a signer, in words: "not trusted" alone left the reader
    to guess whether the certificate had expired, was made for another use or simply
    came from another CA. Validation is at the present time, without revocation data."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(signing_cert.dump())
    unfit = _signer_unfit(cert)
    if unfit is not None:
        expired = unfit.startswith("its certificate expired")
        return unfit + (" (no time stamp in the PDF shows the signature was made before)"
                        if expired else "")
    if cert.issuer == cert.subject:
        return "its certificate is self-signed and is none of the trust roots given"
    if "NO_CERTIFICATE_CHAIN_FOUND" in indication:
        return (f"no chain leads from it to a trust root given: its issuer "
                f"{cert.issuer.rfc4514_string()} is no trust root given, and no certificate "
                "the PDF carries leads to one (sign with --chain for an intermediate CA, or "
                "give the laboratory's root CA with --trust)")
    return f"its certificate chain was not accepted ({indication.rsplit('.', 1)[-1]})"


def _signer_unfit(cert: Any) -> str | None:
    """What makes a signer's certificate (``cryptography``'s) unfit to sign today, as
    pyHanko's validation judges it: out of its validity period, a key usage without
    nonRepudiation (pyHanko's default for a signer a CA issued; no key usage extension
    at all is refused too; a self-signed signer, trusted as a root given, is not judged
    on its key usage), an RSA or DSA key under 2048 bits."""
    import datetime

    from cryptography.hazmat.primitives.asymmetric import dsa, rsa

    now = datetime.datetime.now(datetime.timezone.utc)
    if cert.not_valid_after_utc < now:
        return f"its certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
    if cert.not_valid_before_utc > now:
        return f"its certificate is valid only from {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
    if cert.issuer != cert.subject:  # a self-signed one is trusted as a root given,
        usage = _key_usage(cert)  # and pyHanko does not judge a root's key usage
        if usage is None:  # pyHanko then sees no key usage at all: refused too
            return ("its certificate has no key usage extension, so no nonRepudiation "
                    "(contentCommitment), which a signature on a document needs")
        if not usage.content_commitment:
            return ("its certificate's key usage lacks nonRepudiation (contentCommitment), "
                    "which a signature on a document needs")
    key = cert.public_key()
    if isinstance(key, (rsa.RSAPublicKey, dsa.DSAPublicKey)) and key.key_size < 2048:
        return f"its key ({key.key_size} bits) is too weak: 2048 bits or more are needed"
    return None


def _key_usage(cert: Any) -> Any:
    """The certificate's KeyUsage (``cryptography``'s), None without the extension."""
    from cryptography import x509

    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
