"""A file beside a result, or the protocol, given where the result belongs: named as
what it is, bad input (exit 2, README: "2 bad input or usage"), not a result found
altered (exit 1), and the file to give instead."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import medeval
from medeval.cli import main
from medeval.errors import ResultError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "binary-classification"
    shutil.copytree(EXAMPLE, folder)
    result = medeval.evaluate(folder / "protocol.toml", predictions=folder / "predictions")
    medeval.write_result(result, folder / "result" / "result.json")
    return folder


def test_verify_and_report_name_the_file_given_and_the_one_to_give(
        written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: 'medeval verify result/result.cases.csv' said "verification failed: ...
    # not valid JSON" with exit 1, as if a result had been altered, and 'medeval report
    # protocol.toml' said to "evaluate again, or restore the result".
    result = written / "result" / "result.json"
    cases = written / "result" / "result.cases.csv"
    digest = written / "result" / "result.json.sha256"
    assert main(["verify", str(cases)]) == 2
    assert (f"verify: {cases}: the result's per-case CSV, not the result: give {result}"
            in capsys.readouterr().err)
    assert main(["verify", str(digest)]) == 2
    assert (f"verify: {digest}: the result's digest file, not the result: give {result}"
            in capsys.readouterr().err)
    protocol = written / "protocol.toml"
    pdf = tmp_path / "certificate.pdf"
    assert main(["report", str(protocol), "--out", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert (f"report: result {protocol}: a TOML file (the protocol or the report info?), not "
            "a result: give the result.json that medeval evaluate or medeval run wrote into "
            "its --out folder; nothing was written") in err
    assert "restore the result" not in err and not pdf.exists()
    with pytest.raises(ResultError, match="per-case CSV, not the result"):
        medeval.read_result(cases)
    assert main(["verify", str(result)]) == 0  # the result itself still verifies
