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
    with pytest.raises(ProtocolError, match=r"'G4' names no class of task.labels: each "
                       r"class's sensitivity is sensitivity@ and the label"):
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


def test_labels_written_as_floats_name_the_figures_as_the_task_does(tmp_path: Path) -> None:
    # Found in the review of the grading pass: labels = [0.0, 1.0, 2.0] (a scale written
    # from a pandas float column) are the classes 0, 1, 2, and the task names their
    # figures sensitivity@1, referable_sensitivity@1, accuracy_within@1; the protocol
    # check took the labels as written and refused sensitivity@1 ("'1' is not among
    # task.labels") while passing sensitivity@1.0, which the result never holds (its
    # verdict INCONCLUSIVE, "the result has no metric"). By hand: references 0 1 2 1 2,
    # answers 0 1 2 0 0: class 1 is answered right once of twice (1/2); referable from 1
    # (1 and 2) answered 1 or 2 in 2 of 4; within one class: 0/0 1/1 2/2 1/0 right, 2/0
    # not (4/5).
    path = _multiclass(tmp_path, "sensitivity@1")
    text = path.read_text(encoding="utf-8").replace(
        'labels = ["G1", "G2", "G3"]',
        "labels = [0.0, 1.0, 2.0]\nreferable_from = 1.0\nwithin_classes = 1.0")
    for metric in ("referable_sensitivity@1", "accuracy_within@1"):
        text += f'\n[[criteria]]\nmetric = "{metric}"\ngoal = 0.1\nsource = "test"\n'
    path.write_text(text, encoding="utf-8")
    folder = path.parent
    rows = ["case_id,patient_id,input,reference"]
    (folder / "mine").mkdir()
    for i, (truth, answer) in enumerate(zip([0, 1, 2, 1, 2], [0, 1, 2, 0, 0])):
        rows.append(f"m{i},p{i},inputs/BR-00{i + 1}.json,{truth}")
        (folder / "mine" / f"m{i}.json").write_text(f'{{"label": {answer}}}')
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = medeval.evaluate(path, folder / "mine")
    assert [v.metric for v in result.verdicts] == [
        "sensitivity@1", "referable_sensitivity@1", "accuracy_within@1"]
    assert all("has no metric" not in v.reason for v in result.verdicts)
    assert [(result.metric(v.metric).estimate.numerator, result.metric(v.metric).estimate.n)
            for v in result.verdicts] == [(1, 2), (2, 4), (4, 5)]
    path.write_text(text.replace('"sensitivity@1"', '"sensitivity@1.0"'), encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"'sensitivity@1.0' is not reported .*\('1.0' "
                       r"names no class of task.labels.*a label written 1.0 is 1"):
        load_protocol(path)


@pytest.mark.parametrize(("metric", "extra", "hint"), [
    # a class of task.labels by another name or letter case: it was told that 'G2'
    # names no class of task.labels
    ("recall@G2", "", r"did you mean 'sensitivity@G2'\?"),
    ("Sensitivity@g2", "", r"did you mean 'sensitivity@G2'\?"),
    # a figure a [task] setting adds: it was offered 'sensitivity@G3' and 'accuracy',
    # other figures
    ("referable_sensitivity@G3", "", r"the task reports it with referable_from = 'G3' in "
     r"\[task\]"),
    ("referable_specificity@G3", 'referable_from = "G2"', r"the task reports "
     r"'referable_specificity@G2', as \[task\]'s referable_from sets it"),
    ("accuracy_within@1", "", r"the task reports it with within_classes = 1 in \[task\]"),
])
def test_a_class_figure_misnamed_is_told_its_name(tmp_path: Path, metric, extra, hint) -> None:
    # Found in the review of the grading pass
    path = _multiclass(tmp_path, metric)
    text = path.read_text(encoding="utf-8").replace('"G3"]', f'"G3"]\n{extra}')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError, match=hint) as raised:
        load_protocol(path)
    assert "names no class" not in str(raised.value) and "did you mean 'accuracy'" not in str(
        raised.value) and "did you mean 'sensitivity@G3'" not in str(raised.value)


@pytest.mark.parametrize("metric, hint", [
    ("auc@G2", "(the class probabilities' AUCs are reported with probabilities = true in "
               "[task], each prediction giving them)"),
    ("auc@macro", "(the class probabilities' AUCs are reported with probabilities = true"),
])
def test_an_auc_without_probabilities_says_what_reports_it(tmp_path: Path, metric,
                                                           hint) -> None:
    # Found in the probabilities-feature pass: the class probabilities' AUCs are named
    # auc@<label>, auc@macro, referable_auc@<label>; a label-only protocol reports none
    with pytest.raises(ProtocolError) as raised:
        load_protocol(_multiclass(tmp_path, metric))
    assert hint in str(raised.value)


def test_the_aucs_are_criteria_with_probabilities(tmp_path: Path) -> None:
    path = _multiclass(tmp_path, "auc@G2")
    text = path.read_text(encoding="utf-8").replace(
        'kappa_weights = "none"', 'kappa_weights = "none"\nprobabilities = true\n'
        'referable_from = "G2"')
    path.write_text(text, encoding="utf-8")
    assert load_protocol(path).criteria[0].metric == "auc@G2"
    for metric in ("auc@macro", "referable_auc@G2"):
        path.write_text(text.replace('metric = "auc@G2"', f'metric = "{metric}"'),
                        encoding="utf-8")
        assert load_protocol(path).criteria[0].metric == metric
    # the referable AUC is named by the first referable class, as the split's figures are
    path.write_text(text.replace('metric = "auc@G2"', 'metric = "referable_auc@G3"'),
                    encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"the task reports 'referable_auc@G2', as "
                       r"\[task\]'s referable_from sets it"):
        load_protocol(path)
