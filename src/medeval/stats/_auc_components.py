"""The AUC's pieces from one ordering of the scores: DeLong's structural components, the
AUC with DeLong's variance, and the AUCs of bootstrap resamples.

A leaf module, private: :mod:`medeval.stats.delong` builds DeLong's interval and test on
it, :class:`medeval.stats._statistics.AucStatistic` its closed-form jackknife (for the
bootstrap's BCa) and its resampled AUCs. The public path is
``medeval.stats.delong.structural_components``.

One ordering of all the scores gives both classes' mid-ranks: along it, the cumulative
counts of negatives and positives, with ties taken group by group, are the placement
values. Nothing else needs n log n.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ._resampling import Units, batch_sizes

__all__ = [
    "ResampledAucs",
    "auc_and_delong_variance",
    "covariance_from_sums",
    "delong_covariance",
    "placement_numerators",
    "placements",
    "structural_components",
]

#: The magnitude bits of an IEEE double seen as an int64.
_MAGNITUDE = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_TWO_63 = 1 << 63


def structural_components(
    positive_scores: NDArray[np.float64], negative_scores: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""DeLong's structural components (placement values), from one ordering, O(n log n).

    For the :math:`m` positive scores :math:`X_i` and :math:`n` negative scores
    :math:`Y_j`, with :math:`\psi(x, y) = 1` if :math:`x > y`, 1/2 if equal, 0 otherwise:

    .. math::
        V_{10}(X_i) = \frac1n \sum_j \psi(X_i, Y_j) = \frac{T_Z(X_i) - T_X(X_i)}{n},
        \qquad
        V_{01}(Y_j) = \frac1m \sum_i \psi(X_i, Y_j) = 1 - \frac{T_Z(Y_j) - T_Y(Y_j)}{m},

    where :math:`T_X`, :math:`T_Y`, :math:`T_Z` are mid-ranks within the positives, the
    negatives, and all scores (Sun & Xu 2014). :math:`T_Z(X_i) - T_X(X_i)` is the number
    of negatives below :math:`X_i` plus half the number tied with it, which one ordering
    of all the scores gives as a cumulative count (see :func:`placements`). The AUC is
    the mean of either set of components.

    Parameters
    ----------
    positive_scores, negative_scores : ndarray
        Scores of the positive and of the negative cases.

    Returns
    -------
    v10, v01 : ndarray
        One component per positive, one per negative.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or more
    correlated receiver operating characteristic curves: a nonparametric approach.
    Biometrics 1988;44:837-845.
    Sun X, Xu W. Fast implementation of DeLong's algorithm for comparing the areas under
    correlated receiver operating characteristic curves. IEEE Signal Process Lett
    2014;21:1389-1393.

    Examples
    --------
    >>> v10, v01 = structural_components(np.array([0.9, 0.5]), np.array([0.5, 0.1]))
    >>> v10.tolist(), v01.tolist()
    ([1.0, 0.75], [0.75, 1.0])
    """
    m = positive_scores.size
    positive = np.zeros(m + negative_scores.size, dtype=bool)
    positive[:m] = True
    both = placements(positive, np.concatenate([positive_scores, negative_scores]))
    return both[:m], both[m:]


def placements(
    positive: NDArray[np.bool_], score: NDArray[np.float64], *,
    numerators: NDArray[np.int64] | None = None,
) -> NDArray[np.float64]:
    r"""Each case's structural component, in the cases' order: :math:`V_{10}` for a
    positive, :math:`V_{01}` for a negative (see :func:`structural_components`).

    From :func:`placement_numerators` :math:`k` (``numerators``, where the caller has
    them already): a positive gets :math:`k / 2n`, a negative :math:`1 - (2m - k) / 2m`
    — the mid-rank differences of Sun & Xu, rounded the same way (:math:`T_Z - T_X` is
    :math:`k/2` for a positive, :math:`m - k/2` for a negative).
    """
    m = int(np.count_nonzero(positive))
    num = placement_numerators(positive, score) if numerators is None else numerators
    with np.errstate(divide="ignore", invalid="ignore"):
        v10 = num / (2 * (score.size - m))
        v01 = 1.0 - (2 * m - num) / (2 * m)
    return np.where(positive, v10, v01)


