"""The shipped fonts: NanumGothic (SIL OFL 1.1, © NAVER), from Debian's ``fonts-nanum``.

reportlab's built-in Korean CID fonts are never embedded, and reportlab's ``TTFont``
cannot read CFF-outline fonts (Noto CJK), so the certificate embeds these TrueType
files, shipped in ``medeval/fonts/`` with their licence (``OFL-NanumGothic.txt``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["FONT", "FONT_BOLD", "font_path", "register_fonts"]

#: reportlab names of the regular and bold faces.
FONT = "NanumGothic"
FONT_BOLD = "NanumGothic-Bold"


def font_path(*, bold: bool = False) -> Path:
    """The path of the shipped TTF (regular or bold)."""
    name = "NanumGothicBold.ttf" if bold else "NanumGothic.ttf"
    return Path(str(resources.files("medeval") / "fonts" / name))


def register_fonts() -> None:
    """Register both faces and their family with reportlab (idempotent)."""
    from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped,unused-ignore]

    registered = pdfmetrics.getRegisteredFontNames()
    if FONT not in registered:
        pdfmetrics.registerFont(TTFont(FONT, str(font_path())))
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path(bold=True))))
    for bold, italic, face in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, face)
