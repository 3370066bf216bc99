"""The terminal summary's figures stay in their columns whatever the length of a name.
The name column was 27 characters wide: a grading study's
``referable_sensitivity@moderate`` (30) pushed its value, interval and n three places
right of the header's and the other rows'. Found in the review of the grading pass."""

from __future__ import annotations

import math

import medeval
from medeval.cli.summary import summary


def test_each_value_ends_under_the_header(dr_scale_result: medeval.Result) -> None:
    result = dr_scale_result
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
