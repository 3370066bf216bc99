"""The beat-by-beat matching of PhysioNet's ``bxb``, vectorised (private).

``bxb`` (WFDB Software Package, ``app/bxb.c``, revision of 27 April 2020, which includes
the 24 November 2002 "Pardey" amendment) walks both annotation streams left to right.
With ``T``/``T'`` the current and next reference beat times and ``t``/``t'`` the current
and next test beat times, each iteration of its main loop does one of four things:

1. ``t < T`` and ``T - t <= w`` and (``T - t < |T - t'|`` or ``|T' - t'| < |T - t'|``):
   pair ``(T, t)``, advance both;
2. ``t < T`` otherwise: ``t`` is an extra test beat (row O), advance the test stream;
3. ``t >= T`` and ``t - T <= w`` and (``t - T < |t - T'|`` or ``|t' - T'| < |t - T'|``):
   pair ``(T, t)``, advance both;
4. ``t >= T`` otherwise: ``T`` is a missed reference beat (column O), advance the
   reference stream.

Vectorisation. Merge both streams into one sequence E in time order, reference first at
equal times (the order in which bxb reaches the beats: rule 2 needs ``t < T`` strictly).
Invariant: when bxb handles the earliest unconsumed beat ``E[p]``, no later beat has
been consumed, so the head of the other stream is the first beat of the other stream
after ``p``. A pair is accepted only if that beat is ``E[p + 1]``: were a beat of the
same stream between them, its time ``x`` would give ``|h - x| <= |h - E[p]|`` and both
clauses of the criterion fail (shown in :func:`_pairing`). So a pair is always two
neighbours in E, the invariant is kept, and whether ``E[p]`` pairs with ``E[p + 1]``
*if reached unconsumed* is a local test ``c[p]`` on four times (:func:`_heads`, block
by block). ``E[p]`` is consumed exactly when ``E[p - 1]`` paired with it, so the pairs
are taken at the positions of every run of true ``c`` that lie an even distance from
the run's start (:func:`greedy_pairs`; runs longer than one beat are rare and their
parity is found by pointer jumping, :func:`_run_parity`). The test suite checks all
this against a line-by-line Python port of ``bxb.c`` on random inputs.

The start (before the main loop) follows ``bxb.c`` literally, including its sentinel
"annotation" of type 0 at time 0 (see :func:`sequential_start`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

HUGE = np.int64(2**62)
"""bxb's ``huge_time``: the time of a stream's end. Any value above every time + 2 w works."""

MAX_TIME = 2**61
"""Sample times (on the common time base) must stay below this."""

Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


@dataclass(frozen=True)
class Matching:
    """Which beats bxb compares and how it pairs them (indices into the beat arrays).

    ``pairs`` are ``(reference, test)`` index pairs that bxb counts; ``missed`` the
    reference beats it counts unmatched (column o); ``extra`` the test beats it counts
    unmatched (row O). Beats in none of them are outside the comparison.
    """

    pairs: NDArray[np.int64]
    missed: Int
    extra: Int


def _pairing(
    earlier: Int, head: Int, next_same: Int, next_other_at: Any, w: int
) -> Bool:
    """bxb's test for pairing the earliest beat with the head of the other stream.

    With ``e = earlier``, ``h = head`` (``h >= e``, or ``HUGE`` at the end), ``e'`` =
    ``next_same`` the next beat of e's stream and ``h'`` the next beat of h's stream
    (``next_other_at(k)`` for the positions ``k`` that need it): rule (1) of ``bxb.c``
    with (e, h) = (t, T), rule (3) with (e, h) = (T, t)::

        h - e <= w  and  (h - e < |h - e'|  or  |h' - e'| < |h - e'|)

    ``h`` must also be ``E[p + 1]``, i.e. come before ``e'`` in E. Where ``e' <= h``
    both clauses fail (``|h - e'| <= h - e``, and ``h' >= h`` gives
    ``|h' - e'| >= |h - e'|``; at ``e' == h`` both sides are 0), so the test reduces to
    ``e' - h > 0`` plus the criterion. The second clause (the 2002 amendment) is
    evaluated only where the first fails, which is rare.
    """
    gap = head - earlier
    ok = gap <= w
    to_next = next_same - head  # = |h - e'| where h < e'
    ok &= to_next > 0
    first = gap < to_next
    need = np.flatnonzero(ok & ~first)
    first[need] = np.abs(next_other_at(need) - next_same[need]) < to_next[need]
    ok &= first
    return ok


def _at(times: Int, index: Int) -> Int:
    """``times[index]``, with bxb's ``huge_time`` past the end of the stream."""
    out = times.take(index, mode="clip") if times.size else np.zeros(index.size, np.int64)
    out[index >= times.size] = HUGE
    return out


