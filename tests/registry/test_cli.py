"""``medeval registry ...`` as a tester uses it: on a real certified result, rendering
real certificates; what the PDF prints is read with pypdf, its hash with hashlib."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.cli import main
from medeval.errors import RegistryError
from medeval.registry import Registry, Status
from medeval.report import render_certificate
from medeval.report.info import load_report_info
from medeval.report.pdf import certificate_pdf
from medeval.result import write_result

from ..report.conftest import INFO, _as_runner, _binary_study, dated_26_november


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A certified result, a pre-check result and the report info (tests/report's)."""
    folder = tmp_path_factory.mktemp("registry-cli")
    certified = _as_runner(medeval.evaluate(_binary_study(folder / "c", "certificate"),
                                            folder / "c" / "predictions"))
    certified = dated_26_november(certified)
    precheck = dated_26_november(medeval.evaluate(_binary_study(folder / "p", "pre-check"),
                                                  folder / "p" / "predictions"))
    info = folder / "info.toml"
    info.write_text(INFO, encoding="utf-8")
    return {"result": write_result(certified, folder / "out" / "result.json"),
            "precheck": write_result(precheck, folder / "pre" / "result.json"),
            "info": info}


@pytest.fixture(scope="module")
def printed_007(study: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The certified result's certificate rendered beforehand: report KTL-2026-007,
    issued 2026-11-27, tester Hong, approver Kim. Rendered once for the module; each test
    registers a copy of its own (shutil.copy into its tmp_path)."""
    return render_certificate(study["result"], tmp_path_factory.mktemp("printed-007")
                              / "printed.pdf", report_info={
        "report_number": "KTL-2026-007", "issue_date": "2026-11-27",
        "tested_by": {"name": "Hong"}, "approved_by": {"name": "Kim"}})


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["registry", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _first_page(pdf: Path) -> str:
    return PdfReader(pdf).pages[0].extract_text()


def test_issue_amend_withdraw_through_the_command_line(study, tmp_path, capsys):
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    cert = tmp_path / "cert.pdf"
    code, out, err = _run(capsys, "issue", str(study["result"]), "--render", str(cert),
                          "--info", str(study["info"]), "--registry", reg)
    assert code == 0, err
    # the info's date of issue (2026-11-27) gives the year; the PDF prints the number
    assert out.startswith("issued LAB-AI-2026-0001  sha256:")
    assert "LAB-AI-2026-0001" in _first_page(cert)
    digest = hashlib.sha256(cert.read_bytes()).hexdigest()
    assert f"pdf sha256:{digest}" in out
    fingerprint = medeval.verify_result(study["result"])
    assert f"sha256:{fingerprint}" in out

    amended = tmp_path / "cert-amended.pdf"
    code, out, err = _run(capsys, "amend", "LAB-AI-2026-0001", str(study["result"]),
                          "--render", str(amended), "--info", str(study["info"]),
                          "--reason", "customer's address corrected", "--registry", reg)
    assert code == 0, err
    assert out.startswith("amended  LAB-AI-2026-0001 -> LAB-AI-2026-0002")
    page = " ".join(_first_page(amended).split())
    assert "LAB-AI-2026-0002" in page and "LAB-AI-2026-0001" in page  # names the old one
    # ISO/IEC 17025 7.8.8.2: the amendment says so on its first page, in both languages
    assert "Amendment 1 to report LAB-AI-2026-0001; it replaces that report." in page
    assert "이 성적서는 성적서 LAB-AI-2026-0001의 수정본 1이며" in page
    assert "Amendment" not in _first_page(cert)
    assert main(["verify", str(amended)]) == 0  # the amendment's number is in its info

    code, out, _ = _run(capsys, "show", "LAB-AI-2026-0001", "--registry", reg)
    shown = dict(line.split(None, 1) for line in out.splitlines() if len(line.split()) > 1)
    assert shown["status"] == "amended" and shown["replaced_by"] == "LAB-AI-2026-0002"
    assert shown["tester"] == "홍길동 (Hong Gildong)"
    assert shown["customer"] == "Example Medical AI Co., Ltd."
    assert shown["test_id"] == "KTL-2026-0001" and shown["issue_date"] == "2026-11-27"

    code, out, _ = _run(capsys, "withdraw", "LAB-AI-2026-0002", "--reason",
                        "reference standard found wrong", "--registry", reg)
    assert code == 0 and out == "withdrawn LAB-AI-2026-0002: reference standard found wrong\n"
    code, out, err = _run(capsys, "list", "--registry", reg)
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["LAB-AI-2026-0001", "amended"], ["LAB-AI-2026-0002", "withdrawn"]]
    assert "2 report(s)" in err
    code, out, _ = _run(capsys, "export", "-", "--status", "withdrawn", "--registry", reg)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["number"], r["reason"], r["replaces"]) for r in rows] == [
        ("LAB-AI-2026-0002", "reference standard found wrong", "LAB-AI-2026-0001")]
    assert rows[0]["pdf_sha256"] == hashlib.sha256(amended.read_bytes()).hexdigest()


def test_a_certificate_rendered_beforehand_is_registered_by_its_number(
        study, printed_007, tmp_path, capsys, monkeypatch):
    reg = tmp_path / "lab.sqlite"
    monkeypatch.setenv("MEDEVAL_REGISTRY", str(reg))  # no --registry: the variable
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq:03d}")[0] == 0
    printed = Path(shutil.copy(printed_007, tmp_path / "printed.pdf"))
    code, _, err = _run(capsys, "issue", str(study["result"]), str(printed),
                        "--number", "KTL-2026-008", "--tester", "Hong", "--approver", "Kim")
    assert code == 2 and "does not print its report number KTL-2026-008" in err
    # without --number: the number its attached report info gives (the one it prints),
    # with the people and the day it prints
    code, out, err = _run(capsys, "issue", str(study["result"]), str(printed))
    assert code == 0, err
    assert out.startswith("issued KTL-2026-007  sha256:")
    with Registry.open(reg) as registry:
        record = registry.get("KTL-2026-007")
        assert record is not None and record.status is Status.ISSUED
        assert record.pdf_sha256 == hashlib.sha256(printed.read_bytes()).hexdigest()
        assert (record.tester, record.approver, str(record.issue_date)) == (
            "Hong", "Kim", "2026-11-27")
        drawn = registry.issue(fingerprint=hashlib.sha256(b"next").hexdigest(),
                               pdf_sha256=hashlib.sha256(b"pdf").hexdigest(), test_id="T",
                               customer="C", tester="Hong", approver="Kim",
                               issue_date="2026-12-01")
    assert drawn.number == "KTL-2026-008"  # the counter moved past the printed number


def test_what_the_command_line_refuses(study, tmp_path, capsys):
    reg = str(tmp_path / "lab.sqlite")
    code, _, err = _run(capsys, "list", "--registry", reg)
    assert code == 2 and "no such file" in err and "registry init" in err
    not_registry = tmp_path / "notes.sqlite"
    not_registry.write_bytes(b"these are notes, not a database" * 50)
    code, _, err = _run(capsys, "list", "--registry", str(not_registry))
    assert code == 2 and "file is not a database" in err and "Traceback" not in err
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    code, _, err = _run(capsys, "init", "--registry", reg)
    assert code == 2 and "exists already" in err
    code, _, err = _run(capsys, "issue", str(study["precheck"]), "--render",
                        str(tmp_path / "x.pdf"), "--registry", reg, "--tester", "a",
                        "--approver", "b")
    assert code == 2 and "a pre-check, not a certified run" in err
    code, _, err = _run(capsys, "issue", str(study["result"]), "--registry", reg)
    assert code == 2 and "one of the two" in err
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render",
                        str(tmp_path / "x.pdf"), "--registry", reg)
    assert code == 2 and "the tester of the report is not given: pass --tester" in err
    assert "[tested_by] name" in err
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render",
                        str(blocked / "cert.pdf"), "--info", str(study["info"]),
                        "--registry", reg)
    assert code == 2 and "cannot be written" in err and "no report was issued" in err
    code, _, err = _run(capsys, "show", "LAB'; DROP TABLE medeval_reports;--",
                        "--registry", reg)
    assert code == 2 and "only letters, digits" in err
    code, _, err = _run(capsys, "show", "X" * 10_000, "--registry", reg)
    assert code == 2 and "longer than 64" in err and len(err) < 300
    code, _, err = _run(capsys, "withdraw", "LAB-AI-2026-0001", "--reason", "x",
                        "--registry", reg)
    assert code == 2 and "not in the registry" in err
    with Registry.open(reg) as registry:
        assert registry.list() == ()  # nothing issued by any of the above


#: Runs the command line with the registry extra's packages hidden (as after a plain
#: ``pip install medeval``).
WITHOUT_EXTRA = """
import importlib.abc, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("sqlalchemy", "alembic", "psycopg"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
from medeval.cli import main
code = main(["registry", "list", "--registry", sys.argv[1]])
sys.exit(code)
"""


def test_without_the_extra_the_command_line_says_what_to_install(tmp_path):
    done = subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, str(tmp_path / "r.sqlite")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "needs the 'registry' extra: pip install 'medeval[registry]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_report_issue_draws_prints_records_and_verifies(study, tmp_path, capsys):
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    cert, html = tmp_path / "cert.pdf", tmp_path / "cert.html"
    code = main(["report", str(study["result"]), "--out", str(cert), "--info",
                 str(study["info"]), "--html", str(html), "--issue", "--registry", reg])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("issued LAB-AI-2026-0001  sha256:")
    assert "LAB-AI-2026-0001" in _first_page(cert)
    assert "LAB-AI-2026-0001" in html.read_text(encoding="utf-8")
    with Registry.open(reg) as registry:
        record = registry.get("LAB-AI-2026-0001")
    assert record is not None
    assert record.pdf_sha256 == hashlib.sha256(cert.read_bytes()).hexdigest()
    assert record.tester == "홍길동 (Hong Gildong)" and record.issue_date.isoformat() == \
        "2026-11-27"
    # the issued certificate verifies alone (it carries the report info it printed)
    assert main(["verify", str(cert)]) == 0, capsys.readouterr().err
    assert "LAB-AI-2026-0001" in capsys.readouterr().out
    code = main(["report", str(study["result"]), "--out", str(cert), "--registry", reg])
    assert code == 2 and "--registry goes with --issue" in capsys.readouterr().err
    code = main(["report", str(study["result"]), "--out", str(tmp_path / "again.pdf"),
                 "--info", str(study["info"]), "--issue", "--registry", reg])
    assert code == 2 and "already issued as LAB-AI-2026-0001" in capsys.readouterr().err
    assert not (tmp_path / "again.pdf").exists()
    # without signatories: refused before a number is drawn, naming the info's keys
    # (medeval report has no --tester flag to suggest)
    code = main(["report", str(study["result"]), "--out", str(tmp_path / "none.pdf"),
                 "--issue", "--registry", str(tmp_path / "other.sqlite")])
    err = capsys.readouterr().err
    assert code == 2 and "the tester of the report is not given: give [tested_by]" in err
    assert not (tmp_path / "none.pdf").exists() and not (tmp_path / "other.sqlite").exists()


@pytest.mark.parametrize("line, field, says", [
    ('report_number = "LAB-AI-2026-0042"', "report_number", "LAB-AI-2026-0042"),
    ('replaces = "LAB-AI-2025-0009"', "replaces", "LAB-AI-2025-0009"),
    ("amendment = 2", "amendment", "2"),
])
def test_an_info_file_numbering_otherwise_than_the_registry_is_refused(
        study, tmp_path, capsys, line, field, says):
    """The registry numbers the report: an info file that sets report_number, replaces
    or amendment to something else is refused, nothing issued, no PDF left behind."""
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    info = tmp_path / "info.toml"
    # the keys go at the top, before the [tested_by] table (TOML)
    info.write_text(line + "\n" + study["info"].read_text(encoding="utf-8"),
                    encoding="utf-8")
    cert = tmp_path / "cert.pdf"
    code, out, err = _run(capsys, "issue", str(study["result"]), "--render", str(cert),
                          "--info", str(info), "--registry", reg)
    assert code == 2 and out == ""
    # the registry would have drawn LAB-AI-2026-0001, an original (no replaces, amendment 0)
    assert f"{field} {says}" in err and "LAB-AI-2026-0001" in err, err
    assert not cert.exists() and list(tmp_path.glob(".cert.pdf*")) == []
    with Registry.open(reg) as registry:
        assert registry.list() == ()
    # the same through medeval report --issue
    code = main(["report", str(study["result"]), "--out", str(cert), "--info", str(info),
                 "--issue", "--registry", reg])
    err = capsys.readouterr().err
    assert code == 2 and f"{field} {says}" in err, err
    with Registry.open(reg) as registry:
        assert registry.list() == ()


def test_an_info_file_agreeing_with_the_registry_is_accepted(study, tmp_path, capsys):
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    info = tmp_path / "info.toml"
    info.write_text('report_number = "LAB-AI-2026-0001"\n'
                    + study["info"].read_text(encoding="utf-8"), encoding="utf-8")
    cert = tmp_path / "cert.pdf"
    code, out, err = _run(capsys, "issue", str(study["result"]), "--render", str(cert),
                          "--info", str(info), "--registry", reg)
    assert code == 0, err
    assert out.startswith("issued LAB-AI-2026-0001  ")


def test_a_printed_certificate_with_an_info_naming_another_number_is_refused(
        study, printed_007, tmp_path, capsys):
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg, "--pattern", "KTL-{year}-{seq:03d}")[0] == 0
    printed = Path(shutil.copy(printed_007, tmp_path / "printed.pdf"))
    info = tmp_path / "info.toml"
    info.write_text('report_number = "KTL-2026-008"\n'
                    + study["info"].read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = _run(capsys, "issue", str(study["result"]), str(printed), "--number",
                        "KTL-2026-007", "--info", str(info), "--registry", reg)
    assert code == 2 and "sets report_number KTL-2026-008" in err, err
    assert "KTL-2026-007" in err
    with Registry.open(reg) as registry:
        assert registry.list() == ()


def test_a_certificate_of_another_result_is_not_registered(study, tmp_path, capsys):
    # the pre-check's certificate, printed with the number, registered with the certified
    # run's result: the registry recorded the certified fingerprint and this PDF's hash,
    # so the page answered "genuine" for a PDF that prints another result
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    other = tmp_path / "other.pdf"
    render_certificate(study["precheck"], other, report_info={
        "report_number": "LAB-AI-2026-0007", "issue_date": "2026-11-27"})
    printed = _first_page(other)
    assert "LAB-AI-2026-0007" in printed
    assert medeval.verify_result(study["result"]) not in " ".join(
        page.extract_text() for page in PdfReader(other).pages)  # another result
    code, out, err = _run(capsys, "issue", str(study["result"]), str(other), "--number",
                          "LAB-AI-2026-0007", "--tester", "Hong", "--approver", "Kim",
                          "--registry", reg)
    assert code == 2 and out == ""
    assert "does not verify against result" in err and "nothing was issued" in err
    with Registry.open(reg) as registry:
        assert registry.get("LAB-AI-2026-0007") is None


def test_an_issue_date_before_the_testing_or_after_today_is_refused(study, tmp_path, capsys):
    # the study was tested on 2026-11-26 (UTC): 2026-11-24 is before it (a day's grace
    # for the laboratory's time zone), and a date two days from now lies ahead (a next
    # year's date drew next year's numbers); nothing is issued, the counter unmoved
    import datetime

    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    ahead = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    for day, why in (("2026-11-24", "before the testing ended (2026-11-26, UTC)"),
                     (ahead, f"after today ({datetime.date.today()})")):
        code, _, err = _run(capsys, "issue", str(study["result"]), "--render",
                            str(tmp_path / "c.pdf"), "--info", str(study["info"]),
                            "--issue-date", day, "--registry", reg)
        assert code == 2 and f"issue date {day}: {why}" in err, err
        # the info file says 2026-11-27: the option wins, and says so
        assert f"--issue-date {day} overrides the info file's issue_date 2026-11-27" in err
    assert not (tmp_path / "c.pdf").exists()
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render",
                        str(tmp_path / "c.pdf"), "--info", str(study["info"]),
                        "--issue-date", "2026-11-25", "--registry", reg)
    assert code == 0, err  # the day before, in UTC, is the laboratory's day of testing
    assert "overrides the info file's issue_date 2026-11-27" in err
    with Registry.open(reg) as registry:
        assert [r.number for r in registry.list()] == ["LAB-AI-2026-0001"]


def test_a_certificate_rendered_beforehand_is_recorded_with_the_people_and_date_it_prints(
        study, printed_007, tmp_path, capsys):
    # printed with tester Hong, approver Kim, issued 2026-11-27: the registry recorded
    # whatever the options said (another tester, another day), so the verification page
    # named other people than the PDF. Now refused, nothing issued; without --issue-date
    # the printed day is the one recorded.
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq:03d}", "--registry", reg)[0] == 0
    printed = Path(shutil.copy(printed_007, tmp_path / "printed.pdf"))
    base = ["issue", str(study["result"]), str(printed), "--number", "KTL-2026-007",
            "--registry", reg]
    for options, key, value, given in (
            (["--tester", "Lee", "--approver", "Kim"], "tester", "Hong", "Lee"),
            (["--tester", "Hong", "--approver", "Park"], "approver", "Kim", "Park"),
            (["--tester", "Hong", "--approver", "Kim", "--issue-date", "2026-11-28"],
             "issue_date", "2026-11-27", "2026-11-28")):
        code, _, err = _run(capsys, *base, *options)
        assert code == 2 and f"prints {key} {value!r}, but" in err and repr(given) in err, err
    with Registry.open(reg) as registry:
        assert not registry.list()
    code, _, err = _run(capsys, *base, "--tester", "Hong", "--approver", "Kim")
    assert code == 0, err
    with Registry.open(reg) as registry:
        record = registry.get("KTL-2026-007")
        assert record is not None and record.issue_date.isoformat() == "2026-11-27"
        assert (record.tester, record.approver) == ("Hong", "Kim")


def test_the_date_a_certificate_rendered_beforehand_prints_is_checked_as_a_given_one(
        study, tmp_path, capsys):
    # the study was tested on 2026-11-26 (UTC); a certificate printing 2026-11-20 (six
    # days before, past the day's grace) and registered without --issue-date was
    # recorded issued on 2026-11-20, where the same date given as --issue-date is refused
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq:03d}", "--registry", reg)[0] == 0
    # (medeval report refuses that date now; a release before it did not: rendered here
    # as that release would, without the check)
    printed = tmp_path / "printed.pdf"
    printed.write_bytes(certificate_pdf(medeval.read_result(study["result"]), load_report_info({
        "report_number": "KTL-2026-007", "issue_date": "2026-11-20",
        "tested_by": {"name": "Hong"}, "approved_by": {"name": "Kim"}}), check_dates=False))
    code, _, err = _run(capsys, "issue", str(study["result"]), str(printed), "--number",
                        "KTL-2026-007", "--tester", "Hong", "--approver", "Kim",
                        "--registry", reg)
    assert code == 2, err
    assert (f"certificate {printed} prints issue date 2026-11-20: before the testing "
            "ended (2026-11-26, UTC)") in err
    with Registry.open(reg) as registry:
        assert not registry.list()


def test_a_certificate_whose_writing_fails_is_named_by_its_place_and_not_issued(
        study, tmp_path, capsys):
    # the issue run in a process limited to 64 kB per file (RLIMIT_FSIZE, SIGXFSZ
    # ignored: the certificate's write fails with EFBIG, 'File too large', as on a full
    # disk). The message names --render's path (not the temporary name the PDF is made
    # under) and that nothing was issued; the registry holds nothing, no file is left.
    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    out = tmp_path / "certs"
    out.mkdir()
    script = (
        "import resource, signal, sys\n"
        "from medeval.cli import main\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))\n"
        "sys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", script, "registry", "issue",
                           str(study["result"]), "--render", str(out / "cert.pdf"),
                           "--info", str(study["info"]), "--registry", str(reg)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (f"medeval: error: certificate {out / 'cert.pdf'}: cannot "
                                   "be written (File too large); no report was issued")
    assert list(out.iterdir()) == []
    with Registry.open(reg) as registry:
        assert not registry.list()


def test_a_certificate_named_with_250_characters_is_issued(study, tmp_path, capsys):
    # Found in the lifecycle-pass: the PDF is made under '.NAME.<12 hex>.issuing' beside
    # its place, 271 characters for a 250-character name (a good one): refused with
    # 'cannot be written (File name too long)', though the name itself fits
    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    pdf = tmp_path / ("c" * 246 + ".pdf")
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render", str(pdf),
                        "--info", str(study["info"]), "--registry", str(reg))
    assert code == 0, err
    with Registry.open(reg) as registry:
        (record,) = registry.list()
    assert record.pdf_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([pdf.name, reg.name])


def test_an_amendment_records_the_test_and_customer_its_certificate_prints(
        study, tmp_path, capsys):
    # Found in the lifecycle-pass: an amendment issued with the result of a run under
    # another protocol id (the test done again) was recorded with the replaced report's
    # test id and customer, while its certificate printed the new result's: the registry
    # and the page named another test than the PDF. The result's now, as for an issue.
    from medeval.result import read_result

    first = read_result(study["result"])
    again = replace(first, protocol=replace(
        first.protocol, id="KTL-2026-0002",
        customer=replace(first.protocol.customer, name="다른 의뢰자 (Other Co.)")))
    second = write_result(again, tmp_path / "again" / "result.json")
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    assert _run(capsys, "issue", str(study["result"]), "--render", str(tmp_path / "a.pdf"),
                "--info", str(study["info"]), "--registry", reg)[0] == 0
    amended = tmp_path / "b.pdf"
    code, _, err = _run(capsys, "amend", "LAB-AI-2026-0001", str(second), "--render",
                        str(amended), "--info", str(study["info"]), "--reason",
                        "시험 재수행", "--registry", reg)
    assert code == 0, err
    page = " ".join(_first_page(amended).split())
    assert "KTL-2026-0002" in page and "다른 의뢰자 (Other Co.)" in page
    with Registry.open(reg) as registry:
        assert [(r.number, r.test_id, r.customer) for r in registry.list()] == [
            ("LAB-AI-2026-0001", "KTL-2026-0001", "Example Medical AI Co., Ltd."),
            ("LAB-AI-2026-0002", "KTL-2026-0002", "다른 의뢰자 (Other Co.)")]


@pytest.mark.parametrize("before", [None, b"yesterday's draft"])
def test_a_certificate_placed_meanwhile_under_the_same_name_is_not_overwritten(
        study, tmp_path, capsys, before):
    # Found in the lifecycle-pass: two testers issuing to one --render file at once were
    # both told 'certificate cert.pdf printed with report number ...'; the second's PDF
    # had replaced the first's, whose issued certificate was gone. Here the other
    # tester's certificate lands while this one is rendered (make renames it in), as the
    # first of two concurrent issues places its file while the second renders. And where
    # the name was in use as both began (yesterday's draft), both replaced it: found in
    # the review of the lifecycle-pass (two processes, 'issued ...0001' and '...0002'
    # told; cert.pdf held 0002's PDF, 0001's recorded SHA-256 matched no file).
    import argparse

    from medeval.cli.registry import issue_report

    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    out = tmp_path / "cert.pdf"
    if before is not None:
        out.write_bytes(before)
    theirs = b"%PDF-1.4 the other tester's issued certificate"

    def make(path: Path, printed) -> None:  # type: ignore[no-untyped-def]
        render_certificate(study["result"], path, report_info=printed)
        (tmp_path / "other.issuing").write_bytes(theirs)  # as the other issue places it
        os.replace(tmp_path / "other.issuing", out)

    args = argparse.Namespace(result=study["result"], out=out, info=study["info"],
                              registry=str(reg))
    with pytest.raises(medeval.errors.RegistryError) as refused:
        issue_report(args, io.StringIO(), make)
    assert out.read_bytes() == theirs  # kept
    (kept,) = tmp_path.glob(".cert.pdf.*.issuing")
    with Registry.open(reg) as registry:
        (record,) = registry.list()
    assert str(refused.value) == (
        f"report {record.number} is issued, but another certificate took the name {out} "
        f"while it was made (another issue to the same file?), and is kept: this report's "
        f"certificate is {kept}; give it a name of its own")
    assert record.pdf_sha256 == hashlib.sha256(kept.read_bytes()).hexdigest()


def test_a_name_in_use_is_replaced_when_nothing_else_replaced_it(study, tmp_path, capsys):
    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    out = tmp_path / "cert.pdf"
    out.write_bytes(b"yesterday's draft")
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render", str(out),
                        "--info", str(study["info"]), "--registry", str(reg))
    assert code == 0, err
    with Registry.open(reg) as registry:
        (record,) = registry.list()
    assert record.pdf_sha256 == hashlib.sha256(out.read_bytes()).hexdigest()


def test_an_amendment_rendered_beforehand_is_recorded_with_the_people_it_prints(
        study, tmp_path, capsys):
    # report 001 printed and recorded with Hong and Kim; its amendment 002, rendered
    # beforehand, prints Lee and Park. Registered without --tester/--approver, it was
    # recorded with the replaced report's Hong and Kim: the registry (and the
    # verification page) named other people than the PDF. A new report likewise takes
    # the people it prints when the options are left out.
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq:03d}", "--registry", reg)[0] == 0
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    render_certificate(study["result"], first, report_info={
        "report_number": "KTL-2026-001", "issue_date": "2026-11-27",
        "tested_by": {"name": "Hong"}, "approved_by": {"name": "Kim"}})
    # --number typed in another letter case is the number the PDF prints (it was refused:
    # 'its first page does not print its report number ktl-2026-001')
    code, _, err = _run(capsys, "issue", str(study["result"]), str(first), "--number",
                        "ktl-2026-001", "--registry", reg)
    assert code == 0, err
    render_certificate(study["result"], second, report_info={
        "report_number": "KTL-2026-002", "issue_date": "2026-11-28",
        "replaces": "KTL-2026-001", "amendment": 1, "amendment_reason": "typo fixed",
        "tested_by": {"name": "Lee"}, "approved_by": {"name": "Park"}})
    # another reason than the one it prints: the registry would record another
    code, _, err = _run(capsys, "amend", "KTL-2026-001", str(study["result"]), str(second),
                        "--number", "KTL-2026-002", "--reason", "address corrected",
                        "--registry", reg)
    assert code == 2 and ("prints amendment_reason 'typo fixed' (its report info), but the "
                          "registry records 'address corrected'") in err, err
    # the replaced report typed in another letter case is the one the PDF prints (it was
    # refused: 'its first page does not print the report it amends ktl-2026-001')
    code, _, err = _run(capsys, "amend", "ktl-2026-001", str(study["result"]), str(second),
                        "--number", "KTL-2026-002", "--reason", "typo fixed",
                        "--registry", reg)
    assert code == 0, err
    with Registry.open(reg) as registry:
        assert [(r.number, r.tester, r.approver, r.issue_date.isoformat())
                for r in registry.list()] == [
            ("KTL-2026-001", "Hong", "Kim", "2026-11-27"),
            ("KTL-2026-002", "Lee", "Park", "2026-11-28")]


def test_a_folder_given_for_the_certificate_is_refused_before_a_number_is_drawn(
        study, tmp_path, capsys):
    # --render FOLDER (or report --issue --out FOLDER): the number was drawn and
    # committed, then the PDF could not be moved onto the folder, so report 0001 stood
    # issued with its certificate under a hidden temporary name. Now refused first.
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    folder = tmp_path / "certs"
    folder.mkdir()
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render", str(folder),
                        "--info", str(study["info"]), "--registry", reg)
    assert code == 2 and f"certificate {folder}: is a folder" in err, err
    assert "nothing was issued" in err
    code = main(["report", str(study["result"]), "--out", str(folder), "--info",
                 str(study["info"]), "--issue", "--registry", reg])
    assert code == 2 and f"certificate {folder}: is a folder" in capsys.readouterr().err
    with Registry.open(reg) as registry:
        assert not registry.list()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["certs", "lab.sqlite"]
    assert list(folder.iterdir()) == []


def test_an_issue_date_written_otherwise_is_the_day_it_names(study, tmp_path, capsys):
    # --issue-date 20261127 (ISO 8601's basic form, which the registry reads as 27
    # November 2026) for a certificate printing 2026-11-27: refused as another day
    # ("prints issue_date '2026-11-27', but --issue-date gives '20261127'"), and beside
    # an info file saying 2026-11-27 it was said to override it. It is that day.
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq:03d}", "--registry", reg)[0] == 0
    printed = tmp_path / "printed.pdf"
    render_certificate(study["result"], printed, report_info={
        "report_number": "KTL-2026-007", "issue_date": "2026-11-27",
        "tested_by": {"name": "홍길동 (Hong Gildong)"},
        "approved_by": {"name": "김철수 (Kim Cheolsu)"}})
    code, _, err = _run(capsys, "issue", str(study["result"]), str(printed), "--number",
                        "KTL-2026-007", "--issue-date", "20261127", "--info",
                        str(study["info"]), "--registry", reg)
    assert code == 0, err
    assert "overrides" not in err
    with Registry.open(reg) as registry:
        record = registry.get("KTL-2026-007")
        assert record is not None and record.issue_date.isoformat() == "2026-11-27"


def test_a_certificate_printing_a_longer_number_is_not_registered_under_a_shorter(
        study, tmp_path, capsys):
    # numbers without padding ('KTL-{year}-{seq}'): a certificate printing KTL-2026-10
    # was registered as KTL-2026-1, since its first page's text holds 'KTL-2026-1' (in
    # 'KTL-2026-10'); the registry then vouched for report 1 with report 10's bytes.
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq}", "--registry", reg)[0] == 0
    printed = tmp_path / "printed.pdf"
    render_certificate(study["result"], printed, report_info={
        "report_number": "KTL-2026-10", "issue_date": "2026-11-27",
        "tested_by": {"name": "Hong"}, "approved_by": {"name": "Kim"}})
    assert "KTL-2026-1" in _first_page(printed)  # the substring the check found
    code, _, err = _run(capsys, "issue", str(study["result"]), str(printed), "--number",
                        "KTL-2026-1", "--registry", reg)
    assert code == 2, err
    assert "prints report_number 'KTL-2026-10' (its report info), but the registry " \
        "records 'KTL-2026-1'" in err
    with Registry.open(reg) as registry:
        assert not registry.list()
    code, _, err = _run(capsys, "issue", str(study["result"]), str(printed), "--number",
                        "KTL-2026-10", "--registry", reg)
    assert code == 0, err


def test_the_day_the_testing_ended_is_the_utc_day_the_certificate_prints(
        study, tmp_path, capsys):
    # a result finished at 08:30 in Seoul (+09:00) on 27 November is 23:30 UTC on the
    # 26th, the day the certificate prints (report.cells.date_text). A certificate
    # rendered beforehand without a date of issue prints 2026-11-26 as that date; the
    # registry recorded the timestamp's first ten characters, 2026-11-27.
    from medeval.result import read_result

    result = read_result(study["result"])
    seoul = write_result(replace(result, context=replace(
        result.context, started="2026-11-27T07:00:00+09:00",
        finished="2026-11-27T08:30:00+09:00")), tmp_path / "seoul" / "result.json")
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--pattern", "KTL-{year}-{seq:03d}", "--registry", reg)[0] == 0
    printed = tmp_path / "printed.pdf"
    render_certificate(seoul, printed, report_info={
        "report_number": "KTL-2026-007", "tested_by": {"name": "Hong"},
        "approved_by": {"name": "Kim"}})
    assert "2026-11-26" in _first_page(printed) and "2026-11-27" not in _first_page(printed)
    code, _, err = _run(capsys, "issue", str(seoul), str(printed), "--number",
                        "KTL-2026-007", "--tester", "Hong", "--approver", "Kim",
                        "--registry", reg)
    assert code == 0, err
    with Registry.open(reg) as registry:
        record = registry.get("KTL-2026-007")
        assert record is not None and record.issue_date.isoformat() == "2026-11-26"


def test_an_export_that_fails_leaves_the_previous_one_whole(tmp_path, capsys):
    # export in a process limited to 64 bytes per file (RLIMIT_FSIZE, SIGXFSZ ignored:
    # the write fails with EFBIG, 'File too large', as on a full disk); the CSV's header
    # row alone is longer. The export of the day before stays as it was, and nothing else
    # is left in the folder; before, the file was opened "w" (emptied) and cut at 64 bytes.
    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    out = tmp_path / "exports"
    out.mkdir()
    earlier = "\ufeffnumber,status\r\nLAB-AI-2026-0001,issued\r\n"
    (out / "reports.csv").write_text(earlier, encoding="utf-8", newline="")
    script = (
        "import resource, signal, sys\n"
        "from medeval.cli import main\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))\n"
        "sys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", script, "registry", "export",
                           str(out / "reports.csv"), "--registry", str(reg)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (f"medeval: error: export {out / 'reports.csv'}: cannot be "
                                   "written (File too large)")
    assert (out / "reports.csv").read_bytes() == earlier.encode("utf-8")
    assert [p.name for p in out.iterdir()] == ["reports.csv"]
    # and without the limit the same command replaces it: the header row, UTF-8 with BOM
    assert _run(capsys, "export", str(out / "reports.csv"), "--registry", str(reg))[0] == 0
    assert (out / "reports.csv").read_bytes().startswith("\ufeffnumber,".encode())


#: registry issue run in a process that sends itself SIGTERM (kill PID) just after it
#: opens the certificate's temporary file for the time given: 1, as the file is made
#: (before the rendering); 2, as the PDF made is read back for its SHA-256 (before the
#: commit). The audit hook of the opening sets a profiler that sends the signal at the
#: next return from a C function (the opening itself is done by then), so no sleep races
#: the rendering.
_KILLED_AT_OPEN = """
import os, signal, sys
opened = []
def profile(frame, event, arg):
    if event == "c_return" and arg is not sys.setprofile:
        sys.setprofile(None)
        os.kill(os.getpid(), signal.SIGTERM)
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".issuing"):
        opened.append(args[0])
        if len(opened) == int(sys.argv[1]):
            sys.setprofile(profile)
sys.addaudithook(hook)
from medeval.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_stop_while_reportlab_parses_is_said_by_its_name(study, tmp_path, capsys):
    # Found in the review of the lifecycle-pass: reportlab re-raises what interrupts its
    # paragraph parsing as type(exc)(its words + str(exc)) (annotateException, as here).
    # Ctrl-C there said 'medeval: stopped (\nparagraph text ... caused exception) before
    # ...'; a SIGTERM there was a ValueError ("'... SIGTERM' is not a valid Signals"),
    # not a stop: no word that nothing was issued, not exit 143.
    import argparse
    import signal

    from reportlab.lib.utils import annotateException

    from medeval.cli.registry import issue_report

    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    out = tmp_path / "cert.pdf"
    args = argparse.Namespace(result=study["result"], out=out, info=study["info"],
                              registry=str(reg))

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    for how, stop in (("SIGTERM", lambda: os.kill(os.getpid(), signal.SIGTERM)),
                      ("Ctrl-C", ctrl_c)):
        def make(path: Path, printed, stop=stop) -> None:  # type: ignore[no-untyped-def]
            try:
                stop()  # the handler StopSignals installed raises Stopped here
            except BaseException:
                annotateException("\nparagraph text 'x' caused exception")

        with pytest.raises(KeyboardInterrupt):
            issue_report(args, io.StringIO(), make)
        assert capsys.readouterr().err == (
            f"medeval: stopped ({how}) before the report was recorded: no report was "
            f"issued, no certificate written to {out}\n")
    with Registry.open(reg) as registry:
        assert not registry.list()
    assert sorted(p.name for p in tmp_path.iterdir()) == [reg.name]


@pytest.mark.parametrize("opening", [1, 2])
def test_a_kill_while_issuing_stores_nothing_and_leaves_no_half_made_pdf(
        study, tmp_path, opening):
    # SIGTERM (kill PID) while `registry issue --render` made the certificate ended Python
    # on the spot: nothing was issued (the transaction rolled back), but the half-made PDF
    # stayed beside --render as a hidden .cert.pdf.XXXX.issuing file, and the exit said
    # nothing. Now it stops as Ctrl-C does (143). Found in the interrupt-pass. The signal
    # as the file was made (tempfile.mkstemp had made it and not yet given its name) left
    # it behind still: found in the review-interrupt pass (opening 1; the test sent the
    # signal once it saw the file, racing a second of rendering).
    registry = tmp_path / "lab.sqlite"
    assert main(["registry", "init", "--registry", str(registry)]) == 0
    folder = tmp_path / "out"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_AT_OPEN, str(opening), "registry", "issue",
         str(study["result"]), "--render", str(folder / "cert.pdf"), "--info",
         str(study["info"]), "--registry", str(registry)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    # and it says so (it was silent: issued or not? Found in the lifecycle-pass)
    assert done.stderr == ("medeval: stopped (SIGTERM) before the report was recorded: "
                           f"no report was issued, no certificate written to "
                           f"{folder / 'cert.pdf'}\n")
    assert sorted(folder.iterdir()) == []  # no certificate, no half-made one
    with Registry.open(registry) as opened:
        assert not opened.list()


def _unknown_filter(pdf: Path, out: Path) -> Path:
    """``pdf`` with its first page's content stream naming a filter no reader knows
    (``/FlateDecode`` -> ``/F8ateDecode``: one byte, the length kept)."""
    contents = PdfReader(pdf).pages[0].get("/Contents")
    number = contents.idnum  # type: ignore[union-attr]
    payload = pdf.read_bytes()
    start = payload.index(f"\n{number} 0 obj".encode())
    at = payload.index(b"/FlateDecode", start)
    out.write_bytes(payload[:at] + b"/F8ateDecode" + payload[at + len(b"/FlateDecode"):])
    with pytest.raises(NotImplementedError):  # pypdf itself cannot read the page's text
        PdfReader(out).pages[0].extract_text()
    return out


def test_a_certificate_that_cannot_be_one_is_refused_without_a_traceback(
        study, tmp_path, capsys):
    # registering a certificate rendered beforehand read its first page with pypdf
    # before verifying it: a stream filter pypdf does not know escaped as a
    # NotImplementedError traceback; a missing file was asked "which number does it
    # print?"; a file that is no PDF was "cannot be read as a PDF (Stream has ended
    # unexpectedly)" under pypdf's own log lines
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    printed = tmp_path / "printed.pdf"
    render_certificate(study["result"], printed, report_info={
        "report_number": "LAB-AI-2026-0007", "issue_date": "2026-11-27",
        "tested_by": {"name": "Hong"}, "approved_by": {"name": "Kim"}})
    broken = _unknown_filter(printed, tmp_path / "broken.pdf")
    text = tmp_path / "notes.pdf"
    text.write_bytes(b"hello, not a certificate")
    missing = tmp_path / "missing.pdf"
    said = {}
    for pdf, number in ((broken, ["--number", "LAB-AI-2026-0007"]), (missing, []),
                        (text, ["--number", "LAB-AI-2026-0007"])):
        code, out, err = _run(capsys, "issue", str(study["result"]), str(pdf), *number,
                              "--registry", reg)
        assert (code, out) == (2, ""), err
        assert "Traceback" not in err and err.count("\n") == len(err.splitlines())
        said[pdf] = err
    assert said[broken].startswith(f"medeval: error: certificate {broken} does not verify "
                                   f"against result {study['result']}, so it is not "
                                   "registered (nothing was issued):\n")
    assert said[missing] == (f"medeval: error: certificate {missing}: no such file; "
                             "nothing was issued\n")
    assert said[text] == (f"medeval: error: certificate {text}: not a PDF (it begins with "
                          # its first 16 bytes, as sniff_pdf quotes them
                          "b'hello, not a cer', not %PDF-); give the certificate's PDF "
                          "file; nothing was issued\n")
    with Registry.open(reg) as registry:
        assert registry.list() == ()


def _key_and_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A private key and its self-signed certificate (cryptography), in PEM files."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_path, cert_path = folder / f"{name}.key.pem", folder / f"{name}.cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_report_issue_signed_with_another_keys_certificate_issues_nothing(
        study, tmp_path, capsys):
    # the key of one pair with the certificate of another: pyHanko signed, the report
    # was issued with that PDF's SHA-256, and 'medeval verify --registry' of the very
    # bytes issued said "signature MedevalSignature does not verify"
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    key, _ = _key_and_certificate(tmp_path, "lab")
    _, other = _key_and_certificate(tmp_path, "other")
    cert = tmp_path / "cert.pdf"
    code = main(["report", str(study["result"]), "--out", str(cert), "--info",
                 str(study["info"]), "--issue", "--registry", reg, "--sign", str(key),
                 "--cert", str(other)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"signing key {key} is not the key of certificate {other}" in err, err
    assert not cert.exists() and not list(tmp_path.glob(".cert.pdf.*"))
    with Registry.open(reg) as registry:
        assert registry.list() == ()


def test_an_export_over_the_registrys_own_file_is_refused(tmp_path, capsys, monkeypatch):
    # 'medeval registry export registry.sqlite' (the registry's name where the CSV's
    # should be) replaced every report issued with their CSV; the registry then opened
    # as "file is not a database"
    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    with Registry.open(reg) as registry:
        registry.issue(fingerprint=hashlib.sha256(b"r").hexdigest(),
                       pdf_sha256=hashlib.sha256(b"p").hexdigest(), test_id="T",
                       customer="C", tester="Hong", approver="Kim", issue_date="2026-11-27")
    before = hashlib.sha256(reg.read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path)
    for given in (str(reg), "lab.sqlite", "./lab.sqlite"):  # as typed, relative or not
        code, out, err = _run(capsys, "export", given, "--registry", str(reg))
        assert (code, out) == (2, "")
        # named as pathlib writes it ('./lab.sqlite' is 'lab.sqlite')
        assert err == (f"medeval: error: export {Path(given)}: is the registry's own file "
                       f"{reg}, "
                       "which it would replace: give the export a name of its own; "
                       "nothing was written\n")
    assert hashlib.sha256(reg.read_bytes()).hexdigest() == before
    with Registry.open(reg) as registry:
        assert [r.number for r in registry.list()] == ["LAB-AI-2026-0001"]
        with pytest.raises(RegistryError, match="is the registry's own file"):
            registry.export_csv(reg.with_name("lab.sqlite-journal"))


def test_a_certificate_is_never_written_over_its_own_inputs(study, tmp_path, capsys):
    # 'registry issue result.json --render result.json' replaced the result with its
    # certificate (a report issued, the result gone); 'report result.json --out
    # result.cases.csv' replaced the per-case CSV, and the result no longer verified
    import shutil

    folder = tmp_path / "run"
    folder.mkdir()
    for name in ("result.json", "result.json.sha256", "result.cases.csv"):
        shutil.copy(study["result"].with_name(name), folder / name)
    info = tmp_path / "info.toml"
    shutil.copy(study["info"], info)
    result = folder / "result.json"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (*folder.iterdir(), info)}
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    cases = [
        (["registry", "issue", str(result), "--render", str(result)], "registry issue",
         "--render", result, "the result"),
        (["registry", "amend", "LAB-AI-2026-0001", str(result), "--reason", "r",
          "--render", str(folder / "result.json.sha256")], "registry amend", "--render",
         folder / "result.json.sha256", "the result's .sha256 file"),
        (["report", str(result), "--out", str(folder / "result.cases.csv")], "report",
         "--out", folder / "result.cases.csv", "the result's per-case CSV"),
        (["report", str(result), "--out", str(tmp_path / "c.pdf"), "--html", str(info)],
         "report", "--html", info, "the report info (--info)"),
    ]
    for argv, command, flag, target, what in cases:
        code = main([*argv, "--info", str(info),
                     *(["--registry", reg] if argv[0] == "registry" else [])])
        err = capsys.readouterr().err
        assert code == 2
        assert err == (f"medeval: error: {command}: {flag} {target} is {what}, which it "
                       "would replace: give the output a name of its own; nothing was "
                       "written\n")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in (*folder.iterdir(), info)}
    assert after == before and not (tmp_path / "c.pdf").exists()
    with Registry.open(reg) as registry:
        assert registry.list() == ()


def test_a_certificate_is_never_rendered_over_the_registry(study, tmp_path, capsys,
                                                          monkeypatch):
    # '--render lab.sqlite --registry lab.sqlite': the report was issued and its
    # certificate left under a hidden name, "another certificate took the name
    # lab.sqlite while it was made" (the commit had changed the file)
    reg = tmp_path / "lab.sqlite"
    assert _run(capsys, "init", "--registry", str(reg))[0] == 0
    before = hashlib.sha256(reg.read_bytes()).hexdigest()
    monkeypatch.setenv("MEDEVAL_REGISTRY", str(reg))
    for argv, command, flag in (
            (["registry", "issue", str(study["result"]), "--render", str(reg),
              "--registry", str(reg)], "registry issue", "--render"),
            (["report", str(study["result"]), "--out", str(reg), "--issue"], "report",
             "--out")):  # the registry named by $MEDEVAL_REGISTRY
        code = main([*argv, "--info", str(study["info"])])
        err = capsys.readouterr().err
        assert code == 2
        assert err == (f"medeval: error: {command}: {flag} {reg} is the registry, which it "
                       "would replace: give the output a name of its own; nothing was "
                       "written\n")
    assert hashlib.sha256(reg.read_bytes()).hexdigest() == before
    assert [p.name for p in tmp_path.iterdir()] == ["lab.sqlite"]
    with Registry.open(reg) as registry:
        assert registry.list() == ()


def test_a_customer_or_test_id_the_certificate_does_not_print_is_refused(
        study, tmp_path, capsys):
    # '--customer "ACME Medical"' was recorded while the certificate rendered and
    # recorded byte for byte printed the result's protocol customer: the registry's
    # list, export and page named another customer (or test) than the PDF issued
    from medeval.result import read_result

    printed = read_result(study["result"]).protocol
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    cert = tmp_path / "cert.pdf"
    for flag, given, shown, where in (
            ("--customer", "ACME Medical", printed.customer.name,
             "its protocol's [customer] name"),
            ("--test-id", "KTL-XYZ-9", printed.id, "its protocol's id")):
        code, out, err = _run(capsys, "issue", str(study["result"]), "--render", str(cert),
                              "--info", str(study["info"]), flag, given, "--registry", reg)
        assert (code, out) == (2, "")
        assert err == (f"medeval: error: {flag} {given!r}: the certificate prints the "
                       f"result's {shown!r} ({where}), and the registry records what it "
                       f"prints; leave {flag} out; nothing was issued\n")
    assert not cert.exists()
    # the name it prints, given: accepted, and what the first page prints is recorded
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render", str(cert),
                        "--info", str(study["info"]), "--customer", printed.customer.name,
                        "--registry", reg)
    assert code == 0, err
    page = " ".join(_first_page(cert).split())
    with Registry.open(reg) as registry:
        (record,) = registry.list()
    assert record.customer in page and record.test_id in page


