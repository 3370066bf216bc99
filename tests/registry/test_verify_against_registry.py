"""``medeval verify CERT.pdf --registry URL``: the certificate verified, then looked up in
the laboratory's registry. Before, ``medeval verify`` said "OK ... genuine" (exit 0) for
a withdrawn report's certificate, an amended one's, and a certificate rendered again
from an issued one's attachments with another approver; the registry's word was only on
the web page. Statuses come from what the test did to the registry, SHA-256 from
hashlib."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.cli import main
from medeval.report import render_certificate

from .test_cli import study  # noqa: F401  (the fixture: a certified result, its info)


@pytest.fixture(scope="module")
def amended(study: dict[str, Path],  # noqa: F811
            tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder: registry lab.sqlite, where report LAB-AI-2026-0001 (first.pdf, issued)
    was amended by LAB-AI-2026-0002 (second.pdf, 'address corrected'). Made once for the
    module; each test works on a copy of its own (``_copy``)."""
    folder = tmp_path_factory.mktemp("amended")
    reg = str(folder / "lab.sqlite")
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render",
                 str(folder / "first.pdf"), "--info", str(study["info"]),
                 "--registry", reg]) == 0
    assert main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]), "--render",
                 str(folder / "second.pdf"), "--info", str(study["info"]), "--reason",
                 "address corrected", "--registry", reg]) == 0
    return folder


def _copy(amended: Path, tmp_path: Path) -> tuple[str, Path, Path]:
    """The module's amended registry and its two PDFs copied into ``tmp_path``."""
    for made in amended.iterdir():  # the registry (and any journal SQLite left) and PDFs
        shutil.copy2(made, tmp_path / made.name)
    return str(tmp_path / "lab.sqlite"), tmp_path / "first.pdf", tmp_path / "second.pdf"


