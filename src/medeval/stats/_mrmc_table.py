"""Reading and checking a reader-study table for :func:`medeval.stats.mrmc`.

The table has one row per reading: ``reader, treatment, case, truth, rating``. The design
must be factorial (every reader reads every case in every treatment); anything else is
refused with every problem named.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .._csv_width import archive, data_lines, read_csv_rows
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


def _truth(values: pd.Series, source: str, lines: list[int] | None) -> NDArray[np.bool_]:
    """Truth as booleans: 1/0, True/False (or 1.0/0.0, as numbers or as text); anything
    else is refused, the rows named."""
    if values.isna().any():
        empty = values.isna().to_numpy()
        raise InvalidInputError(
            f"{source} column 'truth' is empty on {int(empty.sum())} row(s) "
            f"({_listing(_rows(empty, lines))}); give every case 1 (condition present) or "
            "0 (absent)"
        )
    allowed = {0, 1}
    bad = values.map(lambda v: not (isinstance(v, (bool, np.bool_)) or
                                    (_is_number(v) and float(v) in allowed))).to_numpy(bool)
    if bad.any():
        distinct = list(dict.fromkeys(repr(_python(v)) for v in values[bad]))
        raise InvalidInputError(
            f"{source} column 'truth' must hold 1 (condition present) or 0 (absent), "
            f"got {_listing(distinct)} ({_listing(_rows(bad, lines))})"
        )
    return np.asarray(values.astype(float).to_numpy() == 1.0, dtype=np.bool_)


def _is_number(value: Any) -> bool:
    """A number, or text that is one (``'1'``, ``'0.0'``: a table read as text, as the
    ratings beside it are read)."""
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


#: The columns that name a reading's reader, treatment and case.
_IDS = ("reader", "treatment", "case")
#: what pandas reads as missing by default (its ``read_csv`` documentation): in a file,
#: only ``truth`` takes them as missing; a reader, treatment or case named ``NA``, ``None``
#: or ``null`` is a name, and a rating is shown as written
_NA_TOKENS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
              "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan",
              "null")
_WHOLE_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)")
_INT64 = (-(2**63), 2**63 - 1)


def _ids_as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """Ids read from a CSV file as their text says, without the spaces around them (as
    the reader-study task and a manifest read them: ``R1 `` typed in a spreadsheet is
    reader ``R1``): a column of plain whole numbers (1, 2, ... 10) as integers, any
    other as text, so that reader ``01`` stays apart from reader ``1`` and case ``007``
    keeps its zeros (pandas' own guess reads both as numbers: 01 and 1 become one
    reader). Numbers beyond 64 bits (a 20-digit accession number) stay text."""
    for column in _IDS:
        if column in frame.columns:
            values = frame[column].str.strip()
            values = values.mask(values == "")  # a cell of spaces is empty, as '' is
            frame[column] = values
            present = values.dropna()
            if len(present) and all(_WHOLE_NUMBER.fullmatch(v) and _INT64[0] <= int(v)
                                    <= _INT64[1] for v in present):
                frame[column] = values.astype("Int64") if values.isna().any() \
                    else values.astype(np.int64)
    return frame


def _frame(table: Any, func: str) -> pd.DataFrame:
    if isinstance(table, (str, os.PathLike)):
        path = Path(table)
        if not path.is_file():
            raise InvalidInputError(f"{func}: no such table file: {path}")
        kind = archive(path)
        if kind is not None:  # pandas would read the one file inside as if it were this one
            raise InvalidInputError(f"{func}: {path} is {kind}, not CSV text: extract it and "
                                    "give the table's CSV file inside")
        try:
            frame = read_csv_rows(path, dtype={c: str for c in _IDS}, keep_default_na=False,
                                  na_values={"truth": list(_NA_TOKENS),
                                             **{c: [""] for c in _IDS}})
        except UnicodeDecodeError:
            from .._manifest_files import first_non_utf8, not_text

            kind = not_text(path)
            if kind is not None:
                raise InvalidInputError(
                    f"{func}: {path} is {kind}; save it as 'CSV UTF-8'") from None
            raise InvalidInputError(
                f"{func}: {path} is not UTF-8 text ({first_non_utf8(path)}); Excel's plain "
                "'CSV' on Korean Windows writes CP949 (EUC-KR): save it as 'CSV UTF-8'"
            ) from None
        except pd.errors.EmptyDataError:  # pandas: "No columns to parse from file"
            raise InvalidInputError(
                f"{func}: {path} is empty (no header line, only blank lines or none): the "
                f"table's first line is its header, {','.join(COLUMNS)}") from None
        except ValueError as exc:
            raise InvalidInputError(f"{func}: cannot read {path} as CSV: {exc}") from None
        return _ids_as_written(frame)
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
        a reader missing a case in a treatment (the missing cells named). Read from a
        file, every message names the file, and the lines where rows are at fault.
    """
    frame = _frame(table, func)
    # a file is named, and its rows given as its lines (the header is line 1; blank
    # lines, which pandas skips, counted)
    path = Path(table) if isinstance(table, (str, os.PathLike)) else None
    source = f"{func}: {path}:" if path is not None else f"{func}:"
    lines = data_lines(path, len(frame)) if path is not None else None
    _check_columns(frame, source, lines)
    ratings = _ratings(frame, source, lines)
    truth = _truth(frame["truth"], source, lines)
    case_codes, cases = _levels(frame["case"])
    per_case = pd.DataFrame({"case": case_codes, "truth": truth})
    n_truths = per_case.groupby("case")["truth"].nunique()
    two = n_truths.index[n_truths.to_numpy() > 1].to_numpy()
    if two.size:
        raise InvalidInputError(
            f"{source} {two.size} case(s) have two truths (1 in some rows, 0 in others): "
            f"{_listing([repr(cases[i]) for i in two])}; a case's truth is one fact"
        )
    positive = np.zeros(len(cases), dtype=np.bool_)
    positive[case_codes] = truth

    treatment_codes, treatments = _levels(frame["treatment"])
    reader_codes, readers = _levels(frame["reader"])
    if len(treatments) < 2:
        raise InvalidInputError(
            f"{source} one treatment only ({treatments[0]!r}); a reader study compares "
            "two or more treatments (modalities), each read by the same readers"
        )
    if positive.all() or not positive.any():
        kind = "1 (condition present)" if positive.all() else "0 (condition absent)"
        raise InvalidInputError(
            f"{source} every case has truth {kind}; the AUC needs cases of both classes"
        )
    labels = (treatments, readers, cases)
    shape = (len(treatments), len(readers), len(cases))
    flat = np.ravel_multi_index((treatment_codes, reader_codes, case_codes), shape)
    _check_factorial(flat, labels, source, lines)
    grid = np.empty(int(np.prod(shape)), dtype=np.float64)
    grid[flat] = ratings.to_numpy(dtype=np.float64)
    return Design(treatments, readers, cases, grid.reshape(shape), positive)


