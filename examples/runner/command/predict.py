#!/usr/bin/env python3
"""A worked example of a medeval command algorithm (the same model as the plugin).

The runner starts this once per case, in its sandbox: it reads /input/case.json, opens
the input files it lists, and writes /output/prediction.json. Run it as the laboratory
will (from the repository root)::

    medeval predict --command "python3 examples/runner/command/predict.py" \
        --manifest examples/runner/data/manifest.csv --out runs/mass-command
"""

import json
import math
import os

case = json.load(open(os.path.join(os.environ.get("MEDEVAL_INPUT_DIR", "/input"), "case.json")))
with open(case["inputs"][0]["path"], encoding="utf-8") as handle:
    features = json.load(handle)
z = -9.0 + sum([0.45 * features["radius_mm"], 0.12 * features["texture"]])
with open(case["prediction_file"], "w", encoding="utf-8") as out:
    json.dump({"score": 1 / (1 + math.exp(-z))}, out)
