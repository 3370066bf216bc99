"""The certificate says where a detection protocol's FROC parameters are not the ones
the definitions print: the formula of froc_sensitivity reads the operating point (step),
that of froc_cpm names LUNA16's seven rates; a protocol with interpolation = "linear"
or other fp_rates had its figures printed under those formulas without a word."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.catalogue import base_key, catalogue

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "detection"


def _notes(result) -> list:
    return [b.text for s in build_certificate(result).sections for b in s.blocks
            if base_key(getattr(getattr(b, "text", None), "key", "")).startswith(
                "text.froc_")]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("det") / "detection"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _result(folder: Path, task_lines: str):
    text = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")
    (folder / "protocol.toml").write_text(text.replace(
        "fp_rates = [0.5, 1.0, 2.0]\n", task_lines), encoding="utf-8")
    return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def test_the_example_s_three_rates_are_named_under_the_cpm(example: Path) -> None:
    # the example's protocol: fp_rates = [0.5, 1.0, 2.0], step
    result = _result(example, "fp_rates = [0.5, 1.0, 2.0]\n")
    (note,) = _notes(result)
    assert base_key(note.key) == "text.froc_cpm_rates" and dict(note.params) == {
        "rates": "0.5, 1, 2"}
    # a result of 0.11.0 re-renders as issued: no note
    old = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval="0.11.0"))
    assert _notes(old) == []


def test_linear_interpolation_is_said_and_luna16_rates_need_no_note(example: Path) -> None:
    assert _notes(_result(example, "")) == []  # LUNA16's rates (the default), step
    result = _result(example, 'interpolation = "linear"\n')
    assert [base_key(n.key) for n in _notes(result)] == ["text.froc_linear"]
    assert "interpolation = linear" in catalogue("en")["text.froc_linear"]
    assert "interpolation = linear" in catalogue("ko")["text.froc_linear"]
    assert "(1/8~8)" in catalogue("ko")["text.froc_cpm_rates"]
