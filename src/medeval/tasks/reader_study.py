"""Reader studies: do readers with the AI do better than without it?

The ``reader-study`` task type (:class:`ReaderStudy`). The manifest names the cases and
their truth (``reference``: the protocol's ``positive_label`` or ``negative_label``);
the protocol's ``task.readings`` is a CSV with one row per reading::

    reader,treatment,case,rating
    R1,with AI,RS-001,4
    R1,without AI,RS-001,3

Every reader reads every case in both treatments (a factorial, fully crossed study). The
evaluation runs :func:`medeval.stats.mrmc` (Obuchowski–Rockette with Hillis's
denominator degrees of freedom, or DBM) on all cases and on each subgroup, and reports

- ``auc_difference``: the reader-averaged AUC of ``test_treatment`` minus that of
  ``reference_treatment`` with its interval for the protocol's ``scope`` (RRRC by
  default), judged against 0 (superiority) or −margin (non-inferiority);
- ``test_auc`` and ``reference_auc``: each treatment's reader-averaged AUC with its
  interval;

and the table ``reader_study``: the comparison, the reader × treatment AUCs, the variance
components, the ANOVA of the AUCs and, for each scope, the test (statistic, df, p) and
the difference test − reference with its interval (read back by
:class:`ReaderStudyTable`).

Bad input — a reader missing a case, a case read twice, a rating that is not a number,
one treatment only, a treatment the protocol does not name, every case of one class — is
an :class:`~medeval.errors.InvalidInputError` naming the readings file and the problem.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._csv_width import archive, data_lines, read_csv_rows
from .._hashing import sha256_file
from .._manifest_files import first_non_utf8, not_text
from .._plural import counted
from ..decision import as_written
from ..errors import InvalidInputError
from ..manifest import Case
from ..reader_study_table import ReaderStudyTable, oriented
from ..result import InputRecord
from ..stats._mrmc_table import columns_written_otherwise, decimal_comma_hint
from ..stats.estimate import Estimate
from ..stats.mrmc import (
    BELOW_CHANCE,
    CONSTANT_READINGS,
    MRMCResult,
    below_chance_text,
    mrmc,
    readers_below_chance,
)
from ._copied_readings import copied_readings
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    TaskType,
    metric_record,
    several_per_patient,
)
from .binary_classification import BinaryClassification

__all__ = ["READINGS_COLUMNS", "ReaderStudy", "read_readings", "readings_table"]

#: The readings file's columns (``truth`` may be added: it must agree with the manifest).
READINGS_COLUMNS = ("reader", "treatment", "case", "rating")
_SCOPES = ("RRRC", "FRRC", "RRFC")
_SHOW = 10


def _listing(items: Sequence[str]) -> str:
    more = len(items) - _SHOW
    return ", ".join(items[:_SHOW]) + (f" ... and {more} more" if more > 0 else "")


def _lines(frame: pd.DataFrame, rows: Any) -> list[int]:
    """The file lines of ``frame``'s rows selected by ``rows`` (a boolean mask): its
    index where :func:`read_readings` made it the lines (blank lines skipped), else the
    row's position + 2 (line 1 the header)."""
    if frame.index.name == "line":
        return [int(i) for i in frame.index[rows]]
    return [int(i) + 2 for i in np.flatnonzero(np.asarray(rows))]


