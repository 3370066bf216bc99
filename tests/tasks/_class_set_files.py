"""A classification set written to disk for a task's tests (private helper): one text
input per case, its reference as given, its prediction as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd


def write_class_set(folder: Path, references: Sequence[str], predictions: Sequence[Any],
                    protocol: str | None, patients: Sequence[Any] | None = None) -> Path:
    """manifest.csv (case c00, c01, ... of patient p<i>, or of ``patients[i]``; c000 from
    101 cases on), in/, pred/<case>.json (a prediction of None: no file) and, unless None,
    protocol.toml; returns the protocol's path."""
    (folder / "in").mkdir()
    (folder / "pred").mkdir()
    rows, width = [], max(2, len(str(len(references) - 1)))
    for i, (reference, pred) in enumerate(zip(references, predictions)):
        case = f"c{i:0{width}d}"
        (folder / "in" / f"{case}.txt").write_text("x")
        rows.append({"case_id": case, "input": f"in/{case}.txt", "reference": reference,
                     "patient_id": f"p{i if patients is None else patients[i]}"})
        if pred is not None:
            (folder / "pred" / f"{case}.json").write_text(json.dumps(pred))
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    if protocol is not None:
        (folder / "protocol.toml").write_text(protocol)
    return folder / "protocol.toml"
