"""The summary names each failure reason's first case and why it failed. It gave the
counts alone ('failed cases by reason: invalid-output 479'): a detector writing category
0 for a set numbering its one category 1 failed 479 of 616 frames, and the cause
('category_id 0 is not one of the set's categories [1]') was only in result.json. Found
in the detection-pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "polyp-detection"


def test_each_reason_shows_its_first_case(tmp_path, monkeypatch):
    # the example: D-06 has no prediction file, D-13's box has 3 numbers
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    result = medeval.evaluate(folder / "protocol.toml", predictions=folder / "predictions")
    lines = summary(result).splitlines()
    at = lines.index("  failed cases by reason: invalid-output 1, missing-output 1 "
                     "(policy worst-case)")
    assert lines[at + 1:at + 3] == [
        "    e.g. missing-output: case D-06: no prediction file D-06{.json} in <predictions>",
        "    e.g. invalid-output: case D-13: result 0: bbox [35, 22, 36] is not [x, y, width, "
        "height] (4 numbers)"]
