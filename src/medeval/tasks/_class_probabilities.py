"""A multi-class prediction's class probabilities: reading and checking them (private to
:mod:`medeval.tasks.multiclass_classification`).

With ``probabilities = true`` in ``[task]`` a prediction is
``{"label": "2", "probabilities": {"0": 0.1, "1": 0.2, "2": 0.6, "3": 0.1}}`` (the label
may be left out), or a predictions table's row with the columns ``probability@<label>``
(:func:`probability_column`). A case's probabilities are refused, failing the case as
``invalid-output`` with every problem named, unless they

- name exactly the protocol's labels, each once (compared in NFC, as labels are);
- are numbers, finite, within [0, 1];
- sum to 1 within the protocol's ``probability_sum_tolerance`` (0.001 by default),
  reckoned in the decimals written (0.999 and 1.001 are both within 0.001): never
  renormalised, since probabilities that do not sum to 1 are not what the
  algorithm was declared to give (scores of another kind, a class left out).

Without a label, the predicted class is the most probable one; where several share the
largest probability, the first of them in the protocol's order of labels (as
``numpy.argmax``, and scikit-learn's ``classes_[predict_proba(X).argmax(axis=1)]``,
take it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..manifest import Case, nfc_id
from ._json_numbers import shown_value
from .base import PredictionError

__all__ = ["class_probabilities", "most_probable", "prediction_probabilities",
           "probability_column"]


def probability_column(label: str) -> str:
    """The per-case column (and predictions-table column) of a class's probability.

    >>> probability_column("G2")
    'probability@G2'
    """
    return f"probability@{label}"


def class_probabilities(case: Case, given: Any, labels: Sequence[str], *,
                        tolerance: float) -> list[float]:
    """The case's probabilities in the order of ``labels``, checked (module docstring).

    Raises
    ------
    PredictionError
        Naming the case and every problem of its probabilities (``invalid-output``).

    Examples
    --------
    >>> case = Case("c1", "p1", "in/c1.json", "1", {}, 2)
    >>> try:
    ...     class_probabilities(case, {"0": 0.2, "1": 0.7}, ["0", "1"], tolerance=1e-3)
    ... except PredictionError as exc:
    ...     print(str(exc)[:58])
    case c1: the class probabilities sum to 0.9, not 1 (within
    """
    if not isinstance(given, dict):
        raise PredictionError(
            f"case {case.case_id}: \"probabilities\" must be an object naming each class "
            "once, {" + ", ".join(json.dumps(str(k), ensure_ascii=False) + ": p"
                                  for k in labels) + "}, got "
            f"{type(given).__name__} {str(given)[:60]}")
    by_label = {nfc_id(str(key)): value for key, value in given.items()}
    problems = []
    missing = [label for label in labels if label not in by_label]
    extra = [str(key) for key in given if nfc_id(str(key)) not in labels]
    if len(by_label) < len(given):
        problems.append("a class is named twice (in two Unicode forms)")
    if missing:
        problems.append(f"no probability for class(es) {missing}")
    if extra:
        problems.append(f"class(es) {extra} are not among the protocol's labels {list(labels)}")
    values = [by_label.get(label) for label in labels]
    bad = [f"{label}: {shown_value(value)}" for label, value in zip(labels, values)
           if label in by_label and not _probability(value)]
    if bad:
        problems.append(f"not a number within [0, 1]: {', '.join(bad)}"
                        + _scale_hint(values, tolerance))
    if problems:
        raise PredictionError(f"case {case.case_id}: the class probabilities are refused: "
                              + "; ".join(problems))
    numbers = [float(v) for v in values]  # type: ignore[arg-type]
    total = math.fsum(numbers)
    if not _within(numbers, tolerance):
        raise PredictionError(
            f"case {case.case_id}: the class probabilities sum to {total:.6g}, not 1 (within "
            f"{tolerance:g}); they are not renormalised: give probabilities that sum to 1 "
            "(a softmax)")
    return numbers


def prediction_probabilities(case: Case, value: Any, labels: Sequence[str], *,
                             tolerance: float) -> list[float]:
    """A prediction's class probabilities, checked (:func:`class_probabilities`); a
    PredictionError naming the case when it gives none (a label only, a bare value)."""
    if not (isinstance(value, dict) and "probabilities" in value):
        held = (f"holds only {shown_value(value)}" if not isinstance(value, dict) else
                "has no \"probabilities\" (its keys: " + ", ".join(
                    json.dumps(str(k), ensure_ascii=False) for k in list(value)[:10]) + ")")
        raise PredictionError(
            f"case {case.case_id}: the protocol declares probabilities = true, but the "
            f"prediction {held}; give {{\"label\": ..., \"probabilities\": {{"
            + ", ".join(f"{json.dumps(label, ensure_ascii=False)}: p" for label in labels)
            + "}}}")
    return class_probabilities(case, value["probabilities"], labels, tolerance=tolerance)


def _within(numbers: Sequence[float], tolerance: float) -> bool:
    """Whether the probabilities sum to 1 within ``tolerance``, in the decimals they are
    written in (each float's shortest repr, as JSON and CSV give them): in binary floating
    point 0.499 + 0.5 lies 0.0010000000000000009 from 1 and 0.501 + 0.5 lies
    0.0009999999999998899, so a sum of 0.999 was refused and one of 1.001 taken at the
    tolerance 0.001.

    >>> _within([0.499, 0.5], 1e-3), _within([0.501, 0.5], 1e-3), _within([0.4989, 0.5], 1e-3)
    (True, True, False)
    """
    off = abs(sum((Decimal(repr(x)) for x in numbers), Decimal(0)) - 1)
    return off <= Decimal(repr(tolerance))


def _scale_hint(values: Sequence[Any], tolerance: float) -> str:
    """What numbers outside [0, 1] most likely are, when every value is a finite number:
    percentages (each within [0, 100], summing to 100 within ``tolerance`` percent) or
    scores of another scale, such as a network's logits; empty otherwise.

    >>> _scale_hint([45.5, 54.5], 1e-3)[:62]
    ' (they sum to 100: percentages? give each as a fraction of 1, '
    >>> _scale_hint([-0.6, -3.2, 1.7], 1e-3)[:62]
    ' (they sum to -2.1: scores of another scale, such as logits? g'
    >>> _scale_hint([0.5, "0.5"], 1e-3)
    ''
    """
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
               and math.isfinite(v) for v in values):
        return ""
    total = math.fsum(values)
    if all(0.0 <= v <= 100.0 for v in values) and abs(total - 100.0) <= 100.0 * tolerance:
        first = next(v for v in values if v > 1.0)
        return (f" (they sum to {total:.6g}: percentages? give each as a fraction of 1, "
                f"{first:g} as {first / 100:g}; they are not rescaled)")
    return (f" (they sum to {total:.6g}: scores of another scale, such as logits? give "
            "the class probabilities, their softmax; they are not converted)")


def _probability(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and 0.0 <= value <= 1.0)


def most_probable(probabilities: Sequence[float], labels: Sequence[str]) -> str:
    """The label of the largest probability; of several equal, the first in ``labels``.

    >>> most_probable([0.4, 0.4, 0.2], ["0", "1", "2"])
    '0'
    """
    return labels[max(range(len(labels)), key=lambda i: (probabilities[i], -i))]
