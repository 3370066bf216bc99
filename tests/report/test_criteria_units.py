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


def test_a_figure_with_its_unit_stays_on_one_line(tmp_path: Path):
    """Found in the hrev13 review: the goal column was widened for '1.00 mm' only, so a
    volume's goal '5000.00 mm³' broke into '5000.00' / 'mm³' and an estimate such as
    '449.44 mm³' likewise (the estimate column holds 41.9 pt at 7.5 pt, the text is
    wider). A result made after 0.11.0 widens the estimate and goal columns where a
    figure with its unit needs it. The example measurement set in mm³, every value
    times 1000, a criterion on RMSE at 5000; the estimate by hand (numpy on the values
    the files hold: ST-05 has no prediction, ST-10's is not a number); the printed lines
    of the PDF by pypdf (layout mode)."""
    import json

    import numpy as np
    import pandas as pd
    from pypdf import PdfReader

    from medeval.report import render_certificate

    folder = shutil.copytree(EXAMPLES / "measurement", tmp_path / "m",
                             ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv")
    manifest["reference"] = manifest["reference"] * 1000
    manifest.to_csv(folder / "manifest.csv", index=False)
    pairs = []
    for case, reference in zip(manifest["case_id"], manifest["reference"]):
        path = folder / "predictions" / f"{case}.json"
        value = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        if value is not None and isinstance(value["value"], float):
            value["value"] = round(value["value"] * 1000, 6)
            pairs.append((reference, value["value"]))
            path.write_text(json.dumps(value), encoding="utf-8")
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'unit = "mm"', 'unit = "mm³"') + '[[criteria]]\nmetric = "rmse"\ngoal = 5000.0\n'
        'source = "plan"\n', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(protocol, folder / "predictions")
    reference, measured = np.array(pairs).T
    rmse = float(np.sqrt(np.mean((measured - reference) ** 2)))
    assert len(pairs) == 10 and f"{rmse:.2f}" == f"{result.metric('rmse').estimate.value:.2f}"
    for lang in ("ko", "ko+en"):
        pdf = render_certificate(result, tmp_path / f"{lang}.pdf", lang=lang)
        # pypdf's layout mode: the row's cells on one line, as printed
        lines = PdfReader(pdf).pages[0].extract_text(extraction_mode="layout").splitlines()
        (row,) = [line for line in lines if "5000.00" in line]
        assert f"{rmse:.2f} mm³" in row and "5000.00 mm³" in row
