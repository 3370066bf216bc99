"""An --out naming a file to write, typed as a folder (``out/``), is refused.

``Path("out/")`` is ``Path("out")``: ``medeval evaluate --reference ... --out result/``
wrote the result JSON as a file named ``result`` (with ``result.cases.csv`` and
``result.sha256`` beside it), where an existing folder of that name was refused, and
``medeval report ... --out certs/`` wrote the PDF as a file named ``certs``.
"""

from __future__ import annotations

from importlib import resources

import pytest

from medeval.cli import main

DEMO = resources.files("medeval") / "demo"


def test_evaluate_two_tables_into_a_folder_name_is_refused_and_writes_nothing(tmp_path,
                                                                              capsys):
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        status = main(["evaluate", "--reference", str(ref), "--predictions", str(pred),
                       "--threshold", "0.5", "--out", f"{tmp_path / 'result'}/"])
    assert status == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path / 'result'}/: a folder; give the result file's name" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--out", "--html"])
def test_report_into_a_folder_name_is_refused_before_reading_the_result(tmp_path, capsys,
                                                                        option):
    # refused as the command line is read: the result file need not even exist
    argv = ["report", str(tmp_path / "result.json"), "--out", str(tmp_path / "c.pdf")]
    argv += [option, f"{tmp_path / 'certs'}/"]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {tmp_path / 'certs'}/: ends in '/', a folder's name" in err
    assert list(tmp_path.iterdir()) == []
