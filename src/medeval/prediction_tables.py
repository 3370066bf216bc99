"""A classification or measurement protocol's predictions as one table, one row per case.

``medeval evaluate PROTOCOL.toml --predictions PRED.csv`` (or ``medeval.evaluate(protocol,
"PRED.csv")``): for ``binary-classification`` a ``case_id, score`` table, for
``multiclass-classification`` a ``case_id, label`` table, for ``measurement`` a
``case_id, value`` table (an optional ``unit`` column is checked against the protocol's,
as a prediction file's ``"unit"``), read as
:func:`medeval.loaders.read_table` reads a table (CSV, Excel's ``;`` export, TSV, JSON
rows or Parquet; ids as text). Each row is that case's prediction, scored as its
``<case_id>.json`` would be, so a cell that is no score or label (empty, ``inf``, a word)
fails its case as ``invalid-output`` and a case without a row as ``missing-output``, as
the protocol's failure policy says. A ``multiclass-classification`` protocol with
``probabilities = true`` reads a column ``probability@<label>`` for each of its labels
instead, and ``label`` where the table has it (else each case's most probable class): a
row is that case's ``{"label": ..., "probabilities": {...}}``. A
``multilabel-classification`` protocol reads a column ``score@<label>`` for each of its
labels: a row is that case's ``{"scores": {...}}``. A row of no case of the
manifest is refused, every such id listed (with what it differs in from a case id:
leading zeros, a file suffix, letter case), since a case id written otherwise leaves its
case without prediction.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .loaders.tables import id_hints, number_text, read_table, row_places
from .manifest import Manifest
from .result import InputRecord
from .scoring import Predictions
from .tasks.base import TaskType

__all__ = ["TABLE_COLUMNS", "table_predictions"]

#: The task types whose predictions can be one table, and the column each reads.
TABLE_COLUMNS = {"binary-classification": "score", "multiclass-classification": "label",
                 "measurement": "value", "multilabel-classification": "score@<label>"}


def table_predictions(path: Path, task: TaskType, manifest: Manifest
                      ) -> tuple[Predictions, InputRecord]:
    """The table's predictions per case id, and its record among the result's inputs.

    Raises
    ------
    TableError
        The table cannot be read, lacks ``case_id`` or the task's column, repeats an id,
        or holds ids of no case of the manifest (all listed).
    """
    column = TABLE_COLUMNS[task.type]
    if task.type == "multilabel-classification":
        return _label_score_table(path, task, manifest)
    if getattr(task, "probabilities", False):
        return _probability_table(path, task, manifest)
    what = {"score": "the score of each case",
            "label": "the class predicted for each case (class probabilities are read with "
                     "probabilities = true in [task])",
            "value": "the value measured for each case, in the protocol's unit (and "
                     "optionally 'unit', checked against it)"}[column]
    table = read_table(path, columns=[column], role="predictions", columns_hint=(
        f"a {task.type} protocol's predictions table holds 'case_id' and '{column}', {what}; "
        "rename its columns so"), text=[column] if column == "label" else
        ["unit"] if column == "value" else [],
        optional=["unit"] if column == "value" else [], known=_unknown_ids(manifest))
    by_form = _case_ids(manifest)
    labels = {str(label) for label in getattr(task, "labels", ())}
    values = {by_form[case_id]: _label(value, labels) if column == "label" else _score(value)
              for case_id, value in
              zip(table.frame.index.tolist(), table.frame[column].tolist())}
    if column == "value" and "unit" in table.frame.columns:
        # a unit column is checked as a prediction file's "unit" is: another unit than the
        # protocol's fails its case (a value in cm is not read as mm, nor converted)
        values = {by_form[case_id]: {"value": values[by_form[case_id]], "unit": unit}
                  if isinstance(unit, str) and unit.strip() else values[by_form[case_id]]
                  for case_id, unit in zip(table.frame.index.tolist(),
                                           table.frame["unit"].tolist())}
    return (Predictions("supplied-table", values=values,
                        run={"predictions_sha256": table.sha256},
                        rows=_rows(path, [by_form[i] for i in table.frame.index.tolist()])),
            InputRecord("predictions", path.name, table.sha256, len(table.frame)))


def _case_ids(manifest: Manifest) -> dict[str, str]:
    """The manifest's ids as written, by their NFC form (the table's ids are in NFC)."""
    return {unicodedata.normalize("NFC", case.case_id): case.case_id
            for case in manifest.cases}


def _unknown_ids(manifest: Manifest) -> Callable[[Sequence[str]], list[str]]:
    """For :func:`read_table`: the table's ids of no case of the manifest, listed (the
    first 50) with how they differ from its case ids, reported with the table's other
    problems (duplicates, empty ids) in one run."""
    ids = set(_case_ids(manifest))

    def problems(index: Sequence[str]) -> list[str]:
        extra = sorted(set(index) - ids)
        if not extra:
            return []
        shown = ", ".join(extra[:50]) + (f" and {len(extra) - 50} more" if len(extra) > 50
                                         else "")
        return [f"{len(extra)} case(s) are not in the manifest {manifest.source}: {shown}"
                + id_hints(ids - set(index), set(extra))]
    return problems


def _probability_table(path: Path, task: Any, manifest: Manifest
                       ) -> tuple[Predictions, InputRecord]:
    """A multi-class table with a ``probability@<label>`` column per label and an
    optional ``label``: each row as ``{"label": ..., "probabilities": {...}}``, the
    label left out where the table has none or the cell is empty."""
    from .tasks._class_probabilities import probability_column

    named = {probability_column(label): label for label in task.labels}
    table, by_form, records = _per_label_table(path, task, manifest, named, (
        f"a {task.type} protocol with probabilities = true has a predictions table holding "
        f"'case_id', {', '.join(map(repr, named))} (each class's probability) and "
        "optionally 'label'; rename its columns so"), optional=["label"])
    labels = {str(label) for label in task.labels}
    values: dict[str, Any] = {}
    for case_id, row in records:
        value: dict[str, Any] = {"probabilities": {
            label: _score(row[column]) for column, label in named.items()}}
        label = row.get("label")
        if not (label is None or isinstance(label, float) and label != label
                or isinstance(label, str) and not label.strip()):
            value["label"] = _label(label, labels)
        values[by_form[case_id]] = value
    return (Predictions("supplied-table", values=values,
                        run={"predictions_sha256": table.sha256},
                        rows=_rows(path, [by_form[case_id] for case_id, _ in records])),
            InputRecord("predictions", path.name, table.sha256, len(records)))


def _label_score_table(path: Path, task: Any, manifest: Manifest
                       ) -> tuple[Predictions, InputRecord]:
    """A multi-label table with a ``score@<label>`` column per label: each row as
    ``{"scores": {...}}`` (an empty cell is left for the task to refuse)."""
    from .tasks._label_sets import score_column

    named = {score_column(label): label for label in task.labels}
    table, by_form, records = _per_label_table(path, task, manifest, named, (
        f"a {task.type} protocol has a predictions table holding 'case_id' and "
        f"{', '.join(map(repr, named))} (each label's score); rename its columns so"))
    # an empty cell (NaN as pandas reads it) gives no score: the task names the label
    values = {by_form[case_id]: {"scores": {
        label: _score(row[column]) for column, label in named.items()
        if not (isinstance(row[column], float) and math.isnan(row[column]))}}
        for case_id, row in records}
    return (Predictions("supplied-table", values=values,
                        run={"predictions_sha256": table.sha256},
                        rows=_rows(path, [by_form[case_id] for case_id, _ in records])),
            InputRecord("predictions", path.name, table.sha256, len(records)))


def _per_label_table(path: Path, task: Any, manifest: Manifest, named: dict[str, Any],
                     hint: str, *, optional: list[str] | None = None) -> tuple[Any, dict[
                         str, str], list[tuple[str, dict[str, Any]]]]:
    """A table with a column per label (``named``: column -> label): the table read, the
    manifest's ids by their NFC form, and each row as (case id, {column: cell})."""
    family = next(iter(named)).split("@", 1)[0] + "@"  # score@ or probability@
    table = read_table(path, columns=list(named), role="predictions", columns_hint=hint,
                       text=optional or [], optional=optional or [], family=family,
                       known=_unknown_ids(manifest))
    by_form = _case_ids(manifest)
    frame = table.frame
    return table, by_form, list(zip(frame.index.tolist(), frame.to_dict("records")))


