"""The two-table options of ``medeval evaluate`` given with a protocol are refused: the
protocol fixes the threshold and the statistics, and they were silently left unread."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medeval import read_result
from medeval.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_a_threshold_given_with_a_protocol_is_refused_not_ignored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 'medeval evaluate protocol.toml --predictions predictions/ --out result/ --threshold
    # 0.3' exited 0 with the protocol's threshold 0.5: 6 true positives, as the example's
    # README prints, where a threshold of 0.3 calls more cases positive. Nothing is
    # written when it is refused.
    folder = tmp_path / "binary-classification"
    shutil.copytree(EXAMPLE, folder)
    command = ["evaluate", str(folder / "protocol.toml"), "--predictions",
               str(folder / "predictions"), "--out", str(tmp_path / "result")]
    assert main([*command, "--threshold", "0.3"]) == 2
    assert (f"evaluate {folder / 'protocol.toml'}: --threshold is for two tables evaluated "
            "without a protocol; a protocol fixes the threshold and the statistics itself "
            "([task], [statistics]): write them there, or leave the option out"
            in capsys.readouterr().err)
    assert main([*command, "--seed", "0", "--reference", "x.csv"]) == 2  # a default, given
    assert "--reference, --seed are for two tables" in capsys.readouterr().err
    assert not (tmp_path / "result").exists()
    assert main(command) == 0
    result = read_result(tmp_path / "result" / "result.json")
    assert result.metric("sensitivity").estimate.numerator == 6  # the README's TP 6
    assert result.parameters.task["threshold"] == 0.5


def test_the_options_keep_their_defaults_without_a_protocol(tmp_path: Path) -> None:
    # the defaults the help names, applied when no option is given: Wilson at 0.95 on
    # 3/4 positives called positive (hand: Wilson 95% for 3/4 is 0.3006-0.9544)
    (tmp_path / "ref.csv").write_text("case_id,label\na,1\nb,1\nc,1\nd,1\ne,0\nf,0\n")
    (tmp_path / "pred.csv").write_text(
        "case_id,score\na,0.9\nb,0.8\nc,0.7\nd,0.2\ne,0.1\nf,0.6\n")
    assert main(["evaluate", "--reference", str(tmp_path / "ref.csv"), "--predictions",
                 str(tmp_path / "pred.csv"), "--threshold", "0.5", "--out",
                 str(tmp_path / "r.json")]) == 0
    sensitivity = read_result(tmp_path / "r.json").metric("sensitivity").estimate
    assert (sensitivity.method, sensitivity.confidence) == ("wilson", 0.95)
    assert sensitivity.low == pytest.approx(0.3006418, abs=1e-6)
    assert sensitivity.high == pytest.approx(0.9544127, abs=1e-6)


def test_the_help_names_the_tables_a_protocol_takes_and_a_measurement_table_is_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The help said "for a classification task also one table, case_id,score or
    # case_id,label": a measurement protocol takes case_id,value too (README), and a
    # multi-label one case_id,score@<label>,...
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert ("for a classification or measurement task also one table, case_id,score, "
            "case_id,label, case_id,score@<label>,... or case_id,value") in help_text
    import json

    import numpy as np
    import pandas as pd

    folder = tmp_path / "measurement"
    shutil.copytree(EXAMPLE.parent / "measurement", folder)
    values = {}
    for file in sorted((folder / "predictions").glob("*.json")):
        value = json.loads(file.read_text()).get("value")
        if isinstance(value, (int, float)):
            values[file.stem] = value
    pd.DataFrame({"case_id": list(values), "value": list(values.values())}).to_csv(
        folder / "values.csv", index=False)
    assert main(["evaluate", str(folder / "protocol.toml"), "--predictions",
                 str(folder / "values.csv"), "--out", str(tmp_path / "result")]) == 0
    manifest = pd.read_csv(folder / "manifest.csv", dtype={"reference": float})
    reference = manifest.set_index("case_id")["reference"]
    expected = np.mean([abs(values[c] - reference[c]) for c in values])  # numpy, not medeval
    mae = read_result(tmp_path / "result" / "result.json").metric("mae").estimate
    assert mae.value == pytest.approx(expected, rel=1e-12)
