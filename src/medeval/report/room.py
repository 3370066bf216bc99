"""The page break that keeps a table's leading notes on the page of its first rows.

A section's heading keeps with the paragraph after it (reportlab's ``keepWithNext``), not
with the table the paragraphs lead into: a heading and a matrix's caption could end a
page, the table beginning the next. :class:`RoomFor` breaks the page before them where
the page has no room for them and the table's head and first rows (a certificate of a
result made after medeval 0.11.0).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak  # type: ignore[import-untyped,unused-ignore]

__all__ = ["TABLE_START", "RoomFor"]


class RoomFor(CondPageBreak):  # type: ignore[misc]
    """A page break where the page has no room left for the flowables it leads, up to
    and with the first :data:`TABLE_START` rows of the table that ends them; where it
    does not break, it takes no room and leaves the spacing as it was (reportlab's
    zero-size, space-transferring flowable). Where they are taller than a whole page, no
    break helps: it does not break."""

    _ZEROSIZE = True
    _SPACETRANSFER = True

    def __init__(self) -> None:
        super().__init__(0)
        self.lead: list[Any] = []
        self.closed = False

    def take(self, flowables: list[Any]) -> None:
        """The next flowables: notes (and the heading before them), or the table."""
        self.lead += flowables
        self.closed = any(hasattr(f, "_cellvalues") for f in flowables)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        height = 0.0
        for flowable in self.lead:
            if hasattr(flowable, "_cellvalues"):  # the table: its first rows
                flowable.wrap(availWidth, 0xFFFFFF)
                height += sum(flowable._rowHeights[:TABLE_START])
                break
            height += (flowable.wrap(availWidth, 0xFFFFFF)[1] + flowable.getSpaceBefore()
                       + flowable.getSpaceAfter())
        frame = self._doctemplateAttr("frame")
        if frame is not None and height > frame._aH:
            # no page holds them (a report info's sixty deviations before section 12's
            # fields): a break would only leave the foot of this page empty
            height = 0.0
        self.height = height
        return tuple(super().wrap(availWidth, availHeight))


#: The rows of a table (its head and two more) kept on the page of its leading notes.
TABLE_START = 3