def test_a_result_whose_report_stands_is_named_by_its_file(study, tmp_path, capsys):
    # the refusal named the result by its fingerprint alone: "result sha256:...: already
    # issued as LAB-AI-2026-0001; amend that report instead"
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    assert _run(capsys, "issue", str(study["result"]), "--render", str(tmp_path / "a.pdf"),
                "--info", str(study["info"]), "--registry", reg)[0] == 0
    digest = medeval.verify_result(study["result"])
    said = (f"medeval: error: result {study['result']} (sha256:{digest}): already issued as "
            "LAB-AI-2026-0001, which stands; amend that report instead: medeval registry "
            f"amend LAB-AI-2026-0001 {study['result']} --render CERT.pdf --reason WHY; "
            "nothing was issued\n")
    code, out, err = _run(capsys, "issue", str(study["result"]), "--render",
                          str(tmp_path / "b.pdf"), "--info", str(study["info"]),
                          "--registry", reg)
    assert (code, out, err) == (2, "", said)
    code = main(["report", str(study["result"]), "--out", str(tmp_path / "c.pdf"),
                 "--info", str(study["info"]), "--issue", "--registry", reg])
    assert (code, capsys.readouterr().err) == (2, said)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "lab.sqlite"]
    # the command it gives is the one that works
    code, out, err = _run(capsys, "amend", "LAB-AI-2026-0001", str(study["result"]),
                          "--render", str(tmp_path / "b.pdf"), "--info", str(study["info"]),
                          "--reason", "address corrected", "--registry", reg)
    assert code == 0 and out.startswith("amended  LAB-AI-2026-0001 -> LAB-AI-2026-0002"), err


