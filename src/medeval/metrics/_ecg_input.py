"""Input checks, symbol tables, time base and matrix cells of :mod:`medeval.metrics.ecg`.

Private.

Everything here is described in the public docstrings of ``beat_match`` and ``ec57``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_1d
from ..errors import InvalidInputError
from ._beat_matching import MAX_TIME, Matching, match_beats

EC57_WINDOW_S = 0.15
"""EC57's match window (bxb: ``strtim(".15")``)."""
EC57_LEARNING_PERIOD_S = 300.0
"""EC57's learning period, not scored (bxb: ``strtim("5:0")``)."""

AAMI_CLASS: dict[str, str] = {
    **dict.fromkeys("NLRB", "N"),
    **dict.fromkeys("AaJSjen", "S"),
    **dict.fromkeys("VrE", "V"),
    "F": "F",
    **dict.fromkeys("Q/f?", "Q"),
}
"""MIT-BIH beat symbol -> AAMI class, as ``bxb``'s ``amap`` with SVEB reporting (-S).

N: N L R B; S: A a J S and the escape beats j e n; V: V r E; F: F; Q: Q, paced ``/``,
paced fusion ``f`` and learning ``?``. Exactly WFDB's beat codes (``isqrs``); every
other annotation is not a beat.
"""

_NON_BEATS = frozenset('~|sT*D"=p^t+u![]@x()')
"""WFDB non-beat annotation symbols (rhythm, noise, comments, waves, VF on/off ...)."""
KNOWN_SYMBOLS: frozenset[str] = frozenset(AAMI_CLASS) | _NON_BEATS


def _rate(value: Any, name: str, func: str) -> Fraction:
    if isinstance(value, (bool, np.bool_)):  # float(True) would be 1 Hz
        raise InvalidInputError(f"{func}: {name} must be a number of Hz, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{func}: {name} must be a number of Hz, got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise InvalidInputError(f"{func}: {name} must be positive and finite, got {value!r}")
    return Fraction(number).limit_denominator(10**6)


def _seconds(value: Any, name: str, func: str) -> float:
    if isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"{func}: {name} must be seconds, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{func}: {name} must be seconds, got {value!r}") from None
    if not (math.isfinite(number) and number >= 0):
        raise InvalidInputError(f"{func}: {name} must be >= 0 and finite, got {value!r}")
    return number


def _samples(values: ArrayLike, name: str, func: str) -> NDArray[np.int64]:
    array = as_1d(values, name=name, func=func)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or (array != np.round(array)).any():
            bad = np.flatnonzero(~np.isfinite(array) | (array != np.round(array)))
            raise InvalidInputError(
                f"{func}: {name} must be whole sample numbers; {bad.size} are not, the "
                f"first at position {bad[0]}: {float(array[bad[0]])!r} (times in seconds? give "
                "sample numbers at the stated rate)")
    elif array.dtype.kind not in "iu":
        raise InvalidInputError(f"{func}: {name} must be sample numbers, got {array.dtype}")
    if array.dtype.kind in "fu":  # else a cast to int64 wraps them round (1e20, 2**64 - 1)
        big = np.flatnonzero(array >= 2**63 if array.dtype.kind == "u"
                             else np.abs(array) >= 2.0**63)
        if big.size:
            raise InvalidInputError(
                f"{func}: {name} must be sample numbers under 2**63 in size; {big.size} are "
                f"not, the first at position {big[0]}: {array[big[0]].item()!r}")
    out = array.astype(np.int64, copy=False)
    if (out[1:] < out[:-1]).any():
        falls = np.flatnonzero(out[1:] < out[:-1])
        raise InvalidInputError(
            f"{func}: {name} must be sorted (non-decreasing); it decreases after position(s) "
            f"{falls[:10].tolist()}; sort the annotations by time"
        )
    if out[0] < 0:  # sorted: the first is the smallest
        where = np.flatnonzero(out < 0)[:10].tolist()
        raise InvalidInputError(f"{func}: {name} has negative samples at positions {where}")
    return out


