"""A prediction carrying the algorithm's own "label" beside its score: medeval decides
each case by ``score >= threshold`` at the protocol's threshold and does not read the
label. A label that disagrees (the algorithm decided at a threshold of its own) used to
be ignored without a word; the result's warnings now name those cases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import recall_score, roc_auc_score

import medeval
from medeval.report.notes_ko import warning_ko

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def _evaluate(folder: Path) -> medeval.Result:
    return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _whole_example(tmp_path: Path) -> Path:
    """The example set with its two broken predictions mended (WDBC-0002 missing,
    WDBC-0053 '"low"'), so that every case is scored."""
    folder = tmp_path / "binary"
    shutil.copytree(EXAMPLE, folder)
    (folder / "predictions" / "WDBC-0053.json").write_text('{"score": 0.3}')
    (folder / "predictions" / "WDBC-0002.json").write_text('{"score": 0.7}')
    return folder


def test_labels_that_disagree_with_the_threshold_are_named(tmp_path: Path) -> None:
    folder = _whole_example(tmp_path)
    files = sorted((folder / "predictions").glob("*.json"))
    scores = {f.stem: json.loads(f.read_text())["score"] for f in files}
    first, second, third = (f.stem for f in files[:3])
    # the algorithm's own labels: each case's decision at 0.5 (score >= 0.5, by hand
    # from the files' scores), but the first and third cases say the other label, and
    # a fourth writes a word the protocol's labels (1 and 0) do not hold: not judged
    for k, file in enumerate(files):
        decided = int(scores[file.stem] >= 0.5)
        label: object = 1 - decided if k in (0, 2) else decided
        if k == 3:
            label = "malignant"
        elif k == 1:
            label = bool(decided)  # true/false read as 1/0
        file.write_text(json.dumps({"score": scores[file.stem], "label": label}))
    result = _evaluate(folder)
    # said once, for the whole set: not again for each of the protocol's sites (the
    # example's subgroups), whose aggregates hold those cases too
    named = [w for w in result.warnings if "own \"label\"" in w]
    shown = "; ".join(
        f"{case} (label {1 - int(scores[case] >= 0.5)}, score {scores[case]:g})"
        for case in (first, third))
    assert named == [
        f"all cases: 2 case(s) whose prediction's own \"label\" is not its score's decision "
        f"at the protocol's threshold (0.5): {shown}; the label is not read: each case is "
        "decided by score >= threshold, at the threshold the protocol fixed"]
    assert second not in named[0]
    assert warning_ko(named[0]).startswith("전체 증례: 예측에 적힌 자체 \"label\"이")
    # the figures are the scores' alone: scikit-learn on the manifest's labels and scores
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    truth = (manifest["reference"] == "1").astype(int).to_numpy()
    given = manifest["case_id"].map(scores).to_numpy()
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        roc_auc_score(truth, given), abs=1e-12)
    assert result.metric("sensitivity").estimate.value == pytest.approx(
        recall_score(truth, given >= 0.5), abs=1e-12)


def test_labels_that_agree_say_nothing(tmp_path: Path) -> None:
    folder = _whole_example(tmp_path)
    for file in (folder / "predictions").glob("*.json"):
        score = json.loads(file.read_text())["score"]
        file.write_text(json.dumps({"score": score, "label": int(score >= 0.5)}))
    assert not [w for w in _evaluate(folder).warnings if "own \"label\"" in w]


def test_facts_about_cases_are_said_once_under_either_policy(tmp_path: Path) -> None:
    # The example as shipped: WDBC-0002 has no prediction and WDBC-0053 a broken one, so
    # 'failures excluded' is aggregated too, and the protocol's sites A and B are
    # subgroups. Every scored case's own label is set against its score (label 1 where
    # score < 0.5, 0 where >= 0.5): the fact is one line, for all cases, naming as
    # many cases as have a score (counted from the files here), and no subgroup's or
    # the other policy's line repeats it.
    folder = tmp_path / "binary"
    shutil.copytree(EXAMPLE, folder)
    scored = 0
    for file in (folder / "predictions").glob("*.json"):
        try:
            value = json.loads(file.read_text())
            score = float(value["score"])
        except (ValueError, TypeError, KeyError):
            continue
        file.write_text(json.dumps({"score": score, "label": int(score < 0.5)}))
        scored += 1
    warnings = _evaluate(folder).warnings
    named = [w for w in warnings if "own \"label\"" in w]
    assert len(named) == 1 and named[0].startswith(f"all cases: {scored} case(s) whose")
    assert any(w.startswith("site=") for w in warnings)  # the subgroups still have theirs
