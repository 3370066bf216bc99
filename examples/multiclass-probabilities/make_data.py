"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

40 eyes of 20 patients graded for diabetic retinopathy on the international scale, 0 (no
DR) to 4 (proliferative DR): the input of each eye (``inputs/<case>.json``) holds the
lesion counts a grader looks at (microaneurysms, haemorrhages, hard exudates) and whether
new vessels are seen; the reference is the grade. ``predictions/<case>.json`` holds a
grading algorithm's answer with its class probabilities, ``{"label": "2",
"probabilities": {"0": ..., "4": ...}}`` (a softmax rounded to 4 decimals): one eye has
no file, one gives probabilities that sum to 0.9, one gives only its probabilities (the
label is then the most probable grade) and one a label that is not its most probable
grade. ``predictions.csv`` holds the same answers as one table.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261205
LABELS = ["0", "1", "2", "3", "4"]
#: eye -> grade: 16 grade 0, 8 grade 1, 7 grade 2, 5 grade 3, 4 grade 4.
GRADES = [0] * 16 + [1] * 8 + [2] * 7 + [3] * 5 + [4] * 4
MISSING, BAD_SUM, NO_LABEL, OTHER_LABEL = 5, 22, 30, 12


def main() -> None:
    rng = np.random.default_rng(SEED)
    grades = rng.permutation(GRADES)
    (HERE / "inputs").mkdir(exist_ok=True)
    (HERE / "predictions").mkdir(exist_ok=True)
    rows, table = [], []
    for k, grade in enumerate(grades):
        case, patient = f"DR-{k + 1:03d}", f"P{k // 2 + 1:02d}"
        lesions = {"microaneurysms": int(rng.poisson([0.3, 4, 12, 25, 30][grade])),
                   "haemorrhages": int(rng.poisson([0, 0.5, 4, 15, 20][grade])),
                   "hard_exudates": int(rng.poisson([0, 0.3, 3, 8, 10][grade])),
                   "new_vessels": bool(grade == 4)}
        (HERE / "inputs" / f"{case}.json").write_text(json.dumps(lesions, indent=1) + "\n")
        # an ordinal model: logits peaked near the true grade, with noise
        logits = -0.9 * (np.arange(5) - grade - rng.normal(0, 0.7)) ** 2 + rng.normal(0, 0.4, 5)
        p = np.exp(logits - logits.max())
        p = np.round(p / p.sum(), 4)
        p[int(np.argmax(p))] += round(1.0 - float(p.sum()), 4)  # rounded, still summing to 1
        probabilities = {label: round(float(v), 4) for label, v in zip(LABELS, p)}
        label = LABELS[int(np.argmax(p))]
        if k == OTHER_LABEL:  # the algorithm's own rule called it one grade up
            label = LABELS[min(int(np.argmax(p)) + 1, 4)]
        if k == BAD_SUM:  # one class's probability left out of a renormalisation
            probabilities = {key: round(v * 0.9, 4) for key, v in probabilities.items()}
        prediction = {"probabilities": probabilities} if k == NO_LABEL else {
            "label": label, "probabilities": probabilities}
        if k != MISSING:
            (HERE / "predictions" / f"{case}.json").write_text(json.dumps(prediction) + "\n")
            table.append([case, prediction.get("label", ""),
                          *(probabilities[label] for label in LABELS)])
        rows.append([case, patient, f"inputs/{case}.json", LABELS[grade], "A" if k < 20 else "B"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(rows)
    with (HERE / "predictions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "label", *(f"probability@{label}" for label in LABELS)])
        writer.writerows(table)


if __name__ == "__main__":
    main()
