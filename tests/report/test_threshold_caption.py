"""The ROC and confusion-matrix captions print the threshold that was applied.

Found in the submission2 pass: a protocol's ``threshold = 0.53870189`` (an operating
point read off a validation curve) was printed "threshold 0.5387" in both captions (four
decimals), while the task's parameters print 0.53870189: a case scoring 0.53870185 is
negative, though above the captions' threshold. Results made after 0.10.0 print it as
goals are printed (whole where four decimals would round it); a result of 0.10.0 renders
as issued. Expected texts by hand: 0.53870189 to four decimals is 0.5387, and 0.5 is
0.5000 either way.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Figure

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def _result(tmp_path: Path, monkeypatch, threshold: str) -> medeval.Result:
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    text = protocol.read_text()
    assert text.count("threshold = 0.5\n") == 1
    protocol.write_text(text.replace("threshold = 0.5\n", f"threshold = {threshold}\n")
                        .replace("n_resamples = 500", "n_resamples = 100"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    return medeval.evaluate(protocol, predictions=folder / "predictions")


def _captions(result: medeval.Result) -> dict[str, str]:
    return {block.caption.key.partition("@")[0]: dict(block.caption.params)["threshold"]
            for section in build_certificate(result).sections for block in section.blocks
            if isinstance(block, Figure) and block.kind in ("roc", "confusion")}


def _made_by(result: medeval.Result, version: str) -> medeval.Result:
    return dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval=version))


@pytest.mark.parametrize(("threshold", "now", "issued"),
                         [("0.53870189", "0.53870189", "0.5387"),
                          ("0.5", "0.5000", "0.5000")])
def test_the_captions_print_the_threshold_applied(tmp_path: Path, monkeypatch,
                                                  threshold: str, now: str, issued: str):
    result = _result(tmp_path, monkeypatch, threshold)
    assert result.parameters.task["threshold"] == float(threshold)
    assert _captions(result) == {"text.figure_roc": now, "text.figure_confusion": now}
    old = _made_by(result, "0.10.0")
    assert _captions(old) == {"text.figure_roc": issued, "text.figure_confusion": issued}
