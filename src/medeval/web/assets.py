"""The page's style sheet and font, served by the app itself (nothing from the network).

The font is the shipped NanumGothic, subset once (fontTools, through
:func:`medeval.report.fonts.subset_font`) to what the page writes: ASCII, Latin-1,
general punctuation, the Hangul compatibility jamo and the 2,350 Hangul syllables of
KS X 1001 (the set every Korean font has; a rarer syllable in a withdrawal reason falls
back to the visitor's own fonts). About 0.7 MB as WOFF, cached by the browser. The
characters NanumGothic draws amiss (:data:`~medeval.report.fonts.SWAPPED`: the backslash
as the won sign, "²" a third of a digit high) are left out of it and served from DejaVu
Sans (the certificate's face for them), which the style sheet gives the same family
under ``unicode-range``.
"""

from __future__ import annotations

import threading
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["page_characters", "routes"]

_FONT: dict[bool, bytes] = {}
_FONT_LOCK = threading.Lock()
#: A day: the font and style change only with medeval.
_CACHE = "public, max-age=86400"


def page_characters() -> str:
    """The characters the page's font covers (see the module docs)."""
    ranges = [range(0x20, 0x7F), range(0xA0, 0x100), range(0x2010, 0x2040),
              range(0x3131, 0x318F)]
    chars = [chr(c) for r in ranges for c in r]
    chars += [chr(c) for c in range(0xAC00, 0xD7A4) if len(chr(c).encode("euc_kr")) == 2]
    return "".join(chars)


def page_font(*, swapped: bool = False) -> bytes:
    """The page's font (WOFF), made on first use and kept: NanumGothic without
    :data:`~medeval.report.fonts.SWAPPED`, or with ``swapped`` DejaVu Sans with them only."""
    from ..report.fonts import SWAPPED, subset_font

    with _FONT_LOCK:
        if swapped not in _FONT:
            chars = "".join(sorted(SWAPPED)) if swapped else "".join(
                c for c in page_characters() if c not in SWAPPED)
            _FONT[swapped] = subset_font(chars, fallback=swapped)
        return _FONT[swapped]


async def font(request: Request) -> Response:
    """``GET /static/fonts/NanumGothic-page.woff``."""
    from starlette.concurrency import run_in_threadpool

    data = await run_in_threadpool(page_font)
    return Response(data, media_type="font/woff", headers={"cache-control": _CACHE})


async def swapped_font(request: Request) -> Response:
    """``GET /static/fonts/DejaVuSans-swapped.woff``."""
    from starlette.concurrency import run_in_threadpool

    data = await run_in_threadpool(lambda: page_font(swapped=True))
    return Response(data, media_type="font/woff", headers={"cache-control": _CACHE})


async def style(request: Request) -> Response:
    """``GET /static/style.css``."""
    text = (resources.files(__package__) / "static" / "style.css").read_bytes()
    return Response(text, media_type="text/css; charset=utf-8",
                    headers={"cache-control": _CACHE})


routes = [
    Route("/static/style.css", style, methods=["GET"]),
    Route("/static/fonts/NanumGothic-page.woff", font, methods=["GET"]),
    Route("/static/fonts/DejaVuSans-swapped.woff", swapped_font, methods=["GET"]),
]