def read_readings(path: Path) -> pd.DataFrame:
    """The readings CSV as text columns ``reader, treatment, case, rating`` (and
    ``truth`` when given); labels kept as written. The index is each row's line in the
    file (named ``line``; blank lines, which pandas skips, are counted).

    Raises
    ------
    InvalidInputError
        The file is missing, not CSV, or lacks a column.
    """
    kind = archive(path)
    if kind is not None:  # pandas would read the one file inside as if it were this one
        raise InvalidInputError(f"readings {path}: is {kind}, not CSV text: extract it and "
                                "give the readings CSV inside")
    try:
        frame = read_csv_rows(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InvalidInputError(f"readings {path}: no such file") from None
    except UnicodeDecodeError:
        kind = not_text(path)
        if kind is not None:
            raise InvalidInputError(
                f"readings {path}: is {kind}; save it as 'CSV UTF-8'") from None
        raise InvalidInputError(
            f"readings {path}: not UTF-8 text ({first_non_utf8(path)}); Excel's plain 'CSV' "
            "on Korean Windows writes CP949 (EUC-KR): save it as 'CSV UTF-8' (a byte order "
            "mark is fine)") from None
    except pd.errors.EmptyDataError:  # pandas: "No columns to parse from file"
        raise InvalidInputError(
            f"readings {path}: is empty (no header line, only blank lines or none): the "
            f"readings' first line is their header, {','.join(READINGS_COLUMNS)}") from None
    except (ValueError, pd.errors.ParserError) as exc:
        raise InvalidInputError(f"readings {path}: cannot be read as CSV: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.Index(data_lines(path, len(frame)), name="line")
    missing = [c for c in READINGS_COLUMNS if c not in frame.columns]
    if missing:
        columns = list(frame.columns)
        separated = next((name for mark, name in ((";", "semicolons"), ("\t", "tabs"))
                          if len(columns) == 1 and mark in columns[0]), None)
        raise InvalidInputError(
            f"readings {path}: lacks column(s) {', '.join(map(repr, missing))}; it needs "
            f"{', '.join(READINGS_COLUMNS)} (one row per reader, treatment and case)"
            + (f"; its fields are separated by {separated}: the readings are a CSV with "
               "commas" if separated else f"; it has {', '.join(map(repr, columns))}"
               + columns_written_otherwise(columns, missing)))
    blank = _lines(frame, frame.apply(lambda c: c.str.strip() == "").all(axis=1))
    if blank:  # ',,,' lines: rows a spreadsheet once held (cleared, not deleted)
        raise InvalidInputError(
            f"readings {path}: line(s) {_listing([str(i) for i in blank])} hold no value "
            "at all (only commas, as a spreadsheet writes rows that were cleared but not "
            "deleted): delete them")
    for column in ("reader", "treatment", "case"):
        frame[column] = frame[column].str.strip()
        empty = _lines(frame, frame[column] == "")
        if empty:
            raise InvalidInputError(
                f"readings {path}: column {column!r} is empty on line(s) "
                f"{_listing([str(i) for i in empty])}")
    # one reader's name typed on macOS (NFD) and on Windows (NFC) is one reader
    frame["reader"] = frame["reader"].map(lambda v: unicodedata.normalize("NFC", v))
    return frame


def _spelled_as(values: pd.Series, names: Iterable[str]) -> pd.Series:
    """``values`` written as ``names`` writes them where a value is one of them in another
    Unicode form (NFD from macOS against NFC); other values unchanged."""
    known = set(names)
    by_nfc = {unicodedata.normalize("NFC", name): name for name in known}
    return values.map(lambda v: v if v in known
                      else by_nfc.get(unicodedata.normalize("NFC", v), v))


def _check_truth(frame: pd.DataFrame, known: pd.Series, *, path: Path,
                 labels: tuple[str, str] | None) -> None:
    """The readings' ``truth`` column against the manifest's: 1/0 in any number form
    (``1``, ``1.0``) or the protocol's labels."""
    # compared in NFC, as the manifest's references are: '악성' from macOS (NFD) is the
    # protocol's '악성' typed on Windows (NFC)
    given = frame["truth"].str.strip().map(lambda v: unicodedata.normalize("NFC", v))
    words = {"1": 1, "0": 0}
    if labels is not None:
        words.update({unicodedata.normalize("NFC", labels[0]): 1,
                      unicodedata.normalize("NFC", labels[1]): 0})
    numbers = pd.to_numeric(given, errors="coerce")
    read = given.map(words).where(given.isin(list(words)), numbers.where(numbers.isin([0, 1])))
    empty = given == ""
    if empty.any():  # a template's column left blank, or rows the truth was not copied to
        where = [f"line {i}" for i in _lines(frame, empty)]
        raise InvalidInputError(
            f"readings {path}: column 'truth' is empty on {int(empty.sum())} of "
            f"{len(given)} line(s): {_listing(where)}; the column is optional (the "
            "manifest holds each case's truth, which it is checked against): give 1 or 0"
            + (f" (or {labels[0]!r}, {labels[1]!r})" if labels is not None else "")
            + " on every line, or leave the column out")
    odd = read.isna()
    if odd.any():
        where = [f"line {i} ({v!r})" for i, v in zip(_lines(frame, odd), given[odd])]
        named = (f", or the protocol's labels {labels[0]!r} and {labels[1]!r}"
                 if labels is not None else "")
        raise InvalidInputError(
            f"readings {path}: column 'truth' must hold 1 (condition present) or 0{named}; "
            f"{int(odd.sum())} value(s) do not: {_listing(where)}")
    wrong = read.astype(int) != known
    if wrong.any():
        cases = sorted(set(frame.loc[wrong, "case"]))
        first = int(np.flatnonzero(wrong.to_numpy())[0])
        line = _lines(frame, wrong)[0]
        value = int(known.iloc[first])
        reference = f"{labels[1 - value]!r} ({value})" if labels is not None else str(value)
        raise InvalidInputError(
            f"readings {path}: column 'truth' contradicts the manifest (a case has one "
            f"truth: its reference) for case(s) {_listing(cases)}; e.g. line {line}: "
            f"truth {given.iloc[first]!r}, the manifest's reference {reference}")


#: zeros that lead a run of digits, as a spreadsheet drops them ('007' -> '7')
_LEADING_ZEROS = re.compile(r"(?<![\d.,])0+(\d)")


def _id_key(name: str) -> str:
    """A case id without what a spreadsheet or a second export changes: Unicode form,
    letter case, spaces and the zeros leading a number."""
    folded = "".join(unicodedata.normalize("NFC", name).casefold().split())
    return _LEADING_ZEROS.sub(r"\1", folded)


def _written_otherwise(unknown: Sequence[str], known: Iterable[str]) -> str:
    """For the readings' cases the manifest lacks: those that are a manifest case but for
    letter case, spaces or leading zeros, paired with it ('' if none)."""
    by_key: dict[str, str] = {}
    for name in sorted(known):
        by_key.setdefault(_id_key(name), name)
    pairs = [(u, by_key[_id_key(u)]) for u in unknown if _id_key(u) in by_key]
    if not pairs:
        return ""
    numbers = all(u.isdecimal() and m.isdecimal() for u, m in pairs)
    return (f"; {len(pairs)} of them are the manifest's cases written otherwise (letter "
            "case, spaces or leading zeros): "
            + _listing([f"{u!r} for {m!r}" for u, m in pairs])
            + ("; a spreadsheet that took the ids for numbers dropped their zeros"
               if numbers else "")
            + ": write them as the manifest does")


def treatments_unlike(given: Iterable[str], treatments: tuple[str, str]) -> str | None:
    """Why the readings' treatments (``given``, as spelled by :func:`_spelled_as`) are not
    the protocol's two, else None: one the protocol does not name, or one it names
    without readings.

    >>> treatments_unlike(["with AI", "without AI"], ("with AI", "without AI")) is None
    True
    >>> treatments_unlike(["AI", "without AI"], ("with AI", "without AI"))[-19:]
    "('with AI' missing)"
    """
    found = sorted(set(given))
    other = [t for t in found if t not in treatments]
    absent = [t for t in treatments if t not in found]
    if not (other or absent):
        return None
    return (f"the protocol compares treatments {treatments[0]!r} (task.test_treatment) and "
            f"{treatments[1]!r} (task.reference_treatment); the file holds "
            f"{', '.join(map(repr, found))}"
            + (f" ({', '.join(map(repr, absent))} missing)" if absent else ""))


def readings_treatments_problem(spec: Any, base: Path) -> str | None:
    """For ``medeval protocol check``: why the reader study's readings file (``spec`` is
    its task section, the file relative to ``base``) cannot be judged by the protocol's
    treatments, or cannot be read, as the evaluation would refuse it; None where it
    reads and holds both treatments, or where it does not exist (a missing file is the
    protocol's own problem, ``task.readings``)."""
    path = base / spec.readings
    if not path.is_file():
        return None
    treatments = (spec.test_treatment, spec.reference_treatment)
    try:
        frame = read_readings(path)
    except InvalidInputError as exc:
        return f"task.readings: {exc}"
    unlike = treatments_unlike(_spelled_as(frame["treatment"], treatments), treatments)
    if unlike is None:
        return None
    return f"task.test_treatment, task.reference_treatment: readings {path}: {unlike}"


def readings_table(frame: pd.DataFrame, truth: Mapping[str, int], *, path: Path,
                   treatments: tuple[str, str],
                   labels: tuple[str, str] | None = None) -> pd.DataFrame:
    """The readings joined to the manifest's truth, as :func:`medeval.stats.mrmc` reads
    them (``reader, treatment, case, truth, rating``), checked against the manifest and
    the protocol's treatments.

    An optional ``truth`` column holds 1/0 (``1.0`` is 1) or the protocol's ``labels``
    (positive, negative).

    Raises
    ------
    InvalidInputError
        A case the manifest lacks, a manifest case nobody read, a treatment the protocol
        does not name (or one it names without readings), a ``truth`` that is none of
        1, 0 and the labels or that contradicts the manifest, and what
        :func:`medeval.stats.mrmc` refuses — every message names ``path``.
    """
    frame = frame.assign(case=_spelled_as(frame["case"], truth),
                         treatment=_spelled_as(frame["treatment"], treatments))
    unknown = sorted(set(frame["case"]) - set(truth))
    if unknown:
        raise InvalidInputError(
            f"readings {path}: {len(unknown)} case(s) are not in the manifest: "
            f"{_listing(unknown)}" + _written_otherwise(unknown, truth))
    unread = sorted(set(truth) - set(frame["case"]))
    if unread:
        raise InvalidInputError(
            f"readings {path}: {len(unread)} case(s) of the manifest have no reading: "
            f"{_listing(unread)}; every reader reads every case in every treatment")
    unlike = treatments_unlike(frame["treatment"], treatments)
    if unlike is not None:
        raise InvalidInputError(f"readings {path}: {unlike}")
    known = frame["case"].map(truth)
    if "truth" in frame.columns:
        _check_truth(frame, known, path=path, labels=labels)
    ratings = pd.to_numeric(frame["rating"].str.strip(), errors="coerce")
    table = pd.DataFrame({"reader": frame["reader"], "treatment": frame["treatment"],
                          "case": frame["case"], "truth": known, "rating": ratings})
    bad = ratings.isna() | ratings.isin([math.inf, -math.inf])
    if bad.any():
        where = [f"line {i} (reader {r!r}, treatment {t!r}, case {c!r}): {v!r}"
                 for i, (r, t, c, v) in zip(_lines(frame, bad), frame.loc[
                     bad, ["reader", "treatment", "case", "rating"]].itertuples(
                     index=False, name=None))]
        raise InvalidInputError(
            f"readings {path}: {int(bad.sum())} rating(s) are not finite numbers: "
            f"{_listing(where)}" + decimal_comma_hint(list(frame.loc[bad, "rating"]),
                                                      numbers=int((~bad).sum())))
    _check_read_once(frame, path)
    return table


def _check_read_once(frame: pd.DataFrame, path: Path) -> None:
    """No reading given twice: each one given more than once is named with its lines and
    the ratings they hold, so that the right one can be kept (a block pasted twice, or a
    case read again)."""
    cell = ["reader", "treatment", "case"]
    twice = frame.duplicated(cell, keep=False).to_numpy()
    if not twice.any():
        return
    lines = _lines(frame, twice)
    rows = frame.loc[twice, [*cell, "rating"]].assign(line=lines)
    named = [f"reader {r!r}, treatment {t!r}, case {c!r} on lines "
             + ", ".join(f"{line} ({rating.strip()})" for line, rating in
                         zip(group["line"], group["rating"]))
             for (r, t, c), group in rows.groupby(cell, sort=False)]
    raise InvalidInputError(
        f"readings {path}: {len(named)} reading(s) appear more than once: "
        f"{_listing(named)}; give one rating per reader, treatment and case (the line and "
        "rating of each copy in brackets)")


class ReaderStudy(TaskType):
    """The ``reader-study`` task type behind :func:`medeval.evaluate` (see the module).

    Each case's values are its truth (``reference``, 1 or 0) and its ratings, one column
    ``<treatment>:<reader>`` per reading. The readings come with the protocol, so no
    case can fail; an incomplete table is refused instead.
    """

    type = "reader-study"
    reference_kind = "label"
    scores_values = True
    predictions_in_protocol = True

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        self.failures = failures
        self.treatments: tuple[str, str] = (spec.test_treatment, spec.reference_treatment)
        self.case_columns: tuple[str, ...] = ("reference",)
        self._labels = BinaryClassification(spec, statistics)
        #: per-case column -> (treatment, reader), set when the readings are read
        self.cells: dict[str, tuple[str, str]] = {}
        #: the study's cases (set with the readings): copies are looked for on them only
        #: (on any rows aggregated before the readings are read)
        self.study_cases: frozenset[str] = frozenset()
        #: the (treatment, reader) readings below chance on the whole study: a subgroup
        #: names only others (a reader reversed in one session, say), not these again
        self.below_chance: frozenset[tuple[Hashable, Hashable]] = frozenset()

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the case's truth is neither the positive nor the negative label
        (the truth is a label, checked as binary classification checks it)."""
        return self._labels.reference_problem(case, root)

    def _truth(self, case: Case) -> int:
        return self._labels._truth(case)

    def protocol_predictions(self, base: Path, manifest: Any) -> Any:
        """The readings file, checked against the manifest and analysed once on all
        cases (so that every problem is found before anything is written); the
        per-case ratings as a supplied table, and the file's input record.

        Raises
        ------
        InvalidInputError
            A bad readings table (see :func:`readings_table`), or a file whose SHA-256
            is not the protocol's ``task.readings_sha256``.
        """
        from ..scoring import Predictions

        path = base / self.spec.readings
        frame = read_readings(path)
        digest = sha256_file(path)
        expected = (self.spec.readings_sha256 or "").removeprefix("sha256:")
        if expected and expected != digest:
            raise InvalidInputError(
                f"readings {path}: SHA-256 {digest} differs from the protocol's "
                f"task.readings_sha256 {expected}; these are not the study's readings")
        truth = {case.case_id: self._truth(case) for case in manifest.cases}
        table = readings_table(frame, truth, path=path, treatments=self.treatments,
                               labels=(str(self.spec.positive_label),
                                       str(self.spec.negative_label)))
        analysis = self._analyse(table, path=path)  # refuses a bad design, naming the file
        self.below_chance = frozenset((t, r) for t, named in readers_below_chance(
            analysis).items() for r, _ in named)
        columns = sorted({(t, r) for t, r in zip(table["treatment"], table["reader"])},
                         key=lambda tr: (self.treatments.index(tr[0]), tr[1]))
        self.cells = {f"{t}:{r}": (t, r) for t, r in columns}
        self.study_cases = frozenset(truth)
        self.case_columns = ("reference", *self.cells)
        values: dict[str, dict[str, float]] = {}
        for reader, treatment, case, rating in table[
                ["reader", "treatment", "case", "rating"]].itertuples(index=False, name=None):
            values.setdefault(case, {})[f"{treatment}:{reader}"] = float(rating)
        record = InputRecord("readings", Path(self.spec.readings).name, digest, len(frame))
        return (Predictions("reader-study", values=values,
                            run={"readings_sha256": digest}), record)

    def _analyse(self, table: pd.DataFrame, *, path: Path | None = None) -> MRMCResult:
        try:
            with warnings.catch_warnings():  # said in the result (_constant_readings,
                warnings.filterwarnings("ignore", CONSTANT_READINGS, UserWarning)  # and
                warnings.filterwarnings("ignore", BELOW_CHANCE, UserWarning)  # aggregate)
                return mrmc(table, method=self.spec.method, covariance=self.spec.covariance,
                            confidence=self.statistics.confidence)
        except InvalidInputError as exc:
            where = f"readings {path}" if path is not None else "reader study"
            raise InvalidInputError(f"{where}: {str(exc).removeprefix('mrmc: ')}") from None

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Not used: a reader study's ratings come from its readings file."""
        raise PredictionError(
            f"case {case.case_id}: task 'reader-study' reads its protocol's readings file, "
            "not prediction files", "incompatible")

    def score_value(self, case: Case, value: Any) -> dict[str, Any]:
        """The case's truth and its ratings (``<treatment>:<reader>`` -> rating)."""
        return {"reference": self._truth(case), **dict(value)}

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """Never needed (no case can fail): the truth, no ratings."""
        return {"reference": self._truth(case)}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """The MRMC analysis of ``rows``: the difference and the two treatments' AUCs
        with their intervals, and the ``reader_study`` table. A subgroup without both
        classes (or, for the jackknife, two cases of each) has NaN figures with the
        reason as their note."""
        records = [(self.cells[key][1], self.cells[key][0], row.case_id,
                    int(row.values["reference"]), float(rating))
                   for row in rows for key, rating in row.values.items()
                   if key in self.cells and rating is not None]
        table = pd.DataFrame(records, columns=["reader", "treatment", "case", "truth",
                                               "rating"])
        try:
            analysis = self._analyse(table)
        except InvalidInputError as exc:
            return self._undefined(str(exc).removeprefix("reader study: "), len(rows))
        test, reference = self.treatments
        scope = self.spec.scope if self.spec.scope in analysis.tests else "FRRC"
        chosen = analysis.tests[scope]
        difference = oriented(chosen.comparisons, test, reference).difference
        intervals = chosen.treatment_intervals
        estimates: tuple[Estimate, ...] = (difference, intervals[test].auc,
                                           intervals[reference].auc)
        if scope != self.spec.scope:  # one reader: the declared analysis has no interval
            estimates = tuple(self._without_readers(e) for e in estimates)
        metrics = tuple(metric_record(name, definition, estimate) for name, definition, estimate
                        in zip(("auc_difference", "test_auc", "reference_auc"),
                               ("mrmc_auc_difference", "mrmc_reader_averaged_auc",
                                "mrmc_reader_averaged_auc"), estimates))
        warnings: tuple[str, ...] = self._constant_readings(table)
        warnings += self._below_chance(analysis, whole={row.case_id for row in rows}
                                       == self.study_cases)
        if not self.study_cases or {row.case_id for row in rows} == self.study_cases:
            # copies are a fault of the readings file, looked for on the whole study: on a
            # subgroup's few cases a reader who changed no rating with the AI, or two
            # readers who agree, is a reading, not an export writing a column twice
            warnings += copied_readings(table, self.treatments)
        if clusters is not None and several_per_patient(list(clusters)):
            counts = Counter(clusters)
            shared = sum(n for n in counts.values() if n > 1)  # cases not alone
            warnings += (
                f"{len(clusters)} cases of {counted(len(counts), 'patient')} ({shared} case(s) "
                "share a patient): the MRMC analysis takes cases as independent, so its "
                "intervals are too narrow if a patient's cases are alike (a clustered "
                "analysis is not implemented; one case per patient avoids it)",)
        # the table names the scope the criteria judge: the declared one, even where one
        # reader gives it no test (its figures then undefined, as above)
        return Aggregate(metrics, {"reader_study": self._table(analysis, self.spec.scope)},
                         warnings)

    def _below_chance(self, analysis: MRMCResult, *, whole: bool) -> tuple[str, ...]:
        """A warning per treatment naming the readers whose AUC lies below 0.5 with its
        whole interval (:func:`~medeval.stats.mrmc.readers_below_chance`); on a subgroup's
        cases, only those not named for the whole study already (said once, not again in
        each subgroup)."""
        roles = dict(zip(self.treatments, ("the test treatment", "the reference treatment")))
        out = []
        for treatment, named in readers_below_chance(analysis).items():
            named = tuple((r, e) for r, e in named
                          if whole or (treatment, r) not in self.below_chance)
            if named:
                out.append(below_chance_text(named, roles[str(treatment)]))
        return tuple(out)

    def _constant_readings(self, table: pd.DataFrame) -> tuple[str, ...]:
        """A warning per treatment in which a reader gave every case one rating: that
        reading's AUC is 1/2 by definition (every pair a tie), whatever the reader can
        tell, and it counts in the reader average (an export that filled a column, or
        a reader who did not rate, as often as a reader who could not tell)."""
        out = []
        for role, treatment in zip(("test", "reference"), self.treatments):
            ratings = table[table["treatment"] == treatment].groupby("reader")["rating"]
            spread = ratings.agg(["min", "max"])
            alike = spread[spread["min"] == spread["max"]]
            if len(alike):
                readers = ", ".join(f"{reader!r} ({_rating_text(value)})"
                                    for reader, value in alike["min"].items())
                out.append(
                    f"reader(s) {readers} gave every case the same rating in the {role} "
                    "treatment: the AUC of such a reading is 0.5 by definition (every "
                    "pair a tie, counted one half), not a measure of what the reader can "
                    "tell, and it counts in the reader average: check these readings")
        return tuple(out)

    def _without_readers(self, fixed: Estimate) -> Estimate:
        """A one-reader study's figure under a declared RRRC or RRFC analysis: the point
        estimate (the same in every analysis) with no interval, since the readers'
        variance cannot be estimated from one reader. Judged on the fixed-reader interval
        instead, a criterion would certify a claim about readers in general from the one
        reader the study had: the interval is undefined and every criterion on it
        INCONCLUSIVE; the note (and the table) gives the FRRC interval. A figure that is
        undefined for fixed readers too keeps its own note."""
        if math.isnan(fixed.low) or math.isnan(fixed.high):
            return dataclasses.replace(fixed, method=self._declared_method())
        return dataclasses.replace(
            fixed, low=math.nan, high=math.nan, method=self._declared_method(),
            note=(f"one reader only: the {self.spec.scope} interval needs several readers "
                  f"and is undefined; the fixed-reader (FRRC) interval is "
                  f"[{fixed.low:.4g}, {fixed.high:.4g}]"))

    def _declared_method(self) -> str:
        """The interval method of the protocol's analysis (``or-rrrc-jackknife`` ...)."""
        return f"{self.spec.method.lower()}-{self.spec.scope.lower()}-{self.spec.covariance}"

    def _undefined(self, reason: str, n_cases: int) -> Aggregate:
        nan = Estimate(math.nan, math.nan, math.nan, self._declared_method(),
                       self.statistics.confidence, n_cases, note=reason)
        return Aggregate(tuple(metric_record(name, definition, nan) for name, definition in (
            ("auc_difference", "mrmc_auc_difference"),
            ("test_auc", "mrmc_reader_averaged_auc"),
            ("reference_auc", "mrmc_reader_averaged_auc"))), {})

    def _table(self, analysis: MRMCResult, scope: str) -> dict[str, Any]:
        """The ``reader_study`` table (plain data; :class:`ReaderStudyTable` reads it)."""
        return ReaderStudyTable.from_analysis(analysis, self.spec, scope=scope).to_dict()


def _rating_text(value: float) -> str:
    """A rating as a readings file writes it: a whole number without a decimal point
    (``1234567``, not ``1.23457e+06``), another as ``:g`` unless that rounds it
    (``0.123456789`` in full)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else as_written(value)
