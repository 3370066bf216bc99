"""The multi-label classification task: its figures against scikit-learn (per-label
counts, AUCs, the macro AUC, Hamming loss, subset accuracy), statsmodels (the proportions'
intervals), DeLong's variance worked from the paper, and the bootstrap redrawn with
numpy; the failure policy; what a reference and a prediction may hold; the protocol."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

import medeval
from medeval.protocol import ProtocolError, validate_protocol

from ._class_set_files import write_class_set

LABELS = ["NORM", "MI", "STTC", "HYP"]
CUTS = {"NORM": 0.5, "MI": 0.35, "STTC": 0.4, "HYP": 0.3}

PROTOCOL = """\
[test]
id = "T-ML"
title = "multi-label"
mode = "pre-check"
[laboratory]
name = "L"
[customer]
name = "C"
[algorithm]
name = "a"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "all"
[task]
type = "multilabel-classification"
labels = ["NORM", "MI", "STTC", "HYP"]
thresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4, HYP = 0.3}
no_label = "none"
[statistics]
seed = 7
n_resamples = 200
resampling_unit = "case"
[[criteria]]
metric = "auc@macro"
goal = 0.7
source = "test"
"""


def _simulated(n=80, seed=0):
    """An indicator matrix (every label with both classes) and scores favouring it,
    rounded to 0.05 so that ties occur."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n, len(LABELS))) < [0.45, 0.3, 0.3, 0.2]
    truth[0], truth[1] = True, False
    scores = np.round(np.clip(0.3 * truth + rng.normal(0.35, 0.2, truth.shape), 0, 1) * 20) / 20
    return truth, scores


def _cell(row):
    return ";".join(label for label, c in zip(LABELS, row) if c) or "none"


def _write(folder, truth, predictions, protocol=PROTOCOL, patients=None):
    """manifest.csv, in/, pred/<case>.json (None: no file) and protocol.toml."""
    references = [t if isinstance(t, str) else _cell(t) for t in truth]
    return write_class_set(folder, references, predictions, protocol, patients)


def _scores(row):
    return {"scores": dict(zip(LABELS, map(float, row)))}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    truth, s = _simulated()
    protocol = _write(tmp_path_factory.mktemp("ml"), truth, [_scores(r) for r in s])
    result = medeval.evaluate(protocol, protocol.parent / "pred")
    return truth, s, {m.name: m for m in result.metrics}, result


def test_per_label_proportions_match_sklearn_and_statsmodels(evaluated):
    truth, s, metrics, _ = evaluated
    decided = s >= np.array([CUTS[x] for x in LABELS])
    counts = skm.multilabel_confusion_matrix(truth, decided)  # [[tn, fp], [fn, tp]]
    for k, label in enumerate(LABELS):
        (tn, fp), (fn, tp) = counts[k]
        for name, hits, n in (("sensitivity", tp, tp + fn), ("specificity", tn, tn + fp),
                              ("ppv", tp, tp + fp)):
            est = metrics[f"{name}@{label}"].estimate
            low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
            assert (est.value, est.low, est.high, est.n) == pytest.approx(
                (hits / n, low, high, n), abs=1e-12), f"{name}@{label}"
            assert est.method == "wilson"


def test_whole_case_figures_match_sklearn(evaluated):
    truth, s, metrics, _ = evaluated
    decided = s >= np.array([CUTS[x] for x in LABELS])
    assert metrics["hamming_loss"].estimate.value == pytest.approx(
        skm.hamming_loss(truth, decided), abs=1e-15)
    assert metrics["hamming_loss"].higher_is_better is False
    exact = skm.accuracy_score(truth, decided)
    est = metrics["subset_accuracy"].estimate
    low, high = proportion_confint(round(exact * 80), 80, alpha=0.05, method="wilson")
    assert (est.value, est.low, est.high) == pytest.approx((exact, low, high), abs=1e-12)


def _delong_by_hand(positive, score, z):
    """DeLong et al. (1988) from its definitions: psi over every positive-negative pair,
    the structural components V10 and V01, Var = S10/m + S01/n; AUC -+ z sqrt(Var),
    clipped to [0, 1]."""
    x, y = score[positive], score[~positive]
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    auc = psi.mean()
    var = psi.mean(axis=1).var(ddof=1) / x.size + psi.mean(axis=0).var(ddof=1) / y.size
    return auc, max(0.0, auc - z * math.sqrt(var)), min(1.0, auc + z * math.sqrt(var))