def _rows(mask: Any, lines: list[int] | None) -> list[str]:
    """The rows selected by ``mask``: a file's lines, or a DataFrame's 0-based rows."""
    at = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [f"line {lines[i]}" if lines is not None else f"row {i}" for i in at]


#: a reader-study task's readings file (reader, treatment, case, rating) given to mrmc:
#: the task takes each case's truth from the manifest
_NO_TRUTH = ("; a reader-study readings file has no truth (the task takes it from the "
             "manifest's reference): add a column truth, 1 for a case with the condition and "
             "0 for one without, the same in each of the case's rows")


def _check_columns(frame: pd.DataFrame, source: str, lines: list[int] | None) -> None:
    """Every column present and the table not empty; no reader, treatment or case
    empty (the rows named)."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        columns = [str(c) for c in frame.columns]
        separated = next((name for mark, name in ((";", "semicolons"), ("\t", "tabs"))
                          if len(columns) == 1 and mark in columns[0]), None)
        raise InvalidInputError(
            f"{source} the table lacks column(s) {', '.join(map(repr, missing))}; it needs "
            f"{', '.join(COLUMNS)} (one row per reading)"
            + (f"; its fields are separated by {separated}: the table is a CSV with commas"
               if separated else f"; it has {', '.join(map(repr, columns))}"
               + columns_written_otherwise(columns, missing))
            + (_NO_TRUTH if missing == ["truth"] else "")
        )
    if len(frame) == 0:
        raise InvalidInputError(f"{source} the table has no rows")
    for column in _IDS:
        if frame[column].isna().any():
            rows = np.flatnonzero(frame[column].isna().to_numpy())
            place = (f"line(s) {_listing([str(lines[i]) for i in rows])}" if lines is not None
                     else f"row(s) {_listing([str(i) for i in rows])} (0-based)")
            raise InvalidInputError(f"{source} column {column!r} is empty on {place}")


def columns_written_otherwise(columns: list[str], missing: list[str]) -> str:
    """For a message on missing columns: those of ``columns`` that are a missing one
    but for letter case or spaces (``'Reader'``, ``' rating'``), else ''."""
    near = [f"{c!r} for {c.strip().casefold()!r}" for c in columns
            if c != c.strip().casefold() and c.strip().casefold() in missing]
    return (f" (written otherwise: {', '.join(near)}; column names are read exactly, in "
            "lower case without spaces: rename them)" if near else "")


def _ratings(frame: pd.DataFrame, source: str, lines: list[int] | None) -> pd.Series:
    """The ratings as numbers; any that is not a finite number refused, named by its
    line (or reader, treatment and case) and value as written."""
    ratings = pd.to_numeric(frame["rating"], errors="coerce")
    if frame["rating"].dtype == bool:
        ratings = pd.Series(np.nan, index=frame.index)
    bad = ratings.isna() | ~np.isfinite(ratings.astype(float))
    if not bad.any():
        return ratings
    cells = [f"reader {_python(r)!r} treatment {_python(t)!r} case {_python(c)!r}"
             for r, t, c in frame.loc[bad, ["reader", "treatment", "case"]]
             .itertuples(index=False, name=None)]
    values = [_python(v) for v in frame.loc[bad, "rating"]]
    where = [f"{line} ({cell}): {value!r}" if lines is not None else f"{cell}: {value!r}"
             for line, cell, value in zip(_rows(bad, lines), cells, values)]
    raise InvalidInputError(
        f"{source} {int(bad.sum())} rating(s) are not finite numbers: {_listing(where)}"
        + decimal_comma_hint(values, numbers=int((~bad).sum())))


def decimal_comma_hint(values: list[Any], *, numbers: int = 0) -> str:
    """A note for ratings that are numbers but for a comma (``'5,5'`` from a spreadsheet
    in a locale writing decimal commas, or ``'1,250'`` grouped in thousands; which one
    is the file's to say), or that are words of a scale (``'probably abnormal'``: their
    order is the study's to give, not medeval's to guess), else ''. ``numbers``: how
    many of the ratings were numbers (words among them are not the whole scale)."""
    comma = next((v for v in values if isinstance(v, str) and _DECIMAL_COMMA.fullmatch(
        v.strip())), None)
    if comma is None:
        return _words_hint(values, numbers)
    return (f"; {comma!r} holds a comma (a decimal comma, or one grouping thousands): a "
            "rating is a plain number, with a decimal point and no grouping")


_DECIMAL_COMMA = re.compile(r"[-+]?\d*(,\d+)+")


def _words_hint(values: list[Any], numbers: int) -> str:
    """The note of :func:`decimal_comma_hint` for ratings written as words (three to ten
    of them, each with a letter, as a rating scale's categories are), else ''. Where other
    ratings are numbers, two or more words each with a digit are a scale's categories
    among its numbers (BI-RADS 1, 2, 3, 4a, 4b, 4c, 5): coding the words alone 1, 2, 3
    would rank them below the numbers, so the note says to place them among the numbers
    instead ('NA', 'missing' among numbers are readings to mend: no note)."""
    words = list(dict.fromkeys(v.strip() for v in values if isinstance(v, str)))
    if not (2 if numbers else 3) <= len(words) <= 10 or len(words) < len(
            {str(v).strip() for v in values}) or not all(
            any(ch.isalpha() for ch in w) for w in words):
        return ""
    if numbers:
        if not all(any(ch.isdigit() for ch in w) for w in words):
            return ""
        return (f"; {numbers} rating(s) are numbers and these are words ({len(words)}: "
                f"{', '.join(map(repr, words))}): the analysis ranks numbers, so code each "
                "word as a number that lies where the word lies among the numbers in the "
                "order of suspicion (BI-RADS 4a, 4b, 4c as 4.1, 4.2, 4.3, say: only the "
                "order counts)")
    return (f"; the ratings are words of a scale ({len(words)}: "
            f"{', '.join(map(repr, words))}): the analysis ranks numbers, so code each word "
            f"as a number in the order of suspicion, higher meaning more suspicious (1 for "
            f"the least suspicious to {len(words)} for the most)")


def _check_factorial(flat: NDArray[np.intp], labels: tuple[tuple[Hashable, ...], ...],
                     source: str, lines: list[int] | None) -> None:
    """Every reader read every case in every treatment, once (a file's lines named for
    a reading given twice)."""
    treatments, readers, cases = labels
    shape = (len(treatments), len(readers), len(cases))
    counts = np.bincount(flat, minlength=int(np.prod(shape)))
    twice = np.flatnonzero(counts > 1)
    if twice.size:
        cells = [_cell(int(i), shape, treatments, readers, cases)
                 + (f" ({', '.join(_rows(flat == i, lines))})" if lines is not None
                    and k < _SHOW else "")  # the lines of those shown only
                 for k, i in enumerate(twice)]
        raise InvalidInputError(
            f"{source} {twice.size} reading(s) appear more than once: {_listing(cells)}; "
            "give one rating per reader, treatment and case"
        )
    absent = np.flatnonzero(counts == 0)
    if absent.size:
        cells = [_cell(int(i), shape, treatments, readers, cases) for i in absent]
        hints = _design_hints(counts.reshape(shape) > 0, treatments, readers, cases)
        raise InvalidInputError(
            f"{source} the design is not factorial: "
            + "".join(f"{hint}; " for hint in hints)
            + f"{absent.size} reading(s) missing (every reader must read every case in "
            f"every treatment): {_listing(cells)}"
        )


def _label_hints(kind: str, labels: tuple[Hashable, ...]) -> list[str]:
    """Labels of one kind (readers, treatments or cases) that differ only in letter case,
    Unicode form or leading zeros, as one hint each."""
    hints = []
    alike: dict[str, list[str]] = {}
    for label in labels:
        if isinstance(label, str):
            alike.setdefault(unicodedata.normalize("NFC", label).casefold(),
                             []).append(label)
    twins = [" and ".join(_spelled(label) for label in group)
             for group in alike.values() if len(group) > 1]
    if twins:
        hints.append(
            f"{kind} {_listing(twins)} differ only in letter case or Unicode form "
            "(NFC/NFD); if they are one, write them one way")
    # '005' exported as 5 (a spreadsheet took it for a number and dropped its zeros);
    # 'R001' and 'R1' (two exports' templates) alike, but no spreadsheet did that
    unpadded: dict[str, list[str]] = {}
    for key, group in alike.items():
        unpadded.setdefault(_LEADING_ZEROS.sub(r"\1", key), []).append(group[0])
    kinds = [_zeros_kind(group) for group in unpadded.values()]
    for kind_of, why in (("number", " (a spreadsheet drops them from a number)"),
                         ("text", ""), ("cased", " and letter case")):
        padded = [" and ".join(map(repr, group))
                  for group, k in zip(unpadded.values(), kinds) if k == kind_of]
        if padded:
            hints.append(f"{kind} {_listing(padded)} differ only in leading zeros{why}; "
                         "if they are one, write them one way")
    return hints


def _readers_missing_a_treatment(present: NDArray[np.bool_],
                                 treatments: tuple[Hashable, ...],
                                 readers: tuple[Hashable, ...]) -> list[str]:
    """Readers with no reading at all in some treatment, named with the treatments they
    did read: most often one reader's name written otherwise in one session ('김 영희'
    and '김영희'), which the list of missing readings alone leaves to be guessed."""
    read: NDArray[np.bool_] = np.asarray(present.any(axis=2))  # treatment x reader
    partial = [j for j in range(len(readers)) if read[:, j].any() and not read[:, j].all()]
    if not partial:
        return []
    named = [f"{readers[j]!r} in " + " and ".join(repr(treatments[t]) for t in
                                                   np.flatnonzero(read[:, j])) + " only"
             for j in partial]
    return [f"reader(s) read no case in some treatment: {_listing(named)}; if a reader's "
            "name is written otherwise in one treatment, write it one way, else add the "
            "readings of the treatment missing"]


def _design_hints(present: NDArray[np.bool_], treatments: tuple[Hashable, ...],
                  readers: tuple[Hashable, ...], cases: tuple[Hashable, ...]) -> list[str]:
    """Why a design is not factorial, where the pattern of the readings shows it:
    labels that differ only in letter case or Unicode form, a split-plot design (groups
    of readers sharing no case, each group reading its cases in every treatment; the
    readings missing within the groups named apart), or treatments
    that hold different cases (every reader misses the same cases in a treatment)."""
    hints = [hint for kind, labels in (("readers", readers), ("treatments", treatments),
                                       ("cases", cases)) for hint in _label_hints(kind, labels)]
    if not any(hint.startswith("readers ") for hint in hints):  # else they say why
        hints += _readers_missing_a_treatment(present, treatments, readers)
    # readers joined when they share a case (in any treatment): groups of readers with
    # no case in common are a split-plot design, also where a reader skipped some of his
    # group's cases (those readings are named beside it), where a few cases (fewer than
    # any group's own) were read by every reader, as a case read to calibrate, and where
    # a reader read every case (in every group)
    read: NDArray[np.bool_] = np.asarray(present.any(axis=0))
    everywhere = read.all(axis=1)
    grouped = np.flatnonzero(~everywhere)
    shared = read[grouped].all(axis=0)
    own = read[grouped] & ~shared
    n_groups, labels = connected_components(
        csr_matrix(own.astype(np.int64) @ own.T.astype(np.int64)), directed=False)
    group_of = np.full(len(readers), -1)
    group_of[grouped] = labels
    group_own = np.array([own[labels == g].any(axis=0) for g in range(n_groups)])
    if n_groups > 1 and int(shared.sum()) < group_own.sum(axis=1).min() and all(
            present[:, group_of == g].any(axis=(1, 2)).all()
            for g in range(n_groups)):  # each group read every treatment
        group_cases = group_own | shared
        gaps = [(t, r, c) for t, r, c in zip(*np.nonzero(~present))
                if group_of[r] < 0 or group_cases[group_of[r], c]]
        groups = _listing([
            ", ".join(repr(readers[r]) for r in np.flatnonzero(group_of == g))
            + f" read {int(group_cases[g].sum())} cases" for g in range(n_groups)])
        common = (f", and {int(shared.sum())} case(s) every reader read ("
                  + _listing([repr(cases[c]) for c in np.flatnonzero(shared)]) + ")"
                  if shared.any() else "")
        if everywhere.any():
            common += (", and reader(s) " + ", ".join(
                repr(readers[r]) for r in np.flatnonzero(everywhere)) + " read every case")
        same = "" if gaps else ", the same ones in every treatment"
        hints.append(
            f"the readers fall into groups that each read their own cases{same} "
            f"({groups}){common}: a split-plot design, which this analysis does not "
            "support (Obuchowski & Rockette's factorial design only); analyse each group "
            "of readers with its own cases separately"
            + (f"; within the groups {len(gaps)} reading(s) are missing too: "
               + _listing([_cell(int(np.ravel_multi_index(g, present.shape)), present.shape,
                                 treatments, readers, cases) for g in gaps])
               if gaps else ""))
    elif (present == present[:, :1]).all():  # every reader misses the same cases
        only = [f"case {cases[c]!r} read in "
                f"{' and '.join(repr(treatments[t]) for t in np.flatnonzero(col))} only"
                for c, col in enumerate(present[:, 0, :].T) if not col.all()]
        hints.append(
            f"the treatments hold different cases ({_listing(only)}); a reader study "
            "compares the treatments on the same cases (leave out the cases not read in "
            "every treatment, and say so)")
    return hints


#: zeros that lead a run of digits (not the last digit of the run): '005' -> '5', 'MG-007'
#: -> 'MG-7', '0' stays
_LEADING_ZEROS = re.compile(r"(?<![\d.,])0+(\d)")


def _zeros_kind(group: list[str]) -> str | None:
    """How labels alike but for leading zeros (and letter case) differ: 'number' ('005'
    and '5', as a spreadsheet writes a number), 'text' ('R001' and 'R1'), 'cased' ('R001'
    and 'r1'); None for one label."""
    if len(group) < 2:
        return None
    if len({_LEADING_ZEROS.sub(r"\1", unicodedata.normalize("NFC", label))
            for label in group}) > 1:
        return "cased"
    return "number" if all(label.isdecimal() for label in group) else "text"


def _spelled(label: str) -> str:
    """A label as repr, with its Unicode form when it is not NFC (two spellings of one
    Hangul name print alike)."""
    return repr(label) + ("" if unicodedata.is_normalized("NFC", label) else " (NFD)"
                          if unicodedata.is_normalized("NFD", label) else " (not NFC)")


def _cell(index: int, shape: tuple[int, int, int], treatments: tuple[Hashable, ...],
          readers: tuple[Hashable, ...], cases: tuple[Hashable, ...]) -> str:
    t, r, c = np.unravel_index(index, shape)
    return f"reader {readers[r]!r} treatment {treatments[t]!r} case {cases[c]!r}"
