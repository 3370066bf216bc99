"""The verification app: routes, limits, request ids, and errors that never leak.

:func:`create_app` puts together the page (:mod:`.pages`), the API (:mod:`.api`), the
style sheet and font (:mod:`.assets`), the limits (:mod:`.limits`) and the error
handling: a refusal is its status and message; a registry that fails is 503 and an
unforeseen failure 500, each with a request id only (the traceback goes to the server's
log under that id, never to the client). Every response carries ``X-Request-ID``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import RegistryError
from . import api, assets, pages
from .checking import RETRY_AFTER_S, RequestRefused, Services
from .limits import (
    DEFAULT_MAX_UPLOAD_BYTES,
    ASGIApp,
    RateLimit,
    Receive,
    Scope,
    Send,
    TokenBuckets,
    UploadLimit,
    route_path,
)
from .verifier import Verifier

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["create_app"]

logger = logging.getLogger("medeval.web")


#: Sent with every answer: the page runs no script, loads nothing from elsewhere, is
#: never framed, and its links send no referrer.
SECURITY_HEADERS = (
    (b"content-security-policy", b"default-src 'self'; script-src 'none'; "
     b"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class RequestId:
    """Give each request an id (``scope["state"]["request_id"]``, the ``X-Request-ID``
    response header) to find it in the server's log; add :data:`SECURITY_HEADERS`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id

        async def tagged(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(key.lower() == b"x-request-id" for key, _ in headers):
                    headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = [*headers, *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, tagged)


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", "-"))


def _answer(request: Request, status_code: int, message: str, *,
            show_id: bool = False) -> Response:
    request_id = _request_id(request)
    headers = {"x-request-id": request_id}
    if status_code == 503:  # out for a while: when to come back (RFC 9110 10.2.3)
        headers["retry-after"] = str(RETRY_AFTER_S)
    if route_path(request.scope).startswith("/api/"):
        body: dict[str, str] = {"error": message}
        if show_id:
            body["request_id"] = request_id
        return JSONResponse(body, status_code=status_code, headers=headers)
    response = pages.render_page(request.query_params.get("lang"), status_code=status_code,
                                 root=request.scope.get("root_path", ""), error=message,
                                 request_id=request_id if show_id else None)
    response.headers.update(headers)
    return response


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestRefused)
    return _answer(request, exc.status_code, exc.message)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "no such page", 405: "method not allowed"}.get(
        exc.status_code, str(exc.detail))
    return _answer(request, exc.status_code, message)


async def _registry_down(request: Request, exc: Exception) -> Response:
    logger.error("request %s: registry failed: %s", _request_id(request), exc)
    return _answer(request, 503, "the registry of issued reports cannot be read just now; "
                   "try again later", show_id=True)


async def _server_error(request: Request, exc: Exception) -> Response:
    logger.error("request %s: %s %s failed", _request_id(request), request.method,
                 request.url.path, exc_info=exc)
    return _answer(request, 500, "internal error; quote the request id to the laboratory",
                   show_id=True)


def create_app(registry: Registry, *, verifier: Verifier | None = None,
               max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
               requests_per_minute: float = 60.0, burst: int = 20,
               warm_up: bool = False) -> Starlette:
    """The verification page and API over ``registry`` (read only).

    Parameters
    ----------
    registry
        The laboratory's registry of issued reports (:meth:`Registry.open`).
    verifier
        Verifies uploads in worker processes; default two workers. Closed when the app
        shuts down.
    max_upload_bytes
        The largest request body taken (413 beyond).
    requests_per_minute, burst
        Each client address's token bucket (429 with ``Retry-After`` when empty).
    warm_up
        Start the verifier's workers and make the page's font when the app starts (else
        on the first upload and the first page: the font's subset takes about a second,
        during which the first visitor's browser shows its own fonts, with no Korean on a
        machine without Korean fonts).
    """
    checker = verifier if verifier is not None else Verifier()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm_up:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(checker.warm_up)
            await run_in_threadpool(assets.page_font)
            await run_in_threadpool(lambda: assets.page_font(swapped=True))
        try:
            yield
        finally:
            checker.close()

    app = Starlette(
        routes=[*pages.routes, *api.routes, *assets.routes],
        middleware=[
            Middleware(RequestId),
            Middleware(RateLimit, buckets=TokenBuckets(per_minute=requests_per_minute,
                                                       burst=burst)),
            Middleware(UploadLimit, max_bytes=max_upload_bytes),
        ],
        exception_handlers={
            RequestRefused: _refused,
            HTTPException: _http,
            RegistryError: _registry_down,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.services = Services(registry=registry, verifier=checker)
    return app
