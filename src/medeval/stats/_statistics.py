"""Statistics that can be evaluated on weighted resamples, many at once.

Each statistic is built from the data once and then answers three questions:
its value on the data, its values on a batch of resamples given as frequency weights of
shape (b, n), and its leave-one-unit-out (jackknife) values, which BCa needs. The
built-in ones have closed-form jackknives, so BCa stays O(n log n) on large sets; a
user-supplied callable falls back to evaluating leave-one-out weights in batches.

Private: used by :mod:`medeval.stats.bootstrap` and :mod:`medeval.stats.delong`, and
evaluated by the bootstrap engine, :mod:`medeval.stats._bootstrap_engine`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInputError
from ._auc_components import ResampledAucs, structural_components
from ._resampling import Units, leave_one_out_batches, unit_sums

#: The advice of a statistic whose definition divides by a count of one reference class:
#: a resample without that class is left out, and stratifying by it avoids that.
BY_CLASS = "the reference class (strata=y_true)"
#: ... and of one whose definition divides by the cases predicted in one class.
BY_PREDICTION = "the predicted class (strata=y_pred)"


class WeightedStatistic(Protocol):
    """What the bootstrap engine needs from a statistic.

    Optionally (read with ``getattr``): ``why_undefined()``, why the value on the data
    is NaN; ``left_out_reason()``, what a resample on which the statistic is undefined
    lacks ("there is no ..."); ``stratify_by``, the stratification that avoids such
    resamples (:data:`BY_CLASS`, :data:`BY_PREDICTION`), where one does; ``exact_ties``,
    true where every value is a ratio of whole numbers summed exactly (below 2**53), so
    that a resample ties the estimate exactly when its float equals it (BCa then takes
    no rounding tolerance).
    """

    def value(self) -> float: ...

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]: ...

    def jackknife(self, units: Units) -> NDArray[np.float64]: ...


class RatioStatistic:
    """``sum(w * numerator) / sum(w * denominator)``: every proportion metric, and any mean
    (numerator a per-case value, denominator 1).

    Sensitivity, for instance, has numerator ``y_true & y_pred`` and denominator
    ``y_true``: per-case terms whose sums are the metric's numerator and denominator. A
    resample whose denominator is 0 gives NaN.
    """

    def __init__(
        self, numerator: NDArray[Any], denominator: NDArray[Any], undefined: str | None = None,
        stratify_by: str | None = None,
    ) -> None:
        self.numerator = np.asarray(numerator, dtype=np.float64)
        self.denominator = np.asarray(denominator, dtype=np.float64)
        self.undefined = undefined
        self.stratify_by = stratify_by
        #: Whole-number terms: every resample's sums (at most n times the largest term)
        #: are exact, and a ratio of exact sums is one correctly rounded division.
        self.exact_ties = all(
            np.array_equal(terms, np.round(terms))
            and terms.size * float(np.abs(terms).max(initial=0.0)) < 2.0**53
            for terms in (self.numerator, self.denominator))

    def why_undefined(self) -> str | None:
        """Why the value on the data is NaN (its denominator 0), when the metric says."""
        return self.undefined

    def left_out_reason(self) -> str | None:
        """Why a resample's value is NaN: the same (its denominator 0)."""
        return self.undefined

    def value(self) -> float:
        return float(_ratio(self.numerator.sum(), self.denominator.sum()))

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        # einsum, not ``@``: OpenBLAS's threaded gemv is slower here than a plain loop.
        return _ratio(
            np.einsum("bn,n->b", weights, self.numerator),
            np.einsum("bn,n->b", weights, self.denominator),
        )

    def resampled_draws(
        self, units: Units, draws: list[NDArray[np.int64]]
    ) -> NDArray[np.float64]:
        """The ratio for each resample, from per-stratum draws of observations."""
        num = sum(self.numerator[m][d].sum(axis=1) for m, d in zip(units.strata, draws))
        den = sum(self.denominator[m][d].sum(axis=1) for m, d in zip(units.strata, draws))
        return _ratio(num, den)

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        num = unit_sums(units, self.numerator)
        den = unit_sums(units, self.denominator)
        return _ratio(num.sum() - num, den.sum() - den)


