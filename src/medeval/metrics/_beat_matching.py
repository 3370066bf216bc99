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
clauses of the criterion fail. So a pair is always two neighbours in E of different
streams, the invariant is kept, and a pair is one of the two *links* of a reference
beat ``T_i``, with ``k`` the number of test beats before it (``t_k >= T_i``):

- ``B_i = (t_{k-1}, T_i)``, the test beat just before it (neighbours in E when
  ``t_{k-1} >= T_{i-1}``), and
- ``A_i = (T_i, t_k)``, the test beat just after it (neighbours when ``t_k < T_{i+1}``).

Whether a link pairs *if its earlier beat is reached unconsumed* is bxb's test on four
times (rule 3 for ``A_i``, rule 1 for ``B_i``; the neighbour conditions are part of it,
see :func:`_links`). In E the links come in the order ``B_0 A_0 B_1 A_1 ...``; two
consecutive links share a beat (``B_i`` and ``A_i`` share ``T_i``; ``A_i`` and
``B_{i+1}`` share ``t_k`` when ``t_k`` is the only test beat between ``T_i`` and
``T_{i+1}``), and an earlier beat is consumed exactly when the link before it, sharing
it, paired. So along a run of passing links that share beats the pairs are every other
link from the run's first (runs longer than one link are rare, :func:`_run_leads`).
:func:`main_loop` does all this block by block of reference beats: ``k`` for a block
comes from one merge of its reference beats with its test beats (a stable sort of the
two sorted runs), the tests are elementwise, and one bit (did the block's last link
pair onto the next block's first?) is carried; the loop is over blocks of 32,768
reference beats, never over beats. The test suite checks this against a line-by-line
Python port of ``bxb.c`` on random inputs.

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


def _window(values: Int, a: int, b: int, sentinel: bool) -> Int:
    """``V[a - 1 : b + 1]`` of the stream ``V`` = (a time-0 sentinel if ``sentinel``) +
    ``values``: ``-huge_time`` before its start, ``huge_time`` past its end; a view of
    ``values`` where it can be."""
    shift = int(sentinel)
    lo, hi = a - 1 - shift, b + 1 - shift  # into values
    if lo >= 0 and hi <= values.size:
        return values[lo:hi]
    out = np.empty(b - a + 2, np.int64)
    out[: max(0, -lo)] = -HUGE
    out[max(0, values.size - lo) :] = HUGE
    first, last = max(lo, 0), min(hi, values.size)
    if last > first:
        out[first - lo : last - lo] = values[first:last]
    if shift and a - 1 <= 0 < b + 1:
        out[1 - a] = 0
    return out


_PAD32 = 2**30 - 1
"""Times of a block in 32 bits: relative to its first reference beat, clipped to this."""


def _narrow(
    window: Int, tests: Int, w: int
) -> tuple[NDArray[np.int64] | NDArray[np.int32], NDArray[np.int64] | NDArray[np.int32], int]:
    """A block's times in 32 bits where they fit (half the memory traffic), and the time
    they are relative to (0: left in 64 bits).

    Relative to the block's first reference beat ``T_0``, clipped to ``+-_PAD32``, when
    its reference beats span less than ``_PAD32 - 3 w - 4`` samples. The tests of
    :func:`_links` come out the same: the times a passing link's clauses compare are
    within ``2 w`` of a reference beat of the block, so a clipped time is more than ``w``
    from each of them (``_PAD32 - span - 2 w > w``), by its true time as by its clipped
    one, and every comparison it enters is decided as by its true time (a link whose own
    gap involves it fails either way; a clause comparing its distance with a gap of at
    most ``w`` fails, or holds, either way). Test beats of the merge lie at or after
    ``T_0``: clipped ones stay after every reference beat, so ``k`` is unchanged. No sum
    or difference leaves 32 bits (all are within ``2 _PAD32``).
    """
    ref = window[1:-1]
    base = int(ref[0])
    if int(ref[-1]) - base + 3 * w + 4 >= _PAD32:
        return window, tests, 0
    out = []
    for values in (window, tests):  # sorted: the times to clip are a head and a tail
        shifted = np.empty(values.size, np.int32)
        np.subtract(values, base, out=shifted, casting="unsafe")
        shifted[: int(values.searchsorted(base - _PAD32))] = -_PAD32
        shifted[int(values.searchsorted(base + _PAD32, side="right")) :] = _PAD32
        out.append(shifted)
    return out[0], out[1], base


def _links(
    window: NDArray[np.int64] | NDArray[np.int32], tests: NDArray[np.int64] | NDArray[np.int32],
    k: Int, w: int,
) -> tuple[Bool, Bool, NDArray[np.int64] | NDArray[np.int32],
           NDArray[np.int64] | NDArray[np.int32]]:
    """Which links of a block's reference beats pass bxb's test (``B``, ``A``),
    ``t_{k-1}`` (the earlier beat of ``B``) and ``n`` (below).

    ``window`` is ``T_{i-1} .. T_{i+1}`` over the block, ``tests`` is ``t_{k-1} ..
    t_{k+1}`` over its test beats, ``k`` each reference beat's count of test beats
    before it (into ``tests``, less one). With ``a = t_k - T_i``, ``b = T_i - t_{k-1}``
    and ``n = T_{i+1} - t_k``, bxb's test (``e`` the earlier beat, ``h`` the later,
    ``e'`` and ``h'`` the next beats of their streams)::

        h - e <= w  and  (h - e < e' - h  or  |h' - e'| < e' - h)

    is, for ``A_i`` (``e' = T_{i+1}``, ``h' = t_{k+1}``), ``a <= w and (a < n or
    |t_{k+1} - T_{i+1}| < n)``, and for ``B_i`` (``e' = t_k``, ``h' = T_{i+1}``),
    ``b <= w and (b < a or |n| < a)``. ``A_i``'s neighbour condition ``n > 0`` is in its
    test (with ``n <= 0`` both clauses fail as ``a >= 0``), as is ``t_k > T_i`` in
    ``B_i``'s (``|T' - t'| < |T - t'|`` of rule 1 with ``t' = T``); ``B_i``'s own,
    ``t_{k-1} >= T_{i-1}``, is tested apart. The second clauses (the 2002 amendment)
    are rarely needed and computed only where they decide.
    """
    ref = window[1:-1]
    t_before = tests[:-2].take(k)
    after = tests[1:-1].take(k)  # t_k, then a
    gap = window[2:] - after
    after -= ref
    before = ref - t_before
    a_pass = after <= w
    near = after < gap
    # (bool arrays' own nonzero: np.flatnonzero's Python layers cost as much here)
    need = np.greater(a_pass, near).nonzero()[0]  # a <= w but not a < n
    if need.size:
        near[need] = np.abs(tests[2:][k[need]] - window[2:][need]) < gap[need]
    a_pass &= near
    b_pass = before <= w
    np.less(before, after, out=near)
    need = np.greater(b_pass, near).nonzero()[0]
    if need.size:
        near[need] = np.abs(gap[need]) < after[need]
    b_pass &= near
    b_pass &= t_before >= window[:-2]
    return b_pass, a_pass, t_before, gap


def _run_leads(cont: Int) -> Bool:
    """Whether each run-continuing link pairs: ``cont`` are the positions (sorted) in the
    block's link sequence ``B_0 A_0 B_1 A_1 ...`` (``B_i`` at ``2 i``, ``A_i`` at
    ``2 i + 1``) of passing links that share a beat with the passing link before them.
    A run starts one before its first continuing link; its links pair alternately."""
    new = np.ones(cont.size, np.bool_)
    new[1:] = cont[1:] != cont[:-1] + 1
    first = np.maximum.accumulate(np.where(new, np.arange(cont.size), 0))
    lead: Bool = ((cont - cont[first]) & 1) == 1
    return lead


def _take_runs(
    b_pass: Bool, a_pass: Bool, k: Int, gap: NDArray[np.int64] | NDArray[np.int32], w: int
) -> None:
    """Keep, in ``b_pass`` and ``a_pass``, the links that pair (in place): of two passing
    links that share a beat, the second pairs only if the first did not. ``gap`` is
    ``T_{i+1} - t_k`` (from :func:`_links`)."""
    # A_i then B_{i+1}: they share a test beat when it is the only one between; B_{i+1}
    # is then (t_k, T_{i+1}) and passes only if gap_i <= w, which leaves few candidates
    # (A_i passing too puts T_i and T_{i+1} within 2 w) to check k on
    candidates = a_pass[:-1] & b_pass[1:]
    candidates &= gap[:-1] <= w
    across = candidates.nonzero()[0]
    if across.size:
        across = across[k[across + 1] == k[across] + 1]
    both = (b_pass & a_pass).nonzero()[0]  # B_i then A_i share T_i
    if across.size:
        cont = np.sort(np.concatenate([2 * both + 1, 2 * across + 2]))
        lead = _run_leads(cont)
        odd = (cont & 1) == 1
        a_pass[cont[odd] >> 1] = lead[odd]
        b_pass[cont[~odd] >> 1] = lead[~odd]
    elif both.size:  # runs of two links: B_i pairs, A_i does not
        a_pass[both] = False


def main_loop(
    ref: Int, test: Int, w: int, end: int, *, sentinel: bool = False,
    offsets: tuple[int, int] = (0, 0),
) -> tuple[NDArray[np.int64], Int, Int]:
    """bxb's main loop over whole streams: counted pairs, missed and extra beats.

    With ``sentinel`` the reference stream starts with bxb's type-0 annotation at time 0
    (index 0; the beats of ``ref`` are then 1, 2, ...), without copying ``ref``.
    Returns ``(pairs, missed, extra)`` as indices into the streams plus ``offsets``
    (reference, test), added as they are written: pairs sorted by reference beat, a
    pair counted when its earlier beat is at or before ``end``, an unpaired beat when it
    is. The loop runs over blocks of ``_CHUNK`` reference beats, not over beats. A
    block's ``k`` (test beats before each reference beat) comes from merging its
    reference beats ``i0:i1`` with the test beats from ``k_{i0}`` to before ``T_{i1}``:
    a stable sort of the keys ``2 T`` and ``2 t + 1`` (two sorted runs: a linear merge;
    reference first at equal times); ``k`` of a reference beat is its place in the merge
    less the reference beats before it. The block's first link ``B_{i0}`` shares its
    test beat with the previous block's last link ``A_{i0-1}`` when ``k_{i0} = k_{i0-1}
    + 1``; if that one paired, ``B_{i0}`` cannot.
    """
    n_ref, n_test = ref.size + int(sentinel), test.size
    starts = list(range(0, n_ref, _CHUNK))
    firsts = [int(_window(ref, i, i + 1, sentinel)[1]) for i in starts]
    bounds = [*(int(x) for x in np.searchsorted(test, firsts)), n_test]
    size = max((min(_CHUNK, n_ref - i0) + bounds[b + 1] - bounds[b]
                for b, i0 in enumerate(starts)), default=0)
    buffers: dict[type, NDArray[np.int64] | NDArray[np.int32]] = {}
    count = np.arange(min(_CHUNK, n_ref))
    pairs = np.empty((2, min(n_ref, n_test)), np.int64).T  # columns contiguous
    n_pairs = 0
    paired_test = np.zeros(n_test, np.bool_)
    missed: list[Int] = []
    a_last = False  # the previous block's last link A paired
    k_last = -1  # and the k of its reference beat
    for b, i0 in enumerate(starts):
        i1 = min(n_ref, i0 + _CHUNK)
        nb = i1 - i0
        lo, hi = bounds[b], bounds[b + 1]
        window, tests, base = _narrow(_window(ref, i0, i1, sentinel),
                                      _window(test, lo, hi + 1, False), w)
        ref_b = window[1:-1]
        if window.dtype.type not in buffers:
            buffers[window.dtype.type] = np.empty(size, window.dtype)
        merged = buffers[window.dtype.type][: nb + hi - lo]
        np.left_shift(ref_b, 1, out=merged[:nb])
        np.left_shift(tests[1:-2], 1, out=merged[nb:])
        merged[nb:] |= 1
        merged.sort(kind="stable")
        merged &= 1
        k = np.equal(merged, 0).nonzero()[0]
        k -= count[:nb]  # test beats of the block before each reference beat
        b_pass, a_pass, t_before, gap = _links(window, tests, k, w)
        if a_last and int(k[0]) + lo == k_last + 1:
            b_pass[0] = False  # its test beat went to the previous block's last link
        _take_runs(b_pass, a_pass, k, gap, w)
        a_last, k_last = bool(a_pass[-1]), int(k[-1]) + lo
        paired = b_pass | a_pass
        i = paired.nonzero()[0]
        alone = np.logical_not(paired, out=paired)
        np.add(k, a_pass, out=k)  # k - 1 + 1 for A: the paired test beat, less lo - 1
        if int(ref_b[-1]) + base > end:  # a pair counts if its earlier beat is by the end
            earlier = np.where(a_pass[i], ref_b[i], t_before[i]).astype(np.int64)
            i = i[earlier <= end - base]
            alone &= ref_b.astype(np.int64) <= end - base
        rows = pairs[n_pairs : n_pairs + i.size]
        column = rows[:, 1]
        k.take(i, out=column)
        column += lo - 1
        paired_test[column] = True
        if offsets[1]:
            column += offsets[1]
        np.add(i, i0 + offsets[0], out=rows[:, 0])
        n_pairs += i.size
        lost = alone.nonzero()[0]
        lost += i0 + offsets[0]
        missed.append(lost)
    n_end = int(np.searchsorted(test, end, side="right"))
    extra = np.flatnonzero(~paired_test[:n_end])
    if offsets[1]:
        extra += offsets[1]
    return (
        pairs[:n_pairs],
        np.concatenate(missed) if missed else np.zeros(0, np.int64),
        extra,
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