def _run_parity(ids: Int, preds: Int) -> Bool:
    """For nodes ``ids`` with predecessors ``preds`` in chains: is the distance to the
    chain's first node even? Pointer jumping, O(len(ids) log(longest chain))."""
    order = np.argsort(ids, kind="stable")
    nodes, anc = ids[order], preds[order]
    dist = np.ones(nodes.size, dtype=np.int64)
    while True:
        k = np.searchsorted(nodes, anc)
        k[k == nodes.size] = 0
        up = nodes[k] == anc  # the ancestor has an ancestor itself: jump over it
        if not up.any():
            break
        where = np.flatnonzero(up)
        dist[where] += dist[k[where]]
        anc[where] = anc[k[where]]
    even = np.empty(nodes.size, dtype=np.bool_)
    even[order] = (dist & 1) == 0
    return even


_CHUNK = 1 << 16
"""Reference beats per block in :func:`_heads`: a block's arrays stay in the CPU cache."""


def _heads(ref: Int, test: Int, w: int) -> tuple[Int, Bool, Int, Bool]:
    """Heads and pairing tests of every beat: ``(a, ref_c, b, test_c)``.

    ``a[i]``: the first test beat at or after reference beat ``i`` (E puts a reference
    beat before a test beat at the same time); ``b[j]``: the first reference beat
    strictly after test beat ``j``; ``ref_c``, ``test_c``: :func:`_pairing` of each beat
    with that head. Block by block (a loop over blocks of ``_CHUNK`` reference beats,
    not over beats): a block and the test beats from its first time to the next block's
    first time are merged by a stable sort (two sorted runs, so a linear merge), which
    gives both ``a`` and ``b`` there.
    """
    n_ref, n_test = ref.size, test.size
    a = np.empty(n_ref, dtype=np.int64)
    b = np.empty(n_test, dtype=np.int64)
    starts = np.arange(0, n_ref, _CHUNK)
    bounds = np.append(np.searchsorted(test, ref[starts], side="left"), n_test)
    b[: bounds[0]] = 0  # test beats before the first reference beat
    for k, i0 in enumerate(starts.tolist()):
        i1 = min(n_ref, i0 + _CHUNK)
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        order = np.argsort(np.concatenate([ref[i0:i1], test[lo:hi]]), kind="stable")
        is_ref = order < i1 - i0
        a[i0:i1] = np.flatnonzero(is_ref) - np.arange(i1 - i0) + lo
        b[lo:hi] = np.flatnonzero(~is_ref) - np.arange(hi - lo) + i0
    ref_c = np.empty(n_ref, dtype=np.bool_)
    test_c = np.empty(n_test, dtype=np.bool_)
    for c, head, own, other in ((ref_c, a, ref, test), (test_c, b, test, ref)):
        for i0 in range(0, own.size, _CHUNK):
            i1 = min(own.size, i0 + _CHUNK)
            h = head[i0:i1]
            c[i0:i1] = _pairing(
                own[i0:i1], _at(other, h), _at(own, np.arange(i0 + 1, i1 + 1)),
                lambda m, h=h, other=other: _at(other, h[m] + 1), w,
            )
    return a, ref_c, b, test_c


