"""A note under the definitions of a segmentation result: its figures are means over cases.

The definitions table gives each segmentation figure's per-case formula (Dice
``2 |R & P| / (|R| + |P|)``), while the figure printed is the mean of those per-case
values over the cases analysed (:mod:`medeval.tasks.segmentation`); nothing but the unit
note's 'the number of cases a mean rests on' said so. A result made after 0.11.0 says it
under the table; one made before renders as issued.
"""

from __future__ import annotations

from ..result import Result
from .blocks import Block, Para
from .catalogue import Msg
from .made_by import made_after

__all__ = ["SEGMENTATION_MEAN_UNTIL", "segmentation_mean_note"]

#: The last release whose segmentation certificates printed the per-case formulas alone.
SEGMENTATION_MEAN_UNTIL = "0.11.0"


def segmentation_mean_note(result: Result) -> tuple[Block, ...]:
    """The note for a segmentation result made after 0.11.0; none otherwise."""
    if result.task != "segmentation" or not made_after(result, SEGMENTATION_MEAN_UNTIL):
        return ()
    return (Para(Msg("text.segmentation_mean"), "note"),)
