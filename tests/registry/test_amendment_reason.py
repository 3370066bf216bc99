"""An amended certificate prints why it was amended (ISO/IEC 17025 7.8.8.1: "any change
of information shall be clearly identified and, where appropriate, the reason for the
change included in the report"). The registry recorded the reason given to ``medeval
registry amend --reason``, but the certificate printed only which report it replaced.
What the PDF prints is read with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.cli import main
from medeval.report import verify_certificate

from .test_cli import study  # noqa: F401  (the fixture: a certified result, its info)

REASON = "customer's address corrected (was: 87 Digital-ro)"


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


def test_the_amendment_prints_its_reason(study: dict[str, Path], tmp_path: Path,  # noqa: F811
                                         capsys: pytest.CaptureFixture[str]) -> None:
    reg = str(tmp_path / "lab.sqlite")
    first, amended = tmp_path / "first.pdf", tmp_path / "amended.pdf"
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render", str(first),
                 "--info", str(study["info"]), "--registry", reg]) == 0
    assert main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]), "--render",
                 str(amended), "--info", str(study["info"]), "--reason", REASON,
                 "--registry", reg]) == 0
    capsys.readouterr()
    text = _text(amended)
    assert "수정 사유" in text and "Reason for the amendment" in text and REASON in text
    assert "Reason for the amendment" not in _text(first)
    # it is part of the report info the certificate carries: the PDF verifies alone
    assert verify_certificate(amended).status == "genuine"
    assert verify_certificate(first).status == "genuine"


def test_an_info_file_giving_another_reason_is_refused(
        study: dict[str, Path], tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    reg = str(tmp_path / "lab.sqlite")
    info = tmp_path / "info.toml"
    info.write_text('amendment_reason = "another reason"\n' + study["info"].read_text(
        encoding="utf-8"), encoding="utf-8")
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render",
                 str(tmp_path / "a.pdf"), "--info", str(study["info"]),
                 "--registry", reg]) == 0
    code = main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]), "--render",
                 str(tmp_path / "b.pdf"), "--info", str(info), "--reason", REASON,
                 "--registry", reg])
    err = capsys.readouterr().err
    assert code == 2 and "amendment_reason" in err and "nothing was issued" in err
    assert not (tmp_path / "b.pdf").exists()


def test_the_longest_reason_the_registry_takes_verifies(
        study: dict[str, Path], tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    # the registry takes a reason of up to 2,000 characters; a certificate carrying a
    # longer one than the report info allowed (500) failed its own verification
    reg = str(tmp_path / "lab.sqlite")
    reason = "  " + "r" * 1998 + "  "  # 2,002 characters, 1,998 once stripped
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render",
                 str(tmp_path / "a.pdf"), "--info", str(study["info"]),
                 "--registry", reg]) == 0
    amended = tmp_path / "b.pdf"
    assert main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]), "--render",
                 str(amended), "--info", str(study["info"]), "--reason", reason,
                 "--registry", reg]) == 0
    capsys.readouterr()
    assert main(["registry", "show", "LAB-AI-2026-0002", "--registry", reg]) == 0
    assert f"reason             {'r' * 1998}\n" in capsys.readouterr().out
    verdict = verify_certificate(amended)
    assert verdict.status == "genuine", verdict.differences
    assert "r" * 1998 in "".join(_text(amended).split())
