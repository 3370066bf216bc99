"""A binary-classification evaluation in which every case failed: exit status 3 and a
result, as the README says, not a TypeError from the analysis that leaves failures out
(it has no case left)."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

from statsmodels.stats.proportion import proportion_confint

from medeval.cli import main
from medeval.result import verify_result

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_every_case_missing_exits_3_with_a_result(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result", "predictions"))
    (folder / "predictions").mkdir()
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "result"
    assert main(["evaluate", str(folder / "protocol.toml"), "--predictions",
                 str(folder / "predictions"), "--out", str(out)]) == 3
    assert "EVERY CASE FAILED (24 of 24" in capsys.readouterr().err
    verify_result(out / "result.json")
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        positives = sum(row["reference"] == "1" for row in csv.DictReader(handle))
    # worst-case: every positive missed, so sensitivity 0 of the positives, with Wilson's
    # interval as statsmodels gives it
    sensitivity = result["metrics"]["sensitivity"]
    assert (sensitivity["value"], sensitivity["numerator"], sensitivity["n"]) == (
        0.0, 0, positives)
    low, high = proportion_confint(0, positives, alpha=0.05, method="wilson")
    assert math.isclose(sensitivity["high"], high, rel_tol=1e-12)
    # the failures left out: no case, every figure undefined and said so
    alternative = result["failures"]["alternative"]
    assert alternative["n_cases"] == 0
    for name, record in alternative["metrics"].items():
        assert record["value"] == "NaN" and record["n"] == 0 and record["note"] == "no cases", \
            name
    assert set(alternative["metrics"]) == set(result["metrics"])
