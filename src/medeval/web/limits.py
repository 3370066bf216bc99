"""What the public page lets one client do: upload size and request rate.

Two plain ASGI middlewares, outside the application so that a refused request costs
almost nothing:

- :class:`UploadLimit` refuses a request body larger than ``max_bytes`` with 413: at
  once from its ``Content-Length`` (a 1 GB upload is refused before one byte of it is
  read), and, for a body sent without a length (chunked), as soon as the bytes received
  pass the limit; the body is never held beyond the limit.
- :class:`RateLimit` gives each client address a token bucket (:class:`TokenBuckets`):
  ``burst`` requests at once, refilled at ``per_minute`` a minute; a request finding the
  bucket empty gets 429 with ``Retry-After`` (seconds, rounded up). Static files (the
  style sheet, the font) are not counted.

Both answer in the form the path asks for: JSON under ``/api/``, the page with the
refusal as its error elsewhere.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "RateLimit", "TokenBuckets", "UploadLimit",
           "refusal", "route_path"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The largest upload the page takes by default (a certificate is well under 2 MB).
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Client addresses remembered at most; the idle ones are forgotten first.
_MAX_CLIENTS = 10_000


def route_path(scope: Scope) -> str:
    """The request's path below the app's own prefix (``root_path``, as ``medeval serve
    --root-path /verify`` sets it behind a proxy): ``/api/verify`` for ``/verify/api/verify``.
    """
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return path


async def refusal(scope: Scope, send: Send, status: int, message: str,
                  headers: tuple[tuple[str, str], ...] = ()) -> None:
    """Answer ``status`` with ``message``: JSON under ``/api/``, elsewhere the page with
    the message as its error (in the language the address asks for, ``?lang=``)."""
    if route_path(scope).startswith("/api/"):
        body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
        kind = "application/json"
    else:
        from .pages import render_page  # the page's templates, only once refused

        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        body = bytes(render_page(query.get("lang", [None])[0], status_code=status,
                                 root=str(scope.get("root_path", "")), error=message).body)
        kind = "text/html; charset=utf-8"
    raw = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode()),
           (b"connection", b"close")]
    raw += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    """Raised into the application when a body without a length passes the limit."""


class UploadLimit:
    """Refuse request bodies over ``max_bytes`` with 413 (see the module docs)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return (f"the upload is larger than {self.max_bytes // (1024 * 1024)} MB; a "
                "certificate PDF is far smaller: upload the certificate itself")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await refusal(scope, send, 400, "the request's Content-Length is not a number")
                return
            if declared > self.max_bytes:
                await refusal(scope, send, 413, self._message())
                return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            await refusal(scope, send, 413, self._message())


@dataclass
class _Bucket:
    tokens: float
    updated_s: float


class TokenBuckets:
    """One token bucket per key (a client address): ``burst`` tokens, refilled at
    ``per_minute`` a minute. Thread-safe; remembers at most 10,000 keys.

    Parameters
    ----------
    per_minute
        Sustained requests a minute allowed to one key.
    burst
        Requests one key may make at once (the bucket's size).
    clock
        Seconds, monotonic (``time.monotonic``); given for tests of the arithmetic.
    """

    def __init__(self, *, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError(f"rate limit: per_minute {per_minute} and burst {burst} must be "
                             "positive")
        self.rate_per_s = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when granted, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                bucket = _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst),
                                bucket.tokens + (now - bucket.updated_s) * self.rate_per_s)
            bucket.updated_s = now
            self._buckets[key] = bucket  # most recently used last
            while len(self._buckets) > _MAX_CLIENTS:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate_per_s


class RateLimit:
    """Limit requests per client address with :class:`TokenBuckets`; 429 + Retry-After.

    The address is the connection's peer as the server reports it (uvicorn puts a
    trusted proxy's ``X-Forwarded-For`` there when started behind one).
    """

    def __init__(self, app: ASGIApp, *, buckets: TokenBuckets,
                 exempt_prefixes: tuple[str, ...] = ("/static/",)) -> None:
        self.app = app
        self.buckets = buckets
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or route_path(scope).startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client else "unknown"
        wait_s = self.buckets.take(key)
        if wait_s > 0:
            retry = max(1, math.ceil(wait_s))
            await refusal(scope, send, 429,
                          f"too many requests from {key}; try again in {retry} s",
                          (("retry-after", str(retry)),))
            return
        await self.app(scope, receive, send)
