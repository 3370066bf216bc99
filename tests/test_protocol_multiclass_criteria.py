"""Criteria a grading study writes for a multi-class task. ``sensitivity@2`` (grade 2's
sensitivity) was refused with "did you mean 'sensitivity@micro'?" — the micro average,
which over every class is the accuracy, not grade 2's sensitivity; ``cohen_kappa@quadratic``
was offered plain 'cohen_kappa' without saying that its weights come from
``kappa_weights``. Each class's sensitivity is now reported (``sensitivity@<label>``) and
may be a criterion; PPV and F1 of one class are not. Found in the grading pass."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

import medeval
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


@pytest.mark.parametrize("metric", ["ppv@G1", "f1@G3", "ppv@2"])
def test_a_ppv_or_f1_of_one_class_is_said_to_be_not_reported(tmp_path: Path, metric) -> None:
    with pytest.raises(ProtocolError) as raised:
        load_protocol(_multiclass(tmp_path, metric))
    message = str(raised.value)
    assert "the task reports PPV and F1 averaged over the classes only" in message
    assert "confusion matrix" in message and "did you mean" not in message


def test_a_sensitivity_of_a_class_not_declared_names_the_labels(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"'G4' is not among task.labels: each class's "
                       r"sensitivity is sensitivity@ and the label"):
        load_protocol(_multiclass(tmp_path, "sensitivity@G4"))


def test_a_sensitivity_of_a_declared_class_is_a_criterion(tmp_path: Path) -> None:
    # judged, guarded, on the interval the result holds for it (its value is checked
    # against scikit-learn and statsmodels in tests/tasks/test_multiclass_task.py)
    path = _multiclass(tmp_path, "sensitivity@G2")
    assert load_protocol(path).criteria[0].metric == "sensitivity@G2"
    result = medeval.evaluate(path, path.parent / "predictions")
    [verdict] = result.verdicts
    estimate = result.metric("sensitivity@G2").estimate
    assert verdict.metric == "sensitivity@G2" and "has no metric" not in verdict.reason
    assert (verdict.outcome == "PASS") == (estimate.low >= 0.5)


def test_a_criterion_in_nfd_names_the_class_in_nfc(tmp_path: Path) -> None:
    # a criterion typed on a Mac (NFD) names the class the task reports in NFC
    path = _multiclass(tmp_path, unicodedata.normalize("NFD", "sensitivity@증식성"))
    text = path.read_text(encoding="utf-8").replace('"G3"]', '"G3", "증식성"]')
    path.write_text(text, encoding="utf-8")
    assert load_protocol(path).criteria[0].metric == unicodedata.normalize(
        "NFC", "sensitivity@증식성")


def test_a_class_named_as_an_average_is_refused(tmp_path: Path) -> None:
    path = _multiclass(tmp_path, "accuracy")
    text = path.read_text(encoding="utf-8").replace('"G3"]', '"G3", "Macro"]')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"\['Macro'\] would name a class's sensitivity"):
        load_protocol(path)


def test_a_kappa_named_by_its_weights_points_to_kappa_weights(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"named 'cohen_kappa' whatever its weights; "
                       r"kappa_weights = 'quadratic' in \[task\] sets them"):
        load_protocol(_multiclass(tmp_path, "cohen_kappa@quadratic"))


def test_an_average_misspelt_is_still_offered_its_name(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"did you mean 'sensitivity@macro'\?"):
        load_protocol(_multiclass(tmp_path, "sensitivity@macr"))


def test_the_referable_split_is_named_by_its_first_class(tmp_path: Path) -> None:
    path = _multiclass(tmp_path, "referable_sensitivity")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('kappa_weights = "none"',
                                 'kappa_weights = "none"\nreferable_from = "G2"'),
                    encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"did you mean 'referable_sensitivity@G2'\?"):
        load_protocol(path)
