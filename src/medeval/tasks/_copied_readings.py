"""Readings that are copies of one another in a reader study (private to
:mod:`medeval.tasks.reader_study`).

A reader who rated every case alike in both treatments, or two readers who rated every
case alike in one treatment, is more often an export's fault (a treatment's column
written twice, one reader's readings saved under two names) than a reading: with 1–5
ratings on a hundred cases, two independent readings agree on every case with a
probability far below any study's. Such copies are not refused (a small study can hold
them) but named, since they change the analysis: a reader's copied treatments show no
difference by construction, and copied readers add no reader-to-reader variation, so
that an interval narrows to zero width where the copies are all there is.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["copied_readings"]


def _same(a: pd.Series, b: pd.Series) -> bool:
    return bool((a.to_numpy() == b.to_numpy()).all())


def copied_readings(table: pd.DataFrame, treatments: tuple[str, str]) -> tuple[str, ...]:
    """The warnings for copied readings in ``table`` (columns ``reader, treatment, case,
    rating``, factorial): readers whose test and reference readings are the same on
    every case, then, per treatment (test, reference), each group of readers who rated
    every case alike. A reader who gave every case one rating is left out (said by the
    warning of constant readings: two such readers are alike without being copies).

    >>> rows = [(r, t, c, float(c if r != "C" or t == "B" else -c))
    ...         for r in "ABC" for t in "AB" for c in range(3)]
    >>> table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "rating"])
    >>> for w in copied_readings(table, ("A", "B")): print(w[:60])
    reader(s) 'A', 'B' gave every case the same rating in both t
    readers 'A', 'B' gave every case the same ratings in the tes
    readers 'A', 'B', 'C' gave every case the same ratings in th
    """
    grid = table.pivot(index="case", columns=["treatment", "reader"], values="rating")
    readers = sorted(set(table["reader"]))
    varied = {(t, r) for t in treatments for r in readers if grid[(t, r)].nunique() > 1}
    test, reference = treatments
    both = [r for r in readers if (test, r) in varied and (reference, r) in varied
            and _same(grid[(test, r)], grid[(reference, r)])]
    out = []
    if both:
        out.append(
            f"reader(s) {', '.join(map(repr, both))} gave every case the same rating in "
            "both treatments (a treatment's readings written twice?): such a reader's "
            "difference is 0 by construction; check these readings")
    for role, treatment in zip(("test", "reference"), treatments):
        left = [r for r in readers if (treatment, r) in varied]
        while left:
            first, *rest = left
            group = [first, *(r for r in rest if _same(grid[(treatment, first)],
                                                       grid[(treatment, r)]))]
            left = [r for r in left if r not in group]
            if len(group) > 1:
                out.append(
                    f"readers {', '.join(map(repr, group))} gave every case the same "
                    f"ratings in the {role} treatment (one reader's readings written "
                    "under several names?): copies add no variation between readers; "
                    "check these readings")
    return tuple(out)
