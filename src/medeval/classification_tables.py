"""Binary classification from two tables, through the one evaluation engine.

A reference table (``case_id, label``) and a predictions table (``case_id, score``) are
joined on the case id; :func:`evaluate_classification` turns them into what
:func:`medeval.evaluate` works on — a protocol built in code (mode ``pre-check``, no
acceptance criteria, the statistics asked for), a manifest of the reference's cases and
the scores as in-memory predictions — and runs them through
:func:`medeval.evaluation.evaluate_cases`. So both entry points write the same result:
the same sections, metrics, per-case rows and certificate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from pathlib import Path, PurePath
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ._validation import choice, confidence_level, finite_scores, positive_label
from .errors import InvalidInputError, TableError
from .evaluation import evaluate_cases
from .loaders.tables import CaseTable, join_cases, number_text, read_table
from .manifest import Case, Manifest, nfc_id
from .protocol import Protocol
from .protocol_sections import MAX_RESAMPLES
from .result import NOT_STATED, InputRecord, Result
from .scoring import Predictions
from .stats.intervals import PROPORTION_METHODS
from .tasks.binary_classification import BinaryClassification

__all__ = ["evaluate_classification"]

_FUNC = "evaluate_classification"


def evaluate_classification(
    references: str | Path | pd.DataFrame,
    predictions: str | Path | pd.DataFrame,
    *,
    threshold: float,
    id_column: str = "case_id",
    label_column: str = "label",
    score_column: str = "score",
    pos_label: Hashable | None = None,
    confidence: float = 0.95,
    proportion_method: str = "wilson",
    auc_method: Literal["delong", "bootstrap"] = "delong",
    bootstrap_method: Literal["percentile", "bca"] = "percentile",
    n_resamples: int = 2000,
    seed: int = 0,
    patient_column: str | None = None,
    calibration_bins: int = 10,
) -> Result:
    r"""Evaluate binary classification scores against reference labels.

    Cases are joined on ``id_column``; a case is called positive when
    :math:`\text{score} \ge \text{threshold}`. Reported, each with its interval:

    - prevalence, sensitivity, specificity, PPV, NPV, accuracy — proportions with the
      ``proportion_method`` interval (numerator/denominator recorded);
    - balanced accuracy, Youden's J, F1 — bootstrap (``bootstrap_method``) stratified
      by class, or clustered by patient with ``patient_column``;
    - LR+ and LR− — log method (Simel et al. 1991);
    - ROC AUC — DeLong (default) or bootstrap; average precision — bootstrap;
    - Brier score and expected calibration error (``calibration_bins`` equal-width bins)
      — bootstrap, only when every score lies in [0, 1] (i.e. is a probability).

    The result is that of :func:`medeval.evaluate` for a protocol with these settings and
    no acceptance criterion (``overall`` is None), mode ``pre-check``; its protocol
    section says what was not stated (laboratory, customer, the algorithm's version).

    Parameters
    ----------
    references, predictions : path or DataFrame
        CSV (also Excel's ``;``-separated export with decimal commas, and tab-separated),
        JSON (a list of rows) or Parquet files, or DataFrames, read by
        :func:`medeval.loaders.read_table`. References hold ``id_column`` and
        ``label_column`` (labels written as integer text, ``"0"``/``"1"``, are the
        integers); predictions ``id_column`` and ``score_column`` (numbers; ``true`` and
        ``false`` are refused).
    threshold : float
        The operating threshold, fixed before the evaluation.
    id_column, label_column, score_column : str
        Column names.
    pos_label : hashable, optional
        The positive label in the reference column (e.g. ``1`` or ``"malignant"``);
        by default 1, where the labels are 0/1 or -1/1 (any other labels must name it).
    confidence : float
        Confidence level of every interval.
    proportion_method : str
        ``"wilson"`` (default), ``"clopper-pearson"``, ``"jeffreys"``,
        ``"agresti-coull"`` or ``"wald"``.
    auc_method : {"delong", "bootstrap"}
        Interval of the AUC.
    bootstrap_method : {"percentile", "bca"}
        Interval of the bootstrapped metrics.
    n_resamples : int
        Bootstrap resamples (at least 100, as in a protocol).
    seed : int
        Seed of every bootstrap (recorded in the result).
    patient_column : str, optional
        A reference column with patient ids: the bootstrap then resamples patients
        (all of a patient's cases together) instead of cases.
    calibration_bins : int
        Number of equal-width bins of the expected calibration error.

    Returns
    -------
    Result
        ``task`` ``"binary-classification"``, ``mode`` ``"pre-check"``; each undefined
        figure (e.g. specificity with no negative case) is NaN and named, with the reason,
        in ``Result.warnings``.

    Raises
    ------
    TableError
        A file is missing or unreadable, a column is missing, ids are empty or
        duplicated, or ids are in one table and not the other (all listed).
    InvalidInputError
        Labels that are not binary, scores that are not finite numbers (cases named),
        a confidence outside (0, 1), an unknown method, fewer than 100 resamples.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"case_id": list("abcdef"), "label": [1, 1, 1, 0, 0, 0]})
    >>> pred = pd.DataFrame({"case_id": list("abcdef"),
    ...                      "score": [0.9, 0.8, 0.3, 0.6, 0.2, 0.1]})
    >>> result = evaluate_classification(ref, pred, threshold=0.5)
    >>> est = result.metric("sensitivity").estimate
    >>> est.numerator, est.n, round(est.value, 4), est.method
    (2, 3, 0.6667, 'wilson')
    >>> result.tables["confusion_matrix"]
    {'tp': 2, 'fp': 1, 'fn': 1, 'tn': 2}
    """
    level = confidence_level(confidence, func=_FUNC)
    proportion_method = choice(proportion_method, PROPORTION_METHODS, name="proportion_method",
                               func=_FUNC)
    choice(auc_method, ("delong", "bootstrap"), name="auc_method", func=_FUNC)
    choice(bootstrap_method, ("percentile", "bca"), name="bootstrap_method", func=_FUNC)
    threshold = _threshold(threshold)
    for name, value, least in (("n_resamples", n_resamples, 100),
                               ("calibration_bins", calibration_bins, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise InvalidInputError(
                f"{_FUNC}: {name} must be an integer >= {least}, got {value!r}")
    if n_resamples > MAX_RESAMPLES:  # the protocol's bound: refused here, not as a traceback
        raise InvalidInputError(f"{_FUNC}: n_resamples must be at most {MAX_RESAMPLES} (a run's "
                                f"time grows with it), got {n_resamples!r}")
    ref, pred = _read_both(
        lambda: read_table(references, columns=[label_column] + (
            [patient_column] if patient_column else []), id_column=id_column,
            role="reference", text=[patient_column] if patient_column else []),  # 00123
        lambda: read_table(predictions, columns=[score_column], id_column=id_column,
                           role="predictions"))
    joined = join_cases(ref, pred)
    case_ids = joined.index.to_numpy(dtype=str)
    written = _compared(joined[label_column])
    if isinstance(pos_label, str):
        pos_label = nfc_id(pos_label.strip())
    pos_label = _positive(written, pos_label, ref)
    labels = _labels(written, pos_label, ref)
    score_name = score_column if score_column != label_column else f"{score_column}_prediction"
    scores = _scores(joined[score_name], case_ids, pred)
    patients = _patients(joined, patient_column, case_ids, ref)
    negatives = sorted(set(labels.tolist()) - {str(_label_text(pos_label))})
    protocol = Protocol.model_validate({
        "test": {"id": "pre-check", "title": f"binary classification of {_name(pred)}",
                 "mode": "pre-check"},
        "laboratory": {"name": NOT_STATED}, "customer": {"name": NOT_STATED},
        "algorithm": {"name": _name(pred), "version": NOT_STATED},
        "dataset": {"manifest": _name(ref), "selection": f"the cases of {_name(ref)}"},
        "task": {"type": "binary-classification", "threshold": threshold,
                 "positive_label": _label_text(pos_label),
                 "negative_label": negatives[0] if negatives else _absent_negative(pos_label),
                 "calibration_bins": int(calibration_bins)},
        "statistics": {"confidence": level, "proportion_method": proportion_method,
                       "auc_method": auc_method, "bootstrap_method": bootstrap_method,
                       "n_resamples": int(n_resamples), "seed": seed,
                       "resampling_unit": "patient" if patient_column else "case"},
    })
    manifest = Manifest(
        [Case(cid, patient, (), str(label), line=k + 2)
         for k, (cid, patient, label) in enumerate(zip(case_ids, patients, labels))],
        root=Path.cwd(), reference_kind="label", source=ref.source)
    task = BinaryClassification(protocol.task, protocol.statistics, protocol.failures)
    return evaluate_cases(
        protocol, task, manifest,
        Predictions("supplied-table", values=dict(zip(case_ids.tolist(), scores.tolist())),
                    run={"predictions_sha256": pred.sha256}),
        fingerprint=manifest.digest({}), inputs=(_input(ref), _input(pred)),
        tables={"id": id_column, "label": label_column, "score": score_column,
                "patient": patient_column},
    )


def _read_both(reference: Callable[[], CaseTable], predictions: Callable[[], CaseTable]
               ) -> tuple[CaseTable, CaseTable]:
    """Both tables read, or one TableError with the problems of each: a tester fixing the
    reference's duplicate met the predictions' in the next run."""
    tables: list[CaseTable] = []
    problems: list[str] = []
    for read in (reference, predictions):
        try:
            tables.append(read())
        except TableError as exc:
            problems.append(str(exc))
    if problems:
        raise TableError("; ".join(problems))
    return tables[0], tables[1]


def _threshold(threshold: Any) -> float:
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{_FUNC}: threshold must be a number, got {threshold!r}") \
            from None
    if not np.isfinite(value):
        raise InvalidInputError(f"{_FUNC}: threshold must be finite, got {threshold!r}")
    return value


def _label_text(label: Hashable) -> str | int:
    """A label as the protocol holds it (an integer, or its text)."""
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        return int(label)
    return str(label)


def _absent_negative(pos_label: Hashable) -> str:
    """The negative label of a table whose every case is positive: the other code of a
    0/1 coding, else "—" (no label is made up from the table's; the dash reads the same
    on a Korean and an English certificate)."""
    text = str(_label_text(pos_label))
    return {"1": "0", "0": "1"}.get(text, "—")


def _input(table: CaseTable) -> InputRecord:
    return InputRecord(table.role, _name(table), table.sha256, len(table.frame))


def _name(table: CaseTable) -> str:
    """The table as the result names it: its file's name, as a protocol's evaluation
    names its protocol, manifest and predictions table. The path as typed
    (``/home/lab/tables/pred.csv``, ``../pred.csv``) would make the fingerprint and the
    certificate of the same two files depend on the folder and working directory they
    were evaluated from; messages still name the path as typed."""
    return PurePath(table.source).name if table.sha256 is not None else table.source


def _positive(column: pd.Series, pos_label: Hashable | None, table: CaseTable) -> Hashable:
    """``pos_label``, or without it 1 where the labels are 0/1 or -1/1 (see
    :func:`~medeval._validation.positive_label`)."""
    converted = _integer_text(column)
    values = converted.dropna().to_numpy()
    if converted is not column and isinstance(pos_label, str) and \
            re.fullmatch(r"-?[0-9]+", pos_label.strip()):
        pos_label = int(pos_label)  # "1" names the label 1 that the text "1" became
    try:
        positive: Hashable = positive_label(pos_label, values, func=_FUNC)
        return positive
    except InvalidInputError:
        labels = sorted(set(values.tolist()), key=str)[:10]
        raise InvalidInputError(
            f"reference table {table.source}: the labels {labels} are not 0/1 or -1/1, so "
            "which one is positive is not evident; name it with pos_label"
        ) from None


def _compared(column: pd.Series) -> pd.Series:
    """Text labels as the binary task compares them: in NFC and without surrounding
    spaces, so that '악성' saved on macOS (NFD) or typed '악성 ' is the label '악성', one
    class, as a manifest's reference labels are."""
    return column.map(lambda v: nfc_id(v.strip()) if isinstance(v, str) else v)


def _integer_text(column: pd.Series) -> pd.Series:
    """Labels written as integer text (``"0"``, ``"1"``: a JSON table's, a DataFrame's
    ``astype(str)``) as the integers a CSV file's same column is read as, so that 0/1 is
    0/1 whatever the table's format; any other text is kept."""
    texts = column.dropna()
    if texts.empty or not all(isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v.strip())
                              for v in texts):
        return column
    return column.map(lambda v: v if pd.isna(v) else int(v))