def test_aucs_match_sklearn_and_delong_by_hand(evaluated):
    truth, s, metrics, _ = evaluated
    z = norm.ppf(0.975)
    for k, label in enumerate(LABELS):
        est = metrics[f"auc@{label}"].estimate
        assert est.value == pytest.approx(skm.roc_auc_score(truth[:, k], s[:, k]), abs=1e-12)
        assert est.method == "delong"
        assert (est.value, est.low, est.high) == pytest.approx(
            _delong_by_hand(truth[:, k], s[:, k], z), abs=1e-12)
    assert metrics["auc@macro"].estimate.value == pytest.approx(
        skm.roc_auc_score(truth, s, average="macro"), abs=1e-12)
    assert metrics["auc@macro"].definition == "roc_auc_label_macro"


def test_macro_interval_is_the_documented_bootstrap_redrawn_with_numpy(evaluated):
    # medeval.stats._resampling.draw_batches: default_rng(seed), the cases unstratified
    # (a case holds several labels), rng.integers(0, n, (B, n)); percentile interval by
    # numpy.quantile(..., method="linear") over the resamples where every label has both
    # classes (the others left out)
    truth, s, metrics, _ = evaluated
    rng = np.random.default_rng(7)
    draws = rng.integers(0, 80, (200, 80))
    values = [skm.roc_auc_score(truth[i], s[i], average="macro") for i in draws
              if all(0 < truth[i, k].sum() < 80 for k in range(len(LABELS)))]
    est = metrics["auc@macro"].estimate
    assert est.method == "bootstrap-percentile"
    assert (est.low, est.high) == pytest.approx(
        tuple(np.quantile(values, [0.025, 0.975], method="linear")), abs=1e-12)


def test_per_case_columns(evaluated):
    truth, s, _, result = evaluated
    assert result.case_columns[-4:] == tuple(f"score@{x}" for x in LABELS)
    first = result.cases[2]
    assert first["reference"] == ";".join(x for x, c in zip(LABELS, truth[2]) if c)
    assert [first[f"score@{x}"] for x in LABELS] == pytest.approx(s[2])


def test_a_failed_case_gets_every_label_wrong(tmp_path):
    # worst-case: c00 (every label carried) misses each; c01 (none, 'none' = no_label)
    # calls each; for the AUCs c00 ranks below every case, c01 above
    truth, s = _simulated(30, seed=3)
    predictions = [_scores(r) for r in s]
    predictions[0] = predictions[1] = None
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    value = {m.name: m.estimate.value for m in result.metrics}
    decided = s >= np.array([CUTS[x] for x in LABELS])
    decided[:2] = ~truth[:2]
    ranked = s.copy()
    ranked[0], ranked[1] = -1.0, 2.0
    assert value["hamming_loss"] == pytest.approx(skm.hamming_loss(truth, decided))
    assert value["subset_accuracy"] == pytest.approx(skm.accuracy_score(truth, decided))
    for k, label in enumerate(LABELS):
        assert value[f"sensitivity@{label}"] == pytest.approx(
            skm.recall_score(truth[:, k], decided[:, k]))
        assert value[f"auc@{label}"] == pytest.approx(skm.roc_auc_score(truth[:, k],
                                                                        ranked[:, k]))
    assert value["auc@macro"] == pytest.approx(skm.roc_auc_score(truth, ranked))


def test_table_predictions_read_score_columns(tmp_path, evaluated):
    truth, s, metrics, _ = evaluated
    protocol = _write(tmp_path, truth, [None] * len(truth))
    table = pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(len(truth))],
                          **{f"score@{x}": s[:, k] for k, x in enumerate(LABELS)}})
    table.to_csv(tmp_path / "pred.csv", index=False)
    result = medeval.evaluate(protocol, tmp_path / "pred.csv")
    assert {m.name: m.estimate for m in result.metrics} == {
        name: m.estimate for name, m in metrics.items()}


