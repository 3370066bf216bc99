"""The demo's three held-out sets: their data, their algorithm and their protocol.

Private. Each builder writes a set's files under ``data_dir`` (the same bytes on every
run) and returns a :class:`SetPlan`: what :func:`medeval.demo.run_demo` needs to write
the protocol and run it.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import MedevalError

__all__ = ["SETS", "DemoError", "SetPlan", "package_file"]

#: Where the goals of the demo's criteria come from.
GOAL_SOURCE = "illustrative (medeval demo), not a regulatory requirement"


class DemoError(MedevalError, RuntimeError):
    """The demo cannot run: its output folder is in use, or its shipped files are missing."""


@dataclass(frozen=True)
class SetPlan:
    """One demo set, built: the protocol's content except the paths run_demo decides."""

    name: str
    title: str
    report_number: str
    algorithm: Mapping[str, str]
    manifest: Path
    selection: str
    task: Mapping[str, Any]
    criteria: Sequence[Mapping[str, Any]]
    statistics: Mapping[str, Any]
    failures: Mapping[str, Any] = field(default_factory=dict)
    runner: Mapping[str, Any] = field(default_factory=dict)


def package_file(*parts: str) -> Path:
    """A file shipped in ``medeval/demo``, as a path on disk.

    Raises
    ------
    DemoError
        The file is missing (an incomplete installation) or not on a file system.
    """
    item = resources.files(__package__ or "medeval.demo").joinpath(*parts)
    path = Path(str(item))
    if not path.is_file():
        raise DemoError(f"medeval demo: the shipped file medeval/demo/{'/'.join(parts)} is "
                        "missing; reinstall medeval (the package data is incomplete)")
    return path