def test_a_customer_given_in_another_unicode_form_is_the_name_printed(study, tmp_path, capsys):
    # A Korean customer name pasted from a macOS file name is NFD: it prints as the
    # result's NFC name, and was refused "--customer '(주)메디에이아이': the certificate
    # prints the result's '(주)메디에이아이'"; with a space after it, it was recorded as
    # given. Now compared in NFC without spaces, and the name printed is recorded.
    import unicodedata

    from medeval.result import read_result

    result = read_result(study["result"])
    korean = "(주)메디에이아이"  # NFC, as typed on Windows
    protocol = replace(result.protocol,
                       customer=replace(result.protocol.customer, name=korean))
    path = write_result(replace(result, protocol=protocol), tmp_path / "k" / "result.json")
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    pasted = unicodedata.normalize("NFD", korean) + " "
    assert pasted.strip() != korean and len(pasted) > len(korean) + 1  # jamo, by Python
    cert = tmp_path / "cert.pdf"
    code, _, err = _run(capsys, "issue", str(path), "--render", str(cert), "--info",
                        str(study["info"]), "--customer", pasted, "--registry", reg)
    assert code == 0, err
    with Registry.open(reg) as registry:
        (record,) = registry.list()
    assert record.customer.encode("utf-8") == korean.encode("utf-8")


