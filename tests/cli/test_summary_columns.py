"""The terminal summary's figures stay in their columns whatever the length of a name.
The name column was 27 characters wide: a grading study's
``referable_sensitivity@moderate`` (30) pushed its value, interval and n three places
right of the header's and the other rows'. Found in the review of the grading pass."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-classification"
SCALE = ["none", "mild", "moderate", "severe", "PDR"]


def test_each_value_ends_under_the_header(tmp_path: Path) -> None:
    (tmp_path / "pred").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for i, grade in enumerate(SCALE * 2):
        (tmp_path / f"c{i}.txt").write_text("x")
        rows.append(f"c{i},p{i},c{i}.txt,{grade}")
        (tmp_path / "pred" / f"c{i}.json").write_text(json.dumps({"label": SCALE[i % 3]}))
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    text = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")
    (tmp_path / "protocol.toml").write_text(text.replace(
        'labels = ["G1", "G2", "G3"]', f'labels = {json.dumps(SCALE)}\nreferable_from = '
        '"moderate"').replace("n_resamples = 200", "n_resamples = 100"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    lines = summary(result).splitlines()
    header = next(line for line in lines if line.lstrip().startswith("metric "))
    end = header.index("value") + len("value")  # the values are right-aligned under it
    rows = {line.split()[0]: line for line in lines[lines.index(header) + 1:]
            if line.startswith("  ") and line.split()[:1] and line.split()[0] in {
                m.name for m in result.metrics}}
    assert "referable_sensitivity@moderate" in rows and "accuracy" in rows
    for name, line in rows.items():
        number = result.metric(name).estimate.value
        value = "NaN" if math.isnan(number) else f"{number:.4f}"
        assert line[end - len(value):end] == value, name