def test_an_empty_cell_of_the_table_is_no_score(tmp_path, evaluated):
    # pandas reads an empty score@HYP cell as NaN: the failure said 'not a finite
    # number: HYP: nan', a value the table does not hold (a JSON file's NaN is still
    # named so: test_each_refused_prediction_fails_its_case_naming_it)
    truth, s, _, _ = evaluated
    protocol = _write(tmp_path, truth, [None] * len(truth))
    table = pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(len(truth))],
                          **{f"score@{x}": s[:, k] for k, x in enumerate(LABELS)}})
    table.loc[3, "score@HYP"] = None
    table.to_csv(tmp_path / "pred.csv", index=False)
    assert (tmp_path / "pred.csv").read_text().splitlines()[4].endswith(",")  # c03's HYP
    result = medeval.evaluate(protocol, tmp_path / "pred.csv")
    (failure,) = result.failures.cases
    assert (failure.case_id, failure.reason) == ("c03", "invalid-output")
    assert failure.detail.endswith("the label scores are refused: no score for label(s) "
                                   "['HYP'] (pred.csv, line 5)")


@pytest.mark.parametrize("reference, problem", [
    ("MI,STTC", "'MI,STTC' is not a declared label (it holds ',': the protocol's "
                "reference_separator is ';')"),
    ("MI;AF", "'AF' is not a declared label"),
    ("MI;MI", "'MI' listed twice"),
    ("MI;", "an empty label between or after ';'"),
    ("none", "a case carrying no label needs no_label"),
    # a label in another letter case is named with the protocol's spelling
    ("mi;STTC", "'mi' is not a declared label (the label 'MI' in another letter case: "
                "write it as the protocol does)"),
    # PTB-XL's diagnostic_superclass column, a list, as pandas' to_csv writes it
    ("['MI', 'STTC']", "reference \"['MI', 'STTC']\": a Python list (as pandas writes a "
                       "list column, PTB-XL's diagnostic_superclass), not labels joined by "
                       "';': write 'MI;STTC'"),
    ("[]", "reference '[]': a Python list (as pandas writes a list column, PTB-XL's "
           "diagnostic_superclass), not labels joined by ';': write no_label = \"...\" in "
           "[task] and its word for a case carrying no label"),
])
def test_a_reference_that_is_no_label_set_is_named(tmp_path, reference, problem):
    truth, s = _simulated(6)
    references = ["NORM", "MI", "STTC;HYP", "NORM;HYP", reference, "MI"]
    protocol = _write(tmp_path, references, [_scores(r) for r in s],
                      PROTOCOL.replace('no_label = "none"\n', ""))
    with pytest.raises(medeval.MedevalError) as caught:
        medeval.evaluate(protocol, tmp_path / "pred")
    assert "case c04" in str(caught.value) and problem in str(caught.value), caught.value


def test_a_threshold_beyond_every_score_of_a_label_is_warned(tmp_path, evaluated):
    # threshold 50 for probabilities (50 % typed as a percentage) calls every label absent
    # in every case: binary classification warns of it, this task said nothing (each
    # label's PPV undefined, its sensitivity 0, only the PPVs' 'n = 0' warnings)
    truth, s = _simulated(40)
    protocol = _write(tmp_path, truth, [_scores(r) for r in s], PROTOCOL.replace(
        "thresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4, HYP = 0.3}",
        "thresholds = {NORM = 50, MI = 0.35, STTC = 0.4, HYP = -1}"))
    result = medeval.evaluate(protocol, tmp_path / "pred")
    # the scores' range by hand: NORM's and HYP's columns of the simulated scores
    expected = [f"all cases: label 'NORM': the threshold 50 is above every score of the "
                f"label ({s[:, 0].min():g} to {s[:, 0].max():g}): it is called absent in "
                "every case; the threshold is on the scores' scale (a probability's 50 % is "
                "0.5)",
                f"all cases: label 'HYP': the threshold -1 is below every score of the label "
                f"({s[:, 3].min():g} to {s[:, 3].max():g}): it is called present in every "
                "case; the threshold is on the scores' scale (a probability's 50 % is 0.5)"]
    assert [w for w in result.warnings if "every score" in w] == expected
    _, _, _, usual = evaluated  # thresholds within [0, 1] and the scores': no such warning
    assert not [w for w in usual.warnings if "every score" in w]


def test_the_no_label_word_in_another_letter_case_is_named(tmp_path):
    truth, s = _simulated(6)
    references = ["NORM", "MI", "STTC;HYP", "NORM;HYP", "None", "none"]
    protocol = _write(tmp_path, references, [_scores(r) for r in s])  # no_label = "none"
    with pytest.raises(medeval.MedevalError) as caught:
        medeval.evaluate(protocol, tmp_path / "pred")
    assert "case c04 (line 6): reference 'None': 'None' is not a declared label (no_label " \
           "'none' in another letter case: write it as the protocol does)" in str(caught.value)
    assert "c05" not in str(caught.value)