def _symbols(
    values: ArrayLike, n: int, name: str, func: str
) -> tuple[NDArray[np.str_], NDArray[np.int64]]:
    """The symbols as text, and each one's AAMI class (row/column of the matrix, -1 for
    an annotation that is not a beat): one-character symbols by a table of code points,
    others (and any unknown symbol, for the message) from one pass over the distinct
    symbols."""
    array = as_1d(values, name=name, func=func) if n or np.size(values) else np.zeros(0, "U1")
    if array.size != n:
        raise InvalidInputError(
            f"{func}: {name} has {array.size} symbols for {n} samples; give one per annotation"
        )
    if array.dtype == _ONE_CHARACTER and array.flags.c_contiguous:
        # One code point per symbol (what the loaders and a JSON list of letters give):
        # each code point's class from a table, without sorting the symbols.
        classes: NDArray[np.int64] = _POINT_CLASS.take(array.view(np.uint32), mode="clip")
        if not classes.size or classes.min() > _UNKNOWN:
            return array, classes
    text = array.astype(str)
    distinct, inverse = np.unique(text, return_inverse=True)
    found = distinct.tolist()
    unknown = sorted(set(found) - KNOWN_SYMBOLS)
    if unknown:
        raise InvalidInputError(
            f"{func}: {name} holds symbols that are not WFDB annotation codes: {unknown[:10]}; "
            "map them to MIT-BIH symbols (N, A, V, F, Q, ...) first"
        )
    table = np.array([_CLASS_INDEX[AAMI_CLASS[u]] if u in AAMI_CLASS else -1 for u in found],
                     dtype=np.int64)
    return text, table[inverse.ravel()]


_ONE_CHARACTER = np.dtype("=U1")
_UNKNOWN = -2
_POINT_CLASS = np.full(129, _UNKNOWN, dtype=np.int64)
"""A one-character symbol's AAMI class by its code point (:func:`_symbols`): the class
index of a beat, -1 for a known non-beat, ``_UNKNOWN`` for the rest (the last entry
stands for every code point beyond ASCII)."""


@dataclass(frozen=True)
class _TimeBase:
    ref_scale: int
    test_scale: int
    fs: Fraction


def is_beat(symbols: NDArray[np.str_]) -> NDArray[np.bool_]:
    """True for each symbol that is a beat's (a key of ``AAMI_CLASS``), what
    ``np.isin(symbols, list(AAMI_CLASS))`` says: one-character symbols by the table of
    code points (:func:`_symbols`), others by one look-up per distinct symbol (``isin``
    compares the whole array once per beat symbol: 0.14 ms for a record's 700 beats)."""
    if symbols.dtype == _ONE_CHARACTER and symbols.flags.c_contiguous:
        beat: NDArray[np.bool_] = _POINT_CLASS.take(symbols.view(np.uint32), mode="clip") >= 0
        return beat
    distinct, inverse = np.unique(symbols, return_inverse=True)
    known = np.array([symbol in AAMI_CLASS for symbol in distinct.tolist()], dtype=np.bool_)
    return known[inverse.ravel()]


def _time_base(
    fs: Any, reference_fs: Any, test_fs: Any, func: str
) -> _TimeBase:
    ref_rate = reference_fs if reference_fs is not None else fs
    test_rate = test_fs if test_fs is not None else fs
    if ref_rate is None or test_rate is None:
        raise InvalidInputError(
            f"{func}: give fs= (both sides) or reference_fs= and test_fs= (annotations/s)"
        )
    ref_name = "reference_fs" if reference_fs is not None else "fs"
    test_name = "test_fs" if test_fs is not None else "fs"
    if type(ref_rate) in _PLAIN_NUMBERS and type(test_rate) in _PLAIN_NUMBERS:
        return _time_base_of(ref_rate, test_rate, ref_name, test_name, func)
    return _time_base_of.__wrapped__(ref_rate, test_rate, ref_name, test_name, func)


_PLAIN_NUMBERS = (float, int)


@functools.lru_cache(maxsize=64)
def _time_base_of(ref_rate: Any, test_rate: Any, ref_name: str, test_name: str,
                  func: str) -> _TimeBase:
    """The common time base of two rates (cached for plain floats and ints: a set's
    records share one or two rates, and equal numbers give the same base)."""
    r = _rate(ref_rate, ref_name, func)
    t = _rate(test_rate, test_name, func)
    # The least common multiple of two rationals p/q and u/v: lcm(p v, u q) / (q v).
    common = Fraction(
        math.lcm(r.numerator * t.denominator, t.numerator * r.denominator),
        r.denominator * t.denominator,
    )
    return _TimeBase(int(common / r), int(common / t), common)


def _strtim(seconds: float, fs: Fraction) -> int:
    """WFDB's ``strtim``: ``(WFDB_Time)(x * f + 0.5)``, seconds to samples rounded half up."""
    return int(seconds * float(fs) + 0.5)


# --------------------------------------------------------------------------- matching


