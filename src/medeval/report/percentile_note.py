"""A note under the definitions for Hausdorff figures at a percentile other than the 95th.

A segmentation protocol's ``hd_percentile`` (90: ``hd90@pooled``) names figures whose
definitions are ``hd95@max-directed`` and ``hd95@pooled`` (one formula, the percentile
aside), and the definitions table printed their formulas, 'P95', alone beside ``hd90``
figures. A result made after 0.11.0 says, under the table, which percentile those
figures take; one made before renders as issued.
"""

from __future__ import annotations

from ..result import Result
from .blocks import Block, Para
from .cells import message
from .made_by import made_after

__all__ = ["HD_PERCENTILE_UNTIL", "percentile_note"]

#: The last release whose certificates printed hd95's formulas alone for the figures of
#: another ``hd_percentile``.
HD_PERCENTILE_UNTIL = "0.11.0"


def percentile_note(result: Result) -> tuple[Block, ...]:
    """The note, where some figure of ``result`` takes hd95's definition at another
    percentile (``label1:hd90@pooled`` too); none otherwise."""
    figures = sorted({m.name for m in result.metrics if m.definition.startswith("hd95@")
                      and not m.name.rpartition(":")[2].startswith("hd95@")})
    percentile = result.parameters.task.get("hd_percentile")
    if not figures or percentile is None or not made_after(result, HD_PERCENTILE_UNTIL):
        return ()
    return (Para(message("text.hd_percentile", figures=", ".join(figures),
                         percentile=f"{float(percentile):g}"), "note"),)