def _verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["verify", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_verify_says_what_the_registry_says(study: dict[str, Path],  # noqa: F811
                                            amended: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    reg, first, second = _copy(amended, tmp_path)
    capsys.readouterr()

    code, out, err = _verify(capsys, str(second), "--registry", reg)
    assert code == 0, err
    assert "report LAB-AI-2026-0002 stands (issued 2026-11-27); these are the bytes issued" \
        in out
    assert "not checked: that the laboratory named issued it" not in out  # it was
    # alone it is genuine; against the registry the first is amended
    assert _verify(capsys, str(first))[0] == 0
    code, out, err = _verify(capsys, str(first), "--registry", reg)
    assert code == 1 and out == ""
    assert ("report LAB-AI-2026-0001 was amended on " in err
            and "report LAB-AI-2026-0002 replaces it (address corrected)" in err)

    assert main(["registry", "withdraw", "LAB-AI-2026-0002", "--reason",
                 "reference standard found wrong", "--registry", reg]) == 0
    capsys.readouterr()
    code, _, err = _verify(capsys, str(second), "--registry", reg)
    assert code == 1 and "report LAB-AI-2026-0002 was withdrawn on " in err
    assert "reference standard found wrong" in err

    # the withdrawn report's certificate rendered again from what it carries, approver
    # changed: it verifies alone, but is not the PDF issued
    payload = second.read_bytes()
    attached = PdfReader(io.BytesIO(payload)).attachments
    info = json.loads(attached["report-info.json"][0])
    info["approved_by"] = {"name": "Somebody Else"}
    result = tmp_path / "result.json"
    result.write_bytes(attached["result.json"][0])
    forged = render_certificate(result, tmp_path / "forged.pdf", report_info=info)
    assert _verify(capsys, str(forged))[0] == 0
    code, _, err = _verify(capsys, str(forged), "--registry", reg)
    assert code == 1
    assert (f"is not the PDF issued as report LAB-AI-2026-0002 (SHA-256 "
            f"{hashlib.sha256(forged.read_bytes()).hexdigest()}; the registry records "
            f"{hashlib.sha256(payload).hexdigest()})") in err

    # a registry that never issued it; a result without its certificate
    other = str(tmp_path / "other.sqlite")
    assert main(["registry", "init", "--registry", other]) == 0
    capsys.readouterr()
    code, _, err = _verify(capsys, str(second), "--registry", other)
    assert code == 1 and "report LAB-AI-2026-0002 is not in the registry" in err
    code, _, err = _verify(capsys, str(study["result"]), "--registry", reg)
    assert code == 2 and "--registry looks a certificate up: give CERT.pdf" in err


def test_verify_names_where_a_chain_of_amendments_ends_and_an_appended_signature(
        study: dict[str, Path], amended: Path, tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    # before: the first report of a chain said only "report ...-0002 replaces it",
    # though 0002 was amended in turn; and the PDF issued with a signature appended
    # was "rendered again with other report info or run context, or changed", where
    # the page names it as the PDF issued with an update appended
    from medeval.report import sign_pdf

    from .test_cli import _key_and_certificate

    reg, first, second = _copy(amended, tmp_path)  # 0001 amended by 0002
    pdfs = [first, second, tmp_path / "third.pdf"]
    assert main(["registry", "amend", "LAB-AI-2026-0002", str(study["result"]), "--render",
                 str(pdfs[2]), "--info", str(study["info"]), "--reason",
                 "address corrected", "--registry", reg]) == 0
    capsys.readouterr()
    code, _, err = _verify(capsys, str(pdfs[0]), "--registry", reg)
    assert code == 1
    assert err == ("medeval: verification failed: report LAB-AI-2026-0001 was amended on "
                   f"{_today(reg, 'LAB-AI-2026-0001')}: report LAB-AI-2026-0002 replaces it "
                   "(address corrected); amended again since, the report that stands now "
                   "is LAB-AI-2026-0003\n")
    code, _, err = _verify(capsys, str(pdfs[1]), "--registry", reg)  # the next is the end
    assert code == 1 and err.endswith("report LAB-AI-2026-0003 replaces it (address "
                                      "corrected)\n"), err

    key, cert = _key_and_certificate(tmp_path, "someone")
    signed = sign_pdf(pdfs[2], tmp_path / "signed.pdf", key=key, cert=cert)
    appended = len(signed.read_bytes()) - len(pdfs[2].read_bytes())
    assert signed.read_bytes()[:len(pdfs[2].read_bytes())] == pdfs[2].read_bytes()
    code, _, err = _verify(capsys, str(signed), "--registry", reg)
    assert code == 1
    assert err == (f"medeval: verification failed: certificate {signed} is the PDF issued "
                   f"as report LAB-AI-2026-0003 with {appended} bytes appended after it (an "
                   "incremental update: a signature, or a change to its pages or "
                   "attachments) that the registry does not record\n")

    assert main(["registry", "withdraw", "LAB-AI-2026-0003", "--reason", "wrong set",
                 "--registry", reg]) == 0
    capsys.readouterr()
    code, _, err = _verify(capsys, str(pdfs[0]), "--registry", reg)
    assert code == 1 and err.endswith(
        "; its last amendment, LAB-AI-2026-0003, was withdrawn since: no report of this "
        "chain stands\n"), err
    # the report that replaced it directly, withdrawn: said too (it said only "report
    # LAB-AI-2026-0003 replaces it", sending the reader to a withdrawn report)
    code, _, err = _verify(capsys, str(pdfs[1]), "--registry", reg)
    assert code == 1 and err.endswith(
        "report LAB-AI-2026-0003 replaces it (address corrected); that report was "
        "withdrawn since: no report of this chain stands\n"), err


def _today(registry: str, number: str) -> str:
    """The day the registry recorded the change of a report's status (UTC)."""
    from medeval.registry import Registry

    with Registry.open(registry) as opened:
        record = opened.get(number)
    assert record is not None and record.status_changed_at is not None
    return record.status_changed_at.date().isoformat()
