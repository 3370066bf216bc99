"""The certificate's page: A4, its margins and the width tables are laid out in, in
points (1/72 inch), and the width of a text as the embedded faces set it.

Kept apart from :mod:`.pdf` so that the content (a table's columns) can be measured
against the page without importing the renderer.
"""

from __future__ import annotations

from .fonts import font_runs

__all__ = ["BOTTOM", "FRAME_W", "LEFT", "MM", "PAGE_H", "PAGE_W", "RIGHT", "TABLE_PADDING",
           "TOP", "text_width"]

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT = RIGHT = 18 * MM
TOP, BOTTOM = 24 * MM, 20 * MM
FRAME_W = PAGE_W - LEFT - RIGHT
#: A table cell's left and right padding together.
TABLE_PADDING = 2 * 3.5


def text_width(text: str, size: float, *, bold: bool = False, swap: bool = False) -> float:
    """The width of ``text`` set as :func:`~medeval.report.fonts.font_runs` sets it, in
    points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped,unused-ignore]

    return float(sum(stringWidth(run, face, size)
                     for face, run in font_runs(text, bold=bold, swap=swap)))
