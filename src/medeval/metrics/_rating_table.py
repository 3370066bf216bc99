"""The subjects x raters table behind :func:`~medeval.metrics.icc.icc`, from an
array or from a pandas DataFrame whose layout the caller names.

A DataFrame's columns are never taken as raters by guess: a subject-id column of integers
is as numeric as a rater's column, and a long table (subject, rater, rating) is a numeric
table of three columns, so either would give an ICC without a word. The caller says
which column holds the subjects (wide) or which three columns hold subject, rater and
rating (long); otherwise the DataFrame is refused.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import _positions, as_array
from ..errors import InvalidInputError

__all__ = ["rating_table"]

_LAYOUT = ("give subject='<column>' for a wide table (that column holds the subject ids, "
           "every other column is one rater), or subject=, rater= and rating= for a long "
           "table (one row per rating)")


def rating_table(ratings: ArrayLike, *, subject: str | None, rater: str | None,
                 rating: str | None, func: str) -> NDArray[np.float64]:
    """``ratings`` as a complete, finite, numeric subjects x raters float table."""
    pd = sys.modules.get("pandas")
    named = {"subject": subject, "rater": rater, "rating": rating}
    if pd is not None and isinstance(ratings, pd.DataFrame):
        if subject is None:
            raise InvalidInputError(
                f"{func}: ratings is a DataFrame with columns {_names(ratings.columns)}: "
                f"{_LAYOUT}; its columns are not taken as raters by guess (a subject-id "
                "column would be read as a rater)")
        if rater is None and rating is None:
            return _checked(_wide(ratings, subject, func=func), func=func)
        if rater is None or rating is None:
            raise InvalidInputError(
                f"{func}: a long table needs subject=, rater= and rating= together, got "
                + ", ".join(f"{k}={v!r}" for k, v in named.items()))
        return _checked(_long(ratings, subject, rater, rating, func=func), func=func)
    given = [k for k, v in named.items() if v is not None]
    if given:
        raise InvalidInputError(
            f"{func}: {', '.join(given)} name columns of a pandas DataFrame, but ratings is "
            f"a {type(ratings).__name__}; an array is read as subjects (rows) x raters "
            "(columns)")
    return _checked(as_array(ratings, name="ratings", func=func), func=func)


def _names(columns: Any, limit: int = 8) -> str:
    shown = [repr(c) for c in list(columns)[:limit]]
    return "[" + ", ".join(shown) + (", ..." if len(columns) > limit else "") + "]"


def _id(value: Any) -> str:
    """An id as the user wrote it: ``0``, ``'s1'`` (not numpy's ``np.int64(0)``)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _ids(values: Any, limit: int = 10) -> str:
    shown = [_id(v) for v in list(values)[:limit]]
    return ", ".join(shown) + (f" (and {len(values) - limit} more)" if len(values) > limit
                               else "")


def _wide(frame: Any, subject: str, *, func: str) -> NDArray[Any]:
    """Rows are subjects: ``subject`` names a column, or the index by its name."""
    in_columns, in_index = subject in frame.columns, subject in frame.index.names
    if in_columns and in_index:
        raise InvalidInputError(
            f"{func}: subject={subject!r} names both a column and the index; rename one")
    if not (in_columns or in_index):
        raise InvalidInputError(
            f"{func}: subject={subject!r} is neither a column nor the index's name; the "
            f"columns are {_names(frame.columns)}")
    ids = frame[subject] if in_columns else frame.index.get_level_values(subject).to_series()
    raters = frame.drop(columns=subject) if in_columns else frame
    _unique_ids(ids, what=f"subject column {subject!r}", func=func)
    for name in raters.columns:
        if raters[name].dtype.kind not in "biuf":
            raise InvalidInputError(
                f"{func}: in a wide table every column but {subject!r} is a rater, and "
                f"column {name!r} is not numeric (dtype {raters[name].dtype}); select the "
                "rater columns, e.g. df[[subject, *raters]]")
    # as floats: numpy reads pandas' nullable columns (Float64, Int64) side by side as
    # objects, which _checked would refuse as not numeric; a missing value is NaN
    return np.asarray(raters.to_numpy(dtype=np.float64, na_value=np.nan))


def _present(ids: Any, *, what: str, func: str) -> None:
    missing = ids.isna().to_numpy()
    if missing.any():
        raise InvalidInputError(
            f"{func}: {what} is empty at row position(s) {_positions(missing)}")


def _unique_ids(ids: Any, *, what: str, func: str) -> None:
    _present(ids, what=what, func=func)
    repeated = ids[ids.duplicated()].unique()
    if len(repeated):
        raise InvalidInputError(
            f"{func}: {what} repeats subject(s) {_ids(repeated)}: a wide table holds one "
            "row per subject")


def _one_kind(ids: Any, name: str, *, func: str) -> None:
    """Refuse an id column mixing text and numbers (``1`` beside ``'b'``, or ``1`` beside
    ``'1'``, which would be two subjects): the ids could not be sorted (pandas raised a
    bare TypeError), and whether ``1`` and ``'1'`` are one subject is not ours to guess."""
    kinds = {isinstance(v, str) for v in ids.tolist()}
    if len(kinds) > 1:
        text = next(v for v in ids.tolist() if isinstance(v, str))
        number = next(v for v in ids.tolist() if not isinstance(v, str))
        raise InvalidInputError(
            f"{func}: column {name!r} mixes text and numbers as ids (e.g. {_id(number)} and "
            f"{text!r}); give every id as text or every id as a number "
            f"(df[{name!r}].astype(str))")


def _long(frame: Any, subject: str, rater: str, rating: str, *, func: str) -> NDArray[Any]:
    """One row per (subject, rater); pivoted to subjects (sorted) x raters (sorted)."""
    absent = [c for c in (subject, rater, rating) if c not in frame.columns]
    if absent:
        raise InvalidInputError(
            f"{func}: column(s) {_ids(absent)} not in the DataFrame; its columns are "
            f"{_names(frame.columns)}")
    for name in (subject, rater):
        _present(frame[name], what=f"column {name!r}", func=func)
        _one_kind(frame[name], name, func=func)
    if frame[rating].dtype.kind not in "biuf":
        raise InvalidInputError(
            f"{func}: rating column {rating!r} must be numeric, got dtype {frame[rating].dtype}")
    bad = frame[~np.isfinite(frame[rating].to_numpy(dtype=np.float64))]
    if len(bad):
        raise InvalidInputError(
            f"{func}: ratings must be finite; NaN or inf for subject(s) "
            f"{_ids(bad[subject].unique())}; drop those subjects or impute")
    pairs = frame[[subject, rater]]
    twice = frame[pairs.duplicated(keep=False)]
    if len(twice):
        # each id from its own column: a row of int ids and float ratings is all floats
        first_subject, first_rater = twice[subject].iloc[0], twice[rater].iloc[0]
        raise InvalidInputError(
            f"{func}: {len(twice)} rows rate the same subject by the same rater, e.g. "
            f"subject {_id(first_subject)} by rater {_id(first_rater)}; a long table holds "
            "one rating per subject and rater")
    table = frame.pivot(index=subject, columns=rater, values=rating).sort_index(axis=0)
    table = table.sort_index(axis=1)
    holes = table.isna()
    if holes.to_numpy().any():
        lacking = holes.index[holes.any(axis=1)]
        raters = holes.columns[holes.any(axis=0)]
        raise InvalidInputError(
            f"{func}: the ICC needs every subject rated by every rater; subject(s) "
            f"{_ids(lacking)} lack a rating from rater(s) {_ids(raters)}; drop those "
            "subjects or impute")
    return np.asarray(table.to_numpy(dtype=np.float64, na_value=np.nan))


def _checked(table: NDArray[Any], *, func: str) -> NDArray[np.float64]:
    if table.ndim != 2:
        raise InvalidInputError(
            f"{func}: ratings must be a subjects x raters table (2-D), got shape {table.shape}"
        )
    if table.dtype.kind not in "biuf":
        raise InvalidInputError(f"{func}: ratings must be numeric, got dtype {table.dtype}")
    out = table.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        raise InvalidInputError(
            f"{func}: ratings must be finite and complete; NaN or inf in subject row(s) "
            f"{_positions(np.asarray(bad.any(axis=1)))}; drop those subjects or impute"
        )
    n, k = out.shape
    if n < 2 or k < 2:
        raise InvalidInputError(
            f"{func}: at least 2 subjects and 2 raters are needed, got {n} subject(s) x "
            f"{k} rater(s)"
        )
    return out
