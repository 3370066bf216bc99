"""Label and prediction tables (CSV, Parquet) keyed by a case id column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._hashing import sha256_file
from ..errors import TableError

__all__ = ["CaseTable", "join_cases", "read_table"]

_LIST_LIMIT = 1_000_000  # "name them all": every id is listed


@dataclass(frozen=True)
class CaseTable:
    """A table of cases indexed by case id (strings), with where it came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per case, indexed by the case id as a string, holding the requested
        columns only.
    source : str
        The file path, or ``"<DataFrame>"`` for an in-memory table.
    sha256 : str or None
        SHA-256 of the file's bytes; None for an in-memory table.
    role : str
        What the table is, for messages: ``"reference"``, ``"predictions"``.
    """

    frame: pd.DataFrame
    source: str
    sha256: str | None
    role: str


def read_table(
    source: str | Path | pd.DataFrame,
    *,
    columns: Sequence[str],
    id_column: str = "case_id",
    role: str = "table",
) -> CaseTable:
    """Read a CSV or Parquet table of cases and check it.

    The id column is read as text, so ``007`` stays ``007``. Every problem is reported
    at once: missing columns, empty ids, and every duplicated id.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv`` (any other suffix is read as CSV too) or ``.parquet`` file, or a
        DataFrame.
    columns : sequence of str
        The columns needed besides the id column.
    id_column : str
        The case id column.
    role : str
        What the table is, used in messages (e.g. ``"reference"``).

    Returns
    -------
    CaseTable

    Raises
    ------
    TableError
        The file does not exist or cannot be parsed; a column is missing; an id is
        empty; ids are duplicated (all of them listed).

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_table(pd.DataFrame({"case_id": ["a", "b"], "label": [1, 0]}),
    ...                columns=["label"], role="reference")
    >>> t.frame["label"].to_dict()
    {'a': 1, 'b': 0}
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        where, digest = "<DataFrame>", None
        if id_column in frame.columns:
            frame[id_column] = frame[id_column].map(
                lambda v: v if pd.isna(v) else str(v)
            )
    else:
        path = Path(source)
        where = str(path)
        if not path.is_file():
            raise TableError(f"{role} table {where}: no such file")
        digest = sha256_file(path)
        try:
            if path.suffix.lower() == ".parquet":
                frame = pd.read_parquet(path)
                if id_column in frame.columns:
                    frame[id_column] = frame[id_column].astype("string").astype(object)
            else:
                frame = pd.read_csv(path, dtype={id_column: str}, keep_default_na=True)
        except (ValueError, ImportError, OSError, pd.errors.ParserError) as exc:
            raise TableError(f"{role} table {where}: cannot be read: {exc}") from exc
    problems = []
    missing = [c for c in [id_column, *columns] if c not in frame.columns]
    if missing:
        problems.append(
            f"missing column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(repr, map(str, frame.columns)))} (choose other column names "
            "with the id/label/score options)"
        )
    else:
        ids = frame[id_column]
        empty = ids.isna() | (ids.astype(str).str.strip() == "")
        if empty.any():
            rows = [str(i + 2) for i in empty.to_numpy().nonzero()[0]]
            problems.append(f"empty {id_column!r} on line(s) {_listing(rows)}")
        dup = ids[ids.duplicated(keep=False) & ~empty]
        if not dup.empty:
            problems.append(f"duplicate {id_column!r} value(s) {_listing(sorted(set(dup)))}")
    if problems:
        raise TableError(f"{role} table {where}: " + "; ".join(problems))
    frame = frame.set_index(id_column)[list(columns)]
    frame.index = frame.index.astype(str)
    return CaseTable(frame=frame, source=where, sha256=digest, role=role)


def join_cases(reference: CaseTable, predictions: CaseTable) -> pd.DataFrame:
    """Join two case tables on their ids, sorted by id; every id must be in both.

    Raises
    ------
    TableError
        Listing every case id that is in one table and not the other.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = read_table(pd.DataFrame({"case_id": ["b", "a"], "label": [1, 0]}),
    ...                  columns=["label"])
    >>> pred = read_table(pd.DataFrame({"case_id": ["a", "b"], "score": [.2, .9]}),
    ...                   columns=["score"])
    >>> join_cases(ref, pred).index.tolist()
    ['a', 'b']
    """
    ref_ids, pred_ids = set(reference.frame.index), set(predictions.frame.index)
    problems = []
    if ref_ids - pred_ids:
        problems.append(
            f"{len(ref_ids - pred_ids)} case(s) of {reference.role} {reference.source} have "
            f"no row in {predictions.role} {predictions.source}: "
            f"{_listing(sorted(ref_ids - pred_ids))}"
        )
    if pred_ids - ref_ids:
        problems.append(
            f"{len(pred_ids - ref_ids)} case(s) of {predictions.role} {predictions.source} "
            f"are not in {reference.role} {reference.source}: "
            f"{_listing(sorted(pred_ids - ref_ids))}"
        )
    if problems:
        raise TableError("; ".join(problems))
    joined = reference.frame.merge(
        predictions.frame, left_index=True, right_index=True, how="inner",
        suffixes=("", "_prediction"),
    )
    return joined.sort_index()


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(map(str, items[:_LIST_LIMIT]))
    more = len(items) - _LIST_LIMIT
    return shown + (f" and {more} more" if more > 0 else "")