def test_a_certificate_printing_no_number_asks_for_one(study, tmp_path, capsys):
    # rendered without report info: it verifies, but prints no report number, so there is
    # none to record; the message says how to give one
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    bare = tmp_path / "bare.pdf"
    render_certificate(study["result"], bare)
    code, _, err = _run(capsys, "issue", str(study["result"]), str(bare), "--registry", reg)
    assert code == 2 and "prints no report number" in err and "--render" in err
    code, out, _ = _run(capsys, "list", "--registry", reg)
    assert out == ""


def test_an_amendment_rendered_here_is_signed_as_report_signs(study, tmp_path, capsys):
    # 'registry amend --render' had no --sign: a laboratory signing its certificates
    # could issue signed reports (report --issue --sign) but not signed amendments.
    # Now the same options; the registry records the SHA-256 of the signed bytes
    # (hashlib on the file), which carry a signature field with a value (pypdf), and
    # medeval verify trusts it with the signer's certificate.
    from pypdf import PdfReader

    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    key, cert_pem = _key_and_certificate(tmp_path, "lab")
    first = tmp_path / "first.pdf"
    code, out, err = _run(capsys, "issue", str(study["result"]), "--render", str(first),
                          "--info", str(study["info"]), "--registry", reg,
                          "--sign", str(key), "--cert", str(cert_pem))
    assert code == 0, err
    amended = tmp_path / "amended.pdf"
    code, out, err = _run(capsys, "amend", "LAB-AI-2026-0001", str(study["result"]),
                          "--render", str(amended), "--info", str(study["info"]),
                          "--reason", "address corrected", "--registry", reg,
                          "--sign", str(key), "--cert", str(cert_pem))
    assert code == 0, err
    for pdf, number in ((first, "LAB-AI-2026-0001"), (amended, "LAB-AI-2026-0002")):
        fields = PdfReader(pdf).get_fields() or {}
        assert any(f.get("/FT") == "/Sig" and f.get("/V") is not None
                   for f in fields.values()), pdf
        with Registry.open(reg) as registry:
            record = registry.get(number)
            assert record is not None
            assert record.pdf_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert main(["verify", str(pdf), "--trust", str(cert_pem)]) == 0
    capsys.readouterr()
    # signing options make a certificate rendered here; one rendered beforehand is
    # registered as it is
    code, _, err = _run(capsys, "issue", str(study["result"]), str(first), "--registry", reg,
                        "--sign", str(key), "--cert", str(cert_pem))
    assert code == 2 and "a certificate rendered beforehand is registered as it is" in err
    code, _, err = _run(capsys, "amend", "LAB-AI-2026-0002", str(study["result"]),
                        "--render", str(tmp_path / "x.pdf"), "--info", str(study["info"]),
                        "--reason", "r", "--registry", reg, "--sign", str(key))
    assert code == 2 and "--sign KEY and --cert CERT go together" in err
    # --chain alone signs nothing: refused, not dropped (report and registry alike)
    code, _, err = _run(capsys, "amend", "LAB-AI-2026-0002", str(study["result"]),
                        "--render", str(tmp_path / "x.pdf"), "--info", str(study["info"]),
                        "--reason", "r", "--registry", reg, "--chain", str(cert_pem))
    assert code == 2 and "--chain names the signer's issuing certificates" in err
    code = main(["report", str(study["result"]), "--out", str(tmp_path / "y.pdf"),
                 "--chain", str(cert_pem)])
    assert code == 2 and "it goes with --sign KEY --cert CERT" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def test_a_withdrawn_result_is_issued_again_only_with_a_reason(study, tmp_path, capsys):
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    issue = ["issue", str(study["result"]), "--info", str(study["info"]), "--registry", reg]
    code, _, err = _run(capsys, *issue, "--render", str(tmp_path / "c1.pdf"),
                        "--reason", "no reason to give")
    assert code == 2 and "no report of result" in err and "was withdrawn or replaced" in err
    assert not (tmp_path / "c1.pdf").exists()
    assert _run(capsys, *issue, "--render", str(tmp_path / "c1.pdf"))[0] == 0
    assert _run(capsys, "withdraw", "LAB-AI-2026-0001", "--reason",
                "reference standard found wrong", "--registry", reg)[0] == 0
    # issued again without a word, the withdrawn figures would go out under a new number
    code, _, err = _run(capsys, *issue, "--render", str(tmp_path / "c2.pdf"))
    assert code == 2, err
    assert ("its report LAB-AI-2026-0001 was withdrawn (reference standard found wrong); "
            "it is issued again only with the reason it stands now") in err
    assert f"medeval registry issue {study['result']} --render CERT.pdf --reason WHY" in err
    code = main(["report", str(study["result"]), "--out", str(tmp_path / "c3.pdf"),
                 "--info", str(study["info"]), "--issue", "--registry", reg])
    assert code == 2 and "was withdrawn" in capsys.readouterr().err
    assert not (tmp_path / "c2.pdf").exists() and not (tmp_path / "c3.pdf").exists()
    code, out, err = _run(capsys, *issue, "--render", str(tmp_path / "c2.pdf"),
                          "--reason", "withdrawn in error")
    assert code == 0, err
    assert out.startswith("issued LAB-AI-2026-0002")
    code, out, _ = _run(capsys, "show", "LAB-AI-2026-0002", "--registry", reg)
    assert "withdrawn in error" in out and "Amendment" not in _first_page(tmp_path / "c2.pdf")
    with Registry.open(reg) as registry:
        assert [(r.number, r.status, r.reason) for r in registry.list()] == [
            ("LAB-AI-2026-0001", Status.WITHDRAWN, "reference standard found wrong"),
            ("LAB-AI-2026-0002", Status.ISSUED, "withdrawn in error")]


