"""The multi-class certificate's note on failed cases says what a failed case is there:
the answer "none" (a miss of its own class, a disagreement), ranked wrongly for the class
AUCs. A result made after 0.11.0 says so in both languages; one of 0.11.0 or before keeps
the general words it was issued with ("a wrong answer, Dice 0, the declared worst
distance": two of them about masks, on a classification certificate).

The multiclass-probabilities example, whose DR-006 has no file and DR-023's is malformed,
against scikit-learn with the failed cases scored by hand as the note says."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, recall_score, roc_auc_score

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Para, Table
from medeval.report.catalogue import Msg, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-probabilities"
FAILED = ("DR-006", "DR-023")
LABELS = ["0", "1", "2", "3", "4"]


@pytest.fixture(scope="module")
def result() -> medeval.Result:
    return medeval.evaluate(EXAMPLE / "protocol.toml", EXAMPLE / "predictions")


def test_the_figures_count_failed_cases_as_the_note_says(result):
    assert {c.case_id for c in result.failures.cases} == set(FAILED)
    manifest = pd.read_csv(EXAMPLE / "manifest.csv", dtype=str)
    truth, answer, probs = [], [], []
    for case_id, label in zip(manifest["case_id"], manifest["reference"]):
        truth.append(label)
        if case_id in FAILED:  # the answer "none"; below every case for its own class
            answer.append("none")
            probs.append([-1.0 if c == label else 2.0 for c in LABELS])
            continue
        given = json.loads((EXAMPLE / "predictions" / f"{case_id}.json").read_text())
        probs.append([given["probabilities"][c] for c in LABELS])
        # a prediction without a label answers its most probable class (np.argmax: the
        # first of tied classes, as the README says)
        answer.append(given.get("label", LABELS[int(np.argmax(probs[-1]))]))
    assert result.metric("accuracy").estimate.value == pytest.approx(
        accuracy_score(truth, answer), abs=1e-12)
    for label in LABELS:  # a miss of its own class, never a true positive
        assert result.metric(f"sensitivity@{label}").estimate.value == pytest.approx(
            recall_score(truth, answer, labels=[label], average="macro"), abs=1e-12)
    scores = np.array(probs)
    for k, label in enumerate(LABELS):
        assert result.metric(f"auc@{label}").estimate.value == pytest.approx(
            roc_auc_score([t == label for t in truth], scores[:, k]), abs=1e-12)


def _keys(result: medeval.Result) -> list[str]:
    blocks = [b for s in build_certificate(result).sections for b in s.blocks]
    keys = [b.text.key for b in blocks if isinstance(b, Para) and isinstance(b.text, Msg)]
    cells = [c for b in blocks if isinstance(b, Table) for row in b.rows for c in row]
    # a key revised in a later catalogue carries '@after-<release>': the key as written
    return [k.split("@")[0] for k in keys + [c.key for c in cells if isinstance(c, Msg)]]


def test_the_note_says_what_a_failed_case_is(result):
    keys = _keys(result)
    assert "text.failures_worst_multiclass-classification" in keys
    assert "text.policy_worst-case_multiclass-classification" in keys
    assert "text.failures_worst" not in keys
    note = Msg("text.failures_worst_multiclass-classification",
               (("figures", Msg("text.precheck_figures")),))
    en, = texts(note, "en")
    assert "Dice" not in en and "distance" not in en and "as no answer" in en
    ko, = texts(note, "ko")
    assert "Dice" not in ko and "거리" not in ko and "응답 없음으로" in ko


def test_a_result_of_0_11_0_keeps_its_words(result):
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    keys = _keys(old)
    assert "text.failures_worst" in keys and "text.policy_worst-case" in keys
    assert not any("multiclass-classification" in k for k in keys)