def placement_numerators(
    positive: NDArray[np.bool_], score: NDArray[np.float64]
) -> NDArray[np.int64]:
    r"""Twice each case's placement count, in the cases' order, exact integers.

    For a positive scoring :math:`x`: :math:`\#\{Y < x\} + \#\{Y \le x\}` over the
    negatives (:math:`2nV_{10}`); for a negative scoring :math:`y`:
    :math:`\#\{X > y\} + \#\{X \ge y\}` over the positives (:math:`2mV_{01}`).

    One ``argsort`` of the class keys (scores with the class as lowest bit, positives
    first within a tie, see :func:`auc_and_delong_variance`): along it a positive at
    position :math:`p`, the :math:`r`-th positive, has :math:`p - r` negatives below
    it, a negative :math:`m - (p - r)` positives above it; ties between the classes add
    the other class's tied cases, group by group. Falls back to an ``argsort`` of the
    scores and tie groups where the keys do not fit (see ``auc_and_delong_variance``).
    """
    size = score.size
    m = int(np.count_nonzero(positive))
    n = size - m
    out = np.empty(size, dtype=np.int64)
    key = _class_keys(positive, score) if size else None
    if key is None:
        return _numerators_by_groups(positive, score, out)
    order = np.argsort(key)
    key = key[order]
    is_neg = np.bitwise_and(key.view(np.uint8)[0 if np.little_endian else 7::8], 1)
    at_pos = np.flatnonzero(is_neg == 0)
    at_neg = np.flatnonzero(is_neg)
    num_pos = at_pos - np.arange(m)  # negatives below
    num_pos *= 2
    num_neg = at_neg - np.arange(n)  # positives below or tied
    np.subtract(m, num_neg, out=num_neg)
    num_neg *= 2
    mixed, below, p_tied, e_tied = _order_sums(key, False, sums=False)[3:]
    if mixed.size:
        # the tied positives are the ranks [r - P, r) with r = mixed + 1 - below, the
        # tied negatives the ranks [below, below + E)
        upto = mixed + 1 - below
        num_pos += _range_adds(m, upto - p_tied, upto, e_tied)
        num_neg += _range_adds(n, below, below + e_tied, p_tied)
    out[order[at_pos]] = num_pos
    out[order[at_neg]] = num_neg
    return out


def _range_adds(
    size: int, starts: NDArray[np.intp], stops: NDArray[np.intp], values: NDArray[np.intp]
) -> NDArray[np.int64]:
    """An array of ``size`` zeros with ``values[g]`` added over ``[starts[g], stops[g])``
    (disjoint ranges)."""
    steps = np.zeros(size + 1, dtype=np.int64)
    steps[starts] += values
    steps[stops] -= values
    return np.cumsum(steps[:-1])


def _numerators_by_groups(
    positive: NDArray[np.bool_], score: NDArray[np.float64], out: NDArray[np.int64]
) -> NDArray[np.int64]:
    """:func:`placement_numerators` from an ``argsort`` of the scores and tie groups."""
    size = score.size
    if size == 0:
        return out
    m = int(np.count_nonzero(positive))
    order = np.argsort(score)
    ordered = score[order]
    negative = ~positive[order]
    last = np.empty(size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=last[:-1])
    last[-1] = True
    ends = np.flatnonzero(last)
    neg_upto = np.cumsum(negative)[ends]
    neg_before = np.concatenate([[0], neg_upto[:-1]])
    pos_upto = ends + 1 - neg_upto
    pos_before = np.concatenate([[0], pos_upto[:-1]])
    num_pos = neg_before + neg_upto
    num_neg = 2 * m - (pos_before + pos_upto)
    sizes = np.diff(ends, prepend=-1)
    out[order] = np.where(negative, np.repeat(num_neg, sizes), np.repeat(num_pos, sizes))
    return out


