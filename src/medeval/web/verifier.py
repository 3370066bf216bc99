"""Full verification of uploaded certificates, away from the web server's process.

:func:`medeval.report.verify_certificate` renders the certificate again (a few seconds of
CPU) and parses bytes a stranger sent. :class:`Verifier` runs it in a small pool of
worker processes: the server's event loop stays free, verifications use every core, at
most ``workers`` run at once (the rest wait their turn), and a PDF that crashes a
parser takes down a worker, not the server (the pool is rebuilt). The verdict on the
same bytes is the same, so the last verdicts are kept by the upload's SHA-256, and the
same bytes uploaded while they are being verified wait for that verification.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from ..report._errors import ReportError

if TYPE_CHECKING:
    from ..report import Verification

__all__ = ["Verifier", "VerifierCrashed"]

#: Verdicts kept, by the SHA-256 of the bytes verified.
_CACHED = 256


class VerifierCrashed(RuntimeError):
    """A worker died while verifying (the pool is rebuilt for the next upload)."""


def _verify(payload: bytes) -> Verification | ReportError:
    """In a worker: the verification, or the ReportError that says why there is none."""
    from ..report import verify_certificate

    try:
        return verify_certificate(payload)
    except ReportError as exc:
        return ReportError(str(exc))  # without its traceback: it crosses processes


class Verifier:
    """Verify uploaded certificates in ``workers`` processes (see the module docs).

    Parameters
    ----------
    workers
        Worker processes, each verifying one upload at a time.
    timeout_s
        Seconds one verification may take before the upload is refused (503); the
        worker finishes it in the background.
    """

    def __init__(self, *, workers: int = 2, timeout_s: float = 120.0) -> None:
        if workers < 1:
            raise ValueError(f"verifier: workers {workers} must be at least 1")
        self.workers = workers
        self.timeout_s = timeout_s
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Verification | ReportError] = OrderedDict()
        self._running: dict[str, asyncio.Future[Verification | ReportError]] = {}
        #: How many uploads were verified in full (not answered from the cache).
        self.verified = 0

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the server runs threads, which fork must not copy
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    async def verify(self, payload: bytes) -> Verification:
        """The verification of ``payload`` (a PDF's bytes).

        Raises
        ------
        ReportError
            Not a PDF, truncated beyond reading, or not a medeval certificate.
        VerifierCrashed
            The worker died on it.
        TimeoutError
            It took longer than ``timeout_s``.
        """
        key = hashlib.sha256(payload).hexdigest()
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
        else:
            running = self._running.get(key)
            if running is None:  # the same bytes uploaded meanwhile wait for this one
                running = asyncio.ensure_future(self._compute(key, payload))
                self._running[key] = running
                running.add_done_callback(lambda _: self._running.pop(key, None))
            found = await asyncio.shield(running)
        if isinstance(found, ReportError):
            raise ReportError(str(found))
        return found

    async def _compute(self, key: str, payload: bytes) -> Verification | ReportError:
        pool = self._executor()
        try:
            found = await asyncio.wait_for(
                asyncio.wrap_future(pool.submit(_verify, payload)), self.timeout_s)
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise VerifierCrashed("a verification worker died") from None
        self.verified += 1
        self._cache[key] = found
        while len(self._cache) > _CACHED:
            self._cache.popitem(last=False)
        return found

    def warm_up(self) -> None:
        """Start the workers now (each imports the renderer once) instead of on the
        first upload."""
        pool = self._executor()
        for future in [pool.submit(_warm) for _ in range(self.workers)]:
            future.result()

    def close(self) -> None:
        """Stop the workers."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _warm() -> None:
    from ..report import pdf, verify  # noqa: F401  (imports reportlab, pypdf...)