def _labels(column: pd.Series, pos_label: Hashable, table: CaseTable) -> NDArray[Any]:
    """The reference labels, checked to be binary with ``pos_label`` among them."""
    column = _integer_text(column)
    values = column.to_numpy()
    empty = column.isna().to_numpy()
    if empty.any():
        raise InvalidInputError(
            f"reference table {table.source}: empty label (a blank cell, or Excel's #N/A) for "
            f"case(s) {', '.join(column.index[empty])}"
        )
    labels = sorted(set(values.tolist()), key=str)
    if len(labels) > 2 or (len(labels) == 2 and pos_label not in labels):
        raise InvalidInputError(
            f"reference table {table.source}: labels must be binary with pos_label="
            f"{pos_label!r} among them, got {labels}"
        )
    # the manifest holds labels as text: the positive one exactly as the protocol does
    return np.array([str(_label_text(pos_label)) if v == pos_label else str(v)
                     for v in values.tolist()], dtype=object)


def _scores(column: pd.Series, case_ids: NDArray[Any], table: CaseTable) -> NDArray[np.float64]:
    # a text cell read as Python reads a number, as a predictions table under a protocol
    # is: full-width digits ('０.８３', typed with a Korean IME) and spaces around it
    # ('\u3000 0.83') are the number they spell
    numbers = np.array([_number(v) for v in column.tolist()], dtype=float)
    # true/false (a JSON table's, a DataFrame's bool column) are no scores, not 1 and 0
    bad = ~np.isfinite(numbers) | column.map(lambda v: isinstance(v, (bool, np.bool_))
                                             ).to_numpy(dtype=bool)
    if bad.any():
        comma = any(isinstance(v, str) and re.fullmatch(r"\s*-?[0-9]*,[0-9]+\s*", v)
                    for v in column[bad])
        percent = any(isinstance(v, str) and v.strip().endswith(("%", "％"))
                      for v in column[bad])
        wide = any(isinstance(v, str) and any("\uff01" <= ch <= "\uff5e" for ch in v)
                   for v in column[bad])
        shown = ", ".join(f"{c} {'(blank, NaN or #N/A)' if _blank(v) else repr(v)}" for c, v in
                          list(zip(case_ids[bad], column[bad].tolist()))[:5])
        raise InvalidInputError(
            f"predictions table {table.source}: scores must be finite numbers (not true or "
            f"false); not so for case(s) {', '.join(case_ids[bad])} (written {shown}"
            + (", ..." if bad.sum() > 5 else "") + ")" + (
                " (a decimal comma, as in 0,83? write 0.83, or export the table with ';' "
                "between its fields)" if comma else "") + (
                " (a percentage? write 83% as 0.83: Excel shows a cell formatted as a "
                "percentage so, and saves it so in CSV)" if percent else "") + (
                " (full-width characters, as a Korean IME types in 전각 mode: write the "
                "number in half-width (반각) characters, 0.83)" if wide else ""))
    return finite_scores(numbers, name="score", func=_FUNC)