def auc_and_delong_variance(
    positive: NDArray[np.bool_], score: NDArray[np.float64]
) -> tuple[float, float]:
    r"""The AUC and DeLong's variance :math:`S_{10}/m + S_{01}/n`, from one sort.

    The same numbers as the mean and the sample variances (ddof 1) of
    :func:`structural_components`, computed without them: each score becomes an
    order-preserving integer key with the case's class as its lowest bit (negatives 1,
    see ``_class_keys``), so one ``np.sort`` of the keys orders the scores and, within
    a tie, puts the positives first. Along that order, with :math:`q_i` the position of
    the :math:`i`-th case (from 0) of the smaller class, :math:`X_i = q_i - i` cases of
    the other class come before it; with :math:`Y_j` the cases of the smaller class
    after the :math:`j`-th of the other, :math:`\sum Y = \sum X` (both count the
    pairs in that order) and :math:`\sum Y^2 = \sum_i (2(a - i) - 1) X_i` (an ordered
    pair of the :math:`a` cases of the smaller class after a case of the other is
    counted by its earlier member, which is the earlier of :math:`2(a - i) - 1`
    pairs). So :math:`\sum q`, :math:`\sum q^2` and :math:`\sum i q` give the
    placement counts' sums and sums of squares for both classes. Ties between a
    positive and a negative add half the other class's tied cases, group by group (the
    groups are found where two adjacent keys differ in the class bit only). The sums
    are exact integers, so the variance is the exact rational rounded once (``np.var``
    of the components agrees to a few units in the last place).

    Returns ``(nan, nan)`` for the variance's part where a class has fewer than two
    cases; the AUC is NaN with no case of a class. Falls back to :func:`placements`
    where the scores span too many binades on both sides of zero for the key to fit in
    63 bits (say, from -1e300 to -1e-300 and from 0 to 1e300).
    """
    size = score.size
    m = int(np.count_nonzero(positive))
    n = size - m
    if m == 0 or n == 0:
        return float("nan"), float("nan")
    key = _class_keys(positive, score)
    if key is None:
        num = placement_numerators(positive, score)
        aucs, cov = delong_covariance((num[positive],), (num[~positive],))
        return aucs[0], cov[0][0]
    key.sort()
    # q: positions of the smaller class along the order, i = 0..a-1 their ranks;
    # X_i = q_i - i cases of the other class before each, Y after each of the other's.
    a_is_neg = n <= m
    a = n if a_is_neg else m
    q1, q2, iq, mixed, below, p_tied, e_tied = _order_sums(key, a_is_neg)
    sum_i2 = (a - 1) * a * (2 * a - 1) // 6
    sx = q1 - a * (a - 1) // 2
    sx2 = q2 - 2 * iq + sum_i2
    sy2 = (2 * a - 1) * sx - 2 * (iq - sum_i2)
    # L: negatives below a positive, G: positives above a negative (ties: positives first)
    if a_is_neg:  # X = positives at or below a negative, Y = negatives at or above a positive
        s1 = m * n - sx
        s2p = m * n * n - 2 * n * sx + sy2
        s2n = n * m * m - 2 * m * sx + sx2
    else:  # X = L, Y = G
        s1, s2p, s2n = sx, sx2, sy2
    # Twice each placement numerator: 2L + E for a positive (E negatives tied with it),
    # 2G + P for a negative (P positives tied with it).
    q1p, q2p, q1n, q2n = 2 * s1, 4 * s2p, 2 * s1, 4 * s2n
    if mixed.size:
        above = m - (mixed + 1 - below)
        pe = p_tied * e_tied
        sum_pe = int(pe.sum())
        q1p += sum_pe
        q1n += sum_pe
        q2p += 4 * _exact_dot(pe, below) + _exact_dot(pe, e_tied)
        q2n += 4 * _exact_dot(pe, above) + _exact_dot(pe, p_tied)
    auc = float(Fraction(q1p, 2 * m * n))
    if m < 2 or n < 2:
        return auc, float("nan")
    var10 = Fraction(m * q2p - q1p * q1p, m * (m - 1) * 4 * n * n)
    var01 = Fraction(n * q2n - q1n * q1n, n * (n - 1) * 4 * m * m)
    return auc, float(var10 / m + var01 / n)


