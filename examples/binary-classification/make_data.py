"""Rebuild this example's held-out set from the demo tables medeval ships (not needed to
run the example: its output is committed).

24 cases of the Breast Cancer Wisconsin (Diagnostic) data set (CC BY 4.0; credits in
README.md), taken from ``medeval/demo``: ``inputs/<case>.json`` holds the five nucleus
features the demo algorithm reads, the manifest the reference label (1 = malignant) and
an invented ``site`` column, ``predictions/<case>.json`` the demo algorithm's score. Two
predictions are broken on purpose: one is missing, one is not a number.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: 10 malignant (three of them scored below the 0.5 threshold: 0041, 0216, 0298) and 14
#: benign cases (0542 scored above it), chosen from the demo's 369 held-out cases.
MALIGNANT = ["WDBC-0001", "WDBC-0002", "WDBC-0003", "WDBC-0041", "WDBC-0057", "WDBC-0078",
             "WDBC-0123", "WDBC-0216", "WDBC-0298", "WDBC-0370"]
BENIGN = ["WDBC-0020", "WDBC-0021", "WDBC-0022", "WDBC-0047", "WDBC-0050", "WDBC-0053",
          "WDBC-0061", "WDBC-0062", "WDBC-0080", "WDBC-0082", "WDBC-0090", "WDBC-0102",
          "WDBC-0105", "WDBC-0542"]
MISSING = "WDBC-0002"  # the algorithm wrote nothing for this case
INVALID = "WDBC-0053"  # ... and something that is not a score for this one


def _table(name: str) -> dict[str, dict[str, str]]:
    with (resources.files("medeval") / "demo" / name).open(encoding="utf-8") as handle:
        return {row["case_id"]: row for row in csv.DictReader(handle)}


def main() -> None:
    labels, scores, features = (_table(n) for n in ("references.csv", "predictions.csv",
                                                     "features.csv"))
    cases = sorted(MALIGNANT + BENIGN)
    assert all(labels[c]["label"] == "1" for c in MALIGNANT)
    assert all(labels[c]["label"] == "0" for c in BENIGN)
    (HERE / "inputs").mkdir(exist_ok=True)
    (HERE / "predictions").mkdir(exist_ok=True)
    rows = []
    for k, case in enumerate(cases):
        values = {key: float(v) for key, v in features[case].items() if key != "case_id"}
        (HERE / "inputs" / f"{case}.json").write_text(json.dumps(values, indent=1) + "\n")
        prediction = HERE / "predictions" / f"{case}.json"
        if case == INVALID:
            prediction.write_text('{"score": "low"}\n')
        elif case != MISSING:
            prediction.write_text(json.dumps({"score": float(scores[case]["score"])}) + "\n")
        rows.append([case, f"P{k + 1:02d}", f"inputs/{case}.json", labels[case]["label"],
                     "A" if k % 2 == 0 else "B"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "site"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
