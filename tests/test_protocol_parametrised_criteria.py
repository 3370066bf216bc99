"""Criteria on metrics named by the task's own parameters. A detection protocol with
fp_rates = [0.5, 1, 2] accepted a criterion on froc_sensitivity@4, which the task does
not compute: the run went through and the criterion ended INCONCLUSIVE ("the result has
no metric"); one on froc_sensitivity@3 with 3 among the rates was refused, offering @4
and @8 instead (found in the KTL tester pass). HD at another percentile and NSD in the
other variant were the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import medeval
from medeval.protocol import ProtocolError, load_protocol

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _detection(tmp_path: Path, rates: str, metric: str) -> Path:
    folder = tmp_path / "detection"
    shutil.copytree(EXAMPLES / "detection", folder)
    path = folder / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    assert "fp_rates = [0.5, 1.0, 2.0]" in text and 'metric = "froc_cpm"' in text
    path.write_text(text.replace("fp_rates = [0.5, 1.0, 2.0]", f"fp_rates = {rates}")
                    .replace('metric = "froc_cpm"', f'metric = "{metric}"'), encoding="utf-8")
    return path


def test_a_rate_the_task_does_not_compute_is_refused(tmp_path: Path) -> None:
    path = _detection(tmp_path, "[0.5, 1.0, 2.0]", "froc_sensitivity@4")
    with pytest.raises(ProtocolError, match=r"'froc_sensitivity@4' is not reported .* "
                       r"froc_sensitivity@0\.5, froc_sensitivity@1, froc_sensitivity@2$"):
        load_protocol(path)


def test_a_rate_not_declared_says_to_declare_it(tmp_path: Path) -> None:
    # Found in the planning-pass: froc_sensitivity@0.5 under fp_rates = [0.25, 1] was
    # told "did you mean 'froc_sensitivity@0.25'?", a neighbour in spelling at half the
    # rate the study plan names; the rate is to be added to fp_rates
    path = _detection(tmp_path, "[0.25, 1.0]", "froc_sensitivity@0.5")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    [problem] = caught.value.problems
    assert "did you mean" not in problem
    assert "(task.fp_rates [0.25, 1] does not hold 0.5: add it there for " \
        "froc_sensitivity@0.5)" in problem


@pytest.mark.parametrize(("metric", "named"), [("froc_sensitivity@1.0", "1"),
                                             ("froc_sensitivity@0.50", "0.5")])
def test_a_declared_rate_spelt_otherwise_is_not_said_to_be_missing(
        tmp_path: Path, metric: str, named: str) -> None:
    # Found in the review-planning pass: the example's fp_rates = [0.5, 1.0, 2.0] holds
    # the rate 1, but a criterion written as the list writes it, froc_sensitivity@1.0,
    # was told "task.fp_rates [0.5, 1, 2] does not hold 1: add it there" (12b8c82): the
    # task names it froc_sensitivity@1 (as it names each rate, '%g')
    path = _detection(tmp_path, "[0.5, 1.0, 2.0]", metric)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    [problem] = caught.value.problems
    assert "does not hold" not in problem
    assert f"(task.fp_rates [0.5, 1, 2] holds {named}: the task names its sensitivity " \
        f"froc_sensitivity@{named}; write that)" in problem


def test_a_declared_rate_is_accepted_and_judged(tmp_path: Path) -> None:
    path = _detection(tmp_path, "[0.5, 1.0, 3.0]", "froc_sensitivity@3")
    result = medeval.evaluate(path, path.parent / "predictions")
    [verdict] = result.verdicts
    estimate = result.metric("froc_sensitivity@3").estimate
    assert verdict.metric == "froc_sensitivity@3" and "has no metric" not in verdict.reason
    # guarded, goal 0.5: INCONCLUSIVE exactly when the interval holds the goal
    assert (verdict.outcome == "INCONCLUSIVE") == (estimate.low < 0.5 <= estimate.high)


@pytest.mark.parametrize(("task", "good", "bad"), [
    ('hd_percentile = 90', "hd90@pooled", "hd95@pooled"),
    ('nsd_variant = "count"', "nsd@count", "nsd@surfel"),
])
def test_segmentation_names_follow_its_parameters(tmp_path: Path, task, good, bad) -> None:
    folder = tmp_path / "segmentation"
    shutil.copytree(EXAMPLES / "segmentation", folder)
    path = folder / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    assert 'type = "segmentation"' in text and 'metric = "dice"' in text
    text = text.replace('type = "segmentation"', f'type = "segmentation"\n{task}')
    text = text.replace('metric = "hd95@max-directed"', 'metric = "assd"')  # the other
    path.write_text(text.replace('metric = "dice"', f'metric = "{good}"', 1),
                    encoding="utf-8")
    assert load_protocol(path).criteria[0].metric == good
    path.write_text(text.replace('metric = "dice"', f'metric = "{bad}"', 1),
                    encoding="utf-8")
    with pytest.raises(ProtocolError, match=f"'{bad}' is not reported"):
        load_protocol(path)


def _segmentation(tmp_path: Path, task: str, metric: str) -> Path:
    folder = tmp_path / "segmentation"
    shutil.copytree(EXAMPLES / "segmentation", folder, dirs_exist_ok=True)
    path = folder / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    assert 'type = "segmentation"' in text and "nsd_variant" not in text
    path.write_text(text.replace('type = "segmentation"', f'type = "segmentation"\n{task}')
                    .replace('metric = "dice"', f'metric = "{metric}"', 1), encoding="utf-8")
    return path


def test_nsd_in_the_variant_the_default_does_not_report_is_refused(tmp_path: Path) -> None:
    # Found in the volumes-pass: without nsd_variant the task reports nsd@surfel only (the
    # schema's default, 'surfel'), yet a criterion on nsd@count passed protocol check and
    # ended INCONCLUSIVE, "the result has no metric 'label1:nsd@count'", after the run.
    assert load_protocol(_segmentation(tmp_path, "", "nsd@surfel")).criteria[0].metric \
        == "nsd@surfel"
    with pytest.raises(ProtocolError, match=r"'label1:nsd@count' is not reported .*set "
                       r"nsd_variant = 'count' in \[task\]"):
        load_protocol(_segmentation(tmp_path, "labels = [1, 2]", "label1:nsd@count"))


@pytest.mark.parametrize(("metric", "hint"), [
    # a name without its variant was offered a neighbour in spelling: nsd -> masd, and
    # hd95 -> hd95@pooled alone, MedPy's, not the default max-directed
    ("label1:nsd", "did you mean 'label1:nsd@surfel'?"),
    ("label2:hd95", "did you mean one of 'label2:hd95@max-directed', 'label2:hd95@pooled'?"),
    # a label the task does not score was offered another label's figure
    ("label3:dice", "label 3 is not in task.labels [1, 2]"),
])
def test_a_multi_label_criterion_gets_the_right_hint(tmp_path: Path, metric, hint) -> None:
    with pytest.raises(ProtocolError) as info:
        load_protocol(_segmentation(tmp_path, "labels = [1, 2]", metric))
    assert f"{metric!r} is not reported by task 'segmentation' ({hint});" in str(info.value)


@pytest.mark.parametrize("labels", ["labels = [1]", ""])  # written, and the default [1]
def test_a_labelled_criterion_of_a_one_label_task_is_told_its_name(tmp_path: Path,
                                                                    labels) -> None:
    # Found in the review-volumes pass: a task of one label names its figures without it
    # (the task's prefix is '' for one label), and 'label1:dice' was refused with no hint
    with pytest.raises(ProtocolError) as info:
        load_protocol(_segmentation(tmp_path, labels, "label1:dice"))
    assert ("'label1:dice' is not reported by task 'segmentation' (with one label, "
            "task.labels [1], the figures are named without it: 'dice');") in str(info.value)


def test_a_classification_is_not_told_of_segmentation_labels(tmp_path: Path) -> None:
    # found in the review-volumes pass: 1031223's label hint read any task's labels, so
    # 'label1:sensitivity@macro' under a multi-class task (labels = ["G1", "G2", "G3"], class
    # names) was told 'label 1 is not in task.labels [...]'
    folder = tmp_path / "multiclass"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder)
    path = folder / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    assert 'labels = ["G1", "G2", "G3"]' in text and 'metric = "sensitivity@macro"' in text
    path.write_text(text.replace('metric = "sensitivity@macro"',
                                 'metric = "label1:sensitivity@macro"', 1), encoding="utf-8")
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    assert "'label1:sensitivity@macro' is not reported" in str(info.value)
    assert "task.labels" not in str(info.value)


@pytest.mark.parametrize(("rates", "problem"), [
    ("[-1, 0.5]", "task.fp_rates.0: Input should be greater than or equal to 0 (got -1)"),
    ("[0.5, nan]", "task.fp_rates.1: Input should be a finite number (got nan)"),
    ("[inf]", "task.fp_rates.0: Input should be a finite number (got inf)"),
    ("[0.5, 0.50, 1.0, 2, 1]",
     "task.fp_rates: Value error, each rate once; listed more than once: 0.5, 1"),
])
def test_a_rate_no_froc_reads_or_one_listed_twice_is_refused_by_the_protocol(
        tmp_path: Path, rates: str, problem: str) -> None:
    # Found in the protocol-writing pass: protocol check passed fp_rates = [-1, 0.5] and
    # [nan, 0.5], and the evaluation stopped after scoring with "froc: fp_rates must be
    # >= 0", naming no protocol key (a certified run, after the algorithm had run); [0.5,
    # 0.5, 1] was accepted and the result reported froc_sensitivity@0.5 twice under one
    # name. The rates here are written by hand: -1, nan and inf are no rate; 0.5 = 0.50
    # and 1 = 1.0 are one number each.
    with pytest.raises(ProtocolError) as caught:
        load_protocol(_detection(tmp_path, rates, "froc_cpm"))
    assert caught.value.problems == (problem,)


def test_a_coco_detection_rate_listed_twice_is_refused() -> None:
    from medeval.protocol_sections import CocoDetectionTask

    with pytest.raises(ValueError, match="each rate once; listed more than once: 0.25"):
        CocoDetectionTask(type="coco-detection", fp_rates=[0.25, 0.25])
    assert CocoDetectionTask(type="coco-detection", fp_rates=[0, 0.25]).fp_rates == [0, 0.25]
