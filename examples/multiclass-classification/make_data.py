"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

18 breast tumours of 12 patients, graded G1/G2/G3 by the Nottingham system: the input of
each case (``inputs/<case>.json``) holds the three components a pathologist scores
(tubule formation, nuclear pleomorphism, mitotic count per 10 high-power fields), the
reference is the grade. ``predictions/<case>.json`` holds a grading algorithm's answer:
right for most cases, one grade off for some, missing for one case and not a grade
("G4") for another.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261203
#: case -> patient: six patients have two tumours.
PATIENTS = ["P01", "P01", "P02", "P03", "P03", "P04", "P05", "P06", "P06", "P07", "P08",
            "P08", "P09", "P10", "P10", "P11", "P12", "P12"]
#: The algorithm's answers that differ from the reference (case index -> answer).
WRONG = {2: "G2", 6: "G3", 9: "G1", 13: "G2"}
MISSING, INVALID = 11, 16


def main() -> None:
    rng = np.random.default_rng(SEED)
    (HERE / "inputs").mkdir(exist_ok=True)
    (HERE / "predictions").mkdir(exist_ok=True)
    rows = []
    for k, patient in enumerate(PATIENTS):
        case = f"BR-{k + 1:03d}"
        # Nottingham components, each 1-3; the grade follows their sum (3-5, 6-7, 8-9).
        tubules, pleomorphism = (int(v) for v in rng.integers(1, 4, size=2))
        mitoses = int(rng.integers(0, 25))
        mitosis_score = 1 if mitoses <= 7 else 2 if mitoses <= 14 else 3
        total = tubules + pleomorphism + mitosis_score
        grade = "G1" if total <= 5 else "G2" if total <= 7 else "G3"
        features = {"tubule_formation_score": tubules, "nuclear_pleomorphism_score":
                    pleomorphism, "mitoses_per_10_hpf": mitoses}
        (HERE / "inputs" / f"{case}.json").write_text(json.dumps(features, indent=1) + "\n")
        prediction = HERE / "predictions" / f"{case}.json"
        if k == INVALID:
            prediction.write_text('{"label": "G4"}\n')
        elif k != MISSING:
            prediction.write_text(json.dumps({"label": WRONG.get(k, grade)}) + "\n")
        rows.append([case, patient, f"inputs/{case}.json", grade, "A" if k < 9 else "B"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
