"""The shipped fonts: NanumGothic (SIL OFL 1.1, © NAVER), from Debian's ``fonts-nanum``.

reportlab's built-in Korean CID fonts are never embedded, and reportlab's ``TTFont``
cannot read CFF-outline fonts (Noto CJK), so the certificate embeds these TrueType
files, shipped in ``medeval/fonts/`` with their licence (``OFL-NanumGothic.txt``).

The HTML report embeds them too (:func:`font_face_css`): both faces subset by fontTools'
subsetter to the characters of the page, as WOFF in ``data:`` URIs of ``@font-face``
rules, so Korean renders on a machine without Korean fonts and without a network. The
OFL allows embedding a subset in a document.
"""

from __future__ import annotations

import base64
import io
from importlib import resources
from pathlib import Path

__all__ = ["FONT", "FONT_BOLD", "font_face_css", "font_path", "register_fonts",
           "subset_font"]

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


def subset_font(chars: str, *, bold: bool = False) -> bytes:
    """The shipped face subset to ``chars`` (fontTools), as WOFF bytes.

    Hinting is dropped (the subset is for screens, and small); the timestamp in the
    ``head`` table is kept, so the same characters give the same bytes.
    """
    from fontTools import subset  # type: ignore[import-untyped,unused-ignore]

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.recalc_timestamp = False
    options.notdef_outline = True
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # VTT hinting sources
    font = subset.load_font(str(font_path(bold=bold)), options, dontLoadGlyphNames=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    return buffer.getvalue()


def font_face_css(chars: str) -> str:
    """``@font-face`` rules for NanumGothic regular and bold, each a subset to ``chars``
    embedded as a ``data:font/woff`` URI (no file, no network)."""
    rules = []
    for weight, bold in (("normal", False), ("bold", True)):
        data = base64.b64encode(subset_font(chars, bold=bold)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{FONT}"; font-style: normal; '
                     f"font-weight: {weight}; font-display: block; "
                     f'src: url("data:font/woff;base64,{data}") format("woff"); }}')
    return "\n".join(rules)
