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
the protocol's failure policy says. A row of no case of the manifest is refused, every
such id listed (with what it differs in from a case id: leading zeros, a file suffix,
letter case), since a case id written otherwise leaves its case without prediction.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from .errors import TableError
from .loaders.tables import id_hints, number_text, read_table
from .manifest import Manifest
from .result import InputRecord
from .scoring import Predictions
from .tasks.base import TaskType

__all__ = ["TABLE_COLUMNS", "table_predictions"]

#: The task types whose predictions can be one table, and the column each reads.
TABLE_COLUMNS = {"binary-classification": "score", "multiclass-classification": "label",
                 "measurement": "value"}


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
    what = {"score": "the score of each case",
            "label": "the class predicted for each case (class probabilities are not read)",
            "value": "the value measured for each case, in the protocol's unit (and "
                     "optionally 'unit', checked against it)"}[column]
    table = read_table(path, columns=[column], role="predictions", columns_hint=(
        f"a {task.type} protocol's predictions table holds 'case_id' and '{column}', {what}; "
        "rename its columns so"), text=[column] if column == "label" else
        ["unit"] if column == "value" else [],
        optional=["unit"] if column == "value" else [])
    # the manifest's ids as written, by their NFC form (the table's ids are in NFC)
    by_form = {unicodedata.normalize("NFC", case.case_id): case.case_id
               for case in manifest.cases}
    ids = set(by_form)
    extra = sorted(set(table.frame.index) - ids)
    if extra:
        shown = ", ".join(extra[:50]) + (f" and {len(extra) - 50} more" if len(extra) > 50
                                         else "")
        raise TableError(
            f"{len(extra)} case(s) of predictions table {path} are not in the manifest "
            f"{manifest.source}: {shown}" + id_hints(ids - set(table.frame.index),
                                                     set(extra)))
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
                        run={"predictions_sha256": table.sha256}),
            InputRecord("predictions", path.name, table.sha256, len(table.frame)))


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