def greedy_pairs(ref: Int, test: Int, w: int) -> tuple[Bool, Int, Bool, Int]:
    """bxb's main loop over whole streams, vectorised.

    Returns ``(ref_leads, a, test_leads, b)``: ``ref_leads[i]`` is True when reference
    beat ``i`` is the earlier member of a pair, whose test beat is ``a[i]``;
    ``test_leads[j]`` when test beat ``j`` is, with reference beat ``b[j]``.
    """
    n_ref = ref.size
    # c: E[p] pairs with E[p + 1] if reached unconsumed. For reference beat i the head
    # is a[i], for test beat j it is b[j]; E[p + 1] is that head when it comes before
    # the next beat of p's own stream (checked inside _pairing).
    a, ref_c, b, test_c = _heads(ref, test, w)
    # E[p] is consumed exactly when E[p - 1] paired with it, so within a run of
    # consecutive true c the pairs start at even distances from the run's first beat.
    # A run continues from reference i to test a[i] and from test j to reference b[j].
    # (A true c implies the head exists: a[i] < n_test, b[j] < n_ref; "clip" is safe.)
    ref_in = np.flatnonzero(ref_c & test_c.take(a, mode="clip")) if test_c.size else a[:0]
    test_in = np.flatnonzero(test_c & ref_c.take(b, mode="clip")) if ref_c.size else b[:0]
    ref_leads, test_leads = ref_c, test_c
    if ref_in.size or test_in.size:
        ids = np.concatenate([n_ref + a[ref_in], b[test_in]])  # ref i: i; test j: n_ref + j
        even = _run_parity(ids, np.concatenate([ref_in, n_ref + test_in]))
        test_leads[ids[: ref_in.size] - n_ref] = even[: ref_in.size]
        ref_leads[ids[ref_in.size :]] = even[ref_in.size :]
    return ref_leads, a, test_leads, b


def _collect(
    ref: Int, test: Int, ref_leads: Bool, a: Int, test_leads: Bool, b: Int, end: int
) -> tuple[NDArray[np.int64], Int, Int]:
    """Counted pairs (sorted by reference beat), missed and extra beats, block by block.

    Reference beat ``i`` is paired when it leads (with test ``a[i]``) or when the beat
    just before it in E, test ``a[i] - 1``, leads onto it (``b[a[i] - 1] == i``); test
    beat ``j`` likewise with reference ``b[j] - 1`` (``a[b[j] - 1] == j``). A pair counts
    when its earlier beat is at or before ``end``, an unpaired beat when it is.
    """
    n_ref, n_test = ref.size, test.size
    trim = end < max(int(ref[-1]) if n_ref else 0, int(test[-1]) if n_test else 0)
    pairs = np.empty((n_ref, 2), dtype=np.int64)
    count = 0
    missed: list[Int] = []
    for i0 in range(0, n_ref, _CHUNK):
        i1 = min(n_ref, i0 + _CHUNK)
        lead = ref_leads[i0:i1]
        before = a[i0:i1] - 1
        safe = np.maximum(before, 0)
        if n_test:
            paired = (before >= 0) & test_leads.take(safe, mode="clip")
            paired &= b.take(safe, mode="clip") == np.arange(i0, i1)
            paired |= lead
        else:
            paired = lead.copy()
        index = np.flatnonzero(paired)
        partner = before[index]
        partner += lead[index]
        index += i0
        if trim:
            keep = np.minimum(ref[index], test[partner]) <= end
            index, partner = index[keep], partner[keep]
        pairs[count : count + index.size, 0] = index
        pairs[count : count + index.size, 1] = partner
        count += index.size
        unpaired = ~paired
        if trim:
            unpaired &= ref[i0:i1] <= end
        missed.append(np.flatnonzero(unpaired) + i0)
    extra: list[Int] = []
    for j0 in range(0, n_test, _CHUNK):
        j1 = min(n_test, j0 + _CHUNK)
        before = b[j0:j1] - 1
        safe = np.maximum(before, 0)
        if n_ref:
            paired = (before >= 0) & ref_leads.take(safe, mode="clip")
            paired &= a.take(safe, mode="clip") == np.arange(j0, j1)
            paired |= test_leads[j0:j1]
        else:
            paired = test_leads[j0:j1].copy()
        unpaired = ~paired
        if trim:
            unpaired &= test[j0:j1] <= end
        extra.append(np.flatnonzero(unpaired) + j0)
    empty = np.zeros(0, dtype=np.int64)
    return (
        pairs[:count],
        np.concatenate(missed) if missed else empty,
        np.concatenate(extra) if extra else empty,
    )


