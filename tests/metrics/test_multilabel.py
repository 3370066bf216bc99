"""Tests of medeval.metrics.multilabel against scikit-learn's multi-label metrics and
hand-worked matrices."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import (
    hamming_loss,
    label_aucs,
    label_confusion_matrices,
    macro_auc,
    subset_accuracy,
)


def ptbxl_like(seed: int, n: int = 120, labels: int = 5):
    """Indicator matrix of 5 labels at PTB-XL-like prevalences, noisy scores (with ties,
    rounded to 0.05) and their decisions at per-label thresholds."""
    rng = np.random.default_rng(seed)
    prevalence = np.array([0.44, 0.25, 0.24, 0.22, 0.12])[:labels]
    truth = rng.random((n, labels)) < prevalence
    truth[:2] = [True] * labels, [False] * labels  # every label has both classes
    scores = np.round(np.clip(0.35 * truth + rng.normal(0.35, 0.2, (n, labels)), 0, 1) * 20) / 20
    thresholds = np.array([0.5, 0.35, 0.45, 0.4, 0.3])[:labels]
    return truth.astype(int), scores, (scores >= thresholds).astype(int)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_sklearn(seed):
    truth, scores, pred = ptbxl_like(seed)
    assert hamming_loss(truth, pred) == pytest.approx(skm.hamming_loss(truth, pred), abs=1e-15)
    assert subset_accuracy(truth, pred) == pytest.approx(skm.accuracy_score(truth, pred),
                                                         abs=1e-15)
    assert label_aucs(truth, scores) == pytest.approx(
        skm.roc_auc_score(truth, scores, average=None), abs=1e-12)
    assert macro_auc(truth, scores) == pytest.approx(
        skm.roc_auc_score(truth, scores, average="macro"), abs=1e-12)
    ours = [[[m.tn, m.fp], [m.fn, m.tp]] for m in label_confusion_matrices(truth, pred)]
    assert ours == skm.multilabel_confusion_matrix(truth, pred).tolist()


def test_hand_worked():
    truth = [[1, 0, 1], [0, 0, 1], [0, 1, 0]]
    pred = [[1, 1, 1], [0, 0, 1], [0, 0, 0]]
    # wrong cells: (0, 1) and (2, 1): 2 of 9; exact rows: the second only: 1 of 3
    assert hamming_loss(truth, pred) == pytest.approx(2 / 9)
    assert subset_accuracy(truth, pred) == pytest.approx(1 / 3)
    # the middle label: one false positive (case 0), one false negative (case 2)
    middle = label_confusion_matrices(truth, pred)[1]
    assert (middle.tp, middle.fp, middle.fn, middle.tn) == (0, 1, 1, 1)


def test_a_label_without_positives_makes_the_macro_undefined():
    truth = np.array([[1, 0], [0, 0], [1, 0]])
    scores = np.array([[0.9, 0.1], [0.2, 0.3], [0.7, 0.5]])
    with pytest.warns(UndefinedMetricWarning, match=r"label column\(s\) \[1\]"):
        assert math.isnan(macro_auc(truth, scores))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        aucs = label_aucs(truth, scores)
    assert aucs[0] == 1.0 and math.isnan(aucs[1])


def test_no_case_is_undefined():
    empty = np.zeros((0, 3), dtype=int)
    with pytest.warns(UndefinedMetricWarning):
        assert math.isnan(hamming_loss(empty, empty))
    with pytest.warns(UndefinedMetricWarning):
        assert math.isnan(subset_accuracy(empty, empty))


@pytest.mark.parametrize("pred, match", [
    ([1, 0, 1], "indicator matrix of shape"),
    ([[1, 2], [0, 1]], "only 0 and 1"),
    ([[1, 0, 0], [0, 1, 0]], r"y_true has shape \(2, 2\) and y_pred \(2, 3\)"),
])
def test_refused_input(pred, match):
    with pytest.raises(InvalidInputError, match=match):
        hamming_loss([[1, 0], [0, 1]], pred)


def test_scores_must_be_finite():
    with pytest.raises(InvalidInputError, match="finite"):
        label_aucs([[1, 0], [0, 1]], [[0.5, math.nan], [0.2, 0.3]])


@pytest.mark.parametrize("func", [label_aucs, macro_auc, hamming_loss, subset_accuracy,
                                  label_confusion_matrices])
def test_dataframes_with_labels_in_another_order_are_refused(func):
    # A score table whose columns list the labels in another order than the reference
    # table's: by position, NORM's references meet MI's scores. Here every label is
    # ranked and decided perfectly when paired by name (AUC 1, Hamming loss 0), and
    # perfectly wrongly by position (AUC 0, Hamming loss 1): the pairing must be refused.
    pd = pytest.importorskip("pandas")
    truth = pd.DataFrame({"NORM": [1, 0, 1, 0], "MI": [0, 1, 0, 1]})
    other = pd.DataFrame({"MI": [0.1, 0.9, 0.2, 0.8], "NORM": [0.9, 0.1, 0.8, 0.2]})
    if func in (hamming_loss, subset_accuracy, label_confusion_matrices):
        other = (other >= 0.5).astype(int)
    with pytest.raises(InvalidInputError, match=r"another order .*\[y_true\.columns\]"):
        func(truth, other)
    # aligned by name, the figures are scikit-learn's on the aligned arrays
    aligned = other[truth.columns]
    if func is macro_auc:
        assert func(truth, aligned) == skm.roc_auc_score(truth, aligned, average="macro")
    elif func is hamming_loss:
        assert func(truth, aligned) == skm.hamming_loss(truth, aligned) == 0.0
    func(truth, aligned)  # accepted


def test_dataframes_with_other_labels_are_refused():
    pd = pytest.importorskip("pandas")
    truth = pd.DataFrame({"NORM": [1, 0, 1, 0], "MI": [0, 1, 0, 1]})
    other = pd.DataFrame({"NORM": [0.9, 0.1, 0.8, 0.2], "STTC": [0.1, 0.9, 0.2, 0.8]})
    with pytest.raises(InvalidInputError, match=r"different label columns .*'STTC'"):
        label_aucs(truth, other)
    # an array has no labels to compare: read by position, as scikit-learn reads it
    assert label_aucs(truth, other.to_numpy()).tolist() == [1.0, 1.0]


def test_nullable_dataframes_are_read_as_numbers():
    # Found in the tasks pass: an indicator table of pandas' nullable Int64 columns (as
    # convert_dtypes() makes it) was refused as "y_true must hold only 0 and 1": numpy
    # reads several such columns as objects. The same values as plain int columns give
    # scikit-learn's figures.
    pd = pytest.importorskip("pandas")
    truth, scores, pred = ptbxl_like(0, n=40)
    names = ["NORM", "MI", "STTC", "CD", "HYP"]
    t = pd.DataFrame(truth, columns=names).astype("Int64")
    s = pd.DataFrame(scores, columns=names).astype("Float64")
    p = pd.DataFrame(pred, columns=names).astype("boolean")
    assert macro_auc(t, s) == pytest.approx(skm.roc_auc_score(truth, scores, average="macro"),
                                            abs=1e-15)
    assert hamming_loss(t, p) == pytest.approx(skm.hamming_loss(truth, pred), abs=1e-15)
    assert subset_accuracy(t, p) == pytest.approx(skm.accuracy_score(truth, pred), abs=1e-15)
    missing = s.copy()
    missing.iloc[2, 1] = None  # pd.NA: a missing score, refused as one
    with pytest.raises(InvalidInputError, match="must be finite"):
        label_aucs(t, missing)


def test_macro_auc_names_itself_in_its_refusals():
    # found in the tasks pass: macro_auc's refusal of a y_true holding a 2 began
    # "label_aucs: ...", naming a function the user did not call
    with pytest.raises(InvalidInputError, match=r"^macro_auc: y_true must hold only 0 and 1"):
        macro_auc([[1, 2], [0, 1]], [[0.2, 0.3], [0.1, 0.3]])


def test_score_columns_named_as_a_predictions_table_names_them_are_paired_by_label():
    # 'score@MI' is MI's score, as a predictions table names it: in the reference's
    # order it is read (as it was before the order check), in another order refused;
    # columns sharing no name at all (a DataFrame made from an array: 0, 1) are read by
    # position, as an array is. Figures against scikit-learn on the arrays.
    pd = pytest.importorskip("pandas")
    truth = pd.DataFrame({"MI": [0, 1, 0, 1], "NORM": [1, 0, 1, 0]})
    scores = pd.DataFrame({"score@MI": [0.1, 0.9, 0.3, 0.6],
                           "score@NORM": [0.8, 0.3, 0.6, 0.5]})
    expected = skm.roc_auc_score(truth.to_numpy(), scores.to_numpy(), average="macro")
    assert macro_auc(truth, scores) == expected
    assert macro_auc(truth, scores.rename(columns=lambda c: c.replace("score@",
                                                                      "probability@"))) \
        == expected
    assert macro_auc(truth, pd.DataFrame(scores.to_numpy())) == expected
    with pytest.raises(InvalidInputError, match="another order"):
        macro_auc(truth, scores[["score@NORM", "score@MI"]])
