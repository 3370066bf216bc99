"""Build the demo data set shipped in src/medeval/demo/ (run once; needs scikit-learn).

Source: the Breast Cancer Wisconsin (Diagnostic) data set (Wolberg, Street, Mangasarian;
UCI Machine Learning Repository, doi:10.24432/C5DW2B, CC BY 4.0), as scikit-learn ships
it in ``sklearn/datasets/data/breast_cancer.csv``.

Rows are split at random (seed 20261127) into 200 development cases, used only to fit
the "algorithm" (a logistic regression on five nucleus features, standardised), and 369
held-out cases. The held-out references (malignant = 1) and the algorithm's probability
of malignancy on them are written as two CSV files keyed by case id.

For ``medeval demo``, which runs the algorithm itself through the runner, it also writes
the held-out cases' five input features (``features.csv``; the demo turns each row into
the case's input file) and the fitted parameters into the demo plugin
``algorithms/classification/wdbc_logistic.py``, and checks that the plugin reproduces
``predictions.csv``.

    python tools/make_demo_data.py
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["mean radius", "mean texture", "worst concave points", "worst smoothness",
            "worst symmetry"]
OUT = Path(__file__).resolve().parents[1] / "src" / "medeval" / "demo"
PLUGIN = OUT / "algorithms" / "classification" / "wdbc_logistic.py"


def main() -> None:
    data = load_breast_cancer(as_frame=True)
    frame = data.frame
    # scikit-learn codes malignant as 0 and benign as 1; the reference uses malignant = 1.
    malignant = (frame["target"] == 0).astype(int)
    ids = np.array([f"WDBC-{i + 1:04d}" for i in range(len(frame))])
    order = np.random.default_rng(20261127).permutation(len(frame))
    develop, held_out = np.sort(order[:200]), np.sort(order[200:])
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05))
    model.fit(frame.loc[develop, FEATURES], malignant[develop])
    probability = model.predict_proba(frame.loc[held_out, FEATURES])[:, 1]
    pd.DataFrame({"case_id": ids[held_out], "label": malignant[held_out].to_numpy()}).to_csv(
        OUT / "references.csv", index=False
    )
    pd.DataFrame({"case_id": ids[held_out], "score": np.round(probability, 4)}).to_csv(
        OUT / "predictions.csv", index=False
    )
    features = frame.loc[held_out, FEATURES].reset_index(drop=True)
    features.insert(0, "case_id", ids[held_out])
    features.to_csv(OUT / "features.csv", index=False)
    _write_parameters(model)
    _check_plugin(features, np.round(probability, 4))


def _write_parameters(model: object) -> None:
    """Write the fitted scaler and coefficients into the plugin, between its markers."""
    scaler, logistic = model.named_steps["standardscaler"], model.named_steps["logisticregression"]

    def floats(values: np.ndarray) -> str:
        return "(\n" + "".join(f"    {float(v)!r},\n" for v in values) + ")"

    block = (
        "# BEGIN FITTED PARAMETERS (written by tools/make_demo_data.py; do not edit)\n"
        "FEATURES = (\n" + "".join(f"    {name!r},\n" for name in FEATURES) + ")\n"
        f"MEAN = {floats(scaler.mean_)}\n"
        f"SCALE = {floats(scaler.scale_)}\n"
        f"COEFFICIENTS = {floats(logistic.coef_[0])}\n"
        f"INTERCEPT = {float(logistic.intercept_[0])!r}\n"
        "# END FITTED PARAMETERS"
    )
    text = PLUGIN.read_text(encoding="utf-8")
    pattern = re.compile(r"# BEGIN FITTED PARAMETERS.*?# END FITTED PARAMETERS", re.S)
    PLUGIN.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def _check_plugin(features: pd.DataFrame, expected: np.ndarray) -> None:
    """The plugin, run on each case's feature JSON, gives the scores of predictions.csv."""
    spec = importlib.util.spec_from_file_location("wdbc_logistic", PLUGIN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.WdbcLogistic()
    scratch = OUT / ".check-case.json"
    try:
        for row, score in zip(features.to_dict("records"), expected):
            scratch.write_text(json.dumps({k: row[k] for k in FEATURES}), encoding="utf-8")
            got = plugin.predict(SimpleNamespace(input_path=str(scratch)))["score"]
            if got != float(score):
                raise SystemExit(f"plugin gives {got} for {row['case_id']}, "
                                 f"predictions.csv {score}")
    finally:
        scratch.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