def sequential_start(
    ref: Int, test: Int, start: int, w: int
) -> tuple[int, int, tuple[int, int] | None]:
    """The lines of ``bxb.c``'s ``main`` before its main loop, on beat times.

    ``getref`` is repeated while ``T < start``; its static state starts at time 0, type 0,
    so with ``start = 0`` the current reference is that type-0 sentinel at time 0 (index
    -1 here), otherwise the first reference beat at or after ``start``. ``gettest`` is
    repeated while ``t' < start``: ``t`` is the last test beat before ``start`` (or the
    sentinel, index -1), ``t'`` the first at or after it. Then::

        if (T-t < abs(T-tprime) && T-t <= match_dt) {   pair (counted unless a sentinel)
            getref(); gettest(); }
        else { gettest();
               if (t-start <= match_dt && abs(T-tprime) < abs(T-t)) gettest(); }

    Returns the indices of the current reference and test beats when the main loop
    begins (-1: the sentinel) and the pair counted here, if any.
    """
    n_ref, n_test = ref.size, test.size

    def rt(k: int) -> int:
        return 0 if k < 0 else int(ref[k]) if k < n_ref else int(HUGE)

    def tt(k: int) -> int:
        return 0 if k < 0 else int(test[k]) if k < n_test else int(HUGE)

    i = -1 if start == 0 else int(np.searchsorted(ref, start, side="left"))
    j = int(np.searchsorted(test, start, side="left")) - 1
    big_t, t, t_next = rt(i), tt(j), tt(j + 1)
    if big_t - t < abs(big_t - t_next) and big_t - t <= w:
        first = (i, j) if i >= 0 and j >= 0 else None  # pair(A, a) ignores type 0
        return i + 1, j + 1, first
    j += 1
    t, t_next = tt(j), tt(j + 1)
    if t - start <= w and abs(big_t - t_next) < abs(big_t - t):
        j += 1
    return i, j, None


def match_beats(ref: Int, test: Int, *, w: int, start: int, end: int) -> Matching:
    """Pair beats as bxb does between ``start`` and ``end`` (samples, inclusive).

    ``bxb`` loops while ``T <= end_time || t <= end_time``; each iteration handles the
    earlier head, so a pair counts when its earlier beat is at or before ``end`` and an
    unmatched beat counts when it is at or before ``end``.
    """
    i0, j0, first = sequential_start(ref, test, start, w)
    sentinel = i0 < 0
    ref_main = np.concatenate([np.zeros(1, np.int64), ref]) if sentinel else ref[i0:]
    test_main = test[j0:]
    offset_ref = -1 if sentinel else i0
    ref_leads, ref_partner, test_leads, test_partner = greedy_pairs(ref_main, test_main, w)

    pairs_local, missed, extra = _collect(
        ref_main, test_main, ref_leads, ref_partner, test_leads, test_partner, end
    )
    pairs = pairs_local
    if sentinel:  # the type-0 sentinel and whatever it pairs with are never counted
        # pairs are sorted by reference beat and missed beats are increasing, so the
        # sentinel (reference index 0) can only be their first row: a slice, no copy
        if pairs.shape[0] and pairs[0, 0] == 0:
            pairs = pairs[1:]
        if missed.size and missed[0] == 0:
            missed = missed[1:]
    pairs += np.array([offset_ref, j0], dtype=np.int64)
    if first is not None:
        pairs = np.vstack([np.array([first], dtype=np.int64), pairs])
    return Matching(
        pairs=pairs,
        missed=np.asarray(missed + offset_ref, dtype=np.int64),
        extra=np.asarray(extra + j0, dtype=np.int64),
    )