def test_issuing_again_after_a_kill_names_the_certificate_left_hidden(study, tmp_path, capsys):
    # killed between the commit and the move, an issue leaves its report issued and its
    # certificate under the hidden .NAME.<hex>.issuing (docs/registry.md); the state is
    # made here by moving the certificate there. Issued again, the result was told to be
    # amended, the certificate lying beside the name asked for
    reg = str(tmp_path / "lab.sqlite")
    assert _run(capsys, "init", "--registry", reg)[0] == 0
    # a folder named with a quote and a space: the mv command must still run as given
    # (it was written 'mv '<path>' '<path>'', which a quote in a path breaks)
    out_pdf = tmp_path / "lab's certs" / "cert.pdf"
    assert _run(capsys, "issue", str(study["result"]), "--render", str(out_pdf),
                "--info", str(study["info"]), "--registry", reg)[0] == 0
    digest = hashlib.sha256(out_pdf.read_bytes()).hexdigest()
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render", str(out_pdf),
                        "--info", str(study["info"]), "--registry", reg)
    assert code == 2 and f"which stands; its certificate is {out_pdf}; to change it" in err
    hidden = out_pdf.with_name(".cert.pdf.0123456789ab.issuing")
    out_pdf.rename(hidden)
    other = out_pdf.with_name(".cert.pdf.00aa00aa00aa.issuing")  # another issue's
    other.write_bytes(b"%PDF-1.7 not this one")
    code, _, err = _run(capsys, "issue", str(study["result"]), "--render", str(out_pdf),
                        "--info", str(study["info"]), "--registry", reg)
    assert code == 2
    assert (f"which stands; its certificate is {hidden}, left under a hidden name by an "
            f"issue stopped after the report was recorded: rename it (mv "
            f"{shlex.quote(str(hidden))} {shlex.quote(str(out_pdf))}); to change it, amend "
            "it: medeval registry amend LAB-AI-2026-0001 ") in err
    with Registry.open(reg) as registry:
        (record,) = registry.list()
    assert record.pdf_sha256 == digest == hashlib.sha256(hidden.read_bytes()).hexdigest()
    # what it says to do, run by a shell as the tester would paste it: the certificate
    # issued, verified
    [command] = re.findall(r"rename it \((mv .*?)\); to change it", err)
    subprocess.run(["sh", "-c", command], check=True)
    assert out_pdf.is_file() and not hidden.exists()
    assert main(["verify", str(out_pdf), "--registry", reg]) == 0
    assert "these are the bytes issued" in capsys.readouterr().out
