"""Every figure a result carries names a written definition, and that definition says
what the task computed: for each task, the example's evaluation (one per task type);
for the multi-class task, its definitions against scikit-learn on a set with failed cases.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

import medeval
from medeval.definitions import DEFINITIONS
from medeval.protocol import TASK_METRICS

from ._class_set_files import write_class_set

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: one example per task type; the reader study reads its table from the protocol
BY_TASK = {
    "binary-classification": "binary-classification",
    "multiclass-classification": "multiclass-probabilities",
    "multilabel-classification": "multilabel-classification",
    "segmentation": "segmentation",
    "detection": "detection",
    "coco-detection": "polyp-detection",
    "measurement": "measurement",
    "ecg-beats": "ecg-beats",
    "eeg-events": "eeg-events",
    "reader-study": "reader-study",
}
BINARY_ACCURACY = "(TP + TN) / N"


def test_every_task_type_is_audited():
    assert set(BY_TASK) == set(TASK_METRICS)


@pytest.mark.parametrize("task", sorted(BY_TASK))
def test_every_figure_of_a_result_has_its_definition(task, tmp_path):
    folder = tmp_path / task
    shutil.copytree(EXAMPLES / BY_TASK[task], folder)
    predictions = folder / "predictions"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(folder / "protocol.toml",
                                  predictions if predictions.is_dir() else None)
    assert result.task == task
    assert result.metrics
    for metric in result.metrics:
        written = DEFINITIONS.get(metric.definition)
        assert written is not None, f"{task}: {metric.name} names {metric.definition!r}"
        assert written.formula and written.reference, metric.definition
        assert metric.higher_is_better == written.higher_is_better, metric.name
    if task == "multiclass-classification":
        accuracy = result.metric("accuracy")
        assert DEFINITIONS[accuracy.definition].formula != BINARY_ACCURACY
        # the task's averages are defined for its classes, not as any one-vs-rest ratio
        assert {m.definition for m in result.metrics if m.name.startswith(
            ("sensitivity@m", "sensitivity@w", "ppv@", "f1@"))} == {
            "class_average@macro", "class_average@micro", "class_average@weighted"}
        assert result.metric("cohen_kappa").definition == "cohen_kappa@classes-quadratic"


def test_multiclass_definitions_with_failed_cases_against_sklearn(tmp_path):
    # 3 classes, 10 cases; cases 8 and 9 fail (no prediction file): the definitions say
    # a failed case is wrong for the accuracy and an FN of its class, an FP of none,
    # which is scikit-learn with the failure as an extra answer outside `labels`
    truth = ["a", "a", "a", "b", "b", "b", "c", "c", "a", "c"]
    given = ["a", "b", "a", "b", "b", "a", "c", "a", None, None]
    write_class_set(tmp_path, truth, [None if p is None else {"label": p} for p in given],
                    None, None)
    (tmp_path / "protocol.toml").write_text(_PROTOCOL, encoding="utf-8")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    answered = [p if p is not None else "none" for p in given]
    labels = ["a", "b", "c"]
    # accuracy by hand: cases 0, 2, 3, 4, 6 right, 5 of 10 (both failures wrong)
    assert result.metric("accuracy").estimate.value == 0.5
    assert skm.accuracy_score(truth, answered) == 0.5
    for average in ("macro", "micro", "weighted"):
        for name, score in (("sensitivity", skm.recall_score),
                            ("ppv", skm.precision_score), ("f1", skm.f1_score)):
            metric = result.metric(f"{name}@{average}")
            assert metric.definition == f"class_average@{average}"
            assert metric.estimate.value == pytest.approx(
                score(truth, answered, labels=labels, average=average, zero_division=np.nan))
    # kappa: a failed case agrees with no class, i.e. scikit-learn with 'none' as a
    # label nobody is of (r = 0: no term of p_e); by hand p_o = 5/10, rows a 4, b 3, c 3,
    # columns a 4, b 3, c 1: p_e = (16 + 9 + 3) / 100 = 0.28, (0.5 - 0.28) / 0.72 = 11/36
    kappa = result.metric("cohen_kappa")
    assert kappa.definition == "cohen_kappa@classes"
    assert kappa.estimate.value == pytest.approx(11 / 36) == pytest.approx(
        skm.cohen_kappa_score(truth, answered, labels=[*labels, "none"]))
    # micro sensitivity is the accuracy, as the definition says: sum TP_k / N
    assert result.metric("sensitivity@micro").estimate.value == pytest.approx(0.5)
    # micro PPV over the 8 answered cases: 5 / 8
    assert result.metric("ppv@micro").estimate.value == pytest.approx(5 / 8)


_PROTOCOL = """
[test]
id = "T-DEF"
title = "definitions"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "x"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "made up"
[task]
type = "multiclass-classification"
labels = ["a", "b", "c"]
[statistics]
seed = 1
n_resamples = 100
[[criteria]]
metric = "accuracy"
goal = 0.5
source = "test"
"""