def _rows(path: Path, case_ids: Sequence[str]) -> Mapping[str, str]:
    """Where each case's row is in the table (:func:`~medeval.loaders.tables.row_places`:
    a CSV file's line, a JSON list's entry, a Parquet file's row), so that a refused cell
    can be found in a table of 37,500 rows; none for a JSON object of rows (its case id
    finds it). Found when first asked for: only a refused cell's message needs it."""
    return _RowPlaces(path, case_ids)


class _RowPlaces(Mapping[str, str]):
    """Case id -> ``"<table>, <place>"``, read from the table when first looked up.

    Finding the places reads the table a second time, as text (29 ms for 37,500 CSV
    rows); a table whose every cell is taken never needs them. The table was read moments
    before, within the same evaluation.
    """

    def __init__(self, path: Path, case_ids: Sequence[str]) -> None:
        self._path = path
        self._case_ids = list(case_ids)
        self._places: dict[str, str] | None = None

    def _found(self) -> dict[str, str]:
        if self._places is None:
            places = row_places(self._path, len(self._case_ids))
            self._places = {} if places is None else {
                case_id: f"{self._path.name}, {place}"
                for case_id, place in zip(self._case_ids, places)}
        return self._places

    def __getitem__(self, case_id: str) -> str:
        return self._found()[case_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())


def _score(value: Any) -> Any:
    """A cell as a number where its text is one (a CSV column with one word in it is
    read as text throughout); anything else is left for the task to refuse."""
    if isinstance(value, str):
        try:
            return number_text(value)
        except ValueError:
            return value
    return value


def _label(value: Any, labels: set[str]) -> Any:
    """A label cell, read as text (``01`` is the label ``01``); ``2.0`` or ``02`` is the
    label 2 where the text itself is no label (pandas writes an integer column with an
    empty cell as floats; a JSON or Parquet table's 2.0)."""
    if isinstance(value, str) and value not in labels:
        try:
            number = number_text(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
