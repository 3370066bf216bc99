"""DeLong's covariance of two AUCs on the same cases, from one ``np.sort`` per score.

A leaf module, private: :func:`medeval.stats.delong.delong_test` calls
:func:`paired_delong`.

The paired test needs, besides each score's AUC and variance, the cross products of the
two scores' placement counts case by case, so each case must be found in both orders.
``np.argsort`` would give the orders, at about four times the cost of ``np.sort``. Here
each score becomes an order-preserving integer code with the case's index in its low
bits (see :func:`index_keys`), so one ``np.sort`` of plain integers orders the cases and
the index comes back by a mask. Where the codes do not fit beside the index they are
shortened by their low bits, and the order is checked against the scores themselves;
where a shortened code joined two different scores out of order (scores that differ by
less than about one part in 2**32), that code's run is sorted by the scores, and where
such runs hold many of the cases the caller falls back to ``argsort``.

The placement counts are then taken tie group by tie group (a group is a run of equal
scores along the order): twice a positive's count is :math:`2L + E` (negatives below,
negatives tied), twice a negative's :math:`2G + P` (positives above, positives tied) --
the numerators of :func:`medeval.stats._auc_components.placement_numerators`, the same
integers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._auc_components import (
    _exact_dot,
    covariance_from_sums,
    delong_covariance,
    placement_numerators,
)

__all__ = ["index_keys", "paired_delong"]

#: The magnitude bits of an IEEE double seen as an int64.
_MAGNITUDE = np.int64(0x7FFF_FFFF_FFFF_FFFF)

#: Elements per block of the passes that build the keys (a few blocks fit in L2).
_BLOCK = 1 << 17


def paired_delong(
    positive: NDArray[np.bool_], a: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[list[float], list[list[float]]]:
    """The two AUCs and DeLong's 2x2 covariance matrix ``S10 / m + S01 / n``.

    The same numbers, to the last bit, as
    :func:`~medeval.stats._auc_components.delong_covariance` of the two scores'
    :func:`~medeval.stats._auc_components.placement_numerators`: the same integer sums
    and products, rounded once. Needs at least one case of each class.
    """
    size = positive.size
    negative = ~positive
    m = size - int(np.count_nonzero(negative))
    bits = max(1, (size - 1).bit_length())
    payload = np.arange(size, dtype=np.uint64)
    order_a = _order(a, payload, bits)
    order_b = _order(b, payload, bits) if order_a is not None else None
    if order_a is None or order_b is None:
        num_a, num_b = placement_numerators(positive, a), placement_numerators(positive, b)
        at_pos, at_neg = np.flatnonzero(positive), np.flatnonzero(negative)
        return delong_covariance((num_a.take(at_pos), num_b.take(at_pos)),
                                 (num_a.take(at_neg), num_b.take(at_neg)))
    num_a, neg_a, sums_a = _numerators_along(order_a, negative, m)
    num_b, neg_b, sums_b = _numerators_along(order_b, negative, m)
    # a's numerators in the cases' order, then along b's order
    in_cases = np.empty(size, dtype=np.int64)
    in_cases[order_a[0]] = num_a
    a_along_b = in_cases.take(order_b[0])
    bound = 4 * size * size  # each numerator is at most 2 * size
    cross_all = _exact_dot(a_along_b, num_b, bound=bound)
    np.multiply(a_along_b, neg_b, out=a_along_b)
    cross_neg = _exact_dot(a_along_b, num_b, bound=bound)
    cross_pos = cross_all - cross_neg
    return covariance_from_sums(
        m, size - m, [sums_a[0], sums_b[0]], [sums_a[2], sums_b[2]],
        [[sums_a[1], cross_pos], [cross_pos, sums_b[1]]],
        [[sums_a[3], cross_neg], [cross_neg, sums_b[3]]])


def index_keys(
    score: NDArray[np.float64], payload: NDArray[np.uint64], bits: int
) -> tuple[NDArray[np.uint64], int]:
    """Keys ``code << bits | payload`` in the scores' order, and how many low bits of
    the codes were dropped to make room for the payload.

    A double's bits read as an int64 are in the doubles' order where the sign bit is
    clear; a negative score takes its magnitude bits negated (-0.0 and +0.0 both give
    0). The codes less the smallest are divided by ``2**z`` where every score's lowest
    ``z`` mantissa bits are 0 (exactly: scores that were float32 keep 24 bits and
    usually need no shortening), and shortened by their lowest bits where they still
    do not fit in ``64 - bits``: then equal codes may stand for different scores,
    which :func:`_order` checks. Three reductions over the scores, then one pass block
    by block.
    """
    score = np.ascontiguousarray(score, dtype=np.float64)
    size = score.size
    raw = score.view(np.int64)
    lowest, highest = _code(float(score.min())), _code(float(score.max()))
    mantissa = int(np.bitwise_or.reduce(raw)) & ((1 << 52) - 1)
    zeros = (mantissa & -mantissa).bit_length() - 1 if mantissa else 52
    dropped = max(0, ((highest - lowest) >> zeros).bit_length() - (64 - bits))
    down, up = np.uint64(zeros + dropped), np.uint64(bits)
    minimum = np.uint64(lowest % (1 << 64))
    out = np.empty(size, dtype=np.uint64)
    code = out.view(np.int64)
    for start in range(0, size, _BLOCK):
        k = code[start:start + _BLOCK]
        r = raw[start:start + _BLOCK]
        sign = np.right_shift(r, 63)  # -1 for a negative score
        np.bitwise_and(r, _MAGNITUDE, out=k)
        np.bitwise_xor(k, sign, out=k)
        np.subtract(k, sign, out=k)  # negative: -magnitude
        u = out[start:start + _BLOCK]
        np.subtract(u, minimum, out=u)
        np.right_shift(u, down, out=u)
        np.left_shift(u, up, out=u)
        np.bitwise_or(u, payload[start:start + _BLOCK], out=u)
    return out, dropped


def _code(value: float) -> int:
    """The order-preserving integer code of one double (see :func:`index_keys`)."""
    bits = int(np.float64(value).view(np.int64))
    return -(bits & int(_MAGNITUDE)) if bits < 0 else bits


def _order(
    score: NDArray[np.float64], payload: NDArray[np.uint64], bits: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]] | None:
    """The cases in ascending order of score (ties in index order) and the last
    position of each tie group; None where shortened codes joined scores out of order
    over more than :data:`_REORDERED_AT_MOST` of the cases (else those runs of one code
    are put in order by their scores: see :func:`_reorder_joined`).
    """
    keys, dropped = index_keys(score, payload, bits)
    keys.sort()
    if dropped:
        order = np.bitwise_and(keys, np.uint64((1 << bits) - 1)).view(np.intp)
        ordered = score.take(order)
        descents = np.flatnonzero(ordered[1:] < ordered[:-1])
        if descents.size and not _reorder_joined(keys, bits, order, ordered, descents):
            return None
        change = ordered[1:] != ordered[:-1]
    else:
        codes = np.right_shift(keys, np.uint64(bits))
        change = codes[1:] != codes[:-1]
        order = np.bitwise_and(keys, np.uint64((1 << bits) - 1)).view(np.intp)
    ends = np.flatnonzero(change)
    return order, np.append(ends, score.size - 1)


#: The share of the cases that :func:`_reorder_joined` puts in order by their scores at
#: most; beyond it :func:`paired_delong` takes ``argsort``'s way.
_REORDERED_AT_MOST = 1 / 16


def _reorder_joined(keys: NDArray[np.uint64], bits: int, order: NDArray[np.intp],
                    ordered: NDArray[np.float64], descents: NDArray[np.intp]) -> bool:
    """Put in order, in place, each run of one shortened code that holds a descent.

    The sorted keys order the cases by code, and within a code by index; only where a
    code joined different scores can two be out of order, and then only within that
    code's run. A stable sort of the run by score gives the scores' order with ties in
    index order, as an exact sort would. Full-precision scores over a wide range (a
    model's logits, float64 probabilities near 0) join a few pairs in 10^6 cases.
    False, leaving ``order`` as it was, where the runs hold more than
    :data:`_REORDERED_AT_MOST` of the cases.
    """
    codes = np.right_shift(keys, np.uint64(bits))
    joined = np.unique(codes.take(descents))
    starts = np.searchsorted(codes, joined, side="left")
    ends = np.searchsorted(codes, joined, side="right")
    if int((ends - starts).sum()) > _REORDERED_AT_MOST * keys.size:
        return False
    for start, end in zip(starts.tolist(), ends.tolist()):
        run = np.argsort(ordered[start:end], kind="stable")
        order[start:end] = order[start:end].take(run)
        ordered[start:end] = ordered[start:end].take(run)
    return True


def _numerators_along(
    order_and_ends: tuple[NDArray[np.intp], NDArray[np.intp]],
    negative: NDArray[np.bool_], m: int,
) -> tuple[NDArray[np.int64], NDArray[np.bool_], tuple[int, int, int, int]]:
    """Twice each case's placement count along the order, its class, and the exact
    sums of the numerators and of their squares over the positives and the negatives.

    For a tie group from ``s`` to ``e`` holding ``E`` negatives with ``B`` before it:
    a positive's numerator is :math:`2B + E`; a negative's :math:`2m - 2P_b - P`
    (``P_b`` positives before the group, ``P`` in it), which is
    :math:`2m - (s + e + 1) + (2B + E)` since :math:`P_b = s - B` and
    :math:`P_b + P = e + 1 - B - E`. The sums are taken group by group.
    """
    order, ends = order_and_ends
    neg = negative.take(order)
    size = order.size
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    sizes = ends - starts + 1
    no_ties = ends.size == size  # each case its own group
    in_group = neg.astype(np.int64) if no_ties else np.add.reduceat(neg, starts,
                                                                    dtype=np.int64)
    twice = np.cumsum(in_group)
    twice *= 2
    twice -= in_group  # 2B + E
    of_neg = 2 * m - (starts + ends + 1)
    of_neg += twice
    pos_in = sizes - in_group
    sums = (_exact_dot(pos_in, twice), _exact_dot(pos_in * twice, twice),
            _exact_dot(in_group, of_neg), _exact_dot(in_group * of_neg, of_neg))
    if no_ties:
        num = twice
        num += neg * (of_neg - twice)
    else:
        num = np.repeat(twice, sizes)
        num += neg * np.repeat(of_neg - twice, sizes)
    return num, neg, sums
