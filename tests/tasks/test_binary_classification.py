"""The binary classification path, checked figure by figure against scikit-learn,
statsmodels and scipy on the aSAH and demo data."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from statsmodels.stats.proportion import proportion_confint

from medeval import evaluate_classification
from medeval.errors import InvalidInputError, TableError, UndefinedMetricWarning
from medeval.metrics import expected_calibration_error
from medeval.result import Context

DEMO = resources.files("medeval") / "demo"


@pytest.fixture(scope="module")
def demo_tables():
    ref = pd.read_csv(DEMO / "references.csv", dtype={"case_id": str})
    pred = pd.read_csv(DEMO / "predictions.csv", dtype={"case_id": str})
    return ref, pred


@pytest.fixture(scope="module")
def demo_result():
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
        DEMO / "predictions.csv"
    ) as pred:
        return evaluate_classification(ref, pred, threshold=0.5)


def test_proportions_match_sklearn_and_statsmodels(demo_result, demo_tables):
    ref, pred = demo_tables
    y, s = ref["label"].to_numpy(), pred["score"].to_numpy()
    y_hat = (s >= 0.5).astype(int)
    (tn, fp), (fn, tp) = skm.confusion_matrix(y, y_hat)
    assert demo_result.tables["confusion_matrix"] == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    expected = {
        "sensitivity": (tp, tp + fn), "specificity": (tn, tn + fp), "ppv": (tp, tp + fp),
        "npv": (tn, tn + fn), "accuracy": (tp + tn, y.size), "prevalence": (tp + fn, y.size),
    }
    for name, (k, n) in expected.items():
        est = demo_result.metric(name).estimate
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (est.numerator, est.n) == (k, n), name
        assert est.value == pytest.approx(k / n, abs=1e-15)
        assert (est.low, est.high) == pytest.approx((low, high), abs=1e-12), name
        assert est.method == "wilson"
    assert demo_result.metric("sensitivity").estimate.value == pytest.approx(
        skm.recall_score(y, y_hat), abs=1e-15)


def test_ranking_and_composites_match_sklearn(demo_result, demo_tables):
    ref, pred = demo_tables
    y, s = ref["label"].to_numpy(), pred["score"].to_numpy()
    y_hat = (s >= 0.5).astype(int)
    value = {m.name: m.estimate.value for m in demo_result.metrics}
    assert value["roc_auc"] == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    assert value["average_precision"] == pytest.approx(
        skm.average_precision_score(y, s), abs=1e-12)
    assert value["f1"] == pytest.approx(skm.f1_score(y, y_hat), abs=1e-12)
    assert value["balanced_accuracy"] == pytest.approx(
        skm.balanced_accuracy_score(y, y_hat), abs=1e-12)
    assert value["youden_j"] == pytest.approx(
        skm.balanced_accuracy_score(y, y_hat, adjusted=True), abs=1e-12)
    assert value["brier_score"] == pytest.approx(skm.brier_score_loss(y, s), abs=1e-12)
    assert value["ece"] == pytest.approx(expected_calibration_error(y, s, n_bins=10), abs=1e-12)
    for record in demo_result.metrics:
        assert record.estimate.confidence == 0.95
        if record.estimate.method.startswith("bootstrap"):
            assert record.estimate.low <= record.estimate.high


def test_ece_by_hand():
    # Bins [0, 0.5] and (0.5, 1]: first holds p = 0.1, 0.2, 0.2 with y = 0, 0, 1:
    # |1/3 - 0.5/3| = 1/6, weight 3/5; second p = 0.7, 0.9, y = 1, 1: |1 - 0.8| = 0.2,
    # weight 2/5. ECE = 0.1 + 0.08 = 0.18.
    ref = pd.DataFrame({"case_id": list("abcde"), "label": [0, 0, 1, 1, 1]})
    pred = pd.DataFrame({"case_id": list("abcde"), "score": [0.1, 0.2, 0.2, 0.7, 0.9]})
    result = evaluate_classification(ref, pred, threshold=0.5, calibration_bins=2)
    assert any(r"LR+ is undefined" in w for w in result.warnings)  # FP = 0
    assert result.metric("ece").estimate.value == pytest.approx(0.18, abs=1e-15)


def test_asah_auc_through_the_whole_path(asah, tmp_path):
    asah = asah.assign(case_id=[f"P{i:03d}" for i in range(len(asah))])
    asah[["case_id", "outcome"]].to_csv(tmp_path / "ref.csv", index=False)
    asah[["case_id", "s100b"]].to_csv(tmp_path / "pred.csv", index=False)
    result = evaluate_classification(tmp_path / "ref.csv", tmp_path / "pred.csv",
                                     threshold=0.205, label_column="outcome",
                                     score_column="s100b", pos_label="Poor")
    auc = result.metric("roc_auc").estimate
    # pROC: AUC 0.7314, 95% CI 0.6301-0.8326 (DeLong).
    assert (round(auc.value, 4), round(auc.low, 4), round(auc.high, 4)) == (
        0.7314, 0.6301, 0.8326)
    # s100b (up to 2.07) is not a probability, so no calibration metric is reported.
    assert asah["s100b"].max() > 1
    assert "brier_score" not in {m.name for m in result.metrics}


def test_same_inputs_same_bytes(demo_tables):
    ref, pred = demo_tables
    a = evaluate_classification(ref, pred, threshold=0.5, seed=3)
    b = evaluate_classification(ref.sample(frac=1, random_state=1),
                                pred.sample(frac=1, random_state=2), threshold=0.5, seed=3)
    # the same bytes but for the context (when and where it ran)
    assert replace(a, context=Context()).to_json() == replace(b, context=Context()).to_json()
    assert a.fingerprint == b.fingerprint and a.context.started is not None


def test_patient_clusters_change_the_bootstrap_unit(demo_tables):
    ref, pred = demo_tables
    ref = ref.assign(patient=[f"pt{i // 2}" for i in range(len(ref))])
    result = evaluate_classification(ref, pred, threshold=0.5, patient_column="patient")
    assert result.parameters.statistics.resampling_unit == "patient"
    assert result.dataset.n_patients == math.ceil(len(ref) / 2)
    patients = dict(zip(ref["case_id"].astype(str), ref["patient"]))
    assert all(case["patient_id"] == patients[case["case_id"]] for case in result.cases)
    # without the column each case is its own unit, and the bootstrap is stratified
    alone = evaluate_classification(ref, pred, threshold=0.5)
    assert alone.parameters.statistics.resampling_unit == "case"
    assert alone.dataset.n_patients == len(ref)
    assert alone.metric("f1").estimate != result.metric("f1").estimate


def test_undefined_metrics_are_recorded_and_warned():
    ref = pd.DataFrame({"case_id": list("abcd"), "label": [0, 0, 0, 0]})
    pred = pd.DataFrame({"case_id": list("abcd"), "score": [0.1, 0.2, 0.7, 0.3]})
    with warnings.catch_warnings():  # nothing escapes as a warning
        warnings.simplefilter("error", UndefinedMetricWarning)
        result = evaluate_classification(ref, pred, threshold=0.5)
    assert math.isnan(result.metric("sensitivity").estimate.value)
    # each warning names its scope and metric and says why: 0/0 positives for
    # sensitivity, one class for the AUC
    assert ("all cases: sensitivity: proportion_ci: n = 0 trials, so the proportion is "
            "undefined; the estimate and its interval are NaN") in result.warnings
    assert ("all cases: roc_auc: auc_ci: the AUC is undefined with one class only "
            "(0 positives of 4)") in result.warnings
    # one warning a note, in the order of the metrics, naming the metrics it is the note
    # of (balanced_accuracy and youden_j: no positive case) and how many where several;
    # then that the bootstrap figures rest on 4 cases (C(7, 4) = 35 resamples < 2000)
    shared: dict[str, list[str]] = {}
    for m in result.metrics:
        if m.estimate.note is not None:
            shared.setdefault(m.estimate.note, []).append(m.name)
    assert shared[next(n for n in shared if "no positive case" in n)] == [
        "balanced_accuracy", "youden_j"]
    assert list(result.warnings) == [f"all cases: {names[0]}: {note}" if len(names) == 1
                                     else f"all cases: {', '.join(names)} ({len(names)} "
                                     f"figures): {note}" for note, names in shared.items()
                                     ] + ["all cases: 4 cases: a bootstrap resampling them "
                                          "can draw only 35 different resamples, fewer than "
                                          "the 2000 asked for, so the bootstrap intervals "
                                          "(f1, brier_score, ece) rest on 4 cases and say "
                                          "little beyond them"]
    assert {"sensitivity", "balanced_accuracy", "youden_j", "lr_positive",
            "lr_negative", "roc_auc", "average_precision"} <= {
        name for w in result.warnings
        for name in w.split(": ", 2)[1].split(" (")[0].split(", ")}
    assert result.metric("specificity").estimate.value == 0.75
    assert result.metric("specificity").estimate.note is None


class TestBadInput:
    def test_missing_and_extra_cases_all_named(self, demo_tables):
        ref, pred = demo_tables
        with pytest.raises(TableError) as info:
            evaluate_classification(ref, pred.iloc[3:], threshold=0.5)
        for cid in ref["case_id"].iloc[:3]:
            assert cid in str(info.value)

    def test_duplicate_ids_all_named(self, demo_tables):
        ref, pred = demo_tables
        doubled = pd.concat([pred, pred.iloc[[0, 5]]])
        with pytest.raises(TableError, match="duplicate") as info:
            evaluate_classification(ref, doubled, threshold=0.5)
        assert pred["case_id"].iloc[0] in str(info.value)
        assert pred["case_id"].iloc[5] in str(info.value)

    def test_non_finite_scores_name_the_cases(self, demo_tables):
        ref, pred = demo_tables
        bad = pred.copy()
        bad.loc[[2, 7], "score"] = [np.nan, np.inf]
        with pytest.raises(InvalidInputError) as info:
            evaluate_classification(ref, bad, threshold=0.5)
        assert pred["case_id"].iloc[2] in str(info.value)
        assert pred["case_id"].iloc[7] in str(info.value)

    def test_text_scores_are_rejected(self):
        ref = pd.DataFrame({"case_id": ["a", "b"], "label": [0, 1]})
        pred = pd.DataFrame({"case_id": ["a", "b"], "score": ["high", "0.2"]})
        with pytest.raises(InvalidInputError, match="case.*a"):
            evaluate_classification(ref, pred, threshold=0.5)

    def test_non_binary_labels(self):
        ref = pd.DataFrame({"case_id": list("abc"), "label": [0, 1, 2]})
        pred = pd.DataFrame({"case_id": list("abc"), "score": [0.1, 0.2, 0.3]})
        with pytest.raises(InvalidInputError, match="binary"):
            evaluate_classification(ref, pred, threshold=0.5)

    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"confidence": 1.5}, "confidence"),
        ({"proportion_method": "exact"}, "proportion_method"),
        ({"threshold": float("nan")}, "threshold"),
        ({"calibration_bins": 0}, "calibration_bins"),
    ])
    def test_bad_options(self, demo_tables, kwargs, match):
        ref, pred = demo_tables
        options = {"threshold": 0.5, **kwargs}
        with pytest.raises(InvalidInputError, match=match):
            evaluate_classification(ref, pred, **options)


@pytest.mark.parametrize(("labels", "pos_label", "negative"), [
    (["malignant"] * 3, "malignant", "—"),
    ([1, 1, 1], None, "0"),
    ([0, 0, 0], 0, "1"),
])
def test_a_table_of_positives_only_names_no_made_up_negative(labels, pos_label, negative):
    # Every case positive: the table shows no negative label. A 0/1 coding's other code is
    # its negative; a text label's negative is none, a dash (it used to be a made-up "0").
    ref = pd.DataFrame({"case_id": list("abc"), "label": labels})
    pred = pd.DataFrame({"case_id": list("abc"), "score": [0.9, 0.2, 0.7]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        result = evaluate_classification(ref, pred, threshold=0.5, pos_label=pos_label)
    assert result.parameters.task["negative_label"] == negative
    # sensitivity 2/3 (0.9 and 0.7 reach 0.5), as scikit-learn's recall gives it
    assert result.metric("sensitivity").estimate.value == pytest.approx(
        skm.recall_score([1, 1, 1], [1, 0, 1]))


def test_logits_leave_out_calibration_and_say_so():
    # scores a model gives as logits: the AUC is the same as on their sigmoid (a monotone
    # map), the Brier score and ECE are not computed, and the result's warnings say why
    # (before, both figures were missing from the result without a word)
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 2, 60)
    logits = rng.normal(truth * 1.5 - 0.75, 1.0).round(3)
    ids = [f"c{k:02d}" for k in range(60)]
    ref = pd.DataFrame({"case_id": ids, "label": truth})
    result = evaluate_classification(ref, pd.DataFrame({"case_id": ids, "score": logits}),
                                     threshold=0.0)
    names = {m.name for m in result.metrics}
    assert "brier_score" not in names and "ece" not in names
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        skm.roc_auc_score(truth, logits), abs=1e-12)
    texts = [w for w in result.warnings if "not probabilities" in w]
    assert texts == [f"all cases: the scores ({logits.min():g} to {logits.max():g}) are not "
                     "all within [0, 1], so they are not probabilities: the Brier score and "
                     "the expected calibration error are not reported (for logits, give the "
                     "sigmoid of each score); the threshold applies to the scores as given"]
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    result = evaluate_classification(
        ref, pd.DataFrame({"case_id": ids, "score": probabilities}), threshold=0.5)
    assert result.metric("brier_score").estimate.value == pytest.approx(
        skm.brier_score_loss(truth, probabilities), abs=1e-12)
    assert not [w for w in result.warnings if "not probabilities" in w]


def test_true_and_false_are_no_scores(tmp_path):
    # a JSON table's true (or a DataFrame's bool column) was read as the score 1.0
    ref = pd.DataFrame({"case_id": ["a", "b", "c"], "label": [1, 0, 1]})
    path = tmp_path / "pred.json"
    path.write_text('[{"case_id": "a", "score": true}, {"case_id": "b", "score": 0.2}, '
                    '{"case_id": "c", "score": 0.7}]')
    with pytest.raises(InvalidInputError, match=r"pred.json: scores must be finite numbers "
                                                r"\(not true or false\); not so for case\(s\) a "
                                                r"\(written a True\)$"):
        evaluate_classification(ref, path, threshold=0.5)
    flags = pd.DataFrame({"case_id": ["a", "b", "c"], "score": [True, False, True]})
    with pytest.raises(InvalidInputError, match=r"not so for case\(s\) a, b, c \(written "
                                                  r"a True, b False, c True\)$"):
        evaluate_classification(ref, flags, threshold=0.5)


@pytest.mark.parametrize("pos_label", [None, 1, "1"])
def test_labels_written_as_integer_text_are_the_integers(tmp_path, pos_label):
    # a JSON table's (or astype(str)'s) "0"/"1" are 0/1 as a CSV file's are read: before,
    # refused as text labels without pos_label, and with --pos-label 1 (the integer the
    # command line makes of it) refused as absent from ['0', '1']
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, 40)
    scores = rng.random(40).round(3)
    ids = [f"c{k:02d}" for k in range(40)]
    path = tmp_path / "ref.json"
    pd.DataFrame({"case_id": ids, "label": truth.astype(str)}).to_json(path, orient="records")
    result = evaluate_classification(path, pd.DataFrame({"case_id": ids, "score": scores}),
                                     threshold=0.5, pos_label=pos_label)
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        skm.roc_auc_score(truth, scores), abs=1e-12)
    assert result.metric("specificity").estimate.value == pytest.approx(
        skm.recall_score(truth, scores >= 0.5, pos_label=0), abs=1e-12)


def test_scores_of_the_negative_class_are_warned_of(tmp_path):
    # predict_proba(X)[:, 0] handed in: the AUC is scikit-learn's on those scores, below
    # 0.5 and not flipped, and the result's warnings ask whether they are the other class's
    rng = np.random.default_rng(8)
    truth = rng.integers(0, 2, 60)
    positive = np.clip(truth * 0.4 + rng.random(60) * 0.6, 0, 1).round(4)
    ids = [f"c{k:02d}" for k in range(60)]
    ref = pd.DataFrame({"case_id": ids, "label": truth})
    result = evaluate_classification(ref, pd.DataFrame({"case_id": ids, "score": 1 - positive}),
                                     threshold=0.5)
    auc = result.metric("roc_auc").estimate
    assert auc.value == pytest.approx(skm.roc_auc_score(truth, 1 - positive), abs=1e-12)
    assert auc.high < 0.5
    assert [w for w in result.warnings if "below 0.5" in w] == [
        f"all cases: the AUC {auc.value:.4g} and its whole 95% interval [{auc.low:.4g}, "
        f"{auc.high:.4g}] lie below 0.5: the scores rank the negative cases above the "
        "positive ones; are they the negative class's probability (a classifier's "
        "predict_proba(X)[:, 0])? The AUC is not flipped"]
    right = evaluate_classification(ref, pd.DataFrame({"case_id": ids, "score": positive}),
                                    threshold=0.5)
    assert not [w for w in right.warnings if "below 0.5" in w]



def test_decimal_commas_in_a_comma_or_tab_table_are_named(tmp_path):
    # Excel's tab-separated export in a comma-decimal locale: 0,83 is no number in a table
    # whose fields are not separated by ';'; refused as before, now saying why
    ref = pd.DataFrame({"case_id": ["a", "b"], "label": [1, 0]})
    path = tmp_path / "pred.tsv"
    path.write_text("case_id\tscore\na\t0,83\nb\t0,25\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"not so for case\(s\) a, b \(written a '0,83', "
                                                r"b '0,25'\) \(a decimal comma, "
                                                r"as in 0,83\? write 0.83"):
        evaluate_classification(ref, path, threshold=0.5)


def test_the_below_chance_warning_names_its_interval_level_as_given():
    # a 97.5% interval was named "98%" (format .0%); the certificate prints 97.5%
    rng = np.random.default_rng(8)
    truth = rng.integers(0, 2, 60)
    positive = np.clip(truth * 0.4 + rng.random(60) * 0.6, 0, 1).round(4)
    ids = [f"c{k:02d}" for k in range(60)]
    result = evaluate_classification(
        pd.DataFrame({"case_id": ids, "label": truth}),
        pd.DataFrame({"case_id": ids, "score": 1 - positive}), threshold=0.5,
        confidence=0.975)
    assert result.metric("roc_auc").estimate.high < 0.5
    auc = result.metric("roc_auc").estimate
    assert [w for w in result.warnings if "below 0.5" in w] == [
        f"all cases: the AUC {auc.value:.4g} and its whole 97.5% interval [{auc.low:.4g}, "
        f"{auc.high:.4g}] lie below 0.5: the scores rank the negative cases above the "
        "positive ones; are they the negative class's probability (a classifier's "
        "predict_proba(X)[:, 0])? The AUC is not flipped"]


def test_korean_labels_in_nfc_and_nfd_are_one_label(tmp_path):
    # The example's set with its references written '악성'/'양성' as a macOS folder name
    # gives them (NFD) and the protocol's labels typed on Windows (NFC): they print alike
    # and every reference was refused as 'not a declared label'. Compared in NFC, the
    # figures are those of the same set with 1/0 references.
    import shutil
    import unicodedata
    from pathlib import Path

    import medeval

    example = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
    folder = tmp_path / "set"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    nfd = {"1": unicodedata.normalize("NFD", "악성"), "0": unicodedata.normalize("NFD", "양성")}
    assert nfd["1"] != "악성"
    manifest["reference"] = manifest["reference"].map(nfd)
    manifest.to_csv(folder / "manifest.csv", index=False)
    text = (folder / "protocol.toml").read_text(encoding="utf-8").replace(
        'threshold = 0.5\n', 'threshold = 0.5\npositive_label = "악성"\nnegative_label = "양성"\n')
    (folder / "protocol.toml").write_text(text, encoding="utf-8")
    ours = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    theirs = medeval.evaluate(example / "protocol.toml", example / "predictions")
    assert ours.failures.n_failed == theirs.failures.n_failed
    assert [(m.name, m.estimate.value) for m in ours.metrics] == \
        [(m.name, m.estimate.value) for m in theirs.metrics]
    # and those figures are scikit-learn's on the example's own files: score >= 0.5 is
    # positive; the two cases broken on purpose (WDBC-0002 without a file, WDBC-0053's
    # score "low") are wrong answers under worst-case, as the example's README says
    import json

    original = pd.read_csv(example / "manifest.csv", dtype=str)
    truth = (original["reference"] == "1").to_numpy()
    decided = []
    for case, positive in zip(original["case_id"], truth):
        file = example / "predictions" / f"{case}.json"
        score = json.loads(file.read_text())["score"] if file.is_file() else None
        decided.append(score >= 0.5 if isinstance(score, float) else not positive)
    value = {m.name: m.estimate.value for m in ours.metrics}
    assert value["sensitivity"] == pytest.approx(skm.recall_score(truth, decided))
    assert value["specificity"] == pytest.approx(
        skm.recall_score(~truth, ~np.asarray(decided)))


def test_a_subgroup_value_in_nfc_and_nfd_is_one_subgroup(tmp_path):
    # The example's site A written '서울' in NFC for some cases and NFD for others (a
    # manifest joined from Windows and macOS exports): two subgroups printing alike before;
    # one now, with site A's cases and figures.
    import shutil
    import unicodedata
    from pathlib import Path

    import medeval

    example = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
    folder = tmp_path / "set"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    seoul = ["서울", unicodedata.normalize("NFD", "서울")]
    assert seoul[0] != seoul[1]
    in_a = manifest.index[manifest["site"] == "A"]
    for k, i in enumerate(in_a):
        manifest.loc[i, "site"] = seoul[k % 2]
    manifest.to_csv(folder / "manifest.csv", index=False)
    ours = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    theirs = medeval.evaluate(example / "protocol.toml", example / "predictions")
    # in the manifest's order (its first row is of site A), not sorted as text
    assert manifest["site"].iloc[0] in seoul
    assert [s.value for s in ours.subgroups] == ["서울", "B"]
    mine, original = ours.subgroups[0], next(s for s in theirs.subgroups if s.value == "A")
    assert mine.n_cases == original.n_cases == len(in_a)
    assert [(m.name, m.estimate.value) for m in mine.metrics] == \
        [(m.name, m.estimate.value) for m in original.metrics]
