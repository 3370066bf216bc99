"""The page: a form (report number, optional PDF) and the verdict, Korean and English.

``GET /`` the form; ``POST /check`` the verdict on the uploaded PDF (or, with a number
alone, a redirect to the number's page), ``GET /check`` (a verdict page's language
link) a redirect to the form; ``GET /reports/{number}?fingerprint=...`` the
verdict on a number, the address the certificate's QR code carries. ``?lang=ko``,
``en`` or ``ko+en`` (the default: both). Plain HTML forms, no script: it works in any
browser, and the style sheet and font are served by the app itself.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .._version import __version__
from .checking import RETRY_AFTER_S, RequestRefused, judge_number, judge_pdf, read_upload
from .differences_ko import difference_lines, said_lines
from .refusals_ko import NO_INPUT, refusal_ko
from .verdicts import Verdict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["LANGS", "render_page", "routes", "strings"]

LANGS = ("ko+en", "ko", "en")


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """The page's words by language (``templates/strings.toml``); both tables must hold
    the same keys."""
    text = (resources.files(__package__) / "templates" / "strings.toml").read_text("utf-8")
    table: dict[str, dict[str, str]] = tomllib.loads(text)
    if set(table["ko"]) != set(table["en"]):
        odd = sorted(set(table["ko"]) ^ set(table["en"]))
        raise RuntimeError(f"medeval.web strings.toml: keys in one language only: {odd}")
    return table


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("medeval.web", "templates"),
                       autoescape=select_autoescape(["j2", "html"]), auto_reload=False)


def _lang(value: str | None) -> str:
    return value if value in LANGS else "ko+en"


def render_page(lang: str | None, *, status_code: int = 200, root: str = "",
                **context: Any) -> HTMLResponse:
    """The page in ``lang`` with a verdict or an error (or neither: the form alone); its
    links begin with ``root``, the app's prefix behind a proxy (``/verify``); its
    language links add ``keep`` (``&fingerprint=...``) to their query."""
    chosen = _lang(lang)

    def t(key: str) -> Markup | str:
        """The words of ``key`` in the page's body: a ko+en page's English part marked
        ``lang="en"`` (WCAG 2.x 3.1.2: a Korean voice read it before)."""
        if chosen != "ko+en":
            return _words(chosen, key)
        table = strings()
        return Markup('{} / <span lang="en">{}</span>').format(table["ko"][key],
                                                               table["en"][key])

    def words(key: str) -> str:
        """The words of ``key`` as plain text (the title, an attribute)."""
        return _words(chosen, key)

    def said(difference: str) -> tuple[str, ...]:
        """A difference (English in the verdict) as the page prints it in ``chosen``."""
        return difference_lines(difference, chosen, untranslated=strings()["ko"]["untranslated"])

    def refused(message: str) -> tuple[str, ...]:
        """A refusal (English, as the API sends it) as the page prints it in ``chosen``."""
        return said_lines(message, refusal_ko, chosen,
                          untranslated=strings()["ko"]["untranslated"])

    context.setdefault("verdict", None)
    context.setdefault("error", None)
    context.setdefault("keep", "")  # the query the language links keep, '&...' or ''
    html = _environment().get_template("page.html.j2").render(
        t=t, words=words, said=said, refused=refused, lang=chosen, version=__version__,
        status_code=status_code, root=root, **context)
    # a 503 (the registry or the verifier out) says when to come back, as a 429 does
    later = {"retry-after": str(RETRY_AFTER_S)} if status_code == 503 else None
    return HTMLResponse(html, status_code=status_code, headers=later)


async def form(request: Request) -> Response:
    """``GET /``: the form."""
    return render_page(request.query_params.get("lang"), root=_root(request))


async def number_page(request: Request) -> Response:
    """``GET /reports/{number}``: the verdict on a number (and a QR code's fingerprint)."""
    lang = request.query_params.get("lang")
    number = request.path_params["number"]
    fingerprint = request.query_params.get("fingerprint")
    # the language links keep the QR code's fingerprint: they dropped it, and a QR code
    # carrying another result's fingerprint, read 'altered', read 'genuine' in English
    keep = f"&fingerprint={quote(fingerprint, safe='')}" if fingerprint else ""
    try:
        verdict = await judge_number(request, number, fingerprint)
    except RequestRefused as exc:
        return render_page(lang, status_code=exc.status_code, error=exc.message,
                           number=number[:64], root=_root(request), keep=keep)
    return _verdict_page(request, lang, verdict, keep=keep)


async def check(request: Request) -> Response:
    """``POST /check``: the form sent; a PDF is verified, a number alone redirected."""
    lang = request.query_params.get("lang")
    typed = None
    try:
        payload, typed, form_lang = await read_upload(request)
        lang = form_lang or lang
        if payload is None:
            if typed is None:
                raise RequestRefused(400, NO_INPUT)
            return RedirectResponse(f"{_root(request)}/reports/{quote(typed, safe='')}?lang="
                                    f"{quote(_lang(lang), safe='')}", status_code=303)
        verdict = await judge_pdf(request, payload, typed)
    except RequestRefused as exc:
        return render_page(lang, status_code=exc.status_code, error=exc.message,
                           number=(typed or "")[:64], root=_root(request))
    return _verdict_page(request, lang, verdict)


async def check_address(request: Request) -> Response:
    """``GET /check``: where a verdict's page sends its language links (``?lang=en``
    beside ``/check``); the form, in that language, at its own address."""
    lang = quote(_lang(request.query_params.get("lang")), safe="")
    return RedirectResponse(f"{_root(request)}/?lang={lang}", status_code=303)


def _verdict_page(request: Request, lang: str | None, verdict: Verdict, *,
                  keep: str = "") -> Response:
    return render_page(lang, verdict=verdict, number=verdict.report_number,
                       root=_root(request), keep=keep)


def _root(request: Request) -> str:
    """The app's prefix behind a proxy (``medeval serve --root-path``), or empty."""
    return str(request.scope.get("root_path", ""))


def _words(lang: str | None, key: str) -> str:
    """The words of ``key`` in ``lang`` (both, Korean first, for ``ko+en``)."""
    chosen, table = _lang(lang), strings()
    if chosen == "ko+en":
        return f"{table['ko'][key]} / {table['en'][key]}"
    return table[chosen][key]


routes = [
    Route("/", form, methods=["GET"]),
    Route("/check", check, methods=["POST"]),
    Route("/check", check_address, methods=["GET"]),
    Route("/reports/{number:path}", number_page, methods=["GET"]),
]
