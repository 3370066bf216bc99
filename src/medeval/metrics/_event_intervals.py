"""The interval arithmetic of SzCORE's event scoring: the parameters and ``(start_s,
end_s)`` pairs checked, events merged across short gaps and cut to a maximum length,
the hypothesis events that overlap no window, and timescoring's sample mask.

A leaf module, private: :mod:`medeval.metrics.events` scores with it (the rules, in
order, are in that module's docstring).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import _positions
from ..errors import InvalidInputError

#: overlaps of a false-positive candidate up to this length are floating-point noise
_TIME_TOLERANCE_S = 1e-9


def _parameter(
    value: Any, *, name: str, func: str, zero: bool = False, inf: bool = False
) -> float:
    """A number > 0 (``zero``: >= 0), finite unless ``inf``; booleans and NaN refused."""
    try:
        number = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (number >= 0 if zero else number > 0) or (math.isinf(number) and not inf):
        bound = ">= 0" if zero else "> 0"
        raise InvalidInputError(f"{func}: {name} must be a number {bound}, got {value!r}")
    return number


def _events(events: ArrayLike, *, name: str, func: str, duration: float) -> NDArray[np.float64]:
    """Validate ``(start_s, end_s)`` pairs; return them as an (n, 2) float array."""
    try:
        array = np.asarray(events)
    except ValueError:  # ragged: pairs of different lengths
        raise InvalidInputError(
            f"{func}: {name} must be (start_s, end_s) pairs, shape (n, 2); got ragged rows"
        ) from None
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise InvalidInputError(
            f"{func}: {name} must be (start_s, end_s) pairs, shape (n, 2); got shape "
            f"{array.shape}"
        )
    if array.dtype.kind not in "biuf" or array.dtype == np.bool_:
        raise InvalidInputError(f"{func}: {name} must be numeric, got dtype {array.dtype}")
    array = array.astype(np.float64)
    problems = []
    checks = [
        (~np.isfinite(array).all(axis=1), "not finite"),
        (array[:, 0] < 0, "starting before 0 s"),
        (array[:, 1] < array[:, 0], "ending before they start"),
        (array[:, 1] > duration, f"ending after duration_s = {duration!r}"),
    ]
    late = np.flatnonzero(array[:, 1] > duration)
    for bad, what in checks:
        if bad.any():
            problems.append(f"{what} at position(s) {_positions(bad)}")
    if problems:
        if late.size:  # a time in samples or milliseconds, not seconds, ends so
            problems.append(f"the first such ends at {array[late[0], 1]:g} s: times are "
                            "seconds from the start of the recording")
        raise InvalidInputError(f"{func}: {name} has events " + "; ".join(problems))
    return array


def _merge(events: NDArray[np.float64], min_gap: float) -> list[tuple[float, float]]:
    """Sort by start; merge an event into the previous one when the gap is < min_gap."""
    merged: list[tuple[float, float]] = []
    for start, end in events[np.lexsort((events[:, 1], events[:, 0]))].tolist():
        if merged and start - merged[-1][1] < min_gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _split(events: list[tuple[float, float]], max_length: float) -> NDArray[np.float64]:
    """Cut events longer than max_length, with timescoring's arithmetic (start + L...)."""
    pieces: list[tuple[float, float]] = []
    for start, end in events:
        while end - start > max_length:
            pieces.append((start, start + max_length))
            start = start + max_length
        pieces.append((start, end))
    return np.array(pieces, dtype=np.float64).reshape(-1, 2)


def _not_overlapping(
    events: NDArray[np.float64], starts: NDArray[np.float64], ends: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """True for each event that overlaps (by a positive length) none of the windows."""
    if len(starts) == 0:
        return np.ones(len(events), dtype=bool)
    order = np.argsort(starts, kind="stable")
    union: list[list[float]] = []
    for a, b in zip(starts[order].tolist(), ends[order].tolist()):
        if union and a <= union[-1][1]:
            union[-1][1] = max(union[-1][1], b)
        else:
            union.append([a, b])
    u = np.array(union, dtype=np.float64)
    k = np.searchsorted(u[:, 0], events[:, 1], side="left") - 1
    kk = np.clip(k, 0, None)
    overlap = np.minimum(events[:, 1], u[kk, 1]) - np.maximum(events[:, 0], u[kk, 0])
    result: NDArray[np.bool_] = (k < 0) | (overlap <= _TIME_TOLERANCE_S)
    return result


def _mask(events: NDArray[np.float64], n: int, fs: float) -> NDArray[np.bool_]:
    """timescoring's mask: samples round(s fs) .. round(e fs) - 1 of each event."""
    change = np.zeros(n + 1, dtype=np.int64)
    starts = [round(s * fs) for s in events[:, 0].tolist()]
    ends = [round(e * fs) for e in events[:, 1].tolist()]
    np.add.at(change, np.array(starts, dtype=np.int64), 1)
    np.add.at(change, np.array(ends, dtype=np.int64), -1)
    result: NDArray[np.bool_] = np.cumsum(change[:n]) > 0
    return result
