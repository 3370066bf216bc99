"""The criteria table prints a figure's estimate and goal with their unit.

Found in the hcert4 pass (the segmentation demo's certificate, pdftotext): the criteria
table, which has no unit column, printed an ASSD of '0.18' against a goal of '1.00' (both
mm) where the results table below says 'mm' in its unit column. A result made after 0.11.0
prints '0.18 mm' and '1.00 mm' in both languages; a ratio (Dice) and a rate whose name
says its unit ('False alarms per 24 h') print as before; a result made by 0.11.0 prints
as issued. Expected cells by hand: the example protocol's goal 10.0 for
hd95@max-directed, two decimals and its unit, '10.00 mm'; the estimate the result holds,
formatted by Python to two decimals, and ' mm'."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from pathlib import Path

import pytest

import medeval
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg, texts
from medeval.report.content import build_certificate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _criteria(result: medeval.Result, lang: str) -> dict[str, list[str]]:
    """The criteria table's rows by metric name: estimate, interval, n, goal."""
    (table,) = [b for s in build_certificate(result).sections for b in s.blocks
                if isinstance(b, Table) and Msg("column.goal_source") in b.header]
    return {texts(row[0], lang)[0]: [texts(cell, lang)[0] for cell in row[1:5]]
            for row in table.rows}


@pytest.fixture(scope="module")
def segmentation(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / "segmentation", tmp_path_factory.mktemp("s") / "x",
                             ignore=shutil.ignore_patterns("result"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def test_a_distance_criterion_prints_its_unit(segmentation):
    hd95 = segmentation.metric("hd95@max-directed")
    # far enough from the goal to print to two places (cells.beside_goal)
    assert hd95.unit == "mm" and abs(hd95.estimate.value - 10.0) > 0.01
    english = _criteria(segmentation, "en")
    estimate, _, _, goal = english["95th percentile Hausdorff distance"]
    assert (estimate, goal) == (f"{hd95.estimate.value:.2f} mm", "10.00 mm")
    assert english["Dice similarity coefficient"][3] == "0.7000"  # a ratio: no unit
    korean = _criteria(segmentation, "ko")
    assert korean["95번째 백분위수 Hausdorff 거리"][3] == "10.00 mm"
    issued = dataclasses.replace(segmentation, parameters=dataclasses.replace(
        segmentation.parameters, medeval="0.11.0"))
    estimate, _, _, goal = _criteria(issued, "en")["95th percentile Hausdorff distance"]
    assert (estimate, goal) == (f"{hd95.estimate.value:.2f}", "10.00")


def test_a_rate_named_per_24_h_says_it_once_a_distance_with_its_unit(segmentation,
                                                                      tmp_path: Path):
    folder = shutil.copytree(EXAMPLES / "eeg-events", tmp_path / "eeg",
                             ignore=shutil.ignore_patterns("result"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert result.metric("fp_per_24h").unit == "per 24 h"
    # the example's goal 10.0, two decimals, no unit after 'False alarms per 24 h'
    assert _criteria(result, "en")["False alarms per 24 h"][3] == "10.00"
    assert _criteria(segmentation, "en")["95th percentile Hausdorff distance"][3] == \
        "10.00 mm"
