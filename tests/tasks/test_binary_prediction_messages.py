"""What a failed binary-classification prediction says: a JSON object without "score"
is named as such (before: "got None"). Real files in a copy of
examples/binary-classification, evaluated as a tester runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import medeval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_a_prediction_without_score_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    (folder / "predictions" / "WDBC-0001.json").write_text('{"label": 1}')
    (folder / "predictions" / "WDBC-0003.json").write_text('{"Score": 0.8, "점수": 0.8}')
    (folder / "predictions" / "WDBC-0020.json").write_text('{"score": null}')
    (folder / "predictions" / "WDBC-0021.json").write_text('{"score": true}')
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    detail = {c.case_id: (c.reason, c.detail) for c in result.failures.cases}
    assert detail["WDBC-0001"] == ("invalid-output", (
        'case WDBC-0001: the prediction has no "score" (its keys: "label"); it must hold '
        'a number or {"score": number}'))
    assert 'has no "score" (its keys: "Score", "점수")' in str(detail["WDBC-0003"][1])
    # a "score" that is there but null (or true) is shown as the file writes it, not as
    # Python's None (True), words no JSON file holds
    assert str(detail["WDBC-0020"][1]).endswith("got null")
    assert str(detail["WDBC-0021"][1]).endswith("got true")


def test_a_predictions_folder_named_like_a_word_leaves_the_messages_whole(
        tmp_path: Path, monkeypatch) -> None:
    # `medeval evaluate protocol.toml --predictions label` (or `nan`): the folder's name,
    # as given, was replaced wherever it stood as a word in a failure's message, so the
    # result said 'has no "score" (its keys: "<predictions>")' and 'score <predictions> is
    # not finite'; the same folder given by its absolute path keeps the same fingerprint
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    for name, text in (("label", '{"label": 1}'), ("nan", "NaN")):
        shutil.copytree(folder / "predictions", folder / name)
        (folder / name / "WDBC-0001.json").write_text(text)
    monkeypatch.chdir(folder)
    by_label = medeval.evaluate(Path("protocol.toml"), Path("label"))
    by_nan = medeval.evaluate(Path("protocol.toml"), Path("nan"))
    details = [c.detail for r in (by_label, by_nan) for c in r.failures.cases
               if c.case_id == "WDBC-0001"]
    assert details == [
        'case WDBC-0001: the prediction has no "score" (its keys: "label"); it must hold '
        'a number or {"score": number}',
        "case WDBC-0001: no score: NaN (in a table, an empty cell or #N/A, which are read "
        "as NaN); write the score as a number"]
    again = medeval.evaluate(folder / "protocol.toml", folder / "label")
    assert again.fingerprint == by_label.fingerprint


def test_an_auc_below_chance_from_failed_cases_alone_is_not_put_on_the_scores(
        tmp_path: Path) -> None:
    # 19 of the example's 24 cases without prediction: worst-case ranks give an AUC
    # interval below 0.5, but the 5 scored cases' scores are not reversed: no such warning
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    for file in sorted((folder / "predictions").iterdir())[:18]:
        file.unlink()
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert result.metric("roc_auc").estimate.high < 0.5
    assert not [w for w in result.warnings if "below 0.5" in w]


def test_several_scores_for_one_case_say_which_to_give(tmp_path: Path) -> None:
    """A multi-label model's five probabilities, or a classifier's predict_proba row, as a
    binary case's score: the failure says the task reads one number and which one.
    Found in the ecg12-pass (a PTB-XL superclass model run under five binary protocols)."""
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    (folder / "predictions" / "WDBC-0001.json").write_text(
        '{"score": {"NORM": 0.2, "MI": 0.7, "STTC": 0.1, "CD": 0.05, "HYP": 0.3}}')
    (folder / "predictions" / "WDBC-0003.json").write_text('{"score": [0.27, 0.73]}')
    (folder / "predictions" / "WDBC-0020.json").write_text('{"score": [0.73]}')
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    detail = {c.case_id: c.detail for c in result.failures.cases}
    assert detail["WDBC-0001"].endswith(
        "got {'NORM': 0.2, 'MI': 0.7, 'STTC': 0.1, 'CD': 0.05, 'HYP': 0.3}; it holds a "
        'score for each of "NORM", "MI", "STTC", "CD", "HYP": the task reads one number, '
        "the positive class's score; for one label of a model that scores several, that "
        'label\'s (a protocol per label, {"score": p["NORM"]}), or every label at once under '
        'a multilabel-classification protocol ({"scores": {...}})')
    assert detail["WDBC-0003"].endswith(
        "got [0.27, 0.73]; a list of 2 numbers: the task reads one number, the positive "
        "class's score (float(probs[1]), not the array probs)")
    assert detail["WDBC-0020"].endswith("got [0.73]")  # one number in a list: as before


def test_a_multi_label_prediction_under_a_binary_protocol_points_to_the_multi_label_task(
        tmp_path: Path) -> None:
    """A multilabel-classification prediction ({"scores": {...}}) given to a binary
    protocol was refused as 'has no "score"' alone; now the hint names the protocol's
    positive label's key and the multi-label task. A dict of one number ({"label": 1})
    keeps the plain message (test above)."""
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    positive = str(medeval.load_protocol(folder / "protocol.toml").task.positive_label)
    scores = {"other": 0.2, positive: 0.7}
    (folder / "predictions" / "WDBC-0001.json").write_text(json.dumps({"scores": scores}))
    (folder / "predictions" / "WDBC-0003.json").write_text(json.dumps(scores))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    detail = {c.case_id: c.detail for c in result.failures.cases}
    for case in ("WDBC-0001", "WDBC-0003"):
        assert detail[case].endswith(
            f'(a protocol per label, {{"score": p["{positive}"]}}), or every label at once '
            'under a multilabel-classification protocol ({"scores": {...}})'), detail[case]
