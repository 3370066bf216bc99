"""The binary-classification certificate's note on failed cases says what a failed case
is there: a false negative or a false positive, ranked wrongly for the ROC AUC and the
average precision, and the wrong extreme probability for the Brier score. A result made
after 0.11.0 says so in both languages; one of 0.11.0 or before keeps the general words
it was issued with ("a wrong answer, Dice 0, the declared worst distance": two of them
about masks, on a classification certificate).

The example's cases, one positive (WDBC-0001) and one negative (WDBC-0020) made to fail,
against scikit-learn with the failed cases scored by hand as the note says."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Para, Table
from medeval.report.catalogue import Msg, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
FAILED = ("WDBC-0001", "WDBC-0020")
#: The example's own failures: WDBC-0002 has no file, WDBC-0053's is malformed.
ALSO_FAILED = ("WDBC-0002", "WDBC-0053")


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("bin") / "example")
    for case_id in FAILED:
        (folder / "predictions" / f"{case_id}.json").unlink(missing_ok=True)
    return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _by_hand() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels, scores and probabilities with the failed cases counted as the note says:
    a positive below every case (and probability 0), a negative above (and 1)."""
    manifest = pd.read_csv(EXAMPLE / "manifest.csv", dtype=str)
    y, s, p = [], [], []
    for case_id, label in zip(manifest["case_id"], manifest["reference"]):
        file = EXAMPLE / "predictions" / f"{case_id}.json"
        y.append(int(label))
        if case_id in FAILED + ALSO_FAILED:
            s.append(-1.0 if label == "1" else 2.0)  # scores lie in [0, 1]
            p.append(0.0 if label == "1" else 1.0)
        else:
            score = json.loads(file.read_text())["score"]
            s.append(score)
            p.append(score)
    return np.array(y), np.array(s), np.array(p)


def test_the_figures_count_failed_cases_as_the_note_says(failing):
    assert {c.case_id for c in failing.failures.cases} == set(FAILED + ALSO_FAILED)
    y, s, p = _by_hand()
    assert failing.metric("roc_auc").estimate.value == pytest.approx(
        roc_auc_score(y, s), abs=1e-12)
    assert failing.metric("average_precision").estimate.value == pytest.approx(
        average_precision_score(y, s), abs=1e-12)
    assert failing.metric("brier_score").estimate.value == pytest.approx(
        brier_score_loss(y, p), abs=1e-12)
    matrix = failing.tables["confusion_matrix"]
    decided = (s >= 0.5).astype(int)
    assert matrix["fn"] == int(np.sum((y == 1) & (decided == 0)))
    assert matrix["fp"] == int(np.sum((y == 0) & (decided == 1)))


def _blocks(result: medeval.Result) -> list[object]:
    return [b for s in build_certificate(result).sections for b in s.blocks]


def _keys(result: medeval.Result) -> list[str]:
    keys = [b.text.key for b in _blocks(result)
            if isinstance(b, Para) and isinstance(b.text, Msg)]
    cells = [c for b in _blocks(result) if isinstance(b, Table)
             for row in b.rows for c in row]
    # a key revised in a later catalogue carries '@after-<release>': the key as written
    return [k.split("@")[0] for k in keys + [c.key for c in cells if isinstance(c, Msg)]]


def test_the_note_says_what_a_failed_case_is(failing):
    keys = _keys(failing)
    assert "text.failures_worst_binary-classification" in keys
    assert "text.policy_worst-case_binary-classification" in keys
    assert "text.failures_worst" not in keys
    note = Msg("text.failures_worst_binary-classification",
               (("figures", Msg("text.precheck_figures")),))
    en, = texts(note, "en")
    assert "Dice" not in en and "distance" not in en
    assert "a failed case whose reference is positive as a false negative" in en
    ko, = texts(note, "ko")
    assert "Dice" not in ko and "거리" not in ko
    assert "참조가 양성인 실패 증례는 위음성으로" in ko


def test_a_result_of_0_11_0_keeps_its_words(failing):
    old = dataclasses.replace(failing, parameters=dataclasses.replace(
        failing.parameters, medeval="0.11.0"))
    keys = _keys(old)
    assert "text.failures_worst" in keys
    assert "text.policy_worst-case" in keys
    assert not any("binary-classification" in k for k in keys)
