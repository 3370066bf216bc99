"""The threshold as the terminal summary prints it: as the protocol fixed it.

Found in the submission2 pass: a protocol's ``threshold = 0.53870189`` (an operating point
taken from a validation curve) was printed "threshold 0.538702 (score >= threshold is
positive)" (``:g``, six significant digits), a larger number than the one applied: a case
scoring 0.5387018961, counted positive, reads as below the printed threshold.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_the_threshold_is_printed_as_the_protocol_fixed_it(tmp_path, monkeypatch):
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    text = protocol.read_text()
    assert text.count("threshold = 0.5\n") == 1
    protocol.write_text(text.replace("threshold = 0.5\n", "threshold = 0.53870189\n"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    printed = summary(medeval.evaluate(protocol, predictions=folder / "predictions"))
    # by hand: format(0.53870189, "g") is "0.538702", another (larger) number
    assert format(0.53870189, "g") == "0.538702"
    assert "  threshold 0.53870189 (score >= threshold is positive)" in printed
    assert "0.538702 " not in printed
