"""Without ``pos_label``, the positive class is 1 only where the labels make that evident.

0/1, -1/1 and booleans: 1 (True) is positive, as scikit-learn decides. Labels such as
1/2 (a common coding where 2 is the disease) or text leave it open; medeval refuses them
rather than take 1 as positive, which would silently turn an AUC of 0.77 into 0.23.
scikit-learn's ranking metrics refuse them too (checked below as the reference).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from medeval.cli import main
from medeval.errors import InvalidInputError
from medeval.metrics import (
    accuracy,
    average_precision,
    balanced_accuracy,
    brier_score,
    roc_auc,
    sensitivity,
    specificity,
    threshold_for_sensitivity,
)
from medeval.stats import auc_ci, bootstrap_ci, delong_test

RNG = np.random.default_rng(5)
Y = RNG.integers(0, 2, 120)
SCORE = np.clip(RNG.random(120) * 0.8 + Y * 0.3, 0, 1)
CALLED = (SCORE >= 0.5).astype(int)


@pytest.mark.parametrize("coding", ["0/1", "-1/1", "bool"])
def test_evident_codings_take_1_as_positive_as_scikit_learn(coding):
    y = {"0/1": Y, "-1/1": 2 * Y - 1, "bool": Y.astype(bool)}[coding]
    called = {"0/1": CALLED, "-1/1": 2 * CALLED - 1, "bool": CALLED.astype(bool)}[coding]
    assert roc_auc(y, SCORE) == pytest.approx(sk.roc_auc_score(y, SCORE), abs=1e-15)
    assert average_precision(y, SCORE) == pytest.approx(
        sk.average_precision_score(y, SCORE), abs=1e-15)
    assert sensitivity(y, called) == pytest.approx(sk.recall_score(y, called), abs=1e-15)
    assert brier_score(y, SCORE) == pytest.approx(
        sk.brier_score_loss(y == 1, SCORE), abs=1e-15)
    assert auc_ci(y, SCORE).value == pytest.approx(sk.roc_auc_score(y, SCORE), abs=1e-15)


def test_one_and_two_are_refused_without_pos_label_as_scikit_learn_does():
    y = Y + 1  # 1 = healthy, 2 = disease
    with pytest.raises(ValueError, match="pos_label"):  # the reference refuses too
        sk.roc_curve(y, SCORE)
    calls = [
        lambda: roc_auc(y, SCORE),
        lambda: average_precision(y, SCORE),
        lambda: brier_score(y, SCORE),
        lambda: threshold_for_sensitivity(y, SCORE, 0.9),
        lambda: sensitivity(y, CALLED + 1),
        lambda: specificity(y, CALLED + 1),
        lambda: auc_ci(y, SCORE),
        lambda: delong_test(y, SCORE, SCORE[::-1]),
        lambda: bootstrap_ci("auc", y, SCORE, seed=1, n_resamples=200),
    ]
    for call in calls:
        with pytest.raises(InvalidInputError, match=r"labels \[1, 2\] are not 0/1.*pos_label="):
            call()


def test_one_and_two_with_pos_label_equal_scikit_learn():
    y = Y + 1
    assert roc_auc(y, SCORE, pos_label=2) == pytest.approx(
        sk.roc_auc_score(y == 2, SCORE), abs=1e-15)
    assert sensitivity(y, CALLED + 1, pos_label=2) == pytest.approx(
        sk.recall_score(y, CALLED + 1, pos_label=2), abs=1e-15)
    # naming 1 is allowed: then 1 is positive, on purpose (the AUC of the other class)
    assert roc_auc(y, SCORE, pos_label=1) == pytest.approx(
        sk.roc_auc_score(y == 1, SCORE), abs=1e-15)


def test_text_labels_name_the_positive_one():
    y = np.where(Y == 1, "malignant", "benign")
    with pytest.raises(InvalidInputError, match=r"\['benign', 'malignant'\]"):
        roc_auc(y, SCORE)
    assert roc_auc(y, SCORE, pos_label="malignant") == pytest.approx(
        sk.roc_auc_score(Y, SCORE), abs=1e-15)


def test_one_label_alone():
    # all 0 or all 1: evident (no positive case, or no negative one); all 2: not
    assert sensitivity([1, 1, 1], [1, 0, 1]) == pytest.approx(2 / 3)
    assert specificity([0, 0], [0, 1]) == pytest.approx(1 / 2)
    assert sensitivity([-1, -1, 1], [-1, 1, 1]) == pytest.approx(1.0)
    with pytest.raises(InvalidInputError, match=r"labels \[2\]"):
        sensitivity([2, 2], [2, 2])


def test_two_tables_with_labels_one_and_two(tmp_path, capsys):
    ids = [f"c{i}" for i in range(len(Y))]
    pd.DataFrame({"case_id": ids, "label": Y + 1}).to_csv(tmp_path / "ref.csv", index=False)
    pd.DataFrame({"case_id": ids, "score": SCORE}).to_csv(tmp_path / "pred.csv", index=False)
    base = ["evaluate", "--reference", str(tmp_path / "ref.csv"), "--predictions",
            str(tmp_path / "pred.csv"), "--threshold", "0.5", "--out", str(tmp_path / "r.json")]
    assert main(base) == 2
    err = capsys.readouterr().err
    assert "ref.csv" in err and "[1, 2]" in err and "--pos-label" in err
    assert not (tmp_path / "r.json").exists()
    assert main([*base, "--pos-label", "2"]) == 0
    out = capsys.readouterr().out
    # the AUC of label 2 against scikit-learn's, as printed to 4 decimals
    assert f"{sk.roc_auc_score(Y, SCORE):.4f}" in out


def test_accuracy_and_balanced_accuracy_need_no_pos_label_as_either_gives_one_value():
    # Accuracy counts agreements and balanced accuracy averages the two classes' recalls,
    # so naming the other label positive cannot change them: text labels need no pos_label
    # there, and scikit-learn's own functions (which take none) are the reference.
    y = np.where(Y == 1, "malignant", "benign")
    called = np.where(CALLED == 1, "malignant", "benign")
    assert accuracy(y, called) == pytest.approx(sk.accuracy_score(y, called), abs=1e-15)
    assert balanced_accuracy(y, called) == pytest.approx(
        sk.balanced_accuracy_score(y, called), abs=1e-15)
    for label in ("malignant", "benign"):
        assert balanced_accuracy(y, called, pos_label=label) == pytest.approx(
            sk.balanced_accuracy_score(y, called), abs=1e-15)
    # 1/2 as well; a metric whose value depends on the choice still refuses
    assert accuracy(Y + 1, CALLED + 1) == pytest.approx(
        sk.accuracy_score(Y + 1, CALLED + 1), abs=1e-15)
    with pytest.raises(InvalidInputError, match="pos_label="):
        sensitivity(y, called)
    # three labels are still no binary pair
    with pytest.raises(InvalidInputError, match="must be binary, got 3 distinct labels"):
        accuracy(["a", "b", "c"], ["a", "b", "b"])


@pytest.mark.parametrize("pos_label", [None, "1", 1])
def test_text_against_numbers_is_named_not_sent_to_pos_label(pos_label):
    """A reference read from a CSV as '0'/'1' against a model's 0/1: up to 0.11.0 the
    message said pos_label=1 was not among y_true's labels ['0', '1'], and pos_label='1'
    then got the same message for y_pred's [0, 1]: advice that led nowhere."""
    from medeval.metrics import sensitivity

    with pytest.raises(InvalidInputError, match=(
            r"sensitivity: y_true holds text labels \('0', '1'\) and y_pred numbers "
            r"\(0, 1\).*\[int\(v\) for v in y_true\]")):
        sensitivity(["1", "0", "1"], [1, 0, 0], pos_label=pos_label)
    with pytest.raises(InvalidInputError, match=r"y_pred holds text labels \('False', "
                                                r"'True'\) and y_true booleans"):
        sensitivity([True, False], ["True", "False"])
    # the same labels in one kind: 1 of the 2 positives found (by hand)
    assert sensitivity([1, 0, 1], [1, 0, 0]) == 0.5