def _match(
    ref: NDArray[np.int64],
    test: NDArray[np.int64],
    base: _TimeBase,
    window_s: float,
    learning_period_s: float,
    duration_s: float | None,
    func: str,
) -> tuple[Matching, int, int, int]:
    ref_t = ref * base.ref_scale if base.ref_scale != 1 else ref
    test_t = test * base.test_scale if base.test_scale != 1 else test
    if (ref_t.size and ref_t[-1] >= MAX_TIME) or (test_t.size and test_t[-1] >= MAX_TIME):
        raise InvalidInputError(f"{func}: sample numbers too large for the common time base")
    w = _strtim(window_s, base.fs)
    start = _strtim(learning_period_s, base.fs)
    if duration_s is None:
        last = [int(x[-1]) for x in (ref_t, test_t) if x.size]
        end = max(last) if last else 0
    else:
        end = _strtim(duration_s, base.fs)
        if end < start:
            raise InvalidInputError(
                f"{func}: duration_s={duration_s!r} ends before the learning period "
                f"({learning_period_s!r} s); bxb calls this an improper interval"
            )
    return match_beats(ref_t, test_t, w=w, start=start, end=end), w, start, end


def _standard(window_s: float, learning_period_s: float) -> bool:
    return window_s == EC57_WINDOW_S and learning_period_s == EC57_LEARNING_PERIOD_S