def delong_covariance(
    num_pos: tuple[NDArray[np.int64], ...], num_neg: tuple[NDArray[np.int64], ...]
) -> tuple[list[float], list[list[float]]]:
    r"""AUCs and DeLong's covariance matrix :math:`S_{10}/m + S_{01}/n` of several
    scores on the same cases, from their :func:`placement_numerators` (the positives'
    and the negatives', each in the same case order for every score).

    Exact: the sums of the integer numerators and of their products give each entry
    as a rational, rounded once (:func:`covariance_from_sums`).
    """
    k = len(num_pos)
    dot_pos = [[0] * k for _ in range(k)]
    dot_neg = [[0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i, k):
            dot_pos[i][j] = dot_pos[j][i] = _exact_dot(num_pos[i], num_pos[j])
            dot_neg[i][j] = dot_neg[j][i] = _exact_dot(num_neg[i], num_neg[j])
    return covariance_from_sums(num_pos[0].size, num_neg[0].size,
                                [int(x.sum()) for x in num_pos],
                                [int(x.sum()) for x in num_neg], dot_pos, dot_neg)


def covariance_from_sums(
    m: int, n: int, sum_pos: list[int], sum_neg: list[int],
    dot_pos: list[list[int]], dot_neg: list[list[int]],
) -> tuple[list[float], list[list[float]]]:
    r"""AUCs and DeLong's covariance matrix of several scores from the exact sums of
    their placement numerators over the ``m`` positives and the ``n`` negatives
    (``sum_*[i]``) and of the products of two scores' numerators case by case
    (``dot_*[i][j]``).

    Each entry is the rational :math:`(m\sum xy - \sum x \sum y) / (m (m - 1) 4 n^2)`
    over the positives plus its counterpart over the negatives, rounded once. NaN
    entries with fewer than two cases of a class.
    """
    aucs = [float(Fraction(q, 2 * m * n)) for q in sum_pos]
    k = len(sum_pos)
    cov = [[float("nan")] * k for _ in range(k)]
    if m >= 2 and n >= 2:
        for i in range(k):
            for j in range(i, k):
                c10 = Fraction(m * dot_pos[i][j] - sum_pos[i] * sum_pos[j],
                               m * (m - 1) * 4 * n * n)
                c01 = Fraction(n * dot_neg[i][j] - sum_neg[i] * sum_neg[j],
                               n * (n - 1) * 4 * m * m)
                cov[i][j] = cov[j][i] = float(c10 / m + c01 / n)
    return aucs, cov


#: Elements per block of the passes over the keys: a few such blocks fit in L2.
_BLOCK = 1 << 17


def _class_keys(
    positive: NDArray[np.bool_], score: NDArray[np.float64]
) -> NDArray[np.uint64] | None:
    """Order-preserving uint64 keys ``2 * code + is_negative``, or None if the scores'
    codes span 2**63 or more even with the unused codes around zero removed.

    A double's bits, read as an int64, are in the doubles' order where the sign bit is
    clear; where it is set, the magnitude bits flipped put them in order below (after
    ``+ 0.0``, so that -0.0 is +0.0). The negatives are then moved up to just below the
    smallest non-negative code, which leaves room for the class bit unless the scores
    span nearly all the binades on both sides of zero. Two passes, block by block.
    """
    score = np.ascontiguousarray(score, dtype=np.float64)
    size = score.size
    key = np.empty(size, dtype=np.int64)
    as_float = key.view(np.float64)
    unsigned = key.view(np.uint64)
    low, high, first_u, last_u = [], [], [], []
    for a in range(0, size, _BLOCK):
        k = key[a:a + _BLOCK]
        np.add(score[a:a + _BLOCK], 0.0, out=as_float[a:a + _BLOCK])
        sign = np.right_shift(k, 63)  # -1 for a negative score
        np.bitwise_and(k, _MAGNITUDE, out=k)
        np.bitwise_xor(k, sign, out=k)  # negative: -magnitude - 1
        u = unsigned[a:a + _BLOCK]  # as uint64: the non-negative keys first
        low.append(int(k.min()))
        high.append(int(k.max()))
        first_u.append(int(u.min()))
        last_u.append(int(u.max()))
    smallest_nonneg, largest_u = min(first_u), max(last_u)
    has_neg, has_nonneg = largest_u >= _TWO_63, smallest_nonneg < _TWO_63
    delta = smallest_nonneg - (largest_u - 2**64) - 1 if has_neg and has_nonneg else 0
    lowest = min(low) + (delta if has_neg else 0)
    if max(high) - lowest >= _TWO_63:
        return None
    # 2 * (code - lowest) + 1 - positive, as 2 * code + (1 - 2 * lowest) - positive mod 2**64
    offset, one = np.uint64((1 - 2 * lowest) % (1 << 64)), np.uint64(1)
    # the move may exceed 2**63 - 1; added mod 2**64 it gives codes within [lowest, 2**63)
    move = np.uint64(delta % (1 << 64)).view(np.int64)
    for a in range(0, size, _BLOCK):
        k = key[a:a + _BLOCK]
        if delta:
            sign = np.right_shift(k, 63)
            np.bitwise_and(sign, move, out=sign)
            np.add(k, sign, out=k)
        u = unsigned[a:a + _BLOCK]
        np.left_shift(u, one, out=u)
        np.add(u, offset, out=u)
        np.subtract(u, positive[a:a + _BLOCK], out=u, casting="unsafe")
    return unsigned


def _order_sums(key: NDArray[np.uint64], of_negatives: bool, sums: bool = True) -> tuple[
    int, int, int, NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]
]:
    """Along sorted class keys, with q the positions of one class (the negatives if
    ``of_negatives``) and i = 0..a-1 their ranks: sum q, sum q^2 and sum i q. And where
    a positive and a negative share a score: the last positive's position, the number
    of negatives before it, and the numbers of positives and negatives of that score.
    Block by block; without ``sums`` the three sums are 0."""
    size = key.size
    low_byte = key.view(np.uint8)[0 if np.little_endian else 7::8]
    index = np.arange(_BLOCK, dtype=np.intp)
    q1 = q2 = iq = done = 0
    empty = np.zeros(0, dtype=np.intp)
    mixed, below, p_tied, e_tied = [empty], [empty], [empty], [empty]
    for a in range(0, size, _BLOCK):
        b = min(size, a + _BLOCK)
        # the class bits (one more: the step across blocks), as booleans
        is_neg = np.bitwise_and(low_byte[a:b + 1], 1).view(np.bool_)
        at = np.flatnonzero(is_neg[:b - a] if of_negatives else ~is_neg[:b - a])
        count = at.size
        if sums:
            s, s2, si = int(at.sum()), int(np.dot(at, at)), int(np.dot(index[:count], at))
            q1 += s + a * count
            q2 += s2 + 2 * a * s + a * a * count
            iq += done * (s + a * count) + si + a * (count * (count - 1) // 2)
        step = np.flatnonzero(is_neg[1:] > is_neg[:-1])  # a positive, then a negative
        if step.size:
            block = key[a:b + 1]
            same = step[block[step + 1] - block[step] == 1]  # ... of the same score
            if same.size:
                tied = block[same]
                start = np.searchsorted(block, tied, side="left")
                end = np.searchsorted(block, tied + np.uint64(1), side="right")
                edge = ((start == 0) & (a > 0)) | ((end == block.size) & (b + 1 < size))
                if edge.any():  # a tie across blocks: look it up in the whole order
                    start[edge] = np.searchsorted(key, tied[edge], side="left") - a
                    end[edge] = np.searchsorted(key, tied[edge] + np.uint64(1),
                                                side="right") - a
                before = done + np.searchsorted(at, same)
                mixed.append(a + same)
                below.append(before if of_negatives else a + same - before)
                p_tied.append(same + 1 - start)
                e_tied.append(end - same - 1)
        done += count
    return (q1, q2, iq, np.concatenate(mixed), np.concatenate(below),
            np.concatenate(p_tied), np.concatenate(e_tied))


def _exact_dot(a: NDArray[np.int64], b: NDArray[np.int64], *, bound: int | None = None) -> int:
    """``sum(a * b)`` of non-negative integers as an exact Python int (chunked so that
    no int64 partial sum overflows); ``bound``, if given, is at least every ``a * b``."""
    if a.size == 0:
        return 0
    if bound is None:
        bound = int(a.max()) * int(b.max())
    bound = max(1, bound)
    step = max(1, (_TWO_63 - 1) // bound)
    if step >= a.size:
        return int(np.dot(a, b))
    return sum(int(np.dot(a[i:i + step], b[i:i + step])) for i in range(0, a.size, step))


class ResampledAucs:
    r"""The AUCs of bootstrap resamples given as draws within strata, O(n) each.

    Built once for the data and the resampling units. Each case gets a code: a
    negative, the index of its score among the negatives' distinct scores (ascending);
    a positive, :math:`G + 2\ell + t`, where :math:`G` is the number of those distinct
    scores, :math:`\ell` how many of them lie below the positive's score, and :math:`t`
    is 1 if one equals it. A resample's counts of codes (one pass over its draws)
    give the negatives per distinct score; their cumulative sums :math:`C` give, for
    each positive code, twice the negatives below plus those tied:
    :math:`2C_\ell` or :math:`C_\ell + C_{\ell+1}`. Twice the Mann–Whitney count is the
    dot product of the positive codes' counts with those, an exact integer, and

    .. math:: \mathrm{AUC} = \frac{2W}{2 \cdot m' n'},

    :math:`m'` and :math:`n'` the resample's positives and negatives (NaN if either is
    0) — the same number, to the last bit, as from the resample's weights in sorted
    order.
    """

    def __init__(
        self, positive: NDArray[np.bool_], score: NDArray[np.float64], units: Units
    ) -> None:
        if units.unit_of is not None:
            raise ValueError("ResampledAucs: draws of cases only, not of clusters")
        neg_values = np.unique(score[~positive])
        g = neg_values.size
        code = np.empty(score.size, dtype=np.intp)
        code[~positive] = np.searchsorted(neg_values, score[~positive])
        pos_scores = score[positive]
        low = np.searchsorted(neg_values, pos_scores, side="left")
        high = np.searchsorted(neg_values, pos_scores, side="right")
        code[positive] = g + 2 * low + (high > low)
        self.n_groups = g
        self.n_codes = 3 * g + 1
        # a stratum's codes as intp where they stay in cache (no conversion in np.add.at);
        # else the smallest type that holds them: fewer bytes to gather per draw
        small = np.uint16 if self.n_codes <= 1 << 16 else np.uint32
        self.codes = [code[members].astype(np.intp if members.size <= _CACHED_CODES else small)
                      for members in units.strata]
        self.units = units

    def __call__(self, draws: list[NDArray[np.int64]]) -> NDArray[np.float64]:
        """One AUC per row of the draws (positions within each stratum)."""
        counts = np.zeros((draws[0].shape[0], self.n_codes), dtype=np.int64)
        for codes, drawn in zip(self.codes, draws):
            for row in range(counts.shape[0]):
                # unbuffered increments by the drawn cases' (small-typed) codes
                np.add.at(counts[row], codes.take(drawn[row]), 1)
        return self._aucs(counts)

    def stream(self, n_resamples: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """The AUCs of ``n_resamples`` resamples drawn from ``rng`` as
        :func:`~medeval.stats._resampling.draw_batches` draws them — the same values,
        drawn a block of ``_DRAWS`` at a time in the same order and counted while the
        block is in cache (see :func:`~medeval.stats._resampling.batch_sizes`)."""
        out = []
        integers, add_at = rng.integers, np.add.at
        for rows in batch_sizes(self.units, n_resamples):
            counts = np.zeros((rows, self.n_codes), dtype=np.int64)
            for codes, members in zip(self.codes, self.units.strata):
                size = members.size
                blocks = [min(_DRAWS, size - a) for a in range(0, size, _DRAWS)]
                for row in counts:
                    for block in blocks:
                        add_at(row, codes.take(integers(0, size, block)), 1)
            out.append(self._aucs(counts))
        return np.concatenate(out)

    def _aucs(self, counts: NDArray[np.int64]) -> NDArray[np.float64]:
        """One AUC per row of code counts (rows, codes)."""
        g = self.n_groups
        neg, pos = counts[:, :g], counts[:, g:]
        rows = counts.shape[0]
        cum = np.zeros((rows, g + 1), dtype=np.int64)
        np.cumsum(neg, axis=1, out=cum[:, 1:])
        table = np.empty((rows, 2 * g + 1), dtype=np.int64)
        np.multiply(cum, 2, out=table[:, 0::2])
        np.add(cum[:, :-1], cum[:, 1:], out=table[:, 1::2])
        twice_wins = np.einsum("ij,ij->i", pos, table)
        pairs = pos.sum(axis=1) * cum[:, -1]
        out = np.full(rows, np.nan)
        np.divide(twice_wins, 2 * pairs, out=out, where=pairs > 0)
        return out


#: Largest stratum whose codes are kept as intp (1 MiB: they stay in L2 while drawn).
_CACHED_CODES = 1 << 17

#: Draws per block when a resample is drawn and counted block by block (a block's draws
#: and codes stay in L2).
_DRAWS = 1 << 16
