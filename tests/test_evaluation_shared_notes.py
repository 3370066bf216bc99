"""A note several figures of a scope share is said once, naming them and how many: a
one-case run said the same bootstrap sentence once for each of nine segmentation
figures (some seventy lines for a multi-label task, past the thirty a certificate
prints). Each figure keeps its own note in the result's metrics."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import medeval
from medeval.report.notes_ko import warning_ko

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ONE_UNIT = ("bootstrap_ci: 1 resampling unit(s) and none to vary within any stratum (one "
            "case, or one cluster such as a single patient or record): every resample is "
            "the data itself, so the interval is undefined (NaN)")


def _one_case(tmp_path: Path) -> Path:
    folder = tmp_path / "segmentation"
    shutil.copytree(EXAMPLES / "segmentation", folder)
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[:2])  # the header and the first case
    return folder


def test_one_case_says_the_bootstrap_sentence_once_with_its_figures(tmp_path):
    folder = _one_case(tmp_path)
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    medeval.write_result(result, tmp_path / "result.json")
    stored = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    metrics = stored["metrics"]  # each figure keeps its own note in the file
    # by hand: one case is one resampling unit; every resample is the case itself, so
    # each bootstrap interval is undefined, and says so in its own note
    booted = [name for name, record in metrics.items()
              if record["method"].startswith("bootstrap")]
    assert len(booted) >= 9
    for name in booted:
        assert metrics[name]["note"] == ONE_UNIT
        assert math.isnan(float(metrics[name]["low"])) and math.isnan(
            float(metrics[name]["high"]))
    assert stored["warnings"] == list(result.warnings)
    lines = [w for w in result.warnings if ONE_UNIT in w]
    assert len(lines) == 1  # once, not once a figure
    head = lines[0].removesuffix(f": {ONE_UNIT}").removeprefix("all cases: ")
    assert head.endswith(f" ({len(booted)} figures)")
    assert sorted(head.rsplit(" (", 1)[0].split(", ")) == sorted(booted)
    assert not any(w.startswith("all cases: dice: ") for w in result.warnings)
    korean = warning_ko(lines[0], revised=True, labelled=True)
    assert korean is not None and korean.startswith(
        f"전체 증례: {head.rsplit(' (', 1)[0]} (수치 {len(booted)}개): bootstrap_ci: ")
    assert "resampl" not in korean and "undefined" not in korean