def _write_manifest(path: Path, rows: Sequence[Mapping[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def classification(data_dir: Path) -> SetPlan:
    """369 breast-mass cases (WDBC): one feature JSON per case, the label as reference."""
    with package_file("references.csv").open(encoding="utf-8", newline="") as handle:
        labels = {row["case_id"]: row["label"] for row in csv.DictReader(handle)}
    with package_file("features.csv").open(encoding="utf-8", newline="") as handle:
        features = list(csv.DictReader(handle))
    if sorted(labels) != sorted(row["case_id"] for row in features):
        raise DemoError("medeval demo: features.csv and references.csv name different cases; "
                        "rebuild both with tools/make_demo_data.py")
    cases = data_dir / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    rows = []
    for row in features:
        case_id = row.pop("case_id")
        payload = json.dumps({k: float(v) for k, v in row.items()}, indent=1) + "\n"
        (cases / f"{case_id}.json").write_text(payload, encoding="utf-8")
        rows.append({"case_id": case_id, "patient_id": case_id,
                     "input": f"cases/{case_id}.json", "reference": labels[case_id]})
    # named as a module, so the protocol and the result do not depend on where medeval
    # is installed
    plugin = "medeval.demo.algorithms.classification.wdbc_logistic"
    return SetPlan(
        name="classification",
        title="Malignancy of breast masses from fine-needle aspirate features (demo)",
        report_number="MEDEVAL-DEMO-CLS",
        algorithm={"name": "WDBC logistic regression (medeval example algorithm)",
                   "version": "1.0", "manufacturer": "medeval developers",
                   "plugin": f"{plugin}:WdbcLogistic"},
        manifest=_write_manifest(data_dir / "manifest.csv", rows),
        selection="the 369 held-out cases of the Breast Cancer Wisconsin (Diagnostic) data "
                  "set that the demo algorithm was not fitted on (random split, seed "
                  "20261127); all cases, no exclusion",
        task={"type": "binary-classification", "threshold": 0.5},
        criteria=[{"metric": "sensitivity", "goal": 0.75},
                  {"metric": "specificity", "goal": 0.90},
                  {"metric": "roc_auc", "goal": 0.90}],
        # The defaults of evaluate_classification, so both give the same numbers.
        statistics={"seed": 0, "n_resamples": 2000, "resampling_unit": "case"},
    )


def segmentation(data_dir: Path) -> SetPlan:
    """6 synthetic CT volumes (DICOM series) with one stone each (NIfTI reference)."""
    from ._synthetic_ct import synthetic_case, write_case

    rows = []
    for index in range(6):
        case = synthetic_case(index)
        write_case(case, data_dir / "images" / case.case_id,
                   data_dir / "masks" / f"{case.case_id}.nii.gz")
        rows.append({"case_id": case.case_id, "patient_id": case.case_id,
                     "input": f"images/{case.case_id}",
                     "reference": f"masks/{case.case_id}.nii.gz"})
    # named as a module, so the protocol and the result do not depend on where medeval
    # is installed
    plugin = "medeval.demo.algorithms.segmentation.ct_threshold"
    return SetPlan(
        name="segmentation",
        title="Segmentation of a urinary stone in abdominal CT (demo, synthetic data)",
        report_number="MEDEVAL-DEMO-SEG",
        algorithm={"name": "HU-window stone segmenter (medeval example algorithm)",
                   "version": "1.0", "manufacturer": "medeval developers",
                   "plugin": f"{plugin}:StoneSegmenter"},
        manifest=_write_manifest(data_dir / "manifest.csv", rows),
        selection="6 synthetic CT volumes generated by medeval (seed 20261127): an "
                  "elliptic body, a bone column, calcified specks and one ellipsoidal "
                  "stone of 280-650 HU; all cases",
        task={"type": "segmentation", "nsd_tolerance_mm": 1.5},
        # ASSD, not HD95: the stones' HD95 is one in-plane voxel (0.75 mm) on every case,
        # so its bootstrap interval has zero width, which the guarded rule does not take
        # for certainty (INCONCLUSIVE, see medeval.decision)
        criteria=[{"metric": "dice", "goal": 0.85},
                  {"metric": "assd", "goal": 1.0}],
        statistics={"seed": 7, "n_resamples": 2000, "resampling_unit": "case"},
        failures={"policy": "worst-case", "worst_distance_mm": 100.0},
    )


def ecg(data_dir: Path) -> SetPlan:
    """MIT-BIH record 100, first 10 minutes: the WFDB record and its reference beats."""
    for name in ("100.hea", "100.dat"):
        target = data_dir / "records" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package_file("ecg", name), target)
    reference = data_dir / "references" / "100.atr"
    reference.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package_file("ecg", "100.atr"), reference)
    rows = [{"case_id": "mitdb-100", "patient_id": "mitdb-100",
             "input_header": "records/100.hea", "input_signal": "records/100.dat",
             "reference": "references/100.atr"}]
    # named as a module, so the protocol and the result do not depend on where medeval
    # is installed
    plugin = "medeval.demo.algorithms.ecg.qrs_detector"
    return SetPlan(
        name="ecg",
        title="QRS detection in a Holter ECG (demo, MIT-BIH record 100)",
        report_number="MEDEVAL-DEMO-ECG",
        algorithm={"name": "XQRS beat detector (medeval example algorithm)",
                   "version": "1.0", "manufacturer": "medeval developers",
                   "plugin": f"{plugin}:QrsDetector"},
        manifest=_write_manifest(data_dir / "manifest.csv", rows),
        selection="MIT-BIH Arrhythmia Database record 100 (PhysioNet, ODC-By 1.0), the "
                  "first 10 minutes; beats after the 5-minute EC57 learning period scored",
        # One record: there are no records to resample, so the interval is over its
        # beats, taken as independent trials (a set of records keeps the default).
        task={"type": "ecg-beats", "window_s": 0.15, "learning_period_s": 300.0,
              "interval": "beats"},
        criteria=[{"metric": "qrs_sensitivity", "goal": 0.95},
                  {"metric": "qrs_ppv", "goal": 0.95}],
        statistics={"seed": 7, "resampling_unit": "case"},
    )


#: The demo's sets, in the order they run.
SETS: dict[str, Callable[[Path], SetPlan]] = {
    "classification": classification,
    "segmentation": segmentation,
    "ecg": ecg,
}