def _blank(value: Any) -> bool:
    """A cell pandas read as missing: empty, Excel's #N/A, or NaN as numpy and pandas
    write it (``nan``, ``NaN``: pandas' NA words)."""
    return value is None or (isinstance(value, float) and np.isnan(value))


def _number(value: Any) -> Any:
    """A cell as a float where it is a number or text Python reads as one, else NaN;
    true/false as themselves (refused by the caller)."""
    if isinstance(value, (bool, np.bool_)):
        return np.nan
    if isinstance(value, str):
        try:
            return number_text(value)
        except ValueError:
            return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _patients(joined: pd.DataFrame, column: str | None, case_ids: NDArray[Any],
              table: CaseTable) -> list[str]:
    """Each case's patient: the patient column, or the case itself without one."""
    if not column:
        return [str(c) for c in case_ids]
    patients = joined[column]
    blank = patients.isna() | (patients.astype(str).str.strip() == "")
    if blank.any():
        missing = case_ids[blank.to_numpy()].tolist()
        raise TableError(
            f"reference table {table.source}: empty {column!r} for case(s) "
            f"{', '.join(missing)}: write each case's patient (the same id for the cases "
            f"of one patient; a case whose patient is unknown, an id of its own)"
        )
    # without the spaces around them, as a manifest's patient_id ('00005 ' is patient
    # 00005, as it was while the column was read as numbers)
    return [str(p).strip() for p in patients]
