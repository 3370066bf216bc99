"""A worked example of a medeval Python plugin: a breast-mass malignancy score.

Run it as the laboratory will (from the repository root)::

    medeval predict --algorithm examples/runner/plugin/mass_score.py:MassScore \
        --manifest examples/runner/data/manifest.csv --out runs/mass-plugin
"""

from __future__ import annotations

import json
import math


class MassScore:
    """Logistic score from two features; the model is loaded once per worker."""

    def setup(self) -> None:
        # A real algorithm loads its weights here, from files beside this module.
        self.weights = {"radius_mm": 0.45, "texture": 0.12}
        self.bias = -9.0

    def predict(self, case):  # case.case_id, case.input_path, case.output_dir
        with open(case.input_path, encoding="utf-8") as handle:
            features = json.load(handle)
        z = self.bias + sum(w * features[k] for k, w in self.weights.items())
        return {"score": 1 / (1 + math.exp(-z))}
