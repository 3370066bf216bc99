"""The certificate's QR code: reportlab's widget, its matrix encoded once per text.

reportlab's :class:`~reportlab.graphics.barcode.qr.QrCodeWidget` encodes its text again
at every ``draw()`` (``getBounds()`` draws it, and so does the page), and each encoding
lays the matrix out nine times: once for each of the eight masks it scores
(``getBestMaskPattern``), then with the best one. A certificate draws two QR codes, each
twice, and verifying one renders it again: this was a seventh of a verification's time.

The matrix is a function of the text and the error-correction level alone (the version
is the smallest that holds the text, as the widget's ``qrVersion=None`` picks it), so
:func:`qr_widget` gives reportlab's widget whose encoder takes the matrix reportlab made
for that text the first time; the widget draws it as before, rectangle for rectangle.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.graphics.barcode import qrencoder  # type: ignore[import-untyped,unused-ignore]
from reportlab.graphics.barcode.qr import QrCodeWidget  # type: ignore[import-untyped,unused-ignore]

__all__ = ["qr_widget"]

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=32)
def _encoded(text: str, level: str) -> tuple[int, Matrix]:
    """The version and module matrix reportlab's encoder makes for ``text``."""
    qr = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    qr.addData(text)
    qr.make()
    return qr.version, tuple(tuple(row) for row in qr.modules)


class _EncodedOnce(qrencoder.QRCode):  # type: ignore[misc,unused-ignore]
    """reportlab's encoder, whose ``make()`` takes the matrix :func:`_encoded` keeps."""

    def __init__(self, text: str, level: str) -> None:
        super().__init__(None, getattr(qrencoder.QRErrorCorrectLevel, level))
        self.addData(text)
        self._text, self._level = text, level

    def make(self) -> None:
        self.version, matrix = _encoded(self._text, self._level)
        self.moduleCount = len(matrix)
        self.modules = [list(row) for row in matrix]


def qr_widget(text: str, *, level: str = "M", border: int = 2) -> Any:
    """reportlab's ``QrCodeWidget(text, barLevel=level, barBorder=border)``, drawn the
    same, its text encoded once (:mod:`medeval.report.qr`)."""
    widget = QrCodeWidget(text, barLevel=level, barBorder=border)
    widget.__dict__["qr"] = _EncodedOnce(text, level)  # where reportlab's __init__ puts it
    return widget
