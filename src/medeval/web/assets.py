"""The page's style sheet and font, served by the app itself (nothing from the network).

The font is the shipped NanumGothic, subset once (fontTools, through
:func:`medeval.report.fonts.subset_font`) to what the page writes: ASCII, Latin-1,
general punctuation, the Hangul compatibility jamo and the 2,350 Hangul syllables of
KS X 1001 (the set every Korean font has; a rarer syllable in a withdrawal reason falls
back to the visitor's own fonts). About 0.7 MB as WOFF, cached by the browser.
"""

from __future__ import annotations

import threading
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["page_characters", "routes"]

_FONT: list[bytes] = []
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


def page_font() -> bytes:
    """The page's font (WOFF), made on first use and kept."""
    with _FONT_LOCK:
        if not _FONT:
            from ..report.fonts import subset_font

            _FONT.append(subset_font(page_characters()))
        return _FONT[0]


async def font(request: Request) -> Response:
    """``GET /static/fonts/NanumGothic-page.woff``."""
    from starlette.concurrency import run_in_threadpool

    data = await run_in_threadpool(page_font)
    return Response(data, media_type="font/woff", headers={"cache-control": _CACHE})


async def style(request: Request) -> Response:
    """``GET /static/style.css``."""
    text = (resources.files(__package__) / "static" / "style.css").read_bytes()
    return Response(text, media_type="text/css; charset=utf-8",
                    headers={"cache-control": _CACHE})


routes = [
    Route("/static/style.css", style, methods=["GET"]),
    Route("/static/fonts/NanumGothic-page.woff", font, methods=["GET"]),
]
