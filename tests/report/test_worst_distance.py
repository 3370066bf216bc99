"""A segmentation certificate prints the distance the protocol declared for failed cases
and empty masks (``failures.worst_distance_mm``, ``worst_distance_px``): before, it said
"worst case" and "the declared worst distance" without the value. Checked on pdftotext's
text of certificates of the examples, against the value read from their protocol.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import medeval
from medeval.report import render_certificate
from medeval.result import write_result

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True)
    return " ".join(done.stdout.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
@pytest.mark.parametrize("example, unit", [("segmentation", "mm"),
                                           ("polyp-segmentation", "px")])
def test_the_declared_worst_distance_is_printed(example: str, unit: str,
                                                tmp_path: Path) -> None:
    folder = EXAMPLES / example
    declared = tomllib.loads((folder / "protocol.toml").read_text(encoding="utf-8"))[
        "failures"][f"worst_distance_{unit}"]
    assert declared in (50.0, 205.0)  # examples/*/README: 50 mm, 205 px
    printed = f"{declared:.2f} {unit}"  # distances are printed with 2 decimals
    result = write_result(medeval.evaluate(folder / "protocol.toml", folder / "predictions"),
                          tmp_path / "result.json")
    english = _text(render_certificate(result, tmp_path / "en.pdf", lang="en"))
    # the method section's policy row and the flow's "analysed" row
    assert english.count(f"worst case (Dice 0, {printed} for every distance)") == 2, english
    korean = _text(render_certificate(result, tmp_path / "ko.pdf", lang="ko"))
    # no space before '(' after 0.10.0 (korean2-pass): the two rows, and the failures
    # note's '최악의 결과(Dice 0, 모든 거리 ...)로 계산했습니다' (attached already)
    assert korean.count(f"최악의 결과(Dice 0, 모든 거리 {printed})") == 3, korean
    assert korean.count(f"최악의 결과(Dice 0, 모든 거리 {printed})로 계산했습니다") == 1
    tables = medeval.read_result(result).tables
    if tables["empty_masks"]["distances_replaced_by_worst"]:
        assert f"distance values replaced by the worst distance, {printed}" in english
        assert f"최악 거리 {printed}로 대체한 거리" in korean
    if medeval.read_result(result).failures.alternative is not None:  # section 7's note
        assert f"worst outcome (Dice 0, {printed} for every distance)" in english
