"""Bootstrap resampling as frequency weights: plain, stratified and clustered.

A resample is a row of non-negative integer weights, one per observation: how many times
the resample drew it. Weights rather than index arrays let a clustered resample (whole
patients, each with several cases) keep a rectangular shape, and let statistics such as
the AUC be computed from per-rank-group sums in one vectorised pass.

Private: the bootstrap engine (:mod:`medeval.stats._bootstrap_engine`) draws with it for
:func:`medeval.stats.bootstrap_ci` and :func:`medeval.stats.auc_ci`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..errors import InvalidInputError

#: Largest number of weight cells (resamples x observations) held in memory at once.
MAX_BATCH_CELLS = 1_000_000


@dataclass(frozen=True)
class Units:
    """The resampling units of a data set and how observations map onto them.

    ``unit_of[i]`` is the unit (cluster) of observation ``i``; ``strata`` lists, per
    stratum, the units it holds. Without clusters every observation is its own unit.
    """

    n_obs: int
    unit_of: NDArray[np.intp] | None
    n_units: int
    strata: tuple[NDArray[np.intp], ...]


def make_units(
    n_obs: int,
    *,
    strata: ArrayLike | None,
    clusters: ArrayLike | None,
    func: str,
) -> Units:
    """Build the resampling units, checking that strata and clusters are consistent."""
    unit_of: NDArray[np.intp] | None = None
    n_units = n_obs
    if clusters is not None:
        cluster_ids = as_array(clusters, name="clusters", func=func)
        if cluster_ids.shape != (n_obs,):
            raise InvalidInputError(
                f"{func}: clusters must give one id per case ({n_obs}), got shape "
                f"{cluster_ids.shape}"
            )
        unit_of = cluster_codes(cluster_ids, func=func)
        n_units = int(unit_of.max()) + 1 if n_obs else 0
    if strata is None:
        groups: tuple[NDArray[np.intp], ...] = (np.arange(n_units, dtype=np.intp),)
    else:
        stratum_ids = as_array(strata, name="strata", func=func)
        if stratum_ids.shape != (n_obs,):
            raise InvalidInputError(
                f"{func}: strata must give one value per case ({n_obs}), got shape "
                f"{stratum_ids.shape}"
            )
        stratum_of = cluster_codes(stratum_ids, func=func, what="stratum")
        if unit_of is not None:
            per_unit = np.full(n_units, -1, dtype=np.intp)
            per_unit[unit_of] = stratum_of
            if not np.array_equal(per_unit[unit_of], stratum_of):
                raise InvalidInputError(
                    f"{func}: a cluster spans several strata; stratified resampling of "
                    "clusters needs every cluster inside one stratum (stratify by a "
                    "patient-level variable, or do not stratify)"
                )
            stratum_of = per_unit
        groups = tuple(
            np.flatnonzero(stratum_of == s).astype(np.intp)
            for s in range(int(stratum_of.max()) + 1)
        )
    return Units(n_obs=n_obs, unit_of=unit_of, n_units=n_units, strata=groups)


def cluster_codes(
    ids: NDArray[Any], *, func: str, what: str = "cluster (patient)"
) -> NDArray[np.intp]:
    """Each case's cluster (or, with ``what="stratum"``, stratum) as its position among
    the sorted distinct ids (``numpy.unique``'s inverse).

    Raises
    ------
    InvalidInputError
        An id that is missing (None or NaN: a case without its patient, which would
        otherwise be a patient of its own or join the other missing ones), or ids of
        kinds that cannot be ordered together (numbers and text in one object array).
    """
    if ids.dtype.kind == "f":
        missing = np.isnan(ids)
    elif ids.dtype.kind == "O":
        import pandas as pd  # its isna knows None, NaN, NaT and pd.NA

        missing = np.asarray(pd.isna(ids), dtype=bool)
    else:
        missing = np.zeros(ids.shape, dtype=bool)
    if missing.any():
        where = np.flatnonzero(missing)
        shown = ", ".join(map(str, where[:10])) + (" ..." if where.size > 10 else "")
        owner = "its stratum" if what == "stratum" else "its patient"
        raise InvalidInputError(
            f"{func}: {where.size} case(s) have no {what} id (None or NaN), at "
            f"position(s) {shown}; give every case {owner}")
    try:
        _, inverse = np.unique(ids, return_inverse=True)
    except TypeError:
        kinds = sorted({type(v).__name__ for v in ids.tolist()})
        raise InvalidInputError(
            f"{func}: the {what} ids mix kinds that cannot be ordered together "
            f"({', '.join(kinds)}); give them all as text or all as numbers") from None
    return np.asarray(inverse, dtype=np.intp).reshape(-1)


def draw_batches(
    units: Units, n_resamples: int, rng: np.random.Generator
) -> Iterator[list[NDArray[np.integer[Any]]]]:
    """Yield, per batch of resamples, the draws in each stratum.

    Within each stratum the stratum's units are drawn with replacement as many times as
    the stratum holds units: ``rng.integers(0, size, (b, size))``, stratum after stratum.
    An unstratified, unclustered run therefore draws exactly what
    :func:`scipy.stats.bootstrap` draws with the same generator. The arrays hold
    positions within the stratum: unit ``units.strata[s][draws[s]]``.
    """
    for b in batch_sizes(units, n_resamples):
        yield [rng.integers(0, members.size, (b, members.size), dtype=_draw_type(members.size))
               for members in units.strata]


def _draw_type(size: int) -> type[np.unsignedinteger[Any]] | type[np.signedinteger[Any]]:
    """The integer type of the draws from a stratum of ``size`` units.

    Below 2**32 units, ``rng.integers(0, size, shape, dtype=np.uint32)`` gives the values
    of ``rng.integers(0, size, shape)`` (int64), one after the other from the same 32-bit
    draws of the generator, several times faster (numpy's bounded 32-bit fill, no widening).
    """
    return np.uint32 if size <= 1 << 32 else np.int64


def batch_sizes(units: Units, n_resamples: int) -> Iterator[int]:
    """The number of resamples in each of :func:`draw_batches`' batches.

    Within a batch the draws are made stratum after stratum, ``b`` rows each. Drawn in
    several calls instead of one (row by row, a block of a row at a time, in the same
    order), ``rng.integers`` gives the same values: with bounds below 2**32 numpy draws
    32-bit values one after the other from the generator's state.
    """
    per_batch = max(1, min(n_resamples, MAX_BATCH_CELLS // max(units.n_obs, 1)))
    done = 0
    while done < n_resamples:
        b = min(per_batch, n_resamples - done)
        yield b
        done += b


def draws_to_weights(
    units: Units, draws: list[NDArray[np.integer[Any]]]
) -> NDArray[np.float64]:
    """Turn one batch of draws into observation weights of shape (b, n_obs)."""
    unit_weights = draws_to_unit_weights(units, draws)
    if units.unit_of is None:
        return unit_weights
    return unit_weights[:, units.unit_of]


def draws_to_unit_weights(
    units: Units, draws: list[NDArray[np.integer[Any]]]
) -> NDArray[np.float64]:
    """Turn one batch of draws into unit weights of shape (b, n_units): how many times
    each resample drew each unit (a cluster, or an observation without clusters).

    One count over the whole batch: the units drawn in row ``r`` are counted at
    ``r * n_units + unit``."""
    b = draws[0].shape[0]
    offsets = np.arange(0, b * units.n_units, units.n_units, dtype=np.intp)[:, None]
    if len(draws) == 1:  # one stratum: the positions drawn are the units
        drawn = np.add(draws[0], offsets, dtype=np.intp)
    else:
        drawn = np.concatenate([m[d] for m, d in zip(units.strata, draws)], axis=1)
        drawn += offsets
    counts = np.bincount(drawn.ravel(), minlength=b * units.n_units)
    return counts.reshape(b, units.n_units).astype(np.float64)


def weight_batches(
    units: Units, n_resamples: int, rng: np.random.Generator
) -> Iterator[NDArray[np.float64]]:
    """Yield the resamples' observation weights in batches of shape (b, n_obs)."""
    for draws in draw_batches(units, n_resamples, rng):
        yield draws_to_weights(units, draws)


def leave_one_out_batches(units: Units) -> Iterator[NDArray[np.float64]]:
    """Yield jackknife weights: all ones except one unit set to zero, per row."""
    per_batch = max(1, MAX_BATCH_CELLS // max(units.n_obs, 1))
    for start in range(0, units.n_units, per_batch):
        stop = min(units.n_units, start + per_batch)
        unit_weights = np.ones((stop - start, units.n_units), dtype=np.float64)
        unit_weights[np.arange(stop - start), np.arange(start, stop)] = 0.0
        if units.unit_of is None:
            yield unit_weights
        else:
            yield unit_weights[:, units.unit_of]


def unit_sums(units: Units, values: NDArray[Any]) -> NDArray[np.float64]:
    """Sum ``values`` (one per observation) within each unit."""
    if units.unit_of is None:
        return np.asarray(values, dtype=np.float64)
    return np.asarray(
        np.bincount(units.unit_of, weights=values, minlength=units.n_units), dtype=np.float64
    )
