"""Each class's sensitivity on a multi-class certificate comes in the order of the
protocol's labels. It came a-z by name within its definition, as every figure does: the
international diabetic retinopathy scale none, mild, moderate, severe, PDR printed as
PDR, mild, moderate, none, severe, and grades 0-10 as 0, 1, 10, 2 ... Found in the
review of the grading pass (1c3976b), on the figures table and the definitions (pdftotext).
A result made by 0.9.0 or before keeps the a-z order it was issued with (none of them
holds a figure of one class, so none of their certificates changes)."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-classification"
SCALE = ["none", "mild", "moderate", "severe", "PDR"]  # as the protocol lists them


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = tmp_path_factory.mktemp("grades")
    (folder / "pred").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for i, (truth, answer) in enumerate(zip(SCALE * 2, SCALE[1:] + SCALE[:1] + SCALE)):
        (folder / f"c{i}.txt").write_text("x")
        rows.append(f"c{i},p{i},c{i}.txt,{truth}")
        (folder / "pred" / f"c{i}.json").write_text(json.dumps({"label": answer}))
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    text = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")
    (folder / "protocol.toml").write_text(text.replace(
        'labels = ["G1", "G2", "G3"]', f"labels = {json.dumps(SCALE)}\nreferable_from = "
        '"moderate"').replace("n_resamples = 200", "n_resamples = 100"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "pred")


def _sensitivities(result: medeval.Result, section: str) -> list[str]:
    """The rows 'Sensitivity of class ...' of the figures' (or definitions') table under
    ``section`` (a catalogue key), in their order, as the English certificate prints them."""
    [found] = [s for s in build_certificate(result).sections if s.title == Msg(section)]
    column = 1 if section == "section.definitions" else 0
    table = next(b for b in found.blocks if isinstance(b, Table) and b.header[column] in (
        Msg("column.metric"), Msg("column.name")))
    names = [texts(row[column], "en")[0] for row in table.rows]
    return [n.removeprefix("Sensitivity of class ") for n in names
            if n.startswith("Sensitivity of class ")]


@pytest.mark.parametrize("section", ["section.results", "section.definitions"])
def test_each_class_comes_in_the_protocols_order(result, section) -> None:
    assert _sensitivities(result, section) == SCALE


@pytest.mark.parametrize("section", ["section.results", "section.definitions"])
def test_a_result_of_0_9_0_keeps_the_order_by_name(result, section) -> None:
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.9.0"))
    assert _sensitivities(old, section) == sorted(SCALE)  # PDR, mild, moderate, none, ...
