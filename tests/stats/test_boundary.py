"""No false certainty at the boundary: perfect separation gets Newcombe's (2006) method 5
score interval, checked against the method's equation solved here as a polynomial."""

from __future__ import annotations

import math

import numpy as np
import pytest

from medeval.stats import auc_ci, proportion_ci
from medeval.stats.clustered import newcombe_auc_bounds

Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


def newcombe5_roots(auc: float, m: int, n: int, z: float = Z95) -> list[float]:
    """Newcombe 2006, method 5: (auc - t)^2 = z^2 V(t) with Hanley-McNeil's variance
    V(t) = t(1-t)/(mn) [1 + N*(1-t)/(2-t) + N* t/(1+t)], N* = (m+n)/2 - 1.
    Multiplied by mn(2-t)(1+t) it is a quartic in t; its real roots in [0, 1]."""
    P = np.polynomial.Polynomial
    t = P([0, 1])
    n_star = (m + n) / 2 - 1
    bracket = (2 - t) * (1 + t) + n_star * (1 - t) * (1 + t) + n_star * t * (2 - t)
    quartic = m * n * (auc - t) ** 2 * (2 - t) * (1 + t) - z**2 * t * (1 - t) * bracket
    roots = quartic.roots()
    return sorted(float(r.real) for r in roots
                  if abs(r.imag) < 1e-9 and -1e-12 <= r.real <= 1 + 1e-12)


class TestPerfectSeparation:
    def test_thirty_and_thirty(self):
        y = [1] * 30 + [0] * 30
        s = list(range(100, 130)) + list(range(30))
        est = auc_ci(y, s)
        # At auc = 1 the quartic has the double root t = 1 ... and the lower bound:
        roots = newcombe5_roots(1.0, 30, 30)
        lower = max(r for r in roots if r < 1 - 1e-6)
        assert est.value == 1.0 and est.high == 1.0
        assert est.low == pytest.approx(lower, abs=1e-10)
        assert round(est.low, 4) == 0.9330 and est.low < 1.0
        assert est.method == "newcombe-5" and "zero width" in est.note

    def test_auc_zero_is_the_mirror(self):
        y = [1] * 30 + [0] * 30
        s = list(range(30)) + list(range(100, 130))
        est = auc_ci(y, s)
        assert est.value == 0.0 and est.low == 0.0
        assert est.high == pytest.approx(1 - auc_ci([0] * 30 + [1] * 30, s).low, abs=1e-12)

    @pytest.mark.parametrize(("m", "n"), [(2, 2), (5, 40), (30, 30), (200, 7), (1000, 1000)])
    def test_never_zero_width(self, m, n):
        est = auc_ci([1] * m + [0] * n, list(range(n, n + m)) + list(range(n)))
        assert est.low < 1.0 and est.high == 1.0

    def test_clustered_counts_each_patient_once(self):
        # 30 + 30 frames in 10 + 10 patients: Newcombe's interval on 10 and 10.
        y = [1] * 30 + [0] * 30
        s = list(range(100, 130)) + list(range(30))
        ids = [i // 3 for i in range(60)]
        est = auc_ci(y, s, method="obuchowski", clusters=ids)
        lower = max(r for r in newcombe5_roots(1.0, 10, 10) if r < 1 - 1e-6)
        assert est.low == pytest.approx(lower, abs=1e-10)
        assert est.method == "newcombe-5-clustered" and "10 positive and 10 negative" in \
            est.note

    def test_constant_scores_are_not_certain_either(self):
        # Every score equal: AUC 1/2, every component 1/2, DeLong's variance 0.
        est = auc_ci([1, 1, 1, 0, 0, 0], [0.5] * 6)
        assert est.value == 0.5 and est.low < 0.5 < est.high
        assert est.method == "newcombe-5" and "all structural components equal" in est.note


class TestNewcombeMethod:
    @pytest.mark.parametrize(("auc", "m", "n"), [
        (0.8, 30, 30), (0.95, 50, 200), (0.6, 12, 9), (0.99, 100, 100), (0.3, 20, 25)])
    def test_bounds_are_the_roots_either_side(self, auc, m, n):
        roots = newcombe5_roots(auc, m, n)
        low = max(r for r in roots if r < auc)
        high = min(r for r in roots if r > auc)
        assert newcombe_auc_bounds(auc, m, n, Z95) == pytest.approx((low, high), abs=1e-10)

    def test_named_method_on_data(self):
        rng = np.random.default_rng(0)
        y = rng.integers(0, 2, 80)
        s = rng.normal(y, 1)
        est = auc_ci(y, s, method="newcombe")
        m = int(y.sum())
        roots = newcombe5_roots(est.value, m, 80 - m)
        assert est.low == pytest.approx(max(r for r in roots if r < est.value), abs=1e-10)
        assert est.method == "newcombe-5" and est.note is None


class TestProportionsAtTheBoundary:
    @pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "jeffreys",
                                        "agresti-coull"])
    def test_k_equal_n_keeps_a_width(self, method):
        est = proportion_ci(50, 50, method=method)
        assert est.low < 1.0
        # Wilson at k = n: lower bound n / (n + z^2), by the formula with p = 1.
        if method == "wilson":
            assert est.low == pytest.approx(50 / (50 + Z95**2), abs=1e-12)

    def test_clopper_pearson_all_correct(self):
        # Exact lower bound at k = n: (alpha/2)^(1/n).
        est = proportion_ci(50, 50, method="clopper-pearson")
        assert est.low == pytest.approx(math.pow(0.025, 1 / 50), abs=1e-12)

    @pytest.mark.parametrize("k", [0, 10])
    def test_wald_says_it_has_zero_width(self, k):
        est = proportion_ci(k, 10, method="wald")
        assert est.width == 0.0 and "zero width" in est.note
        assert proportion_ci(5, 10, method="wald").note is None