class CountRatioStatistic(RatioStatistic):
    """A :class:`RatioStatistic` of whole-number counts (beats, events, cases).

    Every weighted sum it forms, of a resample or of the jackknife, is then an exact
    integer in float64 (checked: the sum of all counts, and the number of units times
    the largest unit's, below 2**53), the same to the last bit in any order and grouping
    of the terms. So it sums each unit's
    counts once and evaluates a resample from the units' weights (``resampled_units``),
    a (b, n_units) product instead of (b, n_obs), with the values of ``resampled``.
    Ratios made together by :func:`count_ratio_statistics` share that product: one
    matrix product a batch for all of them.
    """

    def __init__(
        self, numerator: NDArray[Any], denominator: NDArray[Any], undefined: str | None = None,
        *, _table: _CountTable | None = None, _columns: tuple[int, int] = (0, 1),
    ) -> None:
        super().__init__(numerator, denominator, undefined)
        for name, counts in (("numerator", self.numerator), ("denominator", self.denominator)):
            if not np.array_equal(counts, np.round(counts)):
                raise InvalidInputError(
                    f"CountRatioStatistic: the {name} must hold whole numbers (counts)")
            if float(np.abs(counts).sum()) >= 2.0**53:  # the value's and jackknife's sums
                raise InvalidInputError(
                    f"CountRatioStatistic: the {name}'s counts are too large for exact sums")
        self._table = (_CountTable(np.column_stack([self.numerator, self.denominator]))
                       if _table is None else _table)
        self._columns = _columns

    def resampled_units(
        self, units: Units, unit_weights: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """The ratio for each resample, from its weights of units, shape (b, n_units)."""
        sums = self._table.sums(units, unit_weights)
        return _ratio(sums[:, self._columns[0]], sums[:, self._columns[1]])


def count_ratio_statistics(
    numerators: NDArray[np.float64], denominators: NDArray[np.float64],
    undefined: str | None = None,
) -> list[CountRatioStatistic]:
    """One :class:`CountRatioStatistic` per column of ``numerators`` and ``denominators``
    (shape (n, k)), evaluated together: a batch's sums of all of them in one product."""
    k = numerators.shape[1]
    table = _CountTable(np.hstack([numerators, denominators]))
    return [CountRatioStatistic(numerators[:, j], denominators[:, j], undefined,
                                _table=table, _columns=(j, k + j)) for j in range(k)]


class _CountTable:
    """Whole-number counts (observations x columns), summed per unit once per units,
    and the product of the last batch's unit weights with them: ``sums`` of the same
    weights array (the engine's one array a batch) is formed once for every column."""

    def __init__(self, counts: NDArray[np.float64]) -> None:
        self.counts = counts
        self._units: Units | None = None
        self._by_unit = counts
        self._weights: NDArray[np.float64] | None = None
        self._sums = counts[:0]

    def sums(self, units: Units, unit_weights: NDArray[np.float64]) -> NDArray[np.float64]:
        if self._units is not units:
            self._units, self._weights = units, None
            self._by_unit = np.column_stack(
                [unit_sums(units, column) for column in self.counts.T])
            # A resample draws n_units units: its sums (and every partial sum) are at
            # most n_units times the largest unit's sum of |counts|.
            largest = np.column_stack([unit_sums(units, np.abs(column))
                                       for column in self.counts.T]).max(initial=0.0)
            if units.n_units * float(largest) >= 2.0**53:
                raise InvalidInputError(
                    f"CountRatioStatistic: counts too large for exact sums: {units.n_units} "
                    f"units, one of them summing to {largest:.0f}")
        if unit_weights is not self._weights:  # the array is held: no other is it
            self._weights = unit_weights
            self._sums = unit_weights @ self._by_unit
        return self._sums


class CombinedStatistic:
    """A function of ratio statistics: balanced accuracy and Youden's J of Se and Sp.

    ``combine`` is the metric's own formula (:mod:`medeval.metrics._confusion`), applied
    to the ratios' values, their resamples and their jackknife values alike.
    """

    def __init__(
        self, combine: Callable[..., Any], parts: list[RatioStatistic]
    ) -> None:
        self.combine = combine
        self.parts = parts
        # the parts' advice where they agree (balanced accuracy, Youden's J: by class)
        self.stratify_by = parts[0].stratify_by if len(
            {r.stratify_by for r in parts}) == 1 else None

    def value(self) -> float:
        """The combination of the parts' values; of ratios of whole-number counts, in
        exact arithmetic rounded once, as the metric computes it (the sum of two rounded
        rates can fall an ulp below the value the counts give exactly)."""
        if all(getattr(r, "exact_ties", False) and isinstance(r, RatioStatistic)
               and r.denominator.sum() > 0 for r in self.parts):
            return float(self.combine(*(
                Fraction(int(r.numerator.sum()), int(r.denominator.sum()))
                for r in self.parts if isinstance(r, RatioStatistic))))
        return float(self.combine(*(r.value() for r in self.parts)))

    def why_undefined(self) -> str | None:
        """The reasons of the parts that are NaN on the data, joined by " and "."""
        reasons = [r.why_undefined() for r in self.parts if math.isnan(r.value())]
        known = [reason for reason in reasons if reason]
        return " and ".join(known) if known and len(known) == len(reasons) else None

    def left_out_reason(self) -> str | None:
        """A resample's value is NaN where any part's is: the parts' reasons, by " or "."""
        reasons = [r.undefined for r in self.parts]
        return " or ".join(r for r in reasons if r) if all(reasons) else None

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.combine(*(r.resampled(weights) for r in self.parts))
        return result

    def resampled_draws(
        self, units: Units, draws: list[NDArray[np.int64]]
    ) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.combine(
            *(r.resampled_draws(units, draws) for r in self.parts)
        )
        return result

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.combine(*(r.jackknife(units) for r in self.parts))
        return result


class AucStatistic:
    r"""The Mann–Whitney AUC (ties count one half) under frequency weights.

    Observations are grouped by tied score; with ``P_g`` and ``N_g`` the weighted
    positives and negatives in group ``g`` (groups in increasing score),

    .. math:: \mathrm{AUC} = \frac{\sum_g P_g (\sum_{h<g} N_h + N_g / 2)}
                              {\sum_g P_g \sum_g N_g}.
    """

    stratify_by = BY_CLASS

    def __init__(self, positive: NDArray[np.bool_], score: NDArray[np.float64]) -> None:
        self.positive = positive
        self.score = score
        # Counts of pairs, twice the wins at most n**2 / 2: exact below 2**53.
        self.exact_ties = score.size < 2**26
        self.order = np.argsort(score)  # ties are summed group by group: any order
        sorted_score = score[self.order]
        new_group = np.empty(score.size, dtype=bool)
        new_group[:1] = True
        new_group[1:] = sorted_score[1:] != sorted_score[:-1]
        self.starts = np.flatnonzero(new_group)
        self.sorted_positive = positive[self.order].astype(np.float64)
        self._drawn: ResampledAucs | None = None

    def value(self) -> float:
        return float(self.resampled(np.ones((1, self.score.size)))[0])

    def left_out_reason(self) -> str | None:
        """A resample without a positive or without a negative case has no pairs."""
        return (f"{_NO_POSITIVE} or there is no negative case in y_true (tn + fp = 0)")

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        w = weights[:, self.order]
        pos = np.add.reduceat(w * self.sorted_positive, self.starts, axis=1)
        neg = np.add.reduceat(w, self.starts, axis=1) - pos
        below = np.cumsum(neg, axis=1) - neg
        pairs = pos.sum(axis=1) * neg.sum(axis=1)
        wins = (pos * (below + 0.5 * neg)).sum(axis=1)
        return _ratio(wins, pairs)

    def resampled_draws(
        self, units: Units, draws: list[NDArray[np.int64]]
    ) -> NDArray[np.float64]:
        """The AUC of each resample, from per-stratum draws of observations: one count
        of the drawn cases' codes and one pass over the distinct scores a resample
        (:class:`~medeval.stats._auc_components.ResampledAucs`, built once per units)."""
        if self._drawn is None or self._drawn.units is not units:
            self._drawn = ResampledAucs(self.positive, self.score, units)
        return self._drawn(draws)

    def resampled_stream(
        self, units: Units, n_resamples: int, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """The AUCs of all the resamples, drawn from ``rng`` exactly as
        ``draw_batches`` draws them, and counted block by block as they are drawn."""
        if self._drawn is None or self._drawn.units is not units:
            self._drawn = ResampledAucs(self.positive, self.score, units)
        return self._drawn.stream(n_resamples, rng)

    def components(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """DeLong's structural components (V10 per positive, V01 per negative)."""
        return structural_components(self.score[self.positive], self.score[~self.positive])

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        m = int(self.positive.sum())
        n = self.positive.size - m
        v10, v01 = self.components()
        # Sum over pairs of the kernel H (1 if x > y, 1/2 if tied) and, per observation,
        # its sum over the other class: n * V10 for a positive, m * V01 for a negative.
        total = float(v10.sum()) * n
        row = np.empty(self.positive.size)
        row[self.positive] = n * v10
        row[~self.positive] = m * v01
        removed = unit_sums(units, row)
        pos_in = unit_sums(units, self.positive.astype(np.float64))
        neg_in = unit_sums(units, (~self.positive).astype(np.float64))
        within = self._within_unit_pairs(units)
        return _ratio(total - removed + within, (m - pos_in) * (n - neg_in))

    def _within_unit_pairs(self, units: Units) -> NDArray[np.float64]:
        """Per unit, the kernel summed over its own positive-negative pairs."""
        within = np.zeros(units.n_units)
        if units.unit_of is None:
            return within
        order = np.argsort(units.unit_of, kind="stable")
        bounds = np.flatnonzero(np.diff(units.unit_of[order])) + 1
        for members in np.split(order, bounds):
            pos = self.score[members[self.positive[members]]]
            neg = self.score[members[~self.positive[members]]]
            if pos.size and neg.size:
                diff = pos[:, None] - neg[None, :]
                within[units.unit_of[members[0]]] = (diff > 0).sum() + 0.5 * (diff == 0).sum()
        return within


class AveragePrecisionStatistic:
    r"""Average precision, :math:`\sum_k (R_k - R_{k-1}) P_k`, under frequency weights.

    Thresholds are the distinct scores, highest first (scikit-learn's definition, no
    interpolation). The jackknife is evaluated on leave-one-out weights (O(n²)).
    """

    stratify_by = BY_CLASS

    def __init__(self, positive: NDArray[np.bool_], score: NDArray[np.float64]) -> None:
        self.order = np.argsort(-score, kind="stable")
        sorted_score = score[self.order]
        last = np.ones(score.size, dtype=bool)
        last[:-1] = sorted_score[1:] != sorted_score[:-1]
        self.group_ends = np.flatnonzero(last)
        self.sorted_positive = positive[self.order].astype(np.float64)
        self.n = score.size

    def value(self) -> float:
        return float(self.resampled(np.ones((1, self.n)))[0])

    def left_out_reason(self) -> str | None:
        """A resample without a positive case has no recall."""
        return _NO_POSITIVE

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        w = weights[:, self.order]
        tp = np.cumsum(w * self.sorted_positive, axis=1)[:, self.group_ends]
        predicted = np.cumsum(w, axis=1)[:, self.group_ends]
        positives = tp[:, -1:]
        recall = _ratio(tp, positives)
        precision = _ratio(tp, predicted)
        step = np.diff(recall, axis=1, prepend=0.0)
        terms = np.where(step > 0, step * np.nan_to_num(precision), 0.0)
        out: NDArray[np.float64] = terms.sum(axis=1)
        out[positives[:, 0] == 0] = np.nan
        return out

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        return np.concatenate([self.resampled(w) for w in leave_one_out_batches(units)])


class CallableStatistic:
    """A user's vectorised statistic ``f(*arrays, weights=W) -> values of shape (b,)``."""

    def __init__(
        self, func: Callable[..., Any], arrays: tuple[NDArray[Any], ...], n: int
    ) -> None:
        self.func = func
        self.arrays = arrays
        self.n = n

    def value(self) -> float:
        return float(self.resampled(np.ones((1, self.n)))[0])

    def left_out_reason(self) -> str | None:
        """The function's ``left_out_reason`` attribute (text), if it carries one."""
        reason = getattr(self.func, "left_out_reason", None)
        return reason if isinstance(reason, str) else None

    def resampled(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        values = np.asarray(self.func(*self.arrays, weights=weights), dtype=np.float64)
        if values.shape != (weights.shape[0],):
            raise InvalidInputError(
                f"bootstrap_ci: the statistic returned shape {values.shape} for weights of "
                f"shape {weights.shape}; it must return one value per row of weights"
            )
        return values

    def jackknife(self, units: Units) -> NDArray[np.float64]:
        return np.concatenate([self.resampled(w) for w in leave_one_out_batches(units)])


_NO_POSITIVE = "there is no positive case in y_true (tp + fn = 0)"


def _ratio(num: Any, den: Any) -> NDArray[np.float64]:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
