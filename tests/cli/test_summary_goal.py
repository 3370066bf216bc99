"""The acceptance criteria as the terminal summary prints them: each goal as the protocol
fixed it. Found in the review-stats pass: the line's goal was printed with ``:g`` (six
significant digits), so a goal of 0.8283249 read "goal 0.828325" before a reason that
names "goal 0.8283249" (medeval.decision prints it in full since 75d16f0)."""

from __future__ import annotations

import shutil
from pathlib import Path

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_each_goal_is_printed_as_the_protocol_fixed_it(tmp_path, monkeypatch):
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    text = protocol.read_text()
    assert text.count("goal = 0.75\n") == 1 and text.count("goal = 0.999\n") == 1
    protocol.write_text(text.replace("goal = 0.75\n", "goal = 0.8283249\n"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    result = medeval.evaluate(protocol, predictions=folder / "predictions")
    printed = summary(result)
    # by hand: format(0.8283249, "g") is "0.828325", another number; 0.999 prints whole
    assert format(0.8283249, "g") == "0.828325"
    assert "sensitivity goal 0.8283249 (guarded): " in printed
    assert "specificity goal 0.999 (guarded): " in printed
    assert "goal 0.828325" not in printed
