"""A certificate verified against the result of another run of the same evaluation: the
same content fingerprint (it leaves the run context out), another run context.

Found as a recipient pairing the demo's certificate with the result of a second
``medeval demo``: verify said "its bytes differ from the certificate rendered from the
result at byte 187786 ...: the PDF was altered, or rendered by another version", though
the PDF was intact; the result was the odd one out. The other run is made here by
replacing the context of the fixture's result (its start and end); the files differ
(hashlib), the fingerprint is the one every page of the certificate prints (pypdf).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report import verify_certificate
from medeval.result import write_result


def _printed(pdf: Path) -> set[str]:
    return {d for p in PdfReader(pdf).pages
            for d in re.findall(r"SHA-256 ([0-9a-f]{64})", " ".join(p.extract_text().split()))}


def test_another_run_is_named_and_the_certificate_checked_by_its_own(
        certified: Path, certificate: Path, info_file: Path, tmp_path: Path) -> None:
    result = medeval.read_result(certified)
    other = write_result(replace(result, context=replace(
        result.context, started="2026-12-01T09:00:00+00:00",
        finished="2026-12-01T09:05:00+00:00")), tmp_path / "other" / "result.json")
    assert json.loads(other.read_bytes())["context"] != json.loads(
        certified.read_bytes())["context"]
    verdict = verify_certificate(other, certificate)
    assert verdict.status == "altered"
    (difference,) = verdict.differences  # the PDF itself is intact: nothing else
    assert difference.startswith(f"result {other} has the fingerprint certificate "
                                 f"{certificate} carries (sha256:{verdict.fingerprint})")
    assert "started 2026-12-01T09:00:00+00:00 where the certificate's has" in difference
    assert "another run of the same evaluation" in difference
    # two files (hashlib), one fingerprint: the one the certificate prints
    assert (hashlib.sha256(other.read_bytes()).hexdigest()
            != hashlib.sha256(certified.read_bytes()).hexdigest())
    assert verdict.fingerprint in _printed(certificate)
    # the result it was rendered from still verifies
    assert verify_certificate(certified, certificate, report_info=info_file).ok
