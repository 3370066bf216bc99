"""A certificate rendered by ``medeval registry issue|amend --render`` prints the tester
and approver the registry records for it (README: the registry records "the tester,
approver and date of issue, that it prints").

Found as a recipient: ``registry issue RESULT --render CERT.pdf --tester Lee --approver
Park`` recorded Lee and Park while the PDF printed "기재 없음 / not given" for both; and
``registry amend OLD RESULT --render CERT.pdf --reason ...`` without ``--info`` (the
README's example) recorded the old report's tester and approver while the amendment
printed none. What the PDF prints is read with pypdf, not with medeval.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.cli import main
from medeval.registry import Registry
from medeval.report import verify_certificate

from .test_cli import study  # noqa: F401  (the fixture: a certified result, its info)


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


def _record(reg: str, number: str) -> tuple[str | None, str | None]:
    with Registry.open(reg) as registry:
        record = registry.get(number)
    assert record is not None
    return record.tester, record.approver


def _issued_with_info(study: dict[str, Path], tmp_path: Path) -> str:  # noqa: F811
    """A new registry holding LAB-AI-2026-0001, rendered with the study's info (its people
    홍길동 and 김철수); returns the registry's path."""
    reg = str(tmp_path / "lab.sqlite")
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render",
                 str(tmp_path / "a.pdf"), "--info", str(study["info"]),
                 "--registry", reg]) == 0
    return reg


def test_people_given_as_options_are_printed(study: dict[str, Path],  # noqa: F811
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    reg = str(tmp_path / "lab.sqlite")
    cert = tmp_path / "cert.pdf"
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render", str(cert),
                 "--tester", "Lee Minho", "--approver", "Park Jiwoo",
                 "--issue-date", "2026-11-27", "--registry", reg]) == 0, \
        capsys.readouterr().err
    assert _record(reg, "LAB-AI-2026-0001") == ("Lee Minho", "Park Jiwoo")
    text = _text(cert)
    assert "Lee Minho" in text and "Park Jiwoo" in text
    assert "not given Tested by" not in text  # before: both rows printed "not given"
    assert verify_certificate(cert).status == "genuine"


def test_an_option_naming_another_than_the_info_is_what_is_printed(
        study: dict[str, Path], tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    reg = str(tmp_path / "lab.sqlite")
    cert = tmp_path / "cert.pdf"
    assert main(["registry", "init", "--registry", reg]) == 0
    assert main(["registry", "issue", str(study["result"]), "--render", str(cert),
                 "--info", str(study["info"]), "--tester", "Lee Minho",
                 "--registry", reg]) == 0, capsys.readouterr().err
    tester, approver = _record(reg, "LAB-AI-2026-0001")
    assert (tester, approver) == ("Lee Minho", "김철수 (Kim Cheolsu)")
    text = _text(cert)
    # the info's tester (홍길동) is not printed as the one who tested: Lee is recorded
    assert "Lee Minho" in text and "Hong Gildong" not in text
    assert "Kim Cheolsu" in text and "Technical manager" in text  # the info's, kept


def test_an_amendment_rendered_without_people_is_refused(
        study: dict[str, Path], tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    reg = _issued_with_info(study, tmp_path)
    capsys.readouterr()
    amended = tmp_path / "b.pdf"
    code = main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]), "--render",
                 str(amended), "--issue-date", "2026-11-28", "--reason", "address corrected",
                 "--registry", reg])
    err = capsys.readouterr().err
    # before: exit 0, the registry recording 홍길동 and 김철수 for LAB-AI-2026-0002 and
    # its PDF printing no tester and no approver at all
    assert code == 2 and "the tester of the report is not given" in err, err
    assert "nothing was issued" in err and not amended.exists()
    with Registry.open(reg) as registry:
        assert registry.get("LAB-AI-2026-0002") is None
    # with the people named, it is issued, and prints the ones it records
    assert main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]), "--render",
                 str(amended), "--issue-date", "2026-11-28", "--reason", "address corrected",
                 "--tester", "Lee Minho", "--approver", "Park Jiwoo",
                 "--registry", reg]) == 0, capsys.readouterr().err
    assert _record(reg, "LAB-AI-2026-0002") == ("Lee Minho", "Park Jiwoo")
    text = _text(amended)
    assert "Lee Minho" in text and "Park Jiwoo" in text


def test_a_certificate_rendered_beforehand_without_people_is_not_registered(
        study: dict[str, Path], tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    # Found reviewing 449080c (the same mismatch, for a PDF rendered beforehand): an
    # amendment rendered with `medeval report` printing '기재 없음 / not given' for both
    # people, registered with `registry amend OLD RESULT CERT.pdf --number ...`, was
    # recorded with the replaced report's tester and approver, and with --tester and
    # --approver with those; neither is printed (pypdf)
    reg = _issued_with_info(study, tmp_path)
    info = tmp_path / "amendment.toml"
    info.write_text('issue_date = "2026-11-28"\nreport_number = "LAB-AI-2026-0002"\n'
                    'replaces = "LAB-AI-2026-0001"\namendment = 1\n'
                    'amendment_reason = "address corrected"\n', encoding="utf-8")
    amended = tmp_path / "b.pdf"
    assert main(["report", str(study["result"]), "--info", str(info), "--out",
                 str(amended)]) == 0
    text = _text(amended)
    assert "Tested by 기재 없음 / not given" in text, text
    assert "Technical manager (approved by) 기재 없음 / not given" in text
    capsys.readouterr()
    for people, recorded in (([], "the tester of LAB-AI-2026-0001, which it replaces"),
                             (["--tester", "Lee Minho", "--approver", "Park Jiwoo"],
                              "'Lee Minho'")):
        code = main(["registry", "amend", "LAB-AI-2026-0001", str(study["result"]),
                     str(amended), "--number", "LAB-AI-2026-0002", "--reason",
                     "address corrected", *people, "--registry", reg])
        err = capsys.readouterr().err
        assert code == 2, err  # before: 0, and the people below recorded
        assert (f"certificate {amended} prints no tester (its report info names none), but "
                f"the registry would record {recorded}") in err, err
        with Registry.open(reg) as registry:
            assert registry.get("LAB-AI-2026-0002") is None