def test_the_no_label_word_joined_with_labels_is_named_as_such(tmp_path):
    # found in the tasks pass: 'none;MI' was refused as "'none' ... (no_label 'none' in
    # another letter case ...)", though it is the word as written, joined with a label
    truth, s = _simulated(6)
    references = ["NORM", "MI", "STTC;HYP", "NORM;HYP", "none;MI", "none"]
    protocol = _write(tmp_path, references, [_scores(r) for r in s])  # no_label = "none"
    with pytest.raises(medeval.MedevalError) as caught:
        medeval.evaluate(protocol, tmp_path / "pred")
    assert ("case c04 (line 6): reference 'none;MI': 'none' is not a declared label (it is "
            "the no_label word, for a case carrying none of the labels: it stands alone in "
            "its cell, not joined with labels)") in str(caught.value)
    assert "another letter case" not in str(caught.value)


def test_a_case_with_an_empty_reference_cell_is_told_of_no_label(tmp_path):
    # A record carrying no superclass left empty: the manifest refuses every empty cell,
    # and said only 'case c04: empty reference', not how to write such a record.
    truth, s = _simulated(6)
    references = ["NORM", "MI", "STTC;HYP", "NORM;HYP", "", "none"]
    protocol = _write(tmp_path, references, [_scores(r) for r in s])  # no_label = "none"
    with pytest.raises(medeval.MedevalError) as caught:
        medeval.evaluate(protocol, tmp_path / "pred")
    text = str(caught.value)
    assert "case c04: empty reference (see 'empty reference' below)" in text, text
    assert "a multi-label case (multilabel-classification) carrying none of the labels is " \
           "written as the protocol's no_label word (no_label = \"none\" in [task], and " \
           "none in the cell)" in text, text


@pytest.mark.parametrize("given, problem", [
    ({"scores": {"NORM": 0.5, "MI": 0.5, "STTC": 0.1}}, r"no score for label\(s\) \['HYP'\]"),
    ({"scores": {**dict.fromkeys(LABELS, 0.1), "CD": 0.2}},
     r"label\(s\) \['CD'\] are not among the protocol's labels"),
    ({"scores": {**dict.fromkeys(LABELS, 0.1), "MI": "0.7"}}, r"not a finite number: MI: '0.7'"),
    ({"scores": {**dict.fromkeys(LABELS, 0.1), "MI": float("inf")}},
     r"not a finite number: MI: inf"),
    ({"scores": {**dict.fromkeys(LABELS, 0.1), "MI": float("nan")}},
     r"not a finite number: MI: nan"),
    ({"scores": [0.1, 0.2, 0.3, 0.4]}, r"\"scores\" must be an object naming each label once"),
    (dict.fromkeys(LABELS, 0.1), r"has no \"scores\" \(its keys: \"NORM\", \"MI\""),
    (0.7, r"the prediction holds 0.7; a multi-label prediction gives a score for each"),
    ({"scores": {**dict.fromkeys(["NORM", "MI", "STTC"], 0.1), "hyp": 0.2}},
     r"label\(s\) \['hyp'\] are not among the protocol's labels \[.*\] \(in another letter "
     r"case: 'hyp' for 'HYP'; write each label as the protocol does\)"),
])
def test_each_refused_prediction_fails_its_case_naming_it(tmp_path, given, problem):
    truth, s = _simulated(8)
    predictions = [_scores(r) for r in s]
    predictions[3] = given
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    failed = [(row["case_id"], row["reason"]) for row in result.cases
              if row["status"] == "failed"]
    assert failed == [("c03", "invalid-output")]
    detail = result.failures.cases[0].detail
    assert detail.startswith("case c03: ") and re.search(problem, detail), detail


def _protocol(task_lines, metric="auc@macro"):
    import tomllib

    text = PROTOCOL.replace(
        'thresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4, HYP = 0.3}\n', task_lines).replace(
        'metric = "auc@macro"', f'metric = "{metric}"')
    if "no_label" in task_lines:
        text = text.replace('no_label = "none"\n', "", 1)
    return validate_protocol(tomllib.loads(text))


