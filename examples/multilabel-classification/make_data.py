"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

60 resting 12-lead ECG records of 25 patients, each carrying one or more of PTB-XL's five
diagnostic superclasses: NORM (normal ECG), MI (myocardial infarction), STTC (ST/T
change), CD (conduction disturbance), HYP (hypertrophy). The input of each record
(``inputs/<case>.json``) holds a few ECG measurements a reader looks at (heart rate, QRS
duration, QT interval, ST deviation, Sokolow-Lyon voltage, Q waves); the reference is the
record's superclasses joined by ';' (``MI;STTC``). ``predictions/<case>.json`` holds a
multi-label model's score of each superclass, ``{"scores": {"NORM": ..., "HYP": ...}}``
(sigmoid outputs rounded to 3 decimals): one record has no file, and one gives no score
for HYP (so both fail, counted as every label wrong). ``predictions.csv`` holds the same
scores as one table (``score@<label>`` columns).

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261205
LABELS = ["NORM", "MI", "STTC", "CD", "HYP"]
#: each patient's number of records: 25 patients, 60 records.
RECORDS = [4, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
MISSING, NO_HYP = 17, 41


def label_set(rng: np.random.Generator) -> list[str]:
    """NORM alone for about 40 % of the records; else one to three of the others."""
    if rng.random() < 0.4:
        return ["NORM"]
    chosen = [label for label, p in zip(LABELS[1:], (0.45, 0.45, 0.4, 0.25))
              if rng.random() < p]
    return chosen or [LABELS[1 + int(rng.integers(4))]]


def main() -> None:
    rng = np.random.default_rng(SEED)
    (HERE / "inputs").mkdir(exist_ok=True)
    (HERE / "predictions").mkdir(exist_ok=True)
    rows, table, k = [], [], 0
    for p, count in enumerate(RECORDS):
        patient = f"P{p + 1:02d}"
        tendency = label_set(rng)  # a patient's records are alike
        for _ in range(count):
            carried = tendency if rng.random() < 0.7 else label_set(rng)
            case = f"ECG-{k + 1:03d}"
            has = {label: label in carried for label in LABELS}
            features = {
                "heart_rate_bpm": int(rng.normal(72, 12)),
                "qrs_ms": int(rng.normal(135 if has["CD"] else 92, 10)),
                "qt_ms": int(rng.normal(410, 25)),
                "st_deviation_mv": round(float(rng.normal(-0.15 if has["STTC"] else 0, 0.05)), 2),
                "sokolow_lyon_mv": round(float(rng.normal(4.0 if has["HYP"] else 2.6, 0.5)), 2),
                "pathological_q": bool(has["MI"] and rng.random() < 0.7),
            }
            (HERE / "inputs" / f"{case}.json").write_text(json.dumps(features, indent=1) + "\n")
            # a model's logits: higher where the label is carried, with noise
            logits = np.array([2.4 * has[label] - 1.3 for label in LABELS])
            scores = 1 / (1 + np.exp(-(logits + rng.normal(0, 1.1, len(LABELS)))))
            given = {label: round(float(s), 3) for label, s in zip(LABELS, scores)}
            if k == NO_HYP:
                del given["HYP"]
            if k != MISSING:
                (HERE / "predictions" / f"{case}.json").write_text(
                    json.dumps({"scores": given}) + "\n")
                table.append([case, *(given.get(label, "") for label in LABELS)])
            rows.append([case, patient, f"inputs/{case}.json", ";".join(carried),
                         "A" if p < 13 else "B"])
            k += 1
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(rows)
    with (HERE / "predictions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", *(f"score@{label}" for label in LABELS)])
        writer.writerows(table)


if __name__ == "__main__":
    main()
