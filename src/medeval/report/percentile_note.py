"""A note under the definitions for Hausdorff figures at a percentile other than the 95th.

A segmentation protocol's ``hd_percentile`` (90: ``hd90@pooled``) names figures whose
definitions are ``hd95@max-directed`` and ``hd95@pooled`` (one formula, the percentile
aside), and the definitions table printed their formulas, 'P95', alone beside ``hd90``
figures. A result made after 0.11.0 says, under the table, which percentile those
figures take; one made before renders as issued. The note names the figures in the
words the tables print ("90th percentile Hausdorff distance of label 1"), not by their
ids ("label1:hd90@max-directed"), which the tables above never show.
"""

from __future__ import annotations

from ..result import Result
from .blocks import Block, Cell, Para
from .catalogue import Msg
from .cells import metric_name, ordinal
from .made_by import made_after
from .results import ordered_metrics

__all__ = ["HD_PERCENTILE_UNTIL", "percentile_note"]

#: The last release whose certificates printed hd95's formulas alone for the figures of
#: another ``hd_percentile``.
HD_PERCENTILE_UNTIL = "0.11.0"


def percentile_note(result: Result) -> tuple[Block, ...]:
    """The note, where some figure of ``result`` takes hd95's definition at another
    percentile (``label1:hd90@pooled`` too); none otherwise. The figures are named as
    the tables name them, in the tables' order (:func:`~.results.ordered_metrics`), not
    the result's: a result read from its JSON holds its figures a-z, one fresh from
    ``evaluate`` in the task's order, and the two must print the same bytes."""
    figures = [m for m in ordered_metrics(result.metrics, result) if m.definition.startswith(
        "hd95@") and not m.name.rpartition(":")[2].startswith("hd95@")]
    percentile = result.parameters.task.get("hd_percentile")
    if not figures or percentile is None or not made_after(result, HD_PERCENTILE_UNTIL):
        return ()
    names: list[Cell] = [metric_name(m.name, m.definition, result=result) for m in figures]
    listed = names[-1]
    for name in reversed(names[:-1]):  # "a, b, c" as "a, (b, c)"
        listed = Msg("text.hd_percentile_more", (("first", name), ("rest", listed)))
    q = f"{float(percentile):g}"
    return (Para(Msg("text.hd_percentile", (("figures", listed), ("percentile", q),
                                            ("nth", ordinal(q)))), "note"),)
