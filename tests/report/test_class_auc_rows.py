"""The AUCs of the class probabilities on the certificate: each row named in both
languages (new catalogue keys, no result of 0.10.0 or before holds these figures), and
each class's AUC in the order of the protocol's labels, as each class's sensitivity is
(a-z put grade G10 before G2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

import medeval
from medeval.report.catalogue import Msg, catalogue, texts
from medeval.report.cells import metric_name
from medeval.report.results import ordered_metrics

LABELS = ["G2", "G10"]
#: the example's protocol (grades 0-4, probabilities), for the classes G2 and G10
PROTOCOL = (Path(__file__).resolve().parents[2] / "examples" / "multiclass-probabilities"
            / "protocol.toml").read_text(encoding="utf-8").replace(
    'labels = ["0", "1", "2", "3", "4"]', 'labels = ["G2", "G10"]').replace(
    'referable_from = "2"\n', "").replace("referable_auc@2", "auc@G10")


def test_class_aucs_in_the_labels_order_and_named_in_both_languages(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "pred").mkdir()
    rows = []
    for i, p in enumerate(np.linspace(0.05, 0.95, 10)):
        case = f"c{i}"
        (tmp_path / "in" / f"{case}.txt").write_text("x")
        rows.append({"case_id": case, "input": f"in/{case}.txt", "patient_id": f"p{i}",
                     "reference": LABELS[i % 2]})
        (tmp_path / "pred" / f"{case}.json").write_text(json.dumps(
            {"probabilities": {"G2": 1 - p, "G10": p}}))
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text(PROTOCOL)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    names = [m.name for m in ordered_metrics(result.metrics, result) if "auc" in m.name]
    assert names == ["auc@G2", "auc@G10", "auc@macro"]
    cells = [metric_name(m.name, m.definition, result=result) for m in result.metrics
             if "auc" in m.name]
    assert [texts(c, "en")[0] for c in cells] == [
        "Area under the ROC curve of class G2 against the others (one-vs-rest)",
        "Area under the ROC curve of class G10 against the others (one-vs-rest)",
        "Area under the ROC curve, one-vs-rest (macro average)"]
    assert texts(cells[1], "ko")[0] == "G10 분류 대 나머지 분류의 ROC 곡선 아래 면적(일대다)"
    for lang in ("en", "ko"):
        assert "metric_param.referable_auc" in catalogue(lang)
    assert isinstance(cells[2], Msg)
