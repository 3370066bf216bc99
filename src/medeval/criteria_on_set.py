"""Acceptance criteria a held-out set cannot judge, whatever the algorithm answers.

A criterion on a figure that needs cases of a class the set does not hold (sensitivity
without a positive case, ``sensitivity@4`` without a grade-4 case, the referable split's
specificity without a non-referable case, a class's one-vs-rest ``auc@4`` without a grade-4
case, a multi-label ``sensitivity@HYP`` without a case carrying HYP, ``auc@macro`` with a
label no case carries or every case does) is undefined (NaN) on that set, and the guarded
rule judges it INCONCLUSIVE for every algorithm: the test cannot pass. The evaluation
says so after the run; :func:`criteria_without_cases` says so before it, from the
manifest's references alone, for ``medeval manifest check --protocol``.

Only the references decide here: a figure that also needs predictions of a class (PPV,
a class's F1) is not named, as the algorithm may supply them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from .manifest import Case, nfc_id

__all__ = ["criteria_without_cases"]

#: The binary figures that need reference cases of each class: positives, negatives.
_NEEDS_POSITIVES = frozenset({"sensitivity", "roc_auc", "average_precision",
                              "balanced_accuracy", "youden_j", "lr_positive",
                              "lr_negative"})
_NEEDS_NEGATIVES = frozenset({"specificity", "roc_auc", "balanced_accuracy", "youden_j",
                              "lr_positive", "lr_negative"})


def criteria_without_cases(protocol: Any, cases: Sequence[Case]) -> list[str]:
    """One message per criterion of ``protocol`` whose figure the ``cases``' references
    leave undefined (a binary, multi-class or multi-label classification's; other tasks:
    none).

    Examples
    --------
    A binary protocol judging sensitivity and specificity, on a set of negatives only:

    >>> from medeval.protocol import validate_protocol
    >>> criteria = [{"metric": m, "goal": 0.8, "source": "plan"}
    ...             for m in ("sensitivity", "specificity")]
    >>> p = validate_protocol({"test": {"id": "T", "title": "t", "mode": "pre-check"},
    ...     "laboratory": {"name": "L"}, "customer": {"name": "C"}, "criteria": criteria,
    ...     "algorithm": {"name": "a", "version": "1"}, "statistics": {"seed": 1},
    ...     "dataset": {"manifest": "m.csv", "selection": "all"},
    ...     "task": {"type": "binary-classification", "threshold": 0.5}})
    >>> cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x.png",),
    ...               reference="0") for i in range(3)]
    >>> [message] = criteria_without_cases(p, cases)
    >>> message.startswith("criteria.0 (sensitivity): the set holds no reference case of "
    ...                    "the positive class 1")
    True
    """
    task = protocol.task
    references = Counter(nfc_id(case.reference.strip()) for case in cases)
    if task.type == "binary-classification":
        positive = nfc_id(str(task.positive_label))
        negative = nfc_id(str(task.negative_label))
        lacking = [(_NEEDS_POSITIVES, f"the positive class {positive}", positive),
                   (_NEEDS_NEGATIVES, f"the negative class {negative}", negative)]
        needs = {metric: [(what, label) for names, what, label in lacking
                          if metric in names and not references[label]]
                 for metric in {c.metric for c in protocol.criteria}}
    elif task.type == "multiclass-classification":
        needs = {c.metric: _multiclass_needs(c.metric, task, references)
                 for c in protocol.criteria}
    elif task.type == "multilabel-classification":
        carried, without = _label_counts(task, cases)
        needs = {c.metric: _multilabel_needs(c.metric, carried, without)
                 for c in protocol.criteria}
    else:
        return []
    messages = []
    for index, criterion in enumerate(protocol.criteria):
        gaps = [what for what, _label in needs.get(criterion.metric, [])]
        if gaps:  # every class the set lacks, not the first only: one look at the set
            messages.append(
                f"criteria.{index} ({criterion.metric}): the set holds no reference case of "
                f"{', nor of '.join(gaps)}, so {criterion.metric} is undefined on it and "
                "the criterion "
                "INCONCLUSIVE whatever the algorithm answers (the test cannot pass); add "
                "such cases to the set or take the criterion out of the protocol")
    return messages


def _multiclass_needs(metric: str, task: Any, references: Counter[str]
                      ) -> list[tuple[str, str]]:
    """The classes (or sides of the referable split) ``metric`` needs and the set
    lacks, each as (what, label)."""
    labels = [nfc_id(str(label)) for label in task.labels]
    name, _, suffix = metric.partition("@")
    missing = [label for label in labels if not references[label]]
    if name == "sensitivity" and suffix == "macro":  # an average over every class
        return [(f"{_classes(missing)} (sensitivity@macro averages every class's "
                 "sensitivity)", missing[0])] if missing else []
    if name == "sensitivity" and suffix in labels:
        return [] if references[suffix] else [(f"class {suffix}", suffix)]
    if name == "auc" and suffix == "macro":  # the mean of every class's one-vs-rest AUC
        return [(f"{_classes(missing)} (auc@macro averages every class's one-vs-rest AUC)",
                 missing[0])] if missing else []
    if name == "auc" and suffix in labels:  # the class against the others: both sides
        others = [label for label in labels if label != suffix]
        return ([] if references[suffix] else [(f"class {suffix}", suffix)]) + (
            [] if any(references[label] for label in others) else
            [(f"a class other than {suffix} ({', '.join(others)})", others[0])])
    given = getattr(task, "referable_from", None)
    if given is None or name not in ("referable_sensitivity", "referable_specificity",
                                     "referable_auc"):
        return []
    split = labels.index(nfc_id(str(given)))
    sides = {"referable": labels[split:], "non-referable": labels[:split]}
    needed = {"referable_sensitivity": ("referable",), "referable_specificity": (
        "non-referable",), "referable_auc": ("referable", "non-referable")}[name]
    return [(f"a {which} class ({', '.join(sides[which])})", sides[which][0])
            for which in needed if not any(references[label] for label in sides[which])]


def _classes(labels: Sequence[str]) -> str:
    """``class 4`` or ``classes 2, 3, 4``.

    >>> _classes(["4"]), _classes(["2", "3", "4"])
    ('class 4', 'classes 2, 3, 4')
    """
    return f"class {labels[0]}" if len(labels) == 1 else f"classes {', '.join(labels)}"


def _label_counts(task: Any, cases: Sequence[Case]) -> tuple[Counter[str], Counter[str]]:
    """How many cases carry each of a multi-label protocol's labels, and how many do not
    (cells that are no label set, refused elsewhere, are left out)."""
    from .tasks._label_sets import label_set_problem, reference_labels

    labels = [nfc_id(str(label)) for label in task.labels]
    carried: Counter[str] = Counter()
    without: Counter[str] = Counter()
    for case in cases:
        if label_set_problem(case.reference, labels, task.reference_separator,
                             task.no_label) is not None:
            continue
        for label, has in zip(labels, reference_labels(
                case.reference, labels, task.reference_separator, task.no_label)):
            (carried if has else without)[label] += 1
    carried.update(dict.fromkeys(labels, 0))  # every label a key, counted or not
    without.update(dict.fromkeys(labels, 0))
    return carried, without


def _multilabel_needs(metric: str, carried: Counter[str], without: Counter[str]
                      ) -> list[tuple[str, str]]:
    """The sides of a label (cases carrying it, cases without it) ``metric`` needs and
    the set lacks, each as (what, label). A label's sensitivity needs a case carrying
    it, its specificity one without it, its AUC both, and ``auc@macro`` both for every
    label; PPV needs the algorithm's calls, and the Hamming loss and subset accuracy
    any case."""
    name, _, suffix = metric.partition("@")
    if name == "auc" and suffix == "macro":
        absent = [label for label in carried if not carried[label]]
        every = [label for label in carried if not without[label]]
        whats = ([(("label " if len(absent) == 1 else "labels ") + ", ".join(absent),
                   absent[0])] if absent else []) + [
            (f"a label set without {label} (every case carries it)", label) for label in every]
        return [(what + (" (auc@macro averages every label's AUC)"
                         if k == len(whats) - 1 else ""), label)  # said once, at the end
                for k, (what, label) in enumerate(whats)]
    sides = {"sensitivity": ("carrying",), "specificity": ("without",),
             "auc": ("carrying", "without")}.get(name)
    if sides is None or suffix not in carried:
        return []
    return [(what, suffix) for what, lacking in _label_sides(suffix, carried, without, sides)
            if lacking]


def _label_sides(label: str, carried: Counter[str], without: Counter[str],
                 sides: Sequence[str]) -> list[tuple[str, bool]]:
    """Each of ``sides`` of ``label`` described, and whether the set lacks it."""
    return [(f"label {label}", not carried[label]) if side == "carrying"
            else (f"a label set without {label} (every case carries it)", not without[label])
            for side in sides]
