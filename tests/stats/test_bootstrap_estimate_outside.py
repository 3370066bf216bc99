"""A percentile interval that does not hold its own estimate is said: the statistic is
biased on the resamples. The interval is scipy.stats.bootstrap's (the same draws, of
cases or of patients), each resample's average precision scikit-learn's, and where the
estimate lies is read from those, not from medeval."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import bootstrap as scipy_bootstrap
from sklearn.metrics import average_precision_score

from medeval.errors import UndefinedMetricWarning
from medeval.stats import bootstrap_ci


def _ap_rows(t, s, axis=-1):  # scikit-learn's AP of each resample
    if t.ndim == 1:
        return average_precision_score(t, s)
    return np.array([average_precision_score(a, b) if 0 < a.sum() < a.size else np.nan
                     for a, b in zip(t, s)])


def _by_patient(y, s, patients):
    """scipy's bootstrap of the patients' indices, each resample's AP scikit-learn's on
    the cases of the patients drawn (a patient drawn twice, its cases twice)."""
    def ap(drawn, axis=-1):
        rows = [average_precision_score(y[cases], s[cases]) for cases in (
            np.concatenate([np.flatnonzero(patients == p) for p in row])
            for row in np.atleast_2d(drawn).astype(int))]
        return np.array(rows) if np.ndim(drawn) > 1 else rows[0]
    return ap


def test_average_precision_of_a_model_ranking_every_positive_last():
    # Six patients of one positive and one negative frame, every positive scored below
    # every negative (found in a runner pass: a torch model on twelve frames). By hand,
    # AP = (1/7 + 2/8 + 3/9 + 4/10 + 5/11 + 6/12) / 6 = 0.34679. A resample of patients
    # holding a patient twice ties its positives, and a tie takes the precision at its
    # end (2/8 for both, not 1/7 and 2/8): every such resample lies above the estimate,
    # and so does the percentile interval
    y = np.array([0, 1] * 6)
    s = np.array([0.44, 0.40] * 6) + np.arange(12) * 1e-4
    patients = np.repeat(np.arange(6), 2)
    estimate = sum(k / (6 + k) for k in range(1, 7)) / 6
    assert average_precision_score(y, s) == pytest.approx(estimate, abs=1e-15)
    ref = scipy_bootstrap((np.arange(6),), _by_patient(y, s, patients), vectorized=True,
                          method="percentile", n_resamples=1000,
                          rng=np.random.default_rng(5)).confidence_interval
    assert ref.low > estimate  # scipy's interval lies wholly above the estimate
    with pytest.warns(UndefinedMetricWarning, match="the estimate lies below its "
                      r"percentile interval \(\d+ of 1000 resamples lie above it\)"):
        ours = bootstrap_ci("average_precision", y, s, seed=5, n_resamples=1000,
                            clusters=patients)
    assert (ours.low, ours.high) == pytest.approx((ref.low, ref.high), abs=1e-12)
    assert "takes such a bias into account" in ours.note


def test_an_interval_holding_its_estimate_says_nothing():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 80)
    s = rng.normal(y, 1.0)
    ref = scipy_bootstrap((y, s), _ap_rows, paired=True, vectorized=True,
                          method="percentile", n_resamples=500,
                          rng=np.random.default_rng(1)).confidence_interval
    assert ref.low <= average_precision_score(y, s) <= ref.high
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = bootstrap_ci("average_precision", y, s, seed=1, n_resamples=500)
    assert ours.note is None


def test_bca_is_not_noted():
    # BCa's bias correction is what the note advises: its interval is not noted
    y = np.array([0, 1] * 6)
    s = np.array([0.44, 0.40] * 6) + np.arange(12) * 1e-4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = bootstrap_ci("average_precision", y, s, seed=5, n_resamples=1000,
                            clusters=np.repeat(np.arange(6), 2), method="bca")
    assert ours.note is None
