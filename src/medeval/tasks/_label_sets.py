"""A multi-label case's reference label set and its prediction's scores: reading and
checking them (private to :mod:`medeval.tasks.multilabel_classification`).

The manifest's ``reference`` cell holds the case's labels joined by the protocol's
``reference_separator`` (``MI;STTC``), each a label of the protocol, compared in NFC,
each once; the protocol's ``no_label`` word, where it declares one, is a case carrying
none of them (the manifest refuses an empty cell for every task: an empty cell cannot be
told from an annotation left out).

A prediction is ``{"scores": {<label>: number, ...}}`` naming every label of the
protocol once, each score a finite number (a probability, or any score on the scale of
the protocol's thresholds); a predictions table's row gives the columns
``score@<label>`` (:func:`score_column`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from ..manifest import Case, nfc_id
from ._json_numbers import is_number
from .base import PredictionError

__all__ = ["label_set_problem", "reference_labels", "score_column", "scores_of"]


def score_column(label: str) -> str:
    """The per-case column (and predictions-table column) of a label's score.

    >>> score_column("MI")
    'score@MI'
    """
    return f"score@{label}"


def label_set_problem(text: str, labels: Sequence[str], separator: str,
                      no_label: str | None) -> str | None:
    """What is wrong with a reference cell, or None.

    >>> label_set_problem("MI;STTC", ["NORM", "MI", "STTC"], ";", None) is None
    True
    >>> label_set_problem("MI,STTC", ["NORM", "MI", "STTC"], ";", None)[:60]
    "'MI,STTC' is not a declared label (it holds ',': the protoco"
    >>> label_set_problem("none;MI", ["NORM", "MI"], ";", "none")[:74]
    "'none' is not a declared label (it is the no_label word, for a case carryi"
    >>> label_set_problem("['MI', 'STTC']", ["NORM", "MI", "STTC"], ";", None)[80:]
    "not labels joined by ';': write 'MI;STTC' (labels ['NORM', 'MI', 'STTC'])"
    """
    cell = nfc_id(text.strip())
    if no_label is not None and cell == nfc_id(no_label):
        return None
    listed = _listed(cell)
    if listed is not None:
        joined = separator.join(listed) if listed else no_label
        return (f"a Python list (as pandas writes a list column, PTB-XL's "
                f"diagnostic_superclass), not labels joined by {separator!r}: write "
                + (repr(joined) if joined else "no_label = \"...\" in [task] and its word "
                   "for a case carrying no label") + f" (labels {list(labels)})")
    parts = [nfc_id(part.strip()) for part in cell.split(separator)]
    problems = []
    if "" in parts:
        problems.append(f"an empty label between or after {separator!r}")
    unknown = [part for part in parts if part and part not in labels]
    for part in unknown:
        other = next((c for c in (";", ",", "|", "/", "+", " ") if c != separator
                      and c in part and all(p.strip() in labels for p in part.split(c))), None)
        cased = _in_other_case(part, labels)
        word = no_label is not None and _in_other_case(part, [no_label]) is not None
        exact = no_label is not None and part == nfc_id(no_label.strip())
        problems.append(f"{part!r} is not a declared label" + (
            f" (it holds {other!r}: the protocol's reference_separator is {separator!r})"
            if other else f" (the label {cased!r} in another letter case: write it as the "
            "protocol does)" if cased else " (it is the no_label word, for a case carrying "
            "none of the labels: it stands alone in its cell, not joined with labels)"
            if exact else f" (no_label {no_label!r} in another letter case: write it as the "
            "protocol does)" if word else ""))
    twice = sorted({part for part in parts if part and parts.count(part) > 1})
    if twice:
        problems.append(f"{', '.join(map(repr, twice))} listed twice")
    if not problems:
        return None
    hint = (f"; a case without any label is written {no_label!r} (no_label)" if no_label
            else "; a case carrying no label needs no_label = \"...\" in [task]")
    return "; ".join(problems) + f" (labels {list(labels)}, joined by {separator!r}{hint})"


def reference_labels(text: str, labels: Sequence[str], separator: str,
                     no_label: str | None) -> list[bool]:
    """Whether the case carries each label, in the order of ``labels`` (the cell checked
    by :func:`label_set_problem` first).

    >>> reference_labels("STTC; MI", ["NORM", "MI", "STTC"], ";", None)
    [False, True, True]
    """
    cell = nfc_id(text.strip())
    if no_label is not None and cell == nfc_id(no_label):
        return [False] * len(labels)
    carried = {nfc_id(part.strip()) for part in cell.split(separator)}
    return [label in carried for label in labels]


def scores_of(case: Case, value: Any, labels: Sequence[str]) -> list[float]:
    """The case's score of each label, in the order of ``labels``.

    Raises
    ------
    PredictionError
        Naming the case and every problem (``invalid-output``).

    Examples
    --------
    >>> case = Case("c1", "p1", ("in/c1.json",), "MI", {}, 2)
    >>> scores_of(case, {"scores": {"MI": 0.7, "NORM": 0.2}}, ["NORM", "MI"])
    [0.2, 0.7]
    >>> try:
    ...     scores_of(case, {"scores": {"MI": 0.7}}, ["NORM", "MI"])
    ... except PredictionError as exc:
    ...     print(str(exc)[:62])
    case c1: the label scores are refused: no score for label(s) [
    """
    wanted = "{\"scores\": {" + ", ".join(
        f"{json.dumps(label, ensure_ascii=False)}: p" for label in labels) + "}}"
    if not (isinstance(value, dict) and "scores" in value):
        held = ("has no \"scores\" (its keys: " + ", ".join(
            json.dumps(str(k), ensure_ascii=False) for k in list(value)[:10]) + ")"
            if isinstance(value, dict) else f"holds {str(value)[:60]}")
        raise PredictionError(f"case {case.case_id}: the prediction {held}; a multi-label "
                              f"prediction gives a score for each label, {wanted}")
    given = value["scores"]
    if not isinstance(given, dict):
        raise PredictionError(f"case {case.case_id}: \"scores\" must be an object naming "
                              f"each label once, {wanted}, got {type(given).__name__}")
    by_label = {nfc_id(str(key)): score for key, score in given.items()}
    problems = []
    if len(by_label) < len(given):
        problems.append("a label is named twice (in two Unicode forms)")
    missing = [label for label in labels if label not in by_label]
    if missing:
        problems.append(f"no score for label(s) {missing}")
    extra = [str(key) for key in given if nfc_id(str(key)) not in labels]
    if extra:
        cased = {key: other for key in extra if (other := _in_other_case(key, labels))}
        problems.append(f"label(s) {extra} are not among the protocol's labels {list(labels)}"
                        + (" (in another letter case: " + ", ".join(
                            f"{key!r} for {other!r}" for key, other in cased.items())
                           + "; write each label as the protocol does)" if cased else ""))
    bad = [f"{label}: {by_label[label]!r}" for label in labels
           if label in by_label and not _finite_number(by_label[label])]
    if bad:
        problems.append(f"not a finite number: {', '.join(bad)}")
    if problems:
        raise PredictionError(f"case {case.case_id}: the label scores are refused: "
                              + "; ".join(problems))
    return [float(by_label[label]) for label in labels]


def _listed(cell: str) -> list[str] | None:
    """The labels of a cell written as a Python or JSON list of texts (``['MI', 'STTC']``,
    ``[]``), else None.

    >>> _listed("['MI', 'STTC']"), _listed("[]"), _listed("MI;STTC"), _listed("[1, 2]")
    (['MI', 'STTC'], [], None, None)
    """
    import ast

    if not (cell.startswith("[") and cell.endswith("]")):
        return None
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [nfc_id(x.strip()) for x in value]
    return None


def _in_other_case(text: str, labels: Sequence[str]) -> str | None:
    """The protocol's label that ``text`` writes in another letter case, or None.

    >>> _in_other_case("mi", ["NORM", "MI"]), _in_other_case("M1", ["NORM", "MI"])
    ('MI', None)
    """
    folded = nfc_id(text.strip()).casefold()
    return next((str(label) for label in labels if str(label).casefold() == folded), None)


def _finite_number(value: Any) -> bool:
    return is_number(value) and math.isfinite(value)
