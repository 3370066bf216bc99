"""The metrics called as a data scientist calls them: pandas columns from two tables,
text grades. A pairing the user did not mean, or an order the user did not give, must be
refused, never turned into a number; the figures on the same data passed right are
scikit-learn's."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from medeval.errors import InvalidInputError
from medeval.metrics import (
    average_precision,
    bland_altman,
    brier_score,
    calibration_curve,
    cohen_kappa,
    confusion_matrix,
    lins_ccc,
    mae,
    multiclass_metric,
    ppv,
    roc_auc,
    sensitivity,
    youden_threshold,
)


def _tables(n: int = 40, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A reference table and a prediction table of the same cases, keyed by case id,
    the prediction table in another row order (as a CSV written by another program)."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i:03d}" for i in range(n)]
    label = rng.integers(0, 2, n)
    score = np.clip(label * 0.3 + rng.random(n) * 0.7, 0, 1)
    ref = pd.DataFrame({"label": label}, index=ids)
    pred = pd.DataFrame({"score": score}, index=ids).iloc[rng.permutation(n)]
    return ref, pred


# (function, reads scores?) for every metric of two per-case columns
PAIRED = [
    (roc_auc, True), (average_precision, True), (brier_score, True),
    (youden_threshold, True), (lambda t, s: calibration_curve(t, s, n_bins=4), True),
    (sensitivity, False), (confusion_matrix, False),
    (lambda t, p: multiclass_metric(t, p, metric="sensitivity", average="macro"), False),
    (cohen_kappa, False),
]


@pytest.mark.parametrize("func, scores", PAIRED)
def test_series_of_two_tables_in_another_order_are_refused(func, scores):
    ref, pred = _tables()
    second = pred["score"] if scores else (pred["score"] >= 0.5).astype(int)
    with pytest.raises(InvalidInputError, match=r"different indexes.*c0"):
        func(ref["label"], second)


def test_the_same_columns_aligned_give_scikit_learns_figures():
    ref, pred = _tables()
    aligned = pred["score"].reindex(ref.index)
    # scikit-learn pairs by position: on the aligned numpy arrays it is the peer
    truth, score = ref["label"].to_numpy(), aligned.to_numpy()
    assert roc_auc(ref["label"], aligned) == pytest.approx(sk.roc_auc_score(truth, score),
                                                           abs=1e-15)
    assert average_precision(ref["label"], aligned) == pytest.approx(
        sk.average_precision_score(truth, score), abs=1e-15)
    decided = (aligned >= 0.5).astype(int)
    assert sensitivity(ref["label"], decided) == pytest.approx(
        sk.recall_score(truth, decided.to_numpy()), abs=1e-15)
    # before the check, the misordered columns gave a number: scikit-learn's figure of
    # the wrong pairs (what a positional reading of the two tables computes)
    wrong = sk.roc_auc_score(truth, pred["score"].to_numpy())
    assert wrong != pytest.approx(sk.roc_auc_score(truth, score))
    # a Series against a plain array (no index to compare) is read by position, as numpy
    assert roc_auc(ref["label"], score) == pytest.approx(sk.roc_auc_score(truth, score),
                                                         abs=1e-15)


@pytest.mark.parametrize("func", [bland_altman, lins_ccc, mae])
def test_measurements_of_two_tables_in_another_order_are_refused(func):
    ref, pred = _tables()
    with pytest.raises(InvalidInputError, match="reference and measurement"):
        func(ref["label"].astype(float), pred["score"])
    # aligned: MAE by hand (numpy) on the pairs meant
    x = ref["label"].astype(float)
    y = pred["score"].reindex(ref.index)
    if func is mae:
        assert func(x, y).value == pytest.approx(float(np.mean(np.abs(y - x))), abs=1e-15)


def test_a_series_with_its_own_index_against_a_range_indexed_one_is_refused():
    # the frequent slip: one column filtered (index 3, 7, ...) against a fresh list
    truth = pd.Series([1, 0, 1, 0, 1, 0], index=[3, 7, 8, 10, 12, 15])
    score = pd.Series([0.9, 0.2, 0.8, 0.3, 0.7, 0.1])
    with pytest.raises(InvalidInputError, match="at position 0 y_true has index 3, "
                                                "y_score has 0"):
        roc_auc(truth, score)
    # equal indexes (the same labels in the same order) are the pairing meant
    assert roc_auc(truth, score.set_axis(truth.index)) == sk.roc_auc_score(
        truth.to_numpy(), score.to_numpy())


class TestWeightedKappaOfTextGrades:
    """Weighted kappa weighs disagreements by the distance of the grades on the scale;
    sorted text is not a scale ('high' < 'low' < 'medium'). scikit-learn sorts text the
    same way and gives the figure of that wrong scale."""

    TRUE = ["low", "medium", "high", "high", "medium", "low", "low", "high"]
    PRED = ["low", "high", "high", "medium", "medium", "low", "medium", "high"]
    SCALE = ["low", "medium", "high"]

    @pytest.mark.parametrize("weights", ["linear", "quadratic"])
    def test_refused_without_the_scale(self, weights):
        with pytest.raises(InvalidInputError, match="labels="):
            cohen_kappa(self.TRUE, self.PRED, weights=weights)

    @pytest.mark.parametrize("weights", ["linear", "quadratic"])
    def test_with_the_scale_it_is_scikit_learns(self, weights):
        got = cohen_kappa(self.TRUE, self.PRED, weights=weights, labels=self.SCALE)
        assert got == pytest.approx(sk.cohen_kappa_score(
            self.TRUE, self.PRED, weights=weights, labels=self.SCALE), abs=1e-12)
        # the alphabetical scale gives another figure: the one refused above
        assert got != pytest.approx(sk.cohen_kappa_score(self.TRUE, self.PRED,
                                                         weights=weights))

    def test_numeric_grades_and_unweighted_text_need_no_scale(self):
        grades_true = [1, 2, 10, 10, 2, 1, 1, 10]
        grades_pred = [1, 10, 10, 2, 2, 1, 2, 10]
        assert cohen_kappa(grades_true, grades_pred, weights="linear") == pytest.approx(
            sk.cohen_kappa_score(grades_true, grades_pred, weights="linear"), abs=1e-12)
        assert cohen_kappa(self.TRUE, self.PRED) == pytest.approx(
            sk.cohen_kappa_score(self.TRUE, self.PRED), abs=1e-12)


class TestMissingTextLabels:
    """A text label column with an empty cell, as pandas reads it from a CSV: an object
    array holding NaN, which numpy cannot sort (before: a bare TypeError, "'<' not
    supported between instances of 'float' and 'str'")."""

    CSV = "case,label,score\nc1,pos,0.9\nc2,neg,0.2\nc3,,0.4\nc4,pos,0.7\nc5,neg,0.6\n"

    def frame(self) -> pd.DataFrame:
        import io

        return pd.read_csv(io.StringIO(self.CSV))

    @pytest.mark.parametrize("func", [
        lambda t, s: roc_auc(t, s, pos_label="pos"),
        lambda t, s: sensitivity(t, np.where(s >= 0.5, "pos", "neg"), pos_label="pos"),
        lambda t, s: cohen_kappa(t, np.where(s >= 0.5, "pos", "neg")),
    ])
    def test_the_empty_cell_is_named(self, func):
        df = self.frame()
        with pytest.raises(InvalidInputError, match=r"y_true has no label .* position\(s\) 2"):
            func(df["label"], df["score"].to_numpy())

    def test_without_the_case_it_is_scikit_learns(self):
        df = self.frame().dropna()
        truth = (df["label"] == "pos").to_numpy()
        assert roc_auc(df["label"], df["score"], pos_label="pos") == pytest.approx(
            sk.roc_auc_score(truth, df["score"].to_numpy()), abs=1e-15)

    def test_labels_of_two_kinds_are_named(self):
        with pytest.raises(InvalidInputError, match=r"mixes labels .*\(int, str\)"):
            sensitivity(np.array([1, "pos", 1], dtype=object), [1, 0, 1], pos_label=1)

    def test_nan_in_a_list_of_text_is_named_not_made_a_label(self):
        # Found in the api pass: numpy reads ["pos", nan] as ["pos", "nan"], so a list
        # with a missing label had a class "nan": the PPV below was 2/3 (the NaN case a
        # negative predicted positive), where scikit-learn's on the two labelled cases
        # is 2/2; kappa was computed over a class "nan".
        truth, pred = ["pos", "pos", float("nan")], ["pos", "pos", "pos"]
        with pytest.raises(InvalidInputError, match=r"y_true has no label .* position\(s\) 2"):
            ppv(truth, pred, pos_label="pos")
        with pytest.raises(InvalidInputError, match=r"y_pred has no label .* position\(s\) 1"):
            cohen_kappa(["a", "b", "b"], ("a", float("nan"), "b"))
        with pytest.raises(InvalidInputError, match=r"mixes labels .*\(int, str\)"):
            multiclass_metric([1, "1", 2], [1, 1, 2], metric="sensitivity", average="macro")
        assert ppv(truth[:2], pred[:2], pos_label="pos") == sk.precision_score(
            truth[:2], pred[:2], pos_label="pos") == 1.0


def test_scores_passed_as_decisions_are_named_as_scores():
    # the frequent slip: sensitivity(y_true, y_score) instead of the decisions; before,
    # the advice was "for several classes use the multi-class functions"
    y_true = [0, 1, 1, 0, 1]
    y_score = [0.2, 0.7, 0.4, 0.9, 0.8]
    with pytest.raises(InvalidInputError, match="y_pred looks like scores.*metrics_at_threshold"):
        sensitivity(y_true, y_score)
    decided = (np.asarray(y_score) >= 0.5).astype(int)
    assert sensitivity(y_true, decided) == sk.recall_score(y_true, decided)  # 2/3


RAGGED = [[0, 1], [1]]  # one list per case, of different lengths: numpy cannot build it


@pytest.mark.parametrize("call", [
    lambda: sensitivity(RAGGED, [0, 1]),
    lambda: roc_auc([0, 1], RAGGED),
    lambda: cohen_kappa(RAGGED, [0, 1]),
    lambda: mae(RAGGED, [0.0, 1.0]),
])
def test_a_ragged_sequence_is_medevals_error_naming_the_argument(call):
    # before: numpy's ValueError "setting an array element with a sequence ..."
    with pytest.raises(InvalidInputError, match="cannot be read as an array"):
        call()


def test_ragged_masks_spacing_and_detections_are_medevals_errors():
    from medeval.metrics import dice, hausdorff, match_detections

    mask = np.zeros((4, 4), bool)
    mask[1:3, 1:3] = True
    with pytest.raises(InvalidInputError, match="reference cannot be read"):
        dice([[0, 1], [1]], mask)
    with pytest.raises(InvalidInputError, match="spacing_mm cannot be read"):
        hausdorff(mask, mask, spacing_mm=[[1, 2], [3]])
    with pytest.raises(InvalidInputError, match="scores cannot be read as numbers"):
        match_detections([[0, 0, 2, 2]], [[0, 0, 2, 2]], ["high"], criterion="iou",
                         iou_threshold=0.5)
    with pytest.raises(InvalidInputError, match="iou_threshold"):
        match_detections([[0, 0, 2, 2]], [[0, 0, 2, 2]], [0.9], criterion="iou",
                         iou_threshold="0.5")
    # the same masks well formed: Dice 1 and Hausdorff 0 by hand (identical masks)
    assert dice(mask, mask) == 1.0 and hausdorff(mask, mask, spacing_mm=[1, 2]) == 0.0


class TestSegmentationOptions:
    """Options of the mask metrics that are not numbers, or fractions where an integer
    is needed: before, int() and float() raised their own errors, or int(1.5) read 1."""

    @staticmethod
    def maps():
        ref = np.zeros((8, 8), np.int64)
        ref[1:4, 1:4] = 1
        ref[5:7, 5:7] = 2
        pred = np.roll(ref, 1, axis=0)
        return ref, pred

    def test_per_label_refuses_a_fractional_label(self, medpy_binary):
        ref, pred = self.maps()
        from medeval.metrics import per_label

        with pytest.raises(InvalidInputError, match="labels must be a list of integer"):
            per_label(ref, pred, spacing_mm=1, tolerance_mm=1, labels=[1.5])  # was label 1
        # whole floats (np.unique of a float map) are the labels they name: MedPy's Dice
        scores = per_label(ref, pred, spacing_mm=1, tolerance_mm=1, labels=[2.0])
        assert list(scores) == [2]
        assert scores[2].values["dice"] == pytest.approx(
            medpy_binary.dc(pred == 2, ref == 2), abs=1e-15)

    @pytest.mark.parametrize(("option", "value"), [
        ("connectivity", None), ("connectivity", "x"), ("connectivity", 1.5),
        ("percentile", None), ("percentile", "x"),
    ])
    def test_options_that_are_not_numbers(self, option, value):
        from medeval.metrics import hd95, segmentation_scores

        ref, pred = self.maps()
        with pytest.raises(InvalidInputError, match=option):
            hd95(ref > 0, pred > 0, spacing_mm=1, **{option: value})
        with pytest.raises(InvalidInputError, match=option):
            segmentation_scores(ref > 0, pred > 0, spacing_mm=1, tolerance_mm=1,
                                **{option: value})

    @pytest.mark.parametrize("spacing", [True, "0.7", ("0.7", "0.7")])
    def test_spacing_as_a_boolean_or_text_is_refused(self, spacing):
        # float(True) measured in 1 mm voxels, float("0.7") read text silently
        from medeval.metrics import hausdorff, nsd

        ref, pred = self.maps()
        with pytest.raises(InvalidInputError, match="spacing_mm must be numbers"):
            hausdorff(ref > 0, pred > 0, spacing_mm=spacing)
        with pytest.raises(InvalidInputError, match="tolerance_mm must be a number"):
            nsd(ref > 0, pred > 0, spacing_mm=1, tolerance_mm=True)

    def test_lesion_matching_options(self):
        from medeval.metrics import lesion_matching

        ref, pred = self.maps()
        with pytest.raises(InvalidInputError, match="iou_threshold"):
            lesion_matching(ref > 0, pred > 0, spacing_mm=1, iou_threshold=None)
        with pytest.raises(InvalidInputError, match="connectivity"):
            lesion_matching(ref > 0, pred > 0, spacing_mm=1, connectivity="x")

    def test_class_labels_that_are_lists(self):
        with pytest.raises(InvalidInputError, match="flat list of class labels"):
            cohen_kappa([1, 2, 3], [1, 2, 2], labels=[[1, 2], [3]])


class TestKoreanLabelsInTwoNormalForms:
    """'양성' typed in Python (NFC, 2 code points) and read from a file written on macOS
    (NFD, 6 jamo): one label to a reader, two strings to numpy. Before, kappa of the two
    columns ran over four classes (0.0 where it is 0.5), multiclass_metric returned four
    keys that print alike, and a binary metric refused pos_label='양성' against labels
    that print as ['양성', '음성']."""

    NFC_TRUE = ["양성", "음성", "양성", "음성"]
    NFD_PRED = [unicodedata.normalize("NFD", x) for x in ["양성", "음성", "음성", "음성"]]
    SAME_PRED = ["양성", "음성", "음성", "음성"]

    def test_the_two_forms_are_one_label(self):
        assert self.NFD_PRED[0] != "양성" and len(self.NFD_PRED[0]) == 6
        assert cohen_kappa(self.NFC_TRUE, self.NFD_PRED) == pytest.approx(
            sk.cohen_kappa_score(self.NFC_TRUE, self.SAME_PRED), abs=1e-15)  # 0.5
        per_class = multiclass_metric(self.NFC_TRUE, self.NFD_PRED, metric="sensitivity",
                                      average=None)
        assert per_class == pytest.approx(dict(zip(
            ["양성", "음성"], sk.recall_score(self.NFC_TRUE, self.SAME_PRED, average=None,
                                             labels=["양성", "음성"]))))
        assert sensitivity(self.NFC_TRUE, self.NFD_PRED, pos_label="양성") == \
            sk.recall_score(self.NFC_TRUE, self.SAME_PRED, pos_label="양성")  # 1/2

    def test_pos_label_in_either_form(self):
        nfd_true = [unicodedata.normalize("NFD", x) for x in self.NFC_TRUE]
        score = [0.9, 0.1, 0.2, 0.3]
        expected = sk.roc_auc_score([1, 0, 1, 0], score)  # 0.75
        assert roc_auc(nfd_true, score, pos_label="양성") == expected
        assert roc_auc(self.NFC_TRUE, score,
                       pos_label=unicodedata.normalize("NFD", "양성")) == expected


class TestScoresWithAMissingValue:
    """Scores as a list or a pandas object column holding None: before, 'y_score must be
    numeric, got dtype object', which does not say where; now the position of the
    missing score, as for NaN. Numbers in an object column are scores (scikit-learn
    takes them too); text in one is not, even text of a number."""

    @pytest.mark.parametrize("score", [
        [0.1, None, 0.3, 0.4], pd.Series([0.1, None, 0.3, 0.4], dtype=object)])
    def test_the_missing_score_is_named(self, score):
        with pytest.raises(InvalidInputError, match=r"y_score must be finite.*position\(s\) 1"):
            roc_auc([0, 1, 0, 1], score)

    def test_numbers_in_an_object_column_are_scores_text_is_not(self):
        score = pd.Series([0.1, 0.8, 0.3, 0.4], dtype=object)
        assert roc_auc([0, 1, 0, 1], score) == sk.roc_auc_score([0, 1, 0, 1],
                                                                [0.1, 0.8, 0.3, 0.4])
        with pytest.raises(InvalidInputError, match="must be numeric, got values of type str"):
            roc_auc([0, 1, 0, 1], np.array(["0.1", "0.8", "0.3", "0.4"], dtype=object))
