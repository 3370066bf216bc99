"""Reading and checking a reader-study table for :func:`medeval.stats.mrmc`.

The table has one row per reading: ``reader, treatment, case, truth, rating``. The design
must be factorial (every reader reads every case in every treatment); anything else is
refused with every problem named.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..errors import InvalidInputError

__all__ = ["COLUMNS", "Design", "read_design"]

COLUMNS = ("reader", "treatment", "case", "truth", "rating")
_SHOW = 10  # how many offending cells/cases a message lists before "... and N more"


@dataclass(frozen=True)
class Design:
    """A checked factorial reader study as arrays.

    ``ratings[t, r, c]`` is reader ``readers[r]``'s rating of case ``cases[c]`` in
    treatment ``treatments[t]``; ``positive[c]`` is the case's truth.
    """

    treatments: tuple[Hashable, ...]
    readers: tuple[Hashable, ...]
    cases: tuple[Hashable, ...]
    ratings: NDArray[np.float64]
    positive: NDArray[np.bool_]


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOW])
    more = len(items) - _SHOW
    return shown + (f" ... and {more} more" if more > 0 else "")


def _levels(values: pd.Series) -> tuple[NDArray[np.intp], tuple[Hashable, ...]]:
    """Codes and sorted levels (order of first appearance when labels cannot be sorted)."""
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(values, sort=False)
    return np.asarray(codes, dtype=np.intp), tuple(_python(v) for v in uniques)


def _python(value: Any) -> Hashable:
    """A numpy scalar as the Python scalar it holds (so labels compare and serialise)."""
    item = getattr(value, "item", None)
    result: Hashable = item() if callable(item) else value
    return result


def _truth(values: pd.Series, func: str) -> NDArray[np.bool_]:
    """Truth as booleans: 1/0, True/False (or 1.0/0.0); anything else is refused."""
    if values.isna().any():
        raise InvalidInputError(
            f"{func}: column 'truth' is empty in {int(values.isna().sum())} row(s); "
            "give every case 1 (condition present) or 0 (absent)"
        )
    allowed = {0, 1}
    distinct = pd.unique(values)
    bad = [v for v in distinct if not (isinstance(v, (bool, np.bool_)) or
                                       (_is_number(v) and float(v) in allowed))]
    if bad:
        raise InvalidInputError(
            f"{func}: column 'truth' must hold 1 (condition present) or 0 (absent), "
            f"got {_listing([repr(_python(v)) for v in bad])}"
        )
    return np.asarray(values.astype(float).to_numpy() == 1.0, dtype=np.bool_)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, str)


def _frame(table: Any, func: str) -> pd.DataFrame:
    if isinstance(table, (str, os.PathLike)):
        path = Path(table)
        if not path.is_file():
            raise InvalidInputError(f"{func}: no such table file: {path}")
        try:
            return pd.read_csv(path)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{func}: cannot read {path} as CSV: {exc}") from None
    if isinstance(table, pd.DataFrame):
        return table
    raise InvalidInputError(
        f"{func}: table must be a pandas DataFrame or the path of a CSV file, "
        f"got {type(table).__name__}"
    )


def read_design(table: Any, *, func: str = "mrmc") -> Design:
    """Check a reader-study table and return it as a :class:`Design`.

    Raises
    ------
    InvalidInputError
        Missing columns; ratings that are not numbers or are empty; a case with two
        truths; a reading given twice; one treatment only; every case of one class;
        a reader missing a case in a treatment (the missing cells named).
    """
    frame = _frame(table, func)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"{func}: the table lacks column(s) {', '.join(map(repr, missing))}; it needs "
            f"{', '.join(COLUMNS)} (one row per reading)"
        )
    if len(frame) == 0:
        raise InvalidInputError(f"{func}: the table has no rows")
    for column in ("reader", "treatment", "case"):
        if frame[column].isna().any():
            rows = np.flatnonzero(frame[column].isna().to_numpy())
            raise InvalidInputError(
                f"{func}: column {column!r} is empty in row(s) "
                f"{_listing([str(i) for i in rows])} (0-based)"
            )

    ratings = pd.to_numeric(frame["rating"], errors="coerce")
    if frame["rating"].dtype == bool:
        ratings = pd.Series(np.nan, index=frame.index)
    bad = ratings.isna() | ~np.isfinite(ratings.astype(float))
    if bad.any():
        where = [
            f"reader {_python(r)!r} treatment {_python(t)!r} case {_python(c)!r}: "
            f"{_python(v)!r}"
            for r, t, c, v in frame.loc[bad, ["reader", "treatment", "case", "rating"]]
            .itertuples(index=False, name=None)
        ]
        raise InvalidInputError(
            f"{func}: {int(bad.sum())} rating(s) are not finite numbers: {_listing(where)}"
        )

    truth = _truth(frame["truth"], func)
    case_codes, cases = _levels(frame["case"])
    per_case = pd.DataFrame({"case": case_codes, "truth": truth})
    n_truths = per_case.groupby("case")["truth"].nunique()
    two = n_truths.index[n_truths.to_numpy() > 1].to_numpy()
    if two.size:
        raise InvalidInputError(
            f"{func}: {two.size} case(s) have two truths (1 in some rows, 0 in others): "
            f"{_listing([repr(cases[i]) for i in two])}; a case's truth is one fact"
        )
    positive = np.zeros(len(cases), dtype=np.bool_)
    positive[case_codes] = truth

    treatment_codes, treatments = _levels(frame["treatment"])
    reader_codes, readers = _levels(frame["reader"])
    if len(treatments) < 2:
        raise InvalidInputError(
            f"{func}: one treatment only ({treatments[0]!r}); a reader study compares "
            "two or more treatments (modalities), each read by the same readers"
        )
    if positive.all() or not positive.any():
        kind = "1 (condition present)" if positive.all() else "0 (condition absent)"
        raise InvalidInputError(
            f"{func}: every case has truth {kind}; the AUC needs cases of both classes"
        )

    shape = (len(treatments), len(readers), len(cases))
    flat = np.ravel_multi_index((treatment_codes, reader_codes, case_codes), shape)
    counts = np.bincount(flat, minlength=int(np.prod(shape)))
    twice = np.flatnonzero(counts > 1)
    if twice.size:
        cells = [_cell(int(i), shape, treatments, readers, cases) for i in twice]
        raise InvalidInputError(
            f"{func}: {twice.size} reading(s) appear more than once: {_listing(cells)}; "
            "give one rating per reader, treatment and case"
        )
    absent = np.flatnonzero(counts == 0)
    if absent.size:
        cells = [_cell(int(i), shape, treatments, readers, cases) for i in absent]
        raise InvalidInputError(
            f"{func}: the design is not factorial: {absent.size} reading(s) missing "
            f"(every reader must read every case in every treatment): {_listing(cells)}"
        )
    grid = np.empty(int(np.prod(shape)), dtype=np.float64)
    grid[flat] = ratings.to_numpy(dtype=np.float64)
    return Design(treatments, readers, cases, grid.reshape(shape), positive)


def _cell(index: int, shape: tuple[int, int, int], treatments: tuple[Hashable, ...],
          readers: tuple[Hashable, ...], cases: tuple[Hashable, ...]) -> str:
    t, r, c = np.unravel_index(index, shape)
    return f"reader {readers[r]!r} treatment {treatments[t]!r} case {cases[c]!r}"
