"""``medeval report`` names what it wrote as the document is titled: a pre-check's PDF
is a pre-check report ("사전점검 보고서 / Pre-check Report"), never a certificate
(DESIGN: the output says "pre-check", never "certificate").

Found as a recipient following the examples' README: ``medeval report
result/result.json --out result/report.pdf`` on a pre-check printed
"certificate  result/report.pdf". The title is read with pypdf.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.cli import main


@pytest.mark.parametrize("which, title, kind", [
    ("precheck", "Pre-check Report", "pre-check"),
    ("certified", "Test Report", "certificate")])
def test_the_line_names_the_kind_of_document(which: str, title: str, kind: str,
                                             request: pytest.FixtureRequest,
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    result: Path = request.getfixturevalue(which)
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(result), "--out", str(pdf)]) == 0
    out = capsys.readouterr().out
    first_page = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert title in first_page
    assert out.splitlines()[0].split() == [kind, str(pdf)]


def test_a_result_changed_after_it_was_written_is_not_rendered(
        precheck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Found by an exploratory tester: one digit of a figure changed in result.json (its
    # .sha256 left as written), 'medeval report' rendered the certificate without a word,
    # and 'medeval verify' then called the PDF genuine, since it agrees with the result
    # it carries. The report is now refused, as 'medeval verify RESULT.json' refuses the
    # result, and nothing is written; the same result restored renders.
    import hashlib
    import json
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(precheck.parent, folder)
    result = folder / precheck.name
    original = result.read_bytes()
    data = json.loads(original)
    value = data["metrics"]["sensitivity"]["value"]
    text = original.decode("utf-8")
    written = json.dumps(value)
    assert text.count(f'"value": {written}') >= 1
    changed = text.replace(f'"value": {written}', f'"value": {json.dumps(value / 2)}', 1)
    result.write_text(changed, encoding="utf-8")
    recorded = (folder / f"{precheck.name}.sha256").read_text().split()[0]
    assert hashlib.sha256(changed.encode()).hexdigest() != recorded
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(result), "--out", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert "the file was changed after it was written" in err and "nothing was written" in err
    assert not pdf.exists()
    result.write_bytes(original)
    assert main(["report", str(result), "--out", str(pdf)]) == 0 and pdf.is_file()


def test_a_certificate_protocol_on_supplied_predictions_is_a_pre_check_and_not_issued(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Found in the exploratory pass: a protocol in certificate mode evaluated on
    # predictions the company supplied renders as "Pre-check Report" (the outputs were
    # not produced under the laboratory's control), but 'medeval report' printed
    # "certificate  c.pdf", and with --issue the registry gave the pre-check report a
    # laboratory report number. Now the line says pre-check and no number is issued.
    import medeval
    from medeval.result import write_result

    from .conftest import _binary_study

    protocol = _binary_study(tmp_path / "study", "certificate")
    result = write_result(medeval.evaluate(protocol, tmp_path / "study" / "predictions"),
                          tmp_path / "out" / "result.json")
    pdf = tmp_path / "c.pdf"
    assert main(["report", str(result), "--out", str(pdf)]) == 0
    first_page = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Pre-check Report" in first_page
    assert capsys.readouterr().out.splitlines()[0].split() == ["pre-check", str(pdf)]
    registry = tmp_path / "lab.sqlite"
    info = tmp_path / "info.toml"
    info.write_text('[tested_by]\nname = "Kim"\n[approved_by]\nname = "Lee"\n',
                    encoding="utf-8")
    assert main(["registry", "init", "--registry", str(registry)]) == 0
    issued = tmp_path / "issued.pdf"
    assert main(["report", str(result), "--out", str(issued), "--info", str(info),
                 "--issue", "--registry", str(registry)]) == 2
    err = capsys.readouterr().err
    assert "a pre-check, not a certified run" in err
    assert "predictions were supplied (supplied-predictions)" in err
    assert not issued.exists()
    assert main(["registry", "list", "--registry", str(registry)]) == 0
    assert "0 report(s)" in capsys.readouterr().err
