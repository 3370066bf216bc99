"""The acceptance criteria and the threshold as the terminal summary prints them: each
goal (and the threshold) as the protocol fixed it. Found in the review-stats pass: the
line's goal was printed with ``:g`` (six significant digits), so a goal of 0.8283249 read
"goal 0.828325" before a reason that names "goal 0.8283249" (medeval.decision prints it
in full since 75d16f0)."""

from __future__ import annotations

import shutil
from pathlib import Path

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def _printed(tmp_path: Path, monkeypatch, written: str, instead: str) -> str:
    """The summary of the binary-classification example, its protocol's line ``written``
    replaced by ``instead``."""
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    text = protocol.read_text()
    assert text.count(written) == 1
    protocol.write_text(text.replace(written, instead))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    return summary(medeval.evaluate(protocol, predictions=folder / "predictions"))


def test_each_goal_is_printed_as_the_protocol_fixed_it(tmp_path, monkeypatch):
    printed = _printed(tmp_path, monkeypatch, "goal = 0.75\n", "goal = 0.8283249\n")
    # by hand: format(0.8283249, "g") is "0.828325", another number; 0.999 prints whole
    assert format(0.8283249, "g") == "0.828325"
    assert "sensitivity goal 0.8283249 (guarded): " in printed
    assert "specificity goal 0.999 (guarded): " in printed
    assert "goal 0.828325" not in printed


def test_the_threshold_is_printed_as_the_protocol_fixed_it(tmp_path, monkeypatch):
    """Found in the submission2 pass: ``threshold = 0.53870189`` (an operating point read
    off a validation curve) was printed "threshold 0.538702 (score >= threshold is
    positive)", a larger number than the one applied: a case scoring 0.5387018961,
    counted positive, read as below the printed threshold."""
    printed = _printed(tmp_path, monkeypatch, "threshold = 0.5\n", "threshold = 0.53870189\n")
    # by hand: format(0.53870189, "g") is "0.538702", another (larger) number
    assert format(0.53870189, "g") == "0.538702"
    assert "  threshold 0.53870189 (score >= threshold is positive)" in printed
    assert "0.538702 " not in printed
