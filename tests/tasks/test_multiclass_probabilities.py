"""Multi-class predictions with class probabilities: reading, refusals, and the AUCs
against scikit-learn, DeLong's variance worked from the paper, and the bootstrap redrawn
with numpy from the stream medeval documents."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

import medeval
from medeval.protocol import ProtocolError

from ._class_set_files import write_class_set

LABELS = ["0", "1", "2", "3"]

#: the DR example's protocol (probabilities = true, referable from grade 2, criteria on
#: referable_auc@2 and auc@macro) for grades 0-3, its cases resampled as cases
PROTOCOL = (Path(__file__).resolve().parents[2] / "examples" / "multiclass-probabilities"
            / "protocol.toml").read_text(encoding="utf-8").replace(
    'labels = ["0", "1", "2", "3", "4"]', 'labels = ["0", "1", "2", "3"]').replace(
    "seed = 1\nn_resamples = 500\n", 'seed = 7\nn_resamples = 200\nresampling_unit = "case"\n')
assert 'resampling_unit = "case"' in PROTOCOL


def _simulated(n=60, seed=0):
    """Grades 0-3 and softmax probabilities that favour the true grade."""
    rng = np.random.default_rng(seed)
    truth = np.arange(n) % 4
    logits = rng.normal(size=(n, 4))
    logits[np.arange(n), truth] += 1.2
    p = np.exp(logits)
    return truth, p / p.sum(axis=1, keepdims=True)


def _write(folder, truth, predictions, protocol=PROTOCOL, patients=None):
    """manifest.csv, in/, pred/<case>.json (None: no file) and protocol.toml."""
    return write_class_set(folder, [LABELS[t] for t in truth], predictions, protocol,
                           patients)


def _probs(row):
    return {"probabilities": dict(zip(LABELS, map(float, row)))}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    truth, p = _simulated()
    protocol = _write(tmp_path_factory.mktemp("mc"), truth, [_probs(r) for r in p])
    result = medeval.evaluate(protocol, protocol.parent / "pred")
    return truth, p, {m.name: m for m in result.metrics}, result


def test_aucs_match_sklearn(evaluated):
    truth, p, metrics, _ = evaluated
    for k, label in enumerate(LABELS):  # each class against the rest, as a binary AUC
        assert metrics[f"auc@{label}"].estimate.value == pytest.approx(
            roc_auc_score(truth == k, p[:, k]), abs=1e-12)
        assert metrics[f"auc@{label}"].definition == "roc_auc_ovr"
    assert metrics["auc@macro"].estimate.value == pytest.approx(
        roc_auc_score(truth, p, multi_class="ovr", average="macro"), abs=1e-12)
    # referable from grade 2: the score is P(2) + P(3)
    assert metrics["referable_auc@2"].estimate.value == pytest.approx(
        roc_auc_score(truth >= 2, p[:, 2:].sum(axis=1)), abs=1e-12)


def _delong_by_hand(positive, score, z):
    """DeLong et al. (1988) from its definitions: psi over every positive-negative pair,
    the structural components V10 (each positive: its share of negatives beaten) and V01
    (each negative: the share of positives beating it), S10 and S01 their sample
    variances, Var = S10/m + S01/n; the interval AUC -+ z sqrt(Var), clipped to [0, 1]."""
    x, y = score[positive], score[~positive]
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = v10.var(ddof=1) / x.size + v01.var(ddof=1) / y.size
    return auc, max(0.0, auc - z * math.sqrt(var)), min(1.0, auc + z * math.sqrt(var))


def test_delong_intervals_by_hand(evaluated):
    truth, p, metrics, _ = evaluated
    z = norm.ppf(0.975)
    for k, label in enumerate(LABELS):
        est = metrics[f"auc@{label}"].estimate
        assert est.method == "delong"
        assert (est.value, est.low, est.high) == pytest.approx(
            _delong_by_hand(truth == k, p[:, k], z), abs=1e-12)
    est = metrics["referable_auc@2"].estimate
    assert (est.value, est.low, est.high) == pytest.approx(
        _delong_by_hand(truth >= 2, p[:, 2:].sum(axis=1), z), abs=1e-12)


def test_macro_interval_is_the_documented_bootstrap_redrawn_with_numpy(evaluated):
    # medeval.stats._resampling.draw_batches: default_rng(seed), then per stratum (the
    # reference classes in sorted order) rng.integers(0, size, (B, size)); the percentile
    # interval is numpy.quantile(..., method="linear") of the resamples' values.
    truth, p, metrics, _ = evaluated
    rng = np.random.default_rng(7)
    members = [np.flatnonzero(truth == k) for k in range(4)]
    draws = [m[rng.integers(0, m.size, (200, m.size))] for m in members]
    values = [roc_auc_score(truth[i], p[i], multi_class="ovr", average="macro")
              for i in np.concatenate(draws, axis=1)]
    est = metrics["auc@macro"].estimate
    assert est.method == "bootstrap-percentile"
    assert (est.low, est.high) == pytest.approx(
        tuple(np.quantile(values, [0.025, 0.975], method="linear")), abs=1e-12)


def test_probabilities_are_per_case_columns(evaluated):
    _, p, _, result = evaluated
    assert result.case_columns[-4:] == tuple(f"probability@{label}" for label in LABELS)
    first = result.cases[0]
    assert [first[f"probability@{label}"] for label in LABELS] == pytest.approx(p[0])
    assert first["prediction"] == LABELS[int(np.argmax(p[0]))]  # no label: the argmax


@pytest.mark.parametrize("given, problem", [
    ({"probabilities": {"0": 0.5, "1": 0.5, "2": 0.0}}, r"no probability for class\(es\) \['3'\]"),
    ({"probabilities": {"0": 0.5, "1": 0.5, "2": 0.0, "3": 0.0, "4": 0.0}},
     r"class\(es\) \['4'\] are not among the protocol's labels"),
    ({"probabilities": {"0": 1.5, "1": -0.5, "2": 0.0, "3": 0.0}},
     r"not a number within \[0, 1\]: 0: 1.5, 1: -0.5"),
    ({"probabilities": {"0": "0.5", "1": 0.5, "2": 0.0, "3": 0.0}},
     r"not a number within \[0, 1\]: 0: '0.5'$"),
    # percentages (45.51 + 30 + 24.49 + 0 = 100): said so, 45.51 % being 0.4551
    ({"probabilities": {"0": 45.51, "1": 30.0, "2": 24.49, "3": 0.0}},
     r"2: 24.49 \(they sum to 100: percentages\? give each as a fraction of 1, 45.51 as "
     r"0.4551; they are not rescaled\)$"),
    # a network's logits, log(0.6) = -0.5108, log(0.2) = -1.609, log(0.1) = -2.303 (sum
    # -6.026): not probabilities of another form, but another scale
    ({"probabilities": {"0": -0.5108, "1": -1.609, "2": -1.609, "3": -2.303}},
     r"\(they sum to -6.0318: scores of another scale, such as logits\? give the class "
     r"probabilities, their softmax; they are not converted\)$"),
    ({"probabilities": {"0": float("nan"), "1": 0.5, "2": 0.5, "3": 0.0}},
     r"not a number within \[0, 1\]: 0: nan"),
    ({"probabilities": {"0": 0.5, "1": 0.5, "2": 0.5, "3": 0.0}},
     r"sum to 1.5, not 1 \(within 0.001\); they are not renormalised"),
    ({"probabilities": [0.25, 0.25, 0.25, 0.25]}, r"must be an object naming each class"),
    ({"label": "1"}, r"declares probabilities = true, but the prediction has no "
                     r"\"probabilities\" \(its keys: \"label\"\)"),
    ("1", r"declares probabilities = true, but the prediction holds only '1'"),
])
def test_each_refusal_fails_its_case_naming_it(tmp_path, given, problem):
    truth, p = _simulated(8)
    predictions = [_probs(r) for r in p]
    predictions[3] = given
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    failed = [row for row in result.cases if row["status"] == "failed"]
    assert [(row["case_id"], row["reason"]) for row in failed] == [("c03", "invalid-output")]
    detail = result.failures.cases[0].detail
    assert detail.startswith("case c03: ")
    assert __import__("re").search(problem, detail), detail


def test_sum_within_the_stated_tolerance_is_taken_as_given(tmp_path):
    truth, p = _simulated(8)
    predictions = [_probs(r) for r in p]
    predictions[0] = {"probabilities": {"0": 0.3333, "1": 0.3333, "2": 0.3333, "3": 0.0}}
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    assert result.flow.failed == 0  # 0.9999 is within 0.001 of 1
    assert result.cases[0]["probability@0"] == 0.3333  # not renormalised


def test_label_counts_for_labels_and_probabilities_for_aucs(tmp_path):
    truth, p = _simulated(12)
    predictions = [_probs(r) for r in p]
    # c00 (grade 0) is labelled '3' against its probabilities: accuracy counts '3'
    predictions[0] = {"label": "3", **_probs(p[0])}
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    argmax = p.argmax(axis=1)
    argmax[0] = 3
    value = {m.name: m.estimate.value for m in result.metrics}
    assert value["accuracy"] == pytest.approx(np.mean(argmax == truth))
    assert value["auc@0"] == pytest.approx(roc_auc_score(truth == 0, p[:, 0]))
    assert any("1 of 12 scored case(s) (c00) give a label that is not their "
               "most probable class" in w for w in result.warnings), result.warnings


def test_a_tie_is_the_first_label_in_the_protocols_order(tmp_path):
    truth, p = _simulated(8)
    predictions = [_probs(r) for r in p]
    predictions[1] = {"probabilities": {"3": 0.4, "1": 0.4, "2": 0.2, "0": 0.0}}
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    assert result.cases[1]["prediction"] == "1"  # '1' comes before '3' in labels
    # said, with the case named: the protocol's order of labels decided its answer
    tie = [w for w in result.warnings if "largest probability" in w]
    # the count of ties holding the reference class: c01's grades 1 and 3 against its own
    at_stake = int(truth[1] in (1, 3))
    assert tie == ["all cases: 1 of 8 scored case(s) (c01) share their largest probability "
                   f"between two or more classes, {at_stake} of them with the reference class "
                   "among the tied: where such a prediction gives no label, its answer is the "
                   "first of the tied classes in the protocol's order of labels (as "
                   "numpy.argmax takes it), so that order decides its answer for the "
                   "sensitivities and the kappa, and for the accuracy where the reference "
                   "class is among the tied"]
    # numpy.argmax, the rule named, answers the same on the probabilities in label order
    assert LABELS[int(np.argmax([0.0, 0.4, 0.2, 0.4]))] == "1"


def test_a_tie_counts_the_cases_whose_reference_is_among_the_tied(tmp_path):
    # by hand: c00 (grade 0) ties 0 and 1, its reference among them; c01 (grade 1) ties
    # 2 and 3, its reference not among them; c02 (grade 2) gives its own label '3' on a
    # tie of 2 and 3: three ties, two holding the reference class, whatever the answer
    truth = np.array([0, 1, 2, 3, 0, 1])
    given = [{"probabilities": {"0": 0.4, "1": 0.4, "2": 0.1, "3": 0.1}},
             {"probabilities": {"0": 0.1, "1": 0.1, "2": 0.4, "3": 0.4}},
             {"label": "3", "probabilities": {"0": 0.1, "1": 0.1, "2": 0.4, "3": 0.4}},
             *[_probs(np.eye(4)[g] * 0.7 + 0.075) for g in truth[3:]]]
    result = medeval.evaluate(_write(tmp_path, truth, given), tmp_path / "pred")
    assert [result.cases[i]["prediction"] for i in range(3)] == ["0", "2", "3"]
    tie = next(w for w in result.warnings if "largest probability" in w)
    assert "3 of 6 scored case(s) (c00, c01, c02) share" in tie
    assert "classes, 2 of them with the reference class among the tied:" in tie
    # the accuracy the order decided: c00 right (first of 0, 1), c01 wrong either way
    assert result.metric("accuracy").estimate.numerator == 1 + 3


def test_no_tie_no_tie_warning(evaluated):
    # softmax probabilities of normal draws: no case's largest value is shared
    truth, p, _, result = evaluated
    assert (np.sort(p, axis=1)[:, -1] > np.sort(p, axis=1)[:, -2]).all()
    assert not [w for w in result.warnings if "largest probability" in w]


def test_failed_case_ranks_wrongly_for_every_auc(tmp_path):
    # worst-case: the failed case c00 (grade 0) gets P(0) below every case and the
    # others above, so auc@k is sklearn's on those scores; the referable split puts it
    # above every case (not referable, ranked as referable)
    truth, p = _simulated(16)
    predictions = [_probs(r) for r in p]
    predictions[0] = None
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    worst = p.copy()
    worst[0] = [-1.0, 2.0, 2.0, 2.0]
    value = {m.name: m.estimate.value for m in result.metrics}
    for k, label in enumerate(LABELS):
        assert value[f"auc@{label}"] == pytest.approx(roc_auc_score(truth == k, worst[:, k]))
    referable = p[:, 2:].sum(axis=1)
    referable[0] = 2.0
    assert value["referable_auc@2"] == pytest.approx(roc_auc_score(truth >= 2, referable))


def test_several_cases_a_patient_take_the_clustered_intervals(tmp_path):
    truth, p = _simulated(24)
    patients = [i // 2 for i in range(24)]
    text = PROTOCOL.replace('resampling_unit = "case"', 'resampling_unit = "patient"')
    result = medeval.evaluate(_write(tmp_path, truth, [_probs(r) for r in p], protocol=text,
                                     patients=patients), tmp_path / "pred")
    method = {m.name: m.estimate.method for m in result.metrics}
    assert method["auc@0"] == "obuchowski"
    assert method["referable_auc@2"] == "obuchowski"
    assert method["auc@macro"] == "bootstrap-percentile"


def test_a_class_without_reference_case_leaves_the_macro_auc_undefined(tmp_path):
    truth, p = _simulated(12)
    truth = np.where(truth == 3, 2, truth)  # no grade 3
    result = medeval.evaluate(_write(tmp_path, truth, [_probs(r) for r in p]),
                              tmp_path / "pred")
    macro = next(m for m in result.metrics if m.name == "auc@macro")
    assert math.isnan(macro.estimate.value)
    assert "['3'] have no reference case" in macro.estimate.note


def test_a_table_with_probability_columns(tmp_path):
    truth, p = _simulated(8)
    protocol = _write(tmp_path, truth, [None] * 8)
    table = pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(8)],
                          **{f"probability@{label}": p[:, k] for k, label in enumerate(LABELS)}})
    table.loc[2, "probability@1"] = None  # an empty cell fails its case
    table.to_csv(tmp_path / "pred.csv", index=False)
    result = medeval.evaluate(protocol, tmp_path / "pred.csv")
    failed = [(r["case_id"], r["reason"]) for r in result.cases if r["status"] == "failed"]
    assert failed == [("c02", "invalid-output")]
    assert "1: nan" in result.failures.cases[0].detail
    assert result.cases[0]["prediction"] == LABELS[int(p[0].argmax())]


def test_a_table_with_labels_and_probabilities(tmp_path):
    truth, p = _simulated(8)
    protocol = _write(tmp_path, truth, [None] * 8)
    table = pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(8)], "label": ["0"] * 8,
                          **{f"probability@{label}": p[:, k] for k, label in enumerate(LABELS)}})
    table.to_csv(tmp_path / "pred.csv", index=False)
    result = medeval.evaluate(protocol, tmp_path / "pred.csv")
    assert [r["prediction"] for r in result.cases] == ["0"] * 8


def test_auc_criteria_need_probabilities(tmp_path):
    truth, p = _simulated(8)
    text = PROTOCOL.replace("probabilities = true\n", "")
    with pytest.raises(ProtocolError, match=r"'auc@macro' is not reported by task "
                       r"'multiclass-classification' \(the class probabilities' AUCs are "
                       r"reported with probabilities = true"):
        medeval.evaluate(_write(tmp_path, truth, [_probs(r) for r in p], protocol=text),
                         tmp_path / "pred")


def test_without_probabilities_a_probabilities_only_prediction_is_refused(tmp_path):
    truth, p = _simulated(8)
    text = PROTOCOL.replace("probabilities = true\n", "").replace(
        "auc@macro", "sensitivity@macro").replace("referable_auc@2", "referable_sensitivity@2")
    result = medeval.evaluate(_write(tmp_path, truth, [_probs(r) for r in p], protocol=text),
                              tmp_path / "pred")
    assert result.flow.failed == 8
    assert "unless [task] says probabilities = true" in result.failures.cases[0].detail


def test_newcombe_over_several_cases_a_patient_says_it_takes_them_as_independent(tmp_path):
    # auc_method = "newcombe" has no clustered form: 24 cases of 12 patients (two each,
    # counted by hand) are taken as independent, which binary classification's roc_auc
    # says in its note; each class's AUC and the referable one say it too
    truth, p = _simulated(24)
    text = PROTOCOL.replace('resampling_unit = "case"',
                            'resampling_unit = "patient"\nauc_method = "newcombe"')
    result = medeval.evaluate(_write(tmp_path, truth, [_probs(r) for r in p], protocol=text,
                                     patients=[i // 2 for i in range(24)]), tmp_path / "pred")
    notes = {m.name: m.estimate.note or "" for m in result.metrics}
    for name in ("auc@0", "auc@3", "referable_auc@2"):
        assert notes[name].startswith(
            "newcombe takes the 24 cases as independent, but they are of 12 patients"), name
    # one case a patient: nothing to say
    (tmp_path / "one").mkdir()
    result = medeval.evaluate(_write(tmp_path / "one", truth, [_probs(r) for r in p],
                                     protocol=text), tmp_path / "one" / "pred")
    assert not any((m.estimate.note or "").startswith("newcombe takes")
                   for m in result.metrics)


def test_every_case_failed_gives_a_result(tmp_path):
    # an algorithm that failed on every case: the evaluation stopped with an IndexError
    # (the failures-excluded analysis has no case). Worst-case ranks every case wrongly,
    # so each AUC is sklearn's on scores -1 (own class) and 2 (the others): 0
    truth, _ = _simulated(12)
    result = medeval.evaluate(_write(tmp_path, truth, [None] * 12), tmp_path / "pred")
    value = {m.name: m.estimate.value for m in result.metrics}
    for k, label in enumerate(LABELS):
        assert value[f"auc@{label}"] == roc_auc_score(truth == k, np.where(truth == k, -1, 2))
    assert value["auc@macro"] == 0.0
    excluded = {m.name: m.estimate for m in result.failures.alternative.metrics}
    assert math.isnan(excluded["auc@macro"].value)
    assert excluded["auc@macro"].n == 0


def test_macro_bca_interval_redrawn_with_numpy_and_a_leave_one_out_jackknife(tmp_path):
    # BCa (Efron 1987) by hand: the resamples drawn as the percentile test draws them;
    # z0 from the share of resampled values below the estimate; the acceleration from
    # the jackknife, each case left out in turn and sklearn's ovr macro AUC of the rest
    truth, p = _simulated(40, seed=3)
    text = PROTOCOL.replace("seed = 7\n", 'seed = 7\nbootstrap_method = "bca"\n')
    result = medeval.evaluate(_write(tmp_path, truth, [_probs(r) for r in p], protocol=text),
                              tmp_path / "pred")
    est = next(m.estimate for m in result.metrics if m.name == "auc@macro")
    assert est.method == "bootstrap-bca"

    def macro(rows):
        return roc_auc_score(truth[rows], p[rows], multi_class="ovr", average="macro")

    theta = macro(np.arange(40))
    rng = np.random.default_rng(7)
    members = [np.flatnonzero(truth == k) for k in range(4)]
    draws = [m[rng.integers(0, m.size, (200, m.size))] for m in members]
    values = np.array([macro(i) for i in np.concatenate(draws, axis=1)])
    z0 = norm.ppf(((values < theta).sum() + 0.5 * (values == theta).sum()) / values.size)
    jack = np.array([macro(np.delete(np.arange(40), i)) for i in range(40)])
    d = jack.mean() - jack
    accel = (d ** 3).sum() / (6 * ((d ** 2).sum()) ** 1.5)
    levels = [norm.cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
              for z in (norm.ppf(0.025), norm.ppf(0.975))]
    assert (est.value, est.low, est.high) == pytest.approx(
        (theta, *np.quantile(values, levels, method="linear")), abs=1e-12)


def test_a_refusal_writes_korean_labels_as_written():
    # found in the tasks pass: the expected form of "probabilities" was printed with
    # json.dumps' ASCII escapes, {"\uc815\uc0c1": p, ...}, for classes named 정상, 악성
    from medeval.manifest import Case
    from medeval.tasks._class_probabilities import class_probabilities
    from medeval.tasks.base import PredictionError

    case = Case("c1", "p1", ("in/c1.json",), "정상", {}, 2)
    with pytest.raises(PredictionError, match=r'naming each class once, \{"정상": p, "악성": p\}, '
                                              r"got list"):
        class_probabilities(case, [0.3, 0.7], ["정상", "악성"], tolerance=1e-3)


def test_sums_of_0_999_and_1_001_are_both_within_0_001(tmp_path):
    # |0.999 - 1| = |1.001 - 1| = 0.001 in the decimals written, but in binary floating
    # point 0.499 + 0.5 lies just beyond 0.001 from 1 and 0.501 + 0.5 just within: the
    # first was refused ("sum to 0.999, not 1 (within 0.001)") and the second taken
    assert abs((0.499 + 0.5) - 1.0) > 0.001 >= abs((0.501 + 0.5) - 1.0)
    truth, p = _simulated(8)
    predictions = [_probs(r) for r in p]
    predictions[0] = {"probabilities": {"0": 0.499, "1": 0.5, "2": 0.0, "3": 0.0}}
    predictions[1] = {"probabilities": {"0": 0.501, "1": 0.5, "2": 0.0, "3": 0.0}}
    predictions[2] = {"probabilities": {"0": 0.4989, "1": 0.5, "2": 0.0, "3": 0.0}}
    result = medeval.evaluate(_write(tmp_path, truth, predictions), tmp_path / "pred")
    assert [(row["case_id"], row["status"]) for row in result.cases[:3]] == [
        ("c00", "ok"), ("c01", "ok"), ("c02", "failed")]
    assert result.failures.cases[0].detail.startswith(
        "case c02: the class probabilities sum to 0.9989, not 1 (within 0.001)")
    assert result.cases[0]["probability@0"] == 0.499  # taken as given, not renormalised
