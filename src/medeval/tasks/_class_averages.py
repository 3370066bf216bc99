"""The multi-class averages and kappa on the data: the counts' exact value, rounded once.

:func:`~medeval.tasks.multiclass_classification.multiclass_statistics` evaluates them for
many resamples at once in floating point, where a macro mean of three rounded rates can
land one ulp from the value the counts give (three rates of 7/10: numpy's mean of
0.7, 0.7, 0.7 is 0.6999999999999998). A protocol's ``sensitivity@macro >= 0.7`` judged
by the point rule would then turn on the last bit. On the data, each figure here is the
definition applied to the rates as fractions of the counts and rounded once, as
:func:`medeval.metrics.multiclass_metric` and :func:`medeval.metrics.cohen_kappa`
compute it, so the result's figure and the metric's agree to the bit. Resamples are the
float ones (the bootstrap compares them with the estimate with its rounding tolerance).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ..stats._resampling import Units, leave_one_out_batches

__all__ = ["ClassAverageStatistic", "exact_class_figures", "kappa_weight_matrix"]


def _ratios(matrix: NDArray[np.int64]) -> dict[str, list[tuple[int, int]]]:
    """Each class's one-vs-rest (numerator, denominator) of sensitivity, PPV and F1;
    ``matrix`` is (k, k + 1), the last column "no answer" (a miss of its class)."""
    k = matrix.shape[0]
    tp = [int(matrix[i, i]) for i in range(k)]
    support = [int(s) for s in matrix.sum(axis=1)]
    predicted = [int(p) for p in matrix[:, :k].sum(axis=0)]
    return {
        "sensitivity": list(zip(tp, support, strict=True)),
        "ppv": list(zip(tp, predicted, strict=True)),
        "f1": [(2 * t, s + p) for t, s, p in zip(tp, support, predicted, strict=True)],
    }


def kappa_weight_matrix(k: int, kappa_weights: str) -> NDArray[np.int64]:
    """The disagreement weights of the task's kappa, (k, k + 1), whole numbers: 0 on the
    diagonal; 1 off it (``"none"``), else ``|i - j|`` (``"linear"``) or its square; the
    last column, no answer, as far as the scale's two ends."""
    if kappa_weights == "none":
        return (1 - np.eye(k, k + 1)).astype(np.int64)
    power = 1 if kappa_weights == "linear" else 2
    w = np.abs(np.arange(k)[:, None] - np.arange(k + 1)[None, :]) ** power
    w[:, k] = (k - 1) ** power  # no answer: as far as the scale's two ends
    out: NDArray[np.int64] = w.astype(np.int64)
    return out


def exact_class_figures(matrix: NDArray[np.int64], kappa_weights: str) -> dict[str, float]:
    """The macro and weighted averages and kappa of the (k, k + 1) count ``matrix``,
    each the exact value of the counts rounded once (NaN where undefined, as
    ``multiclass_statistics`` has it). The micro averages are ratios of two whole
    sums, one rounding already; they are left to it.

    >>> m = np.array([[9, 1, 0], [2, 8, 0]])  # Se 9/10 and 8/10: macro 17/20
    >>> exact_class_figures(m, "none")["sensitivity@macro"]
    0.85
    """
    n = int(matrix.sum())
    rows = [int(s) for s in matrix.sum(axis=1)]
    out: dict[str, float] = {}
    for name, terms in _ratios(matrix).items():
        out[f"{name}@macro"] = (math.nan if any(d == 0 for _, d in terms) else
                                float(sum(Fraction(a, d) for a, d in terms) / len(terms)))
        weighed = [(s, a, d) for s, (a, d) in zip(rows, terms, strict=True) if s > 0]
        out[f"{name}@weighted"] = (math.nan if n == 0 or any(d == 0 for _, _, d in weighed)
                                   else float(sum(Fraction(s * a, d) for s, a, d in weighed) / n))
    w = kappa_weight_matrix(matrix.shape[0], kappa_weights)
    observed = n * int((w * matrix).sum())
    expected = int((w * np.outer(matrix.sum(axis=1), matrix.sum(axis=0))).sum())
    out["cohen_kappa"] = (expected - observed) / expected if expected > 0 else math.nan
    return out


class ClassAverageStatistic:
    """One figure of ``multiclass_statistics`` for the bootstrap engine: resampled in
    floating point as before (the same resamples, the same values), its value on the
    data ``exact`` where given (:func:`exact_class_figures`, computed once for all the
    figures of a set), else the float one (the micro averages).

    ``cells``: one row per case, the one-hot (k * (k + 1)) cell of its reference and
    answer; ``figures``: ``multiclass_statistics`` applied to resampled counts.
    """

    def __init__(self, cells: NDArray[np.float64], k: int, name: str, kappa_weights: str,
                 figures: Callable[[NDArray[np.float64], str], dict[str, object]], *,
                 exact: float | None = None) -> None:
        self.cells, self.k, self.name = cells, k, name
        self.kappa_weights, self.figures, self.exact = kappa_weights, figures, exact

    def value(self) -> float:
        if self.exact is not None:
            return self.exact
        return float(self.resampled(np.ones((1, self.cells.shape[0])))[0])

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        counts = np.einsum("bn,nc->bc", weights, self.cells).reshape(-1, self.k, self.k + 1)
        values = self.figures(counts, self.kappa_weights)[self.name]
        return np.asarray(values, dtype=np.float64)

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        return np.concatenate([self.resampled(w) for w in leave_one_out_batches(units)])
