"""Criteria a grading study writes for a multi-class task. ``sensitivity@2`` (grade 2's
sensitivity) was refused with "did you mean 'sensitivity@micro'?" — the micro average,
which over every class is the accuracy, not grade 2's sensitivity; ``cohen_kappa@quadratic``
was offered plain 'cohen_kappa' without saying that its weights come from
``kappa_weights``. Found in the grading pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medeval.protocol import ProtocolError, load_protocol

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _multiclass(tmp_path: Path, metric: str) -> Path:
    folder = tmp_path / "multiclass"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder)
    path = folder / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    assert 'metric = "sensitivity@macro"' in text
    path.write_text(text.replace('metric = "sensitivity@macro"', f'metric = "{metric}"'),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("metric", ["sensitivity@G2", "sensitivity@2", "ppv@G1", "f1@G3"])
def test_a_figure_of_one_class_is_said_to_be_not_reported(tmp_path: Path, metric) -> None:
    with pytest.raises(ProtocolError) as raised:
        load_protocol(_multiclass(tmp_path, metric))
    message = str(raised.value)
    assert "the task reports no figure of one class" in message
    assert "confusion matrix" in message and "did you mean" not in message


def test_a_kappa_named_by_its_weights_points_to_kappa_weights(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"named 'cohen_kappa' whatever its weights; "
                       r"kappa_weights = 'quadratic' in \[task\] sets them"):
        load_protocol(_multiclass(tmp_path, "cohen_kappa@quadratic"))


def test_an_average_misspelt_is_still_offered_its_name(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"did you mean 'sensitivity@macro'\?"):
        load_protocol(_multiclass(tmp_path, "sensitivity@macr"))