@pytest.mark.parametrize("task_lines, problem", [
    ("", "give either threshold (one for every label) or thresholds (one per label), fixed "
         "in advance"),
    ("threshold = 0.5\nthresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4, HYP = 0.3}\n",
     "not both"),
    ("thresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4}\n",
     "thresholds: no threshold for label(s) ['HYP']"),
    # a list in the labels' order (said only 'Input should be a valid dictionary')
    ("thresholds = [0.5, 0.35, 0.4, 0.3]\n",
     "task.thresholds: Input should be a valid dictionary; give each label's threshold by "
     "its name, thresholds = {<label> = 0.5, ...} with every label once (a list is not "
     "matched to the labels by position), or one for all, threshold = 0.5"),
    ("thresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4, HYP = 0.3, CD = 0.4}\n",
     "thresholds: ['CD'] are not among the labels"),
    ("threshold = 0.5\nreference_separator = \" \"\n", "a space cannot be told"),
    ("threshold = 0.5\nno_label = \"MI\"\n", "no_label: 'MI' is one of the labels"),
])
def test_protocol_refusals(task_lines, problem):
    with pytest.raises(ProtocolError) as caught:
        _protocol(task_lines)
    assert problem in str(caught.value), caught.value


def test_protocol_refuses_a_label_holding_the_separator_and_one_named_macro():
    import tomllib

    text = PROTOCOL.replace('labels = ["NORM", "MI", "STTC", "HYP"]',
                            'labels = ["NORM", "MI;old", "macro"]').replace(
        'thresholds = {NORM = 0.5, MI = 0.35, STTC = 0.4, HYP = 0.3}', 'threshold = 0.5')
    with pytest.raises(ProtocolError) as caught:
        validate_protocol(tomllib.loads(text))
    assert "['MI;old'] hold the reference_separator ';'" in str(caught.value)
    assert "['macro'] would name a label's AUC as the average's" in str(caught.value)


@pytest.mark.parametrize("metric", ["sensitivity@MI", "specificity@HYP", "ppv@NORM",
                                    "auc@STTC", "auc@macro", "hamming_loss",
                                    "subset_accuracy"])
def test_criteria_on_each_figure_are_accepted(metric):
    assert _protocol("threshold = 0.5\n", metric).criteria[0].metric == metric


def test_a_criterion_on_a_label_not_declared_is_refused():
    with pytest.raises(ProtocolError, match=r"'sensitivity@CD' is not reported by task "
                                            r"'multilabel-classification'"):
        _protocol("threshold = 0.5\n", "sensitivity@CD")


def _pair_count_auc(positive, score):
    """The AUC by brute force over every positive-negative pair (a tie counts one half),
    as a Fraction."""
    pos, neg = score[positive], score[~positive]
    wins = sum(2 * int(p > q) + int(p == q) for p in pos for q in neg)
    return Fraction(wins, 2 * pos.size * neg.size)


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_macro_auc_and_hamming_loss_are_exact_fractions_rounded_once(tmp_path, seed):
    # The macro AUC is the mean of the label AUCs, each a fraction of pair counts (by
    # brute force here), and the Hamming loss the wrong cells over all cells: both
    # computed in exact arithmetic and rounded once, as a protocol's point rule compares
    # them. The float mean of rounded AUCs (scikit-learn's roc_auc_score average='macro')
    # and the mean of the cases' shares of wrong labels can land an ulp away: with 80
    # cases and 4 labels, 2 of these 3 sets did. Equal also to medeval.metrics' functions.
    truth, s = _simulated(seed=seed)
    protocol = _write(tmp_path, truth, [_scores(r) for r in s])
    metrics = {m.name: m.estimate.value
               for m in medeval.evaluate(protocol, protocol.parent / "pred").metrics}
    exact_auc = sum(_pair_count_auc(truth[:, k], s[:, k]) for k in range(4)) / 4
    assert metrics["auc@macro"] == float(exact_auc)
    assert metrics["auc@macro"] == medeval.metrics.macro_auc(truth, s)
    assert metrics["auc@macro"] == pytest.approx(skm.roc_auc_score(truth, s), abs=1e-12)
    decided = s >= np.array([CUTS[x] for x in LABELS])
    exact_hamming = Fraction(int((truth != decided).sum()), truth.size)
    assert metrics["hamming_loss"] == float(exact_hamming)
    assert metrics["hamming_loss"] == medeval.metrics.hamming_loss(truth, decided)
