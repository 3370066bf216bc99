"""The flow of cases names why cases failed in Korean on a Korean certificate of a result
made after medeval 0.11.0 (``출력 없음(missing-output)``), the identifier kept in brackets;
the English certificate, and any certificate of a 0.11.0 result, print the identifier as
issued.

Found in the Korean-certificate pass: section 5 of a Korean certificate printed
'invalid-output: 1, missing-output: 1' and each failed case's reason as an untranslated
identifier, the only English left in a Korean flow of cases.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext not installed")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


@pytest.fixture(scope="module")
def result_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The binary example's 24 cases with predictions of my own: C-0001's file removed
    (missing-output), three others not JSON (invalid-output), the rest a score each."""
    import medeval
    from medeval.result import write_result

    folder = tmp_path_factory.mktemp("reasons")
    ids = [line.split(",")[0] for line in (EXAMPLE / "manifest.csv").read_text(
        encoding="utf-8").splitlines()[1:]]
    predictions = folder / "predictions"
    predictions.mkdir()
    for k, case_id in enumerate(ids):
        if k == 0:
            continue  # missing
        text = "{not json" if k in (1, 2, 3) else json.dumps({"score": (k % 10) / 10})
        (predictions / f"{case_id}.json").write_text(text, encoding="utf-8")
    protocol = folder / "protocol.toml"
    protocol.write_text((EXAMPLE / "protocol.toml").read_text(encoding="utf-8").replace(
        'manifest = "manifest.csv"',
        f"manifest = {json.dumps(str(EXAMPLE / 'manifest.csv'))}"), encoding="utf-8")
    result = medeval.evaluate(protocol, predictions)
    assert dict(result.failures.by_reason) == {"invalid-output": 3, "missing-output": 1}
    return write_result(result, folder / "result.json")


def _pdftotext(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True)
    return " ".join(done.stdout.split())


def test_korean_names_the_reasons(result_path: Path, tmp_path: Path) -> None:
    from medeval.report import render_certificate

    ko = _pdftotext(render_certificate(result_path, tmp_path / "ko.pdf", lang="ko"))
    # counted by hand above: 3 files not JSON, 1 removed; each named in the flow's row
    # and on its case's line of the failed cases' table
    assert "유효하지 않은 출력(invalid-output): 3, 출력 없음(missing-output): 1" in ko
    assert ko.count("유효하지 않은 출력(invalid-output)") == 1 + 3
    assert ko.count("출력 없음(missing-output)") == 1 + 1
    assert "invalid-output: 3" not in ko  # no identifier without its Korean name
    en = _pdftotext(render_certificate(result_path, tmp_path / "en.pdf", lang="en"))
    assert "invalid-output: 3, missing-output: 1" in en and "출력" not in en


def test_a_0_11_0_result_prints_the_identifiers(result_path: Path, tmp_path: Path) -> None:
    from medeval.report import render_certificate
    from medeval.result import read_result, write_result

    result = read_result(result_path)
    old = write_result(replace(result, parameters=replace(result.parameters,
                                                          medeval="0.11.0")),
                       tmp_path / "old.json")
    ko = _pdftotext(render_certificate(old, tmp_path / "ko.pdf", lang="ko"))
    assert "invalid-output: 3, missing-output: 1" in ko
    assert "(missing-output)" not in ko and "(invalid-output)" not in ko


def test_every_reason_has_its_korean_name() -> None:
    """Each reason a case can fail for (the tasks' FailureReason) is in both catalogues:
    'incompatible' (a mask not on its reference's grid) was missing, and a Korean
    certificate printed it as the bare identifier."""
    from typing import get_args

    from medeval.report.catalogue import catalogue
    from medeval.tasks.base import FailureReason

    for lang in ("ko", "en"):
        missing = [r for r in get_args(FailureReason)
                   if f"failure_reason.{r}" not in catalogue(lang)]
        assert missing == [], lang


SEGMENTATION = EXAMPLE.parent / "polyp-segmentation"


def test_korean_names_an_incompatible_mask(tmp_path: Path) -> None:
    """The polyp example's P-11 mask is 128 x 128 on a 160 x 128 frame (its README), and
    P-05 has no file: counted and named in Korean in the flow of cases."""
    from PIL import Image

    import medeval
    from medeval.report import render_certificate

    with Image.open(SEGMENTATION / "predictions" / "P-11.png") as mask, \
            Image.open(SEGMENTATION / "frames" / "P-11.jpg") as frame:
        assert mask.size != frame.size  # not on its frame's grid
    result = medeval.evaluate(SEGMENTATION / "protocol.toml",
                              SEGMENTATION / "predictions")
    ko = _pdftotext(render_certificate(result, tmp_path / "ko.pdf", lang="ko"))
    assert "참조와 맞지 않는 출력(incompatible): 1, 출력 없음(missing-output): 1" in ko
    assert ko.count("참조와 맞지 않는 출력(incompatible)") == 1 + 1  # the row, P-11's line
    assert "incompatible: 1" not in ko
