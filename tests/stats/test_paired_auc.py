"""The paired DeLong covariance from one sort per score, against an exact brute force.

The reference counts DeLong's 1988 kernel pair by pair (psi = 1, 1/2, 0) in Python
integers and forms each covariance entry as an exact rational, rounded once to a
double: every value must equal it to the last bit. The sets are chosen to reach each
path of ``_paired_auc``: ties, -0.0 beside +0.0, scores that were float32 (codes that
fit beside the index), scores spanning the whole double range (codes shortened, checked
against the scores), a few scores one ulp apart behind shortened codes (their runs sorted
by score) and many (the fallback).
"""

from __future__ import annotations

import zlib
from fractions import Fraction

import numpy as np
import pytest

from medeval.stats import delong_test
from medeval.stats._paired_auc import _order, index_keys, paired_delong


def exact_delong(positive: np.ndarray, a: np.ndarray, b: np.ndarray
                 ) -> tuple[list[float], list[list[float]]]:
    """AUCs and S10/m + S01/n by the definition, each entry an exact rational rounded once."""
    scores = (a.tolist(), b.tolist())
    pos = [i for i in range(positive.size) if positive[i]]
    neg = [i for i in range(positive.size) if not positive[i]]
    m, n = len(pos), len(neg)

    def twice_psi(x: float, y: float) -> int:  # 2 psi(x, y)
        return 2 if x > y else 1 if x == y else 0

    # twice the placement counts: 2 n V10 for a positive, 2 m V01 for a negative
    v10 = [[sum(twice_psi(s[i], s[j]) for j in neg) for i in pos] for s in scores]
    v01 = [[sum(twice_psi(s[i], s[j]) for i in pos) for j in neg] for s in scores]
    aucs = [float(Fraction(sum(v), 2 * m * n)) for v in v10]
    cov = [[0.0, 0.0], [0.0, 0.0]]
    for p in range(2):
        for q in range(2):
            s10 = Fraction(m * sum(x * y for x, y in zip(v10[p], v10[q]))
                           - sum(v10[p]) * sum(v10[q]), m * (m - 1) * 4 * n * n)
            s01 = Fraction(n * sum(x * y for x, y in zip(v01[p], v01[q]))
                           - sum(v01[p]) * sum(v01[q]), n * (n - 1) * 4 * m * m)
            cov[p][q] = float(s10 / m + s01 / n)
    return aucs, cov


def scores(kind: str, rng: np.random.Generator, size: int) -> np.ndarray:
    if kind == "continuous":
        return rng.normal(size=size)
    if kind == "ties":
        return np.round(rng.normal(size=size), 1)
    if kind == "float32":
        return rng.random(size).astype(np.float32).astype(np.float64)
    if kind == "signed zeros":
        return rng.choice([-0.0, 0.0, -1.0, 1.0, 0.5], size)
    if kind == "whole range":
        return rng.choice([-5e307, -1e-300, -5e-324, 0.0, 5e-324, 1e-300, 1.0, 5e307],
                          size) * rng.integers(1, 4, size)
    if kind == "one ulp apart":  # shortened codes join them: the fallback
        far = rng.choice([-1e300, 1e300], size)
        near = 1.0 + rng.integers(0, 6, size) * 2.0**-52
        return np.where(rng.random(size) < 0.1, far, near)
    raise AssertionError(kind)


KINDS = ["continuous", "ties", "float32", "signed zeros", "whole range", "one ulp apart"]


@pytest.mark.parametrize("kind_a", KINDS)
@pytest.mark.parametrize("kind_b", ["ties", "continuous", "one ulp apart"])
def test_equals_the_exact_definition_to_the_bit(kind_a: str, kind_b: str) -> None:
    rng = np.random.default_rng(zlib.crc32(f"{kind_a}/{kind_b}".encode()))
    for size in (4, 9, 40, 130):
        positive = rng.random(size) < 0.4
        positive[:2], positive[2:4] = True, False
        a, b = scores(kind_a, rng, size), scores(kind_b, rng, size)
        aucs, cov = paired_delong(positive, a, b)
        want_aucs, want_cov = exact_delong(positive, a, b)
        assert aucs == want_aucs
        assert cov == want_cov


