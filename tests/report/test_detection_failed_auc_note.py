"""The detection certificate's note on failed cases says how the case-level AUC ranks
them: a result made after 0.11.0 ranks a failed case wrongly (below every case if it holds
a lesion, above every case if lesion-free), which the note says in both languages; a
result of 0.11.0 or before ranked it as a case with nothing detected and keeps its note.
The figure itself is checked against scikit-learn in tests/tasks/test_detection_task.py;
here the example's frames, two lesion-free ones (F-02, F-05) made to fail, against
scikit-learn's roc_auc_score with the failed frames scored by hand."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Para
from medeval.report.catalogue import Msg, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "detection"


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("det") / "example")
    for case_id in ("F-02", "F-05"):
        (folder / "predictions" / f"{case_id}.json").unlink()
    return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _notes(result: medeval.Result) -> list[object]:
    return [b.text for s in build_certificate(result).sections for b in s.blocks
            if isinstance(b, Para)]


def test_the_case_auc_ranks_failed_frames_wrongly(failing):
    manifest = pd.read_csv(EXAMPLE / "manifest.csv", dtype=str)
    failed = {c.case_id for c in failing.failures.cases}
    assert {"F-02", "F-05"} <= failed
    y, s = [], []
    for case_id in manifest["case_id"]:
        lesion = bool(json.loads((EXAMPLE / "references" / f"{case_id}.json")
                                 .read_text())["boxes"])
        y.append(int(lesion))
        if case_id in failed:  # worst case: scores are in [0, 1]
            s.append(-1.0 if lesion else 2.0)
        else:
            found = json.loads((EXAMPLE / "predictions" / f"{case_id}.json")
                               .read_text())["detections"]
            s.append(max((d["score"] for d in found), default=0.0))
    assert failing.metric("case_auc").estimate.value == pytest.approx(
        roc_auc_score(y, s), abs=1e-12)


def test_the_note_says_how_a_failed_case_ranks(failing):
    # a pre-check: the failed cases counted "in the main results", not certified ones
    ranked = Msg("text.failures_worst_detection_ranked",
                 (("figures", Msg("text.precheck_figures")),))
    # as revised after 0.11.0 (참조 병변: the reference standard's word)
    assert dataclasses.replace(ranked, key=f"{ranked.key}@after-0.11.0") in _notes(failing)
    en, = texts(ranked, "en")
    assert "ranked wrongly: below every case if it holds a lesion, above every case if it " \
           "is lesion-free" in en
    ko, = texts(ranked, "ko")
    assert "병변이 없는 실패 증례는 모든 증례보다 위에" in ko
    old = dataclasses.replace(failing, parameters=dataclasses.replace(
        failing.parameters, medeval="0.11.0"))
    keys = [n.key for n in _notes(old) if isinstance(n, Msg)]
    assert ranked.key not in keys
    # as issued: the note of a case with nothing detected (revised in Korean after 0.9.0)
    assert "text.failures_worst_detection@after-0.9.0" in keys
