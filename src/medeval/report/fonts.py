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
import functools
import io
import unicodedata
from importlib import resources
from pathlib import Path

from ._errors import ReportError

__all__ = ["FALLBACK", "FALLBACK_BOLD", "FONT", "FONT_BOLD", "SWAPPED", "font_face_css",
           "font_path", "font_runs", "register_fonts", "subset_font"]

#: reportlab names of the regular and bold faces.
FONT = "NanumGothic"
FONT_BOLD = "NanumGothic-Bold"
#: reportlab names of DejaVu Sans (matplotlib's copy), for what NanumGothic lacks.
FALLBACK = "DejaVuSans"
FALLBACK_BOLD = "DejaVuSans-Bold"


def font_path(*, bold: bool = False) -> Path:
    """The path of the shipped TTF (regular or bold)."""
    name = "NanumGothicBold.ttf" if bold else "NanumGothic.ttf"
    return Path(str(resources.files("medeval") / "fonts" / name))


def _fallback_path(*, bold: bool = False) -> Path:
    """matplotlib's DejaVu Sans (regular or bold)."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


@functools.cache
def _code_points(name: str) -> frozenset[int]:
    """The characters a face maps, from reportlab's reading of it (registered here: the
    DejaVu faces only when a text first needs them)."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped,unused-ignore]

    if name in (FONT, FONT_BOLD):
        register_fonts()
    elif name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(_fallback_path(bold=name == FALLBACK_BOLD)),
                                        asciiReadable=1))
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


#: Characters NanumGothic has but draws amiss: the backslash as the won sign "₩" (the
#: Korean fonts' old convention: "Reference ₩ output"), the superscript digits at a
#: third of a digit's height ("mm²" read "mm"). Set in DejaVu Sans where ``swap``.
SWAPPED = frozenset("\\\u00b9\u00b2\u00b3")


def font_runs(text: str, *, bold: bool = False, swap: bool = False) -> list[tuple[str, str]]:
    """``text`` as runs of ``(face, text)`` that the embedded faces can print.

    The text is composed (Unicode NFC) first; a character NanumGothic has stays in the
    run of the paragraph's own face (``FONT``, or ``FONT_BOLD`` when ``bold``), one it
    lacks goes to DejaVu Sans, and so does one of :data:`SWAPPED` where ``swap`` (a
    certificate of a result made after medeval 0.11.0). Invisible format and control
    characters (zero-width space, variation selectors, ...) are dropped; a newline is
    kept.

    Raises
    ------
    ReportError
        A character neither face has, or one outside the Basic Multilingual Plane that
        NanumGothic lacks (emoji: reportlab's ToUnicode map would make its text
        unreadable), named with its code point.

    Examples
    --------
    >>> font_runs("Cafe\u0301 \u00c5sa")
    [('NanumGothic', 'Café '), ('DejaVuSans', 'Å'), ('NanumGothic', 'sa')]
    """
    primary, fallback = (FONT_BOLD, FALLBACK_BOLD) if bold else (FONT, FALLBACK)
    have = _code_points(primary)
    runs: list[tuple[str, str]] = []
    for char in unicodedata.normalize("NFC", text):
        point = ord(char)
        if char == "\n" or (point in have and not (swap and char in SWAPPED)):
            face = primary
        elif unicodedata.category(char) in ("Cc", "Cf") or 0xFE00 <= point <= 0xFE0F:
            continue
        elif point <= 0xFFFF and point in _code_points(fallback):  # ToUnicode: the BMP only
            face = fallback
        else:
            raise ReportError(
                f"the certificate cannot print {char!r} (U+{point:04X} "
                f"{unicodedata.name(char, 'unnamed')}) in {text!r}: no embedded font "
                "(NanumGothic, DejaVu Sans) has it; write it another way in the protocol "
                "or the report info")
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def register_fonts() -> None:
    """Register NanumGothic's faces and family (idempotent; DejaVu Sans is registered by
    :func:`font_runs` when a text needs it)."""
    from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped,unused-ignore]

    registered = pdfmetrics.getRegisteredFontNames()
    if FONT not in registered:
        # asciiReadable as reportlab ships it, whatever ~/.reportlab_settings or
        # RL_ttfAsciiReadable say (read as the face is made; it numbers the subsets'
        # glyphs, so the PDF's bytes: see _reportlab_settings)
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), asciiReadable=1))
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path(bold=True)), asciiReadable=1))
    for bold, italic, face in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, face)


