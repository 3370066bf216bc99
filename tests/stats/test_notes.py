"""An undefined figure says why on its Estimate: the ``note`` is the text the function
warns, warned once, and a defined figure has no note."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from medeval.errors import UndefinedMetricWarning
from medeval.stats import (
    auc_ci,
    bootstrap_ci,
    delong_test,
    likelihood_ratio_ci,
    noninferiority_test,
    proportion_ci,
    proportion_goal_test,
)

Y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 1]
P = [0, 1, 1, 1, 0, 1, 0, 0, 1, 1]
S = [0.1, 0.6, 0.7, 0.9, 0.2, 0.8, 0.4, 0.3, 0.65, 0.95]


def warned_and_note(compute):
    """The texts ``compute()`` warns as UndefinedMetricWarning, and its estimate."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimate = compute()
    texts = [str(w.message) for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    return texts, estimate


UNDEFINED = {
    "proportion_ci n = 0": (
        lambda: proportion_ci(0, 0, method="wilson"), "proportion_ci: n = 0 trials"),
    "likelihood_ratio_ci fp = 0": (
        lambda: likelihood_ratio_ci(10, 2, 0, 8, which="positive"),
        "likelihood_ratio_ci: LR+ is undefined"),
    "auc_ci one class": (
        lambda: auc_ci([1, 1, 1], [0.2, 0.5, 0.7]), "auc_ci: the AUC is undefined with one"),
    "auc_ci single negative": (
        lambda: auc_ci([0, 1, 1], [0.2, 0.5, 0.7]), "auc_ci: DeLong's variance is undefined"),
    "auc_ci bootstrap one class": (
        lambda: auc_ci([0, 0, 0], [0.2, 0.5, 0.7], method="bootstrap", seed=1),
        "auc_ci: the AUC is undefined with one"),
    "delong_test too few": (
        lambda: delong_test([0, 1, 1], [0.1, 0.5, 0.7], [0.3, 0.2, 0.9]).difference,
        "delong_test: needs at least two"),
    "delong_test identical": (
        lambda: delong_test(Y, S, S).difference, "delong_test: the variance of the AUC"),
    "proportion_goal_test n = 0": (
        lambda: proportion_goal_test(0, 0, 0.8).estimate, "proportion_goal_test: n = 0"),
    "noninferiority_test no cases": (
        lambda: noninferiority_test([], [], margin=0.05).estimate,
        "noninferiority_test: no cases"),
    "bootstrap NaN on the data": (
        lambda: bootstrap_ci("sensitivity", [0, 0, 0], [0, 1, 0], seed=1),
        "bootstrap_ci: the statistic is undefined (NaN) on the data"),
    "bootstrap one case": (
        lambda: bootstrap_ci("accuracy", [1], [1], seed=1), "bootstrap_ci: 1 resampling unit"),
    "bootstrap resamples left out": (
        lambda: bootstrap_ci("sensitivity", [1, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0], seed=1,
                             n_resamples=200),
        "bootstrap_ci: "),
}


@pytest.mark.parametrize("case", list(UNDEFINED), ids=list(UNDEFINED))
def test_the_note_is_the_warned_text_warned_once(case):
    compute, start = UNDEFINED[case]
    texts, estimate = warned_and_note(compute)
    assert texts == [estimate.note], texts
    assert estimate.note.startswith(start), estimate.note


def test_defined_figures_have_no_note():
    for estimate in (
        proportion_ci(3, 10, method="wilson"),
        likelihood_ratio_ci(90, 10, 20, 80, which="positive"),
        auc_ci(Y, S),
        bootstrap_ci("sensitivity", Y, P, seed=7, strata=Y),
        proportion_goal_test(92, 100, 0.85).estimate,
    ):
        assert estimate.defined and estimate.note is None


def test_several_reasons_are_one_warning_joined():
    # Percentile resamples without the only positive are NaN (left out), and BCa's
    # jackknife leaving that positive out is undefined: two reasons, one warning.
    y_true = [1, 0, 0, 0, 0, 0, 0, 0]
    y_pred = [1, 0, 1, 0, 0, 0, 0, 0]
    texts, estimate = warned_and_note(lambda: bootstrap_ci(
        "sensitivity", y_true, y_pred, seed=2, method="bca", n_resamples=200))
    assert texts == [estimate.note]
    parts = estimate.note.split("; ")
    assert parts[0].startswith("bootstrap_ci: ") and "resamples gave an undefined value" in \
        parts[0]
    assert any(part.startswith("bootstrap_ci: BCa is undefined") for part in parts[1:])
    assert estimate.value == 1.0 and math.isnan(estimate.low)


def test_a_defined_value_can_carry_a_note():
    # Resamples left out: the interval is computed, and the note says how many are out.
    texts, estimate = warned_and_note(lambda: bootstrap_ci(
        "sensitivity", [1, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0], seed=1, n_resamples=200))
    assert estimate.defined
    assert estimate.note is not None and " of 200 resamples" in estimate.note
    assert texts == [estimate.note]


def test_notes_survive_the_estimate_json_round_trip():
    from medeval.stats import Estimate

    _, estimate = warned_and_note(lambda: proportion_ci(0, 0, method="wilson"))
    data = estimate.to_dict()
    data = {k: ("NaN" if isinstance(v, float) and np.isnan(v) else v) for k, v in data.items()}
    assert Estimate.from_dict(data).note == estimate.note


@pytest.mark.parametrize(("name", "metric"), [
    ("sensitivity", "sensitivity"), ("specificity", "specificity"), ("ppv", "ppv"),
    ("npv", "npv"), ("f1", "f1_score"), ("balanced_accuracy", "balanced_accuracy"),
    ("youden_j", "youden_j"),
])
def test_a_named_statistic_says_why_in_its_metrics_words(name, metric):
    import medeval.metrics

    y_true, y_pred = [0, 0, 0, 0], [0, 0, 0, 0]  # no positive case, none predicted
    if name in ("specificity", "npv"):
        y_true, y_pred = [1, 1, 1, 1], [1, 1, 1, 1]
    texts, estimate = warned_and_note(lambda: bootstrap_ci(name, y_true, y_pred, seed=0))
    warned, _ = warned_and_note(lambda: getattr(medeval.metrics, metric)(y_true, y_pred))
    reason = warned[0].split(" is undefined: ", 1)[1].removesuffix("; returning NaN")
    assert texts == [estimate.note]
    assert estimate.note == f"bootstrap_ci: the statistic is undefined (NaN) on the data: {reason}"
