"""The certificate's QR code is encoded once per text, and drawn as reportlab draws it.

reportlab's QrCodeWidget encoded its text again at each draw (getBounds draws it, the
page draws it), nine matrix layouts each (getBestMaskPattern tries the eight masks): a
certificate encoded each of its QR texts four times, and every verification rendered it
again. The widget medeval draws is checked against reportlab's own, rectangle for
rectangle; the bytes of issued certificates are checked in test_issued_bytes.py.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Group

import medeval
from medeval.report.info import ReportInfo
from medeval.report.pdf import certificate_pdf
from medeval.report.qr import qr_widget

TEXTS = [
    "MEDEVAL-CERT|KTL-2026-0001|sha256:" + "0123456789abcdef" * 4,
    "https://verify.example.org/reports/KTL-2026-0001?fingerprint=" + "ab" * 32,
    "12345",  # numeric mode
    "A",  # the smallest version
    "한국어 시험성적서 " * 20,  # 8-bit bytes, a larger version
]


def _rects(group: Group) -> list[tuple[Any, ...]]:
    return [(type(s).__name__, s.x, s.y, s.width, s.height, s.fillColor, s.strokeColor)
            for s in group.contents]


@pytest.mark.parametrize("text", TEXTS)
def test_the_widget_draws_what_reportlab_s_own_draws(text: str) -> None:
    ours = qr_widget(text, level="M", border=2)
    theirs = QrCodeWidget(text, barLevel="M", barBorder=2)
    assert _rects(ours.draw()) == _rects(theirs.draw())
    assert _rects(ours.draw()) == _rects(theirs.draw())  # drawn again: the same
    assert ours.getBounds() == theirs.getBounds()
    assert ours.qr.version == theirs.qr.version


@pytest.fixture()
def encodings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[tuple[str, ...]]]:
    """Each text reportlab's encoder encodes (chooses a mask for), counted: a spy that
    calls the real getBestMaskPattern."""
    counted: Counter[tuple[str, ...]] = Counter()
    real = qrencoder.QRCode.getBestMaskPattern

    def spy(self: Any) -> Any:
        counted[tuple(str(d.data) for d in self.dataList)] += 1
        return real(self)

    monkeypatch.setattr(qrencoder.QRCode, "getBestMaskPattern", spy)
    yield counted


def test_a_certificate_encodes_each_qr_text_once(certified: Path,
                                                  encodings: Counter[tuple[str, ...]]) -> None:
    result = medeval.read_result(certified)
    # a report number no other test renders: its QR texts were never encoded before
    info = ReportInfo(report_number=f"QR-{uuid.uuid4().hex[:12]}")
    first = certificate_pdf(result, info, check_dates=False)
    assert encodings, "the certificate draws no QR code"
    assert all(info.report_number in "".join(text) for text in encodings)
    assert set(encodings.values()) == {1}, encodings  # was 4: two getBounds, two draws
    encodings.clear()
    assert certificate_pdf(result, info, check_dates=False) == first  # rendered again
    assert not encodings  # encoded already
