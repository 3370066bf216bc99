"""Build the demo data set shipped in src/medeval/demo/ (run once; needs scikit-learn).

Source: the Breast Cancer Wisconsin (Diagnostic) data set (Wolberg, Street, Mangasarian;
UCI Machine Learning Repository, doi:10.24432/C5DW2B, CC BY 4.0), as scikit-learn ships
it in ``sklearn/datasets/data/breast_cancer.csv``.

Rows are split at random (seed 20261127) into 200 development cases, used only to fit
the "algorithm" (a logistic regression on five nucleus features, standardised), and 369
held-out cases. The held-out references (malignant = 1) and the algorithm's probability
of malignancy on them are written as two CSV files keyed by case id.

    python tools/make_demo_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["mean radius", "mean texture", "worst concave points", "worst smoothness",
            "worst symmetry"]
OUT = Path(__file__).resolve().parents[1] / "src" / "medeval" / "demo"


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


if __name__ == "__main__":
    main()