def test_the_shortened_codes_are_checked() -> None:
    # 1.0 and 1.0 + 2**-52 differ in the last bit; beside +-1e300 the codes span
    # nearly 2**63, so with 7 bits of index 8 low bits are dropped and the two share a
    # code. The order must then come from the scores (here: the fallback).
    a = np.array([1.0 + 2.0**-52, 1.0, -1e300, 1e300] * 25)
    keys, dropped = index_keys(a, np.arange(a.size, dtype=np.uint64), 7)
    assert dropped > 0
    codes = keys >> np.uint64(7)
    assert codes[0] == codes[1]  # joined: the check is needed
    positive = np.arange(a.size) % 3 == 0
    b = np.linspace(0, 1, a.size)
    assert paired_delong(positive, a, b) == exact_delong(positive, a, b)


def test_a_few_joined_scores_are_put_in_order_without_the_fallback() -> None:
    # Full-precision scores beside +-1e300 (codes shortened by 8 bits at 7 bits of
    # index): three pairs one ulp apart share a code, the larger of each at the lower
    # index, so the keys put them out of order. Three runs of 2 among 120 cases are
    # sorted by their scores in place (_order gives an order, not None), and the
    # covariance still equals the exact definition.
    rng = np.random.default_rng(5)
    a = rng.normal(size=120)
    a[:2] = -1e300, 1e300
    for i, x in zip((10, 40, 80), (0.5, 1.0, 3.0)):
        a[i], a[i + 1] = np.nextafter(x, 4.0), x
    payload = np.arange(a.size, dtype=np.uint64)
    keys, dropped = index_keys(a, payload, 7)
    assert dropped > 0
    keys.sort()
    along = a[(keys & np.uint64(127)).astype(np.intp)]
    assert np.count_nonzero(along[1:] < along[:-1]) == 3  # out of order by the keys
    order, ends = _order(a, payload, 7)
    assert order.tolist() == np.lexsort((np.arange(a.size), a)).tolist()
    assert ends.tolist() == list(range(a.size))  # no two scores equal
    positive = rng.random(a.size) < 0.4
    b = np.round(rng.normal(size=a.size), 1)
    assert paired_delong(positive, a, b) == exact_delong(positive, a, b)


def test_float32_scores_keep_every_bit() -> None:
    # float32 scores have 29 low mantissa bits 0: their codes fit beside 20 bits of index
    # without shortening, so the order comes from the keys alone.
    rng = np.random.default_rng(3)
    a = rng.random(1000).astype(np.float32).astype(np.float64)
    _, dropped = index_keys(a, np.arange(a.size, dtype=np.uint64), 20)
    assert dropped == 0


def test_delong_test_on_a_large_set_matches_the_brute_components() -> None:
    # n = 3000 with ties: DeLong's z from numpy's O(mn) kernel and np.cov (float
    # arithmetic, so to 1e-12), through the public function.
    rng = np.random.default_rng(11)
    y = (rng.random(3000) < 0.35).astype(int)
    a = np.round(rng.normal(y, 1.0), 2)
    b = np.round(a + rng.normal(0, 0.7, y.size), 2)
    pos, neg = y == 1, y == 0
    comps = []
    for s in (a, b):
        psi = (s[pos][:, None] > s[neg][None, :]) + 0.5 * (s[pos][:, None] == s[neg][None, :])
        comps.append((psi.mean(axis=1), psi.mean(axis=0)))
    s10 = np.cov(np.vstack([comps[0][0], comps[1][0]]))
    s01 = np.cov(np.vstack([comps[0][1], comps[1][1]]))
    cov = s10 / pos.sum() + s01 / neg.sum()
    diff = comps[0][0].mean() - comps[1][0].mean()
    z = diff / np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    t = delong_test(y, a, b)
    assert t.statistic == pytest.approx(z, rel=1e-12)
    assert t.auc_a - t.auc_b == pytest.approx(diff, abs=1e-15)
