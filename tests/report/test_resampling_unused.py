"""The method section's resampling row. It printed the protocol's "2000 × patient, seed 3"
for every result, also where no figure has a bootstrap interval (an ECG set's intervals
over beats, a measurement set's agreement intervals), as if something had been
resampled (found in the hbio3 pass). A result made after 0.11.0 says that nothing was;
one with a bootstrap interval keeps the row; one made by 0.11.0 prints as issued. Each
figure's method is read from the result, the row from the PDF by pypdf."""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def _evaluated(tmp_path: Path, name: str) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / name, tmp_path / name,
                             ignore=shutil.ignore_patterns("result"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


@pytest.mark.parametrize("name", ["ecg-beats", "measurement"])
def test_a_result_with_no_bootstrap_interval_says_nothing_was_resampled(
        tmp_path: Path, name: str) -> None:
    result = _evaluated(tmp_path, name)
    assert not any(m.estimate.method.startswith("bootstrap") for m in result.metrics)
    statistics = result.parameters.statistics
    n, seed, unit = statistics.n_resamples, statistics.seed, statistics.resampling_unit
    english = _text(render_certificate(result, tmp_path / "en.pdf", lang="en"))
    assert (f"none: no figure has a bootstrap interval (the protocol's {n} × {unit}, seed "
            f"{seed}, unused)") in english
    korean = _text(render_certificate(result, tmp_path / "ko.pdf", lang="ko"))
    assert "없음: 부트스트랩 신뢰구간을 쓴 지표가 없음" in korean
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _text(render_certificate(issued, tmp_path / "old.pdf", lang="en"))
    assert f"{n} × {unit}, seed {seed}" in old and "none: no figure" not in old


def test_a_result_with_a_bootstrap_interval_keeps_the_row(tmp_path: Path) -> None:
    result = _evaluated(tmp_path, "segmentation")
    assert any(m.estimate.method.startswith("bootstrap") for m in result.metrics)
    statistics = result.parameters.statistics
    english = _text(render_certificate(result, tmp_path / "en.pdf", lang="en"))
    assert (f"Resampling {statistics.n_resamples} × {statistics.resampling_unit}, seed "
            f"{statistics.seed}") in english
    assert "none: no figure" not in english