def vf_episodes(symbols: NDArray[np.str_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Ventricular flutter/fibrillation episodes as ``bxb``'s ``getref``/``gettest`` read
    them: the index of each ``[`` (VFON) and of the ``]`` (VFOFF) that ends it, or
    ``len(symbols)`` when none does. Everything between is skipped, including further
    ``[``. A loop over VF markers only (a few per record), not over beats.
    """
    on = np.flatnonzero(symbols == "[")
    if not on.size:  # no episode (most records): no "]" to look for
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    off = np.flatnonzero(symbols == "]")
    starts: list[int] = []
    ends: list[int] = []
    for i in on.tolist():
        if ends and i < ends[-1]:
            continue  # inside the episode being read
        k = int(np.searchsorted(off, i, side="right"))
        starts.append(i)
        ends.append(int(off[k]) if k < off.size else symbols.size)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


def inside(n: int, starts: NDArray[np.int64], ends: NDArray[np.int64]) -> NDArray[np.bool_]:
    """True for the annotations strictly between each start and its end."""
    if starts.size == 0:
        return np.zeros(n, dtype=np.bool_)
    step = np.zeros(n + 1, dtype=np.int64)
    np.add.at(step, starts + 1, 1)
    np.add.at(step, ends, -1)
    result: NDArray[np.bool_] = np.cumsum(step[:n]) > 0
    return result


def vf_uncounted(
    extra_times: NDArray[np.int64],
    ref_times: NDArray[np.int64],
    ref_file_index: NDArray[np.int64],
    on_index: NDArray[np.int64],
    on_time: NDArray[np.int64],
    off_time: NDArray[np.int64],
    terminated: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Which extra test beats ``bxb`` pairs with its ``*`` pseudo-beat (not counted).

    ``rpann(t)``: ``*`` when ``t`` lies in the reference's current VF episode
    (``vfonref <= t && (t <= vfoffref || vfoffref == -1)``) or its previous one
    (``pvfonref <= t && t <= pvfoffref``), "current" and "previous" being the last two
    episodes ``getref`` has read. When the extra beat ``t`` is handled, the reference
    head ``T`` is the first reference beat after ``t`` and ``getref`` has read up to the
    beat after ``T``; an unterminated episode leaves ``vfoffref`` at the previous
    episode's end (or -1).
    """
    n = ref_times.size
    head = np.searchsorted(ref_times, extra_times, side="right")
    following = head + 1
    reading = np.where(
        following < n, ref_file_index[np.minimum(following, max(n - 1, 0))] if n else 0,
        np.iinfo(np.int64).max,
    )
    known = np.searchsorted(on_index, reading, side="left")  # episodes read so far
    big = np.iinfo(np.int64).max
    off_prev = np.concatenate([[-1], off_time[:-1]]) if off_time.size else off_time
    off_now = np.where(terminated, off_time, np.where(off_prev < 0, big, off_prev))
    out = np.zeros(extra_times.size, dtype=np.bool_)
    for back, off in ((1, off_now), (2, off_time)):
        k = known - back
        ok = k >= 0
        kk = np.maximum(k, 0)
        if on_time.size:
            out |= ok & (on_time[kk] <= extra_times) & (extra_times <= off[kk])
    return out


EC57_CLASSES: tuple[str, ...] = ("N", "S", "V", "F", "Q", "O")
"""Rows (reference) and columns (test) of the matrix; O = no beat (bxb's o / O)."""

_N, _S, _V, _F, _Q, _O = range(6)
_CLASS_INDEX = {name: k for k, name in enumerate(EC57_CLASSES)}
for _symbol in KNOWN_SYMBOLS:
    _POINT_CLASS[ord(_symbol)] = _CLASS_INDEX[AAMI_CLASS[_symbol]] if _symbol in AAMI_CLASS else -1


# bxb's print_results, cell by cell (rows reference, columns test; X omitted, see ec57).
_ROWS_BEAT = [_N, _S, _V, _F, _Q]
_WHY = {
    "qrs_sensitivity": "no reference beat was compared (QTP + QFN = 0)",
    "qrs_ppv": "no test beat was compared (QTP + QFP = 0)",
    "veb_sensitivity": "no reference V beat was compared (Vv + Vn + Vs + Vf + Vq + Vo = 0)",
    "veb_ppv": "no test beat was labelled V outside F and Q beats (Vv + Nv + Sv + Ov = 0)",
    "sveb_sensitivity": "no reference S beat was compared (Ss + Sn + Sv + Sf + Sq + So = 0)",
    "sveb_ppv": "no test beat was labelled S outside Q beats (Ss + Ns + Vs + Fs + Os = 0)",
    "veb_fpr": "no non-V reference beat and no extra test beat was compared (VTN + VFP = 0)",
}
STATISTICS: tuple[str, ...] = tuple(_WHY)
"""The statistic names of :class:`EC57Result` and of :class:`EC57Summary`."""


def _cells(rows: list[int], cols: list[int]) -> NDArray[np.int64]:
    mask = np.zeros((6, 6), dtype=np.int64)
    mask[np.ix_(rows, cols)] = 1
    return mask.ravel()


def _weights(sumstats: bool) -> NDArray[np.int64]:
    """Each statistic's numerator and denominator as a sum of matrix cells (bxb's
    ``print_results``; with ``sumstats``, as sumstats pools ``-L`` lines): rows of 36
    zeros and ones, two per statistic, in the order of :data:`STATISTICS`."""
    qtp = _cells(_ROWS_BEAT, _ROWS_BEAT)
    qfn = _cells(_ROWS_BEAT, [_O])
    qfp = _cells([_O], _ROWS_BEAT)
    vtp = _cells([_V], [_V])
    vfn = _cells([_V], [_N, _S, _F, _Q, _O])
    vfp = _cells([_N, _S, _O], [_V])  # Nv + Sv + Ov (+ Xv): an F or Q beat called V is not
    vtn = _cells([_N, _S, _F, _Q, _O], [_N, _S, _F, _Q])
    stp = _cells([_S], [_S])
    sfn = _cells([_S], [_N, _V, _F, _Q, _O])
    # bxb: SFP = Ns + Vs + Fs + Os + Xs; sumstats (-L) leaves out the F+Q row: Ns+Vs+Os.
    sfp = _cells([_N, _V, _O] if sumstats else [_N, _V, _F, _O], [_S])
    return np.array([
        qtp, qtp + qfn,  # qrs_sensitivity
        qtp, qtp + qfp,  # qrs_ppv
        vtp, vtp + vfn,  # veb_sensitivity
        vtp, vtp + vfp,  # veb_ppv
        stp, stp + sfn,  # sveb_sensitivity
        stp, stp + sfp,  # sveb_ppv
        vfp, vtn + vfp,  # veb_fpr
    ])


_WEIGHTS = {False: _weights(False), True: _weights(True)}


def _counts(m: NDArray[np.int64], sumstats: bool = False) -> dict[str, tuple[int, int]]:
    """Numerator and denominator of each statistic from the matrix (bxb / sumstats)."""
    values = (_WEIGHTS[sumstats] @ np.asarray(m, dtype=np.int64).ravel()).tolist()
    return {name: (values[2 * k], values[2 * k + 1]) for k, name in enumerate(STATISTICS)}


def sumstats_values(m: NDArray[np.int64]) -> list[int]:
    """:func:`sumstats_counts` flat: each statistic's numerator then denominator, in the
    order of :data:`STATISTICS` (the columns of a record's row in the ECG task)."""
    values: list[int] = (_WEIGHTS[True] @ np.asarray(m, dtype=np.int64).ravel()).tolist()
    return values


def sumstats_counts(m: NDArray[np.int64]) -> dict[str, tuple[int, int]]:
    """One record's numerator and denominator of each statistic as ``sumstats`` pools
    them: the gross counts of :func:`~medeval.metrics.ec57_summary` on that record."""
    return _counts(m, sumstats=True)
