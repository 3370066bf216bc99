"""The JSON API: ``GET /api/reports/{number}`` and ``POST /api/verify``.

``GET /api/reports/{number}`` answers ``{"report_number", "status", "fingerprint",
"issued", "replaced_by"}`` (and ``replaces``, ``amendment``, ``reason``,
``status_changed``) with the registry's status (``issued``, ``amended``,
``withdrawn``); 404 for a number the registry does not hold, 400 for a malformed one.

``POST /api/verify`` takes the certificate as the multipart field ``file`` (optionally
``number``, the report number the visitor expects) or as an ``application/pdf`` body and
answers ``{"status": "genuine"|"altered"|"withdrawn"|"amended"|"unknown",
"report_number", "fingerprint", "differences": [...]}`` (and what the registry adds).

Every refusal is ``{"error": "..."}`` with its status: 400, 404, 413, 415, 422, 429, 503;
an unforeseen failure is 500 with a request id only.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .checking import RequestRefused, check_number, judge_pdf, read_upload, services

__all__ = ["routes"]


async def report(request: Request) -> JSONResponse:
    """``GET /api/reports/{number}``: the registry's record of one report."""
    number = check_number(request.path_params["number"])
    record = await run_in_threadpool(services(request).registry.get, number)
    if record is None:
        raise RequestRefused(404, f"report {number} is not in this laboratory's registry")
    return JSONResponse({
        "report_number": record.number,
        "status": record.status.value,
        "fingerprint": record.fingerprint,
        "issued": record.issue_date.isoformat(),
        "replaced_by": record.replaced_by,
        "replaces": record.replaces,
        "amendment": record.amendment,
        "reason": record.reason,
        "status_changed": record.status_changed_at.isoformat()
        if record.status_changed_at else None,
    })


async def verify(request: Request) -> JSONResponse:
    """``POST /api/verify``: the verdict on an uploaded certificate."""
    payload, typed, _ = await read_upload(request)
    if payload is None:
        raise RequestRefused(400, "no file: send the certificate PDF as the multipart field 'file'")
    verdict = await judge_pdf(request, payload, typed)
    return JSONResponse(verdict.to_json())


routes = [
    Route("/api/reports/{number:path}", report, methods=["GET"]),
    Route("/api/verify", verify, methods=["POST"]),
]
