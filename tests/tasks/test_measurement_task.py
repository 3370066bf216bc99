"""The measurement task end to end, against the agreement functions called directly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.metrics import bland_altman, lins_ccc, mae, rmse
from medeval.stats import proportion_ci

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "measurement"


@pytest.fixture
def study(tmp_path):
    rng = np.random.default_rng(9)
    reference = np.round(rng.uniform(2, 15, 40), 1)
    measured = np.round(reference + rng.normal(0.3, 0.8, 40), 2)
    (tmp_path / "in").mkdir()
    (tmp_path / "pred").mkdir()
    rows = []
    for i, (r, m) in enumerate(zip(reference, measured)):
        (tmp_path / "in" / f"s{i:02d}.txt").write_text("x")
        rows.append({"case_id": f"s{i:02d}", "patient_id": f"p{i}", "input": f"in/s{i:02d}.txt",
                     "reference": str(r)})
        if i != 3:  # s03 fails
            (tmp_path / "pred" / f"s{i:02d}.json").write_text(json.dumps({"value": m}))
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    return tmp_path, reference, measured


def test_matches_the_agreement_functions(study):
    folder, reference, measured = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    keep = np.arange(40) != 3
    r, m = reference[keep], measured[keep]
    ba = bland_altman(r, m)
    assert result.metric("bias").estimate == ba.bias
    assert result.metric("lower_loa").estimate == ba.lower_loa
    assert result.metric("upper_loa").estimate == ba.upper_loa
    assert result.metric("mae").estimate == mae(r, m)
    assert result.metric("rmse").estimate == rmse(r, m)
    assert result.metric("lins_ccc").estimate == lins_ccc(r, m)
    # 39 of 40 measured; Wilson interval as statsmodels/medeval compute it.
    assert result.metric("completion_rate").estimate == proportion_ci(39, 40, method="wilson")
    data = json.loads(result.to_json())
    assert data["failures"]["cases"][0]["case_id"] == "s03"
    assert result.metric("bias").unit == "mm"


def test_non_numeric_reference_listed(study):
    folder, _, _ = study
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest.loc[1, "reference"] = "n/a"
    manifest.to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(medeval.ManifestError, match="'n/a' is not a finite number"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
