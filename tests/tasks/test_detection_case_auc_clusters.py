"""The detection task's case-level AUC over several frames per patient: its interval
took the frames as independent (DeLong's over cases) where the protocol resamples
patients, while binary classification's AUC, and the README, use Obuchowski's clustered
form (found in the KTL tester pass, a chest CT detector with two series per patient).
Checked against Obuchowski's (1997) variance written out here and scikit-learn's AUC."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

import medeval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "detection"


def _obuchowski(y: np.ndarray, s: np.ndarray, patients: np.ndarray) -> tuple[float, float]:
    """AUC and variance: V10_i, V01_i the per-patient sums of the structural components,
    S10, S01, S11 their between-patient (co)variances (Obuchowski 1997, eqs. 3-5)."""
    pos, neg = s[y == 1], s[y == 0]
    m, n = pos.size, neg.size
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    ids = np.unique(patients)
    v10 = np.array([psi[patients[y == 1] == i].sum() / n for i in ids])
    v01 = np.array([psi[:, patients[y == 0] == i].sum() / m for i in ids])
    m_i = np.array([(patients[y == 1] == i).sum() for i in ids])
    n_i = np.array([(patients[y == 0] == i).sum() for i in ids])
    i10, i01, k = (m_i > 0).sum(), (n_i > 0).sum(), ids.size
    s10 = i10 / ((i10 - 1) * m) * ((v10 - m_i * auc) ** 2).sum()
    s01 = i01 / ((i01 - 1) * n) * ((v01 - n_i * auc) ** 2).sum()
    s11 = k / (k - 1) * ((v10 - m_i * auc) * (v01 - n_i * auc)).sum()
    return auc, s10 / m + s01 / n + 2 * s11 / (m * n)


def test_the_case_auc_interval_is_over_patients(tmp_path: Path) -> None:
    folder = tmp_path / "detection"
    shutil.copytree(EXAMPLE, folder)
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    y, s = [], []
    for case_id in manifest["case_id"]:
        boxes = json.loads((folder / "references" / f"{case_id}.json").read_text())["boxes"]
        y.append(int(bool(boxes)))
        failed = case_id in {c.case_id for c in result.failures.cases}
        path = folder / "predictions" / f"{case_id}.json"
        found = [] if failed else json.loads(path.read_text())["detections"]
        if failed:  # worst case: ranked wrongly, below every case or above (scores in [0, 1])
            s.append(-1.0 if boxes else 2.0)
        else:
            s.append(max((d["score"] for d in found), default=0.0))  # its highest score
    y_, s_ = np.array(y), np.array(s)
    auc, variance = _obuchowski(y_, s_, manifest["patient_id"].to_numpy())
    assert auc == pytest.approx(roc_auc_score(y_, s_), abs=1e-12)
    estimate = result.metric("case_auc").estimate
    assert estimate.method == "obuchowski"
    half = norm.ppf(0.975) * np.sqrt(variance)
    assert (estimate.value, estimate.low, estimate.high) == pytest.approx(
        (auc, max(auc - half, 0.0), min(auc + half, 1.0)), abs=1e-12)


def test_newcombe_case_auc_says_it_takes_frames_as_independent(tmp_path: Path) -> None:
    """auc_method = "newcombe" ignores the patients; binary classification's AUC says so
    in its note (a warning of the result), the detection task's said nothing of the 12
    frames of 4 patients. Counted with pandas from the manifest."""
    folder = tmp_path / "detection"
    shutil.copytree(EXAMPLE, folder)
    protocol = folder / "protocol.toml"
    text = protocol.read_text(encoding="utf-8")
    assert "[statistics]\n" in text and "auc_method" not in text
    protocol.write_text(text.replace("[statistics]\n", '[statistics]\nauc_method = "newcombe"\n'),
                        encoding="utf-8")
    result = medeval.evaluate(protocol, folder / "predictions")
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    n, k = len(manifest), manifest["patient_id"].nunique()
    estimate = result.metric("case_auc").estimate
    assert estimate.method.startswith("newcombe")
    sentence = (f"newcombe takes the {n} cases as independent, but they are of {k} patients, "
                "several per patient")
    assert estimate.note is not None and estimate.note.startswith(sentence)
    assert any(sentence in w for w in result.warnings)
