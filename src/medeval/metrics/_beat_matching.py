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
clauses of the criterion fail (shown in :func:`main_loop`). So a pair is always two
neighbours in E, the invariant is kept, and whether ``E[p]`` pairs with ``E[p + 1]``
*if reached unconsumed* is a local test ``c[p]`` on four times. ``E[p]`` is consumed
exactly when ``E[p - 1]`` paired with it, so the pairs are taken at the positions of
every run of true ``c`` that lie an even distance from the run's start (runs longer
than one beat are rare, :func:`_block_leads`). :func:`main_loop` does all this block by
block of E, carrying one bit (did the block's last beat pair onward?) to the next
block; the loop is over blocks of 32,768 reference beats, never over beats. The test
suite checks this against a line-by-line Python port of ``bxb.c`` on random inputs.

The start (before the main loop) follows ``bxb.c`` literally, including its sentinel
"annotation" of type 0 at time 0 (see :func:`sequential_start`).
"""

from __future__ import annotations

from dataclasses import dataclass

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


_CHUNK = 1 << 15
"""Reference beats per block of :func:`main_loop`: a block's arrays stay in the CPU cache."""


def _block_leads(c: Bool, consumed_first: bool) -> Bool:
    """Which positions of a block of E lead a pair: ``c`` where the beat is reached.

    ``E[p]`` is reached unconsumed unless ``E[p - 1]`` led a pair, so along a run of true
    ``c`` the leads alternate from the run's first beat, which is reached -- except at
    position 0 when the previous block's last beat led onto it (``consumed_first``).
    Runs longer than one beat are rare: their parity is found from the run starts.
    """
    lead: Bool = c.copy()
    cont = np.flatnonzero(c[1:] & c[:-1]) + 1  # positions continuing a run
    if consumed_first:
        lead[0] = False
    if cont.size:
        starts = np.flatnonzero(c[1:] & ~c[:-1]) + 1
        if c[0]:
            starts = np.concatenate([np.zeros(1, np.int64), starts])
        s = starts[np.searchsorted(starts, cont, side="right") - 1]
        even = ((cont - s) & 1) == 0
        if consumed_first:  # the run from position 0 starts unreached: parity flips
            even[s == 0] = ~even[s == 0]
        lead[cont] = even
    return lead


def _stream_slice(times: Int, a: int, b: int, sentinel: bool) -> Int:
    """``V[a:b]`` of the stream ``V`` = (a time-0 sentinel if ``sentinel``) + ``times``,
    with bxb's ``huge_time`` past its end; a view of ``times`` where it can be."""
    shift = int(sentinel)
    if a >= shift and b - shift <= times.size:
        return times[a - shift : b - shift]
    out = np.full(b - a, HUGE, dtype=np.int64)
    lo, hi = max(a, shift), min(b, times.size + shift)
    if hi > lo:
        out[lo - a : hi - a] = times[lo - shift : hi - shift]
    if shift and a == 0 < b:
        out[0] = 0
    return out


def main_loop(
    ref: Int, test: Int, w: int, end: int, *, sentinel: bool = False,
    offsets: tuple[int, int] = (0, 0),
) -> tuple[NDArray[np.int64], Int, Int]:
    """bxb's main loop over whole streams: counted pairs, missed and extra beats.

    With ``sentinel`` the reference stream starts with bxb's type-0 annotation at time 0
    (index 0; the beats of ``ref`` are then 1, 2, ...), without copying ``ref``.
    Returns ``(pairs, missed, extra)`` as indices into the streams plus ``offsets``
    (reference, test), added as they are written: pairs sorted
    by reference beat, a pair counted when its earlier beat is at or before ``end``, an
    unpaired beat when it is. The loop runs over blocks of ``_CHUNK`` reference beats,
    not over beats: a block of E is reference beats ``i0:i1`` with the test beats from
    ``ref[i0]`` (from the first, in the first block) to before ``ref[i1]``, merged by a
    stable sort of two sorted runs (a linear merge); the next block starts with
    reference beat ``i1``, which is what ``E[p + 1]`` is past the block's last beat.

    ``c[p]`` (``E[p]`` pairs with ``E[p + 1]`` if reached unconsumed) is bxb's test with
    ``e = E[p]``, ``h = E[p + 1]``, ``e'`` the next beat of e's stream and ``h'`` the
    next beat of h's stream (``huge_time`` past an end): rule (1) of ``bxb.c`` with
    (e, h) = (t, T), rule (3) with (e, h) = (T, t)::

        h - e <= w  and  e' - h > 0  and  (h - e < e' - h  or  |h' - e'| < e' - h)

    ``e' >= h`` always (E is in time order); ``e' - h > 0`` says ``h`` is of the other
    stream (else ``e' = h``) and is the head bxb compares (were ``e' <= h``, both of
    bxb's clauses fail: ``|h - e'| <= h - e``, and ``h' >= h`` gives
    ``|h' - e'| >= |h - e'|``), so ``|h - e'| = e' - h``.
    """
    n_ref, n_test = ref.size + int(sentinel), test.size
    last = max(int(ref[-1]) if ref.size else 0, int(test[-1]) if n_test else 0)
    trim = end < last

    def refs(a: int, b: int) -> Int:
        return _stream_slice(ref, a, b, sentinel)

    def tests(a: int, b: int) -> Int:
        return _stream_slice(test, a, b, False)

    starts = list(range(0, n_ref, _CHUNK)) or [0]
    bounds = [0, *(int(np.searchsorted(test, refs(i, i + 1)[0])) for i in starts[1:]), n_test]
    pairs = np.empty((2, min(n_ref, n_test)), np.int64).T  # columns contiguous
    n_pairs = 0
    missed: list[Int] = []
    extra: list[Int] = []
    consumed = False  # the previous block's last beat led onto this block's first
    for k, i0 in enumerate(starts):
        i1 = min(n_ref, i0 + _CHUNK)
        lo, hi = bounds[k], bounds[k + 1]
        nb, m = i1 - i0, i1 - i0 + hi - lo
        if m == 0:
            continue
        times = np.concatenate([refs(i0, i1), tests(lo, hi)])
        order = np.argsort(times, kind="stable")
        # E of the block, plus E[m]: reference beat i1 (or huge_time at the very end)
        after = refs(i1, i1 + 2)
        t_e = np.empty(m + 1, np.int64)
        np.take(times, order, out=t_e[:m])
        t_e[m] = after[0]
        nxt = np.empty(m + 1, np.int64)  # e': the next beat of each beat's own stream
        np.take(np.concatenate([refs(i0 + 1, i1 + 1), tests(lo + 1, hi + 1)]), order,
                out=nxt[:m])
        nxt[m] = after[1]
        gap = t_e[1:] - t_e[:m]
        to_next = nxt[:m] - t_e[1:]
        c = (gap <= w) & (to_next > 0)
        near = gap < to_next
        need = np.flatnonzero(c & ~near)  # the 2002 amendment, rarely needed
        near[need] = np.abs(nxt[need + 1] - nxt[need]) < to_next[need]
        c &= near
        lead = _block_leads(c, consumed)
        paired = lead.copy()
        paired[1:] |= lead[:-1]
        paired[0] |= consumed
        consumed = bool(lead[-1])
        # A beat's index: order + i0 into ref where order < nb, order + lo - nb into
        # test. A pair is one reference and one test beat, so its reference beat has the
        # smaller order; E[m] (reference beat i1) is given the order nb.
        p = np.flatnonzero(lead & (t_e[:m] <= end) if trim else lead)
        order_x = np.empty(m + 1, order.dtype)
        order_x[:m] = order
        order_x[m] = nb
        first, second = order_x[p], order_x[p + 1]
        rows = pairs[n_pairs : n_pairs + p.size]
        np.add(np.minimum(first, second), i0 + offsets[0], out=rows[:, 0])
        np.add(np.maximum(first, second), lo - nb + offsets[1], out=rows[:, 1])
        n_pairs += p.size
        alone = ~paired
        if trim:
            alone &= t_e[:m] <= end
        q = order[np.flatnonzero(alone)]
        missed.append(q[q < nb] + (i0 + offsets[0]))
        extra.append(q[q >= nb] + (lo - nb + offsets[1]))
    empty = np.zeros(0, np.int64)
    return (
        pairs[:n_pairs],
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
    pairs, missed, extra = main_loop(
        ref[max(i0, 0):], test[j0:], w, end, sentinel=sentinel,
        offsets=(-1 if sentinel else i0, j0),
    )
    if sentinel:  # the type-0 sentinel (index -1) and whatever it pairs with never count
        # pairs are sorted by reference beat and missed beats are increasing, so the
        # sentinel can only be their first row: a slice, no copy
        if pairs.shape[0] and pairs[0, 0] == -1:
            pairs = pairs[1:]
        if missed.size and missed[0] == -1:
            missed = missed[1:]
    if first is not None:
        pairs = np.vstack([np.array([first], dtype=np.int64), pairs])
    return Matching(pairs=pairs, missed=missed, extra=extra)
