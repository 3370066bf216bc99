"""The verifier's worker processes: one verification per distinct upload, errors carried
across processes."""

from __future__ import annotations

import asyncio

import pytest

from medeval.report import ReportError, verify_certificate
from medeval.web import Verifier

from .conftest import Issued


def test_same_bytes_at_once_are_verified_once(issued: Issued) -> None:
    verifier = Verifier(workers=1)

    async def three() -> list[object]:
        return list(await asyncio.gather(*(verifier.verify(issued.pdfs["altered"])
                                           for _ in range(3))))

    try:
        verdicts = asyncio.run(three())
        again = asyncio.run(verifier.verify(issued.pdfs["altered"]))
    finally:
        verifier.close()
    assert verifier.verified == 1  # three at once and one after: one verification
    # the worker's verdict is the one verify_certificate gives in this process
    assert verdicts == [again] * 3 == [verify_certificate(issued.pdfs["altered"])] * 3


def test_refusal_crosses_the_process_boundary(issued: Issued) -> None:
    verifier = Verifier(workers=1)
    try:
        with pytest.raises(ReportError, match="not a medeval certificate"):
            asyncio.run(verifier.verify(issued.pdfs["blank"]))
    finally:
        verifier.close()