#: Every option of fontTools' subsetter that shapes these faces' subset, at the value the
#: issued HTML reports were made with (fontTools 4.50-4.68's defaults), so that a default
#: changed by a later fontTools does not change a report already issued: 4.69 began to
#: keep every ``name`` record (``name_IDs`` 0-255), which added the trademark, designer
#: and URL records (438 bytes) to each face and changed every HTML report's bytes. Hinting
#: is dropped (the subset is for screens, and small); the timestamp in the ``head`` table
#: is kept, so the same characters give the same bytes.
_SUBSET_OPTIONS: dict[str, object] = {
    "flavor": "woff",
    "with_zopfli": False,
    "font_number": -1,
    "hinting": False,
    "hinting_tables": ["cvt", "cvar", "fpgm", "prep", "hdmx", "VDMX"],
    "drop_tables": ["JSTF", "DSIG", "EBDT", "EBLC", "EBSC", "PCLT", "LTSH", "Feat", "Glat",
                    "Gloc", "Silf", "Sill",
                    "TSI0", "TSI1", "TSI2", "TSI3", "TSI5",  # VTT hinting sources
                    "FFTM"],  # DejaVu's FontForge timestamps (fontTools logs it dropped)
    "passthrough_tables": False,
    "name_IDs": [0, 1, 2, 3, 4, 5, 6],
    "name_legacy": False,
    "name_languages": [0x0409],  # English
    "obfuscate_names": False,
    "glyph_names": False,
    "legacy_cmap": False,
    "symbol_cmap": False,
    "legacy_kern": False,
    "retain_gids": False,
    "notdef_glyph": True,
    "notdef_outline": True,
    "recommended_glyphs": False,
    "recalc_bounds": False,
    "recalc_timestamp": False,
    "recalc_average_width": False,
    "recalc_max_context": False,
    "prune_unicode_ranges": True,
    "prune_codepage_ranges": True,
    "ignore_missing_glyphs": False,
    "ignore_missing_unicodes": True,
}


def subset_font(chars: str, *, bold: bool = False, fallback: bool = False) -> bytes:
    """The shipped face subset to ``chars`` (fontTools), as WOFF bytes, with the options of
    :data:`_SUBSET_OPTIONS` whatever fontTools' defaults; with ``fallback``, DejaVu Sans
    (matplotlib's copy, the certificate's face for :data:`SWAPPED`) instead."""
    from fontTools import subset  # type: ignore[import-untyped,unused-ignore]

    options = subset.Options()
    for name, value in _SUBSET_OPTIONS.items():
        setattr(options, name, list(value) if isinstance(value, list) else value)
    path = _fallback_path(bold=bold) if fallback else font_path(bold=bold)
    font = subset.load_font(str(path), options, dontLoadGlyphNames=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    return buffer.getvalue()


def font_face_css(chars: str, *, swap: bool = False) -> str:
    """``@font-face`` rules for NanumGothic regular and bold, each a subset to ``chars``
    embedded as a ``data:font/woff`` URI (no file, no network).

    With ``swap`` (a result made after medeval 0.11.0, as the PDF's
    :func:`font_runs`), the characters of :data:`SWAPPED` among ``chars`` (the backslash,
    which NanumGothic draws as the won sign) are left out of NanumGothic's subset and
    given, under the same family and limited to them by ``unicode-range``, to a DejaVu
    Sans subset: the page draws ``\\`` as a backslash, as the certificate does."""
    swapped = sorted(set(chars) & SWAPPED) if swap else []
    faces = [("".join(c for c in chars if c not in swapped), False, "")]
    if swapped:
        faces.append(("".join(swapped), True, " unicode-range: " + ", ".join(
            f"U+{ord(c):04X}" for c in swapped) + ";"))
    rules = []
    for text, fallback, limited in faces:
        for weight, bold in (("normal", False), ("bold", True)):
            font = subset_font(text, bold=bold, fallback=fallback)
            data = base64.b64encode(font).decode("ascii")
            rules.append(f'@font-face {{ font-family: "{FONT}"; font-style: normal; '
                         f"font-weight: {weight}; font-display: block; "
                         f'src: url("data:font/woff;base64,{data}") format("woff");'
                         f"{limited} }}")
    return "\n".join(rules)
