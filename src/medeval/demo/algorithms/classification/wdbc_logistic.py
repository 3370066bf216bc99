"""The demo's classification algorithm: a logistic regression on five nucleus features.

A medeval Python plugin (``wdbc_logistic.py:WdbcLogistic``). Each case's input is a JSON
object of the five features of one breast-mass aspirate (Breast Cancer Wisconsin
Diagnostic data set, CC BY 4.0); the plugin returns the probability of malignancy,
rounded to 4 decimals as the shipped ``predictions.csv`` holds it.

The model was fitted by ``tools/make_demo_data.py`` (scikit-learn ``StandardScaler`` then
``LogisticRegression(C=0.05)``) on 200 development cases that are not in the demo's
held-out set; its parameters are written below by that script, so this file needs
nothing but the standard library.
"""

from __future__ import annotations

import json
import math
from typing import Any

# BEGIN FITTED PARAMETERS (written by tools/make_demo_data.py; do not edit)
FEATURES = (
    'mean radius',
    'mean texture',
    'worst concave points',
    'worst smoothness',
    'worst symmetry',
)
MEAN = (
    13.841409999999998,
    19.44899999999999,
    0.10781435500000003,
    0.13224789999999995,
    0.2866399999999999,
)
SCALE = (
    3.6036158538196053,
    4.224362200380075,
    0.06328403027825405,
    0.023198996391870057,
    0.05978823880998668,
)
COEFFICIENTS = (
    0.8647407416521108,
    0.5112322076500001,
    0.7737017011258759,
    0.30095530050067687,
    0.2660087157042914,
)
INTERCEPT = -0.9333758321970037
# END FITTED PARAMETERS


class WdbcLogistic:
    """Probability of malignancy from the five features of one case."""

    def predict(self, case: Any) -> dict[str, float]:
        """Read the case's feature file and return ``{"score": probability}``."""
        with open(case.input_path, encoding="utf-8") as handle:
            features = json.load(handle)
        z = INTERCEPT + sum(
            w * (float(features[name]) - m) / s
            for name, m, s, w in zip(FEATURES, MEAN, SCALE, COEFFICIENTS)
        )
        return {"score": round(1.0 / (1.0 + math.exp(-z)), 4)}
