"""A JSON prediction holding an integer past any float, through the tasks that read
``<case_id>.json`` (binary classification here, the example's set)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import medeval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_an_integer_past_any_float_fails_its_case_only(tmp_path):
    # JSON integers have no bound: float() of a 400-digit one overflows, and numpy's
    # isfinite refused it with a TypeError that stopped the whole evaluation. The same
    # digits inside a string are text, read as before.
    huge = "1" + "0" * 400
    with pytest.raises(OverflowError):
        float(int(huge))
    folder = shutil.copytree(EXAMPLE, tmp_path / "bc",
                             ignore=shutil.ignore_patterns("out", "__pycache__"))
    clean = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    first, second = sorted((folder / "predictions").glob("*.json"))[:2]
    first.write_text(f'{{"score": {huge}}}')
    kept = json.loads(second.read_text())
    second.write_text(json.dumps({**kept, "note": huge}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    failed = {f.case_id: f for f in result.failures.cases}
    before = {f.case_id for f in clean.failures.cases}
    assert set(failed) - before == {first.stem}
    assert failed[first.stem].reason == "invalid-output"
    assert "(401 digits) is too large for any number a float can hold" in \
        failed[first.stem].detail
    assert second.stem not in failed


def test_a_utf16_prediction_is_named_utf16_not_cp949(tmp_path):
    # Windows PowerShell 5's 'echo ... > c0.json' writes UTF-16 LE with its byte order
    # mark (FF FE): it was said to be CP949 from a Korean Windows program ('byte 0, ff')
    from medeval.manifest import Case
    from medeval.tasks._scalar_json import read_json_prediction
    from medeval.tasks.base import PredictionError

    (tmp_path / "c0.json").write_bytes('{"score": 0.8}'.encode("utf-16"))
    assert (tmp_path / "c0.json").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    case = Case("c0", "p0", ("c0.png",), "1")
    with pytest.raises(PredictionError, match=r"^case c0: c0\.json is UTF-16 text, not "
                                              r"UTF-8 \(Windows PowerShell 5"):
        read_json_prediction(case, tmp_path)
    (tmp_path / "c0.json").write_bytes('{"score": 0.8, "비고": 1}'.encode("cp949"))
    with pytest.raises(PredictionError, match=r"is not UTF-8 text \(line 1, byte 17 of the "
                       r"line, file offset 16: byte ba; .* CP949"):
        read_json_prediction(case, tmp_path)
    # with a byte-order mark before it: the line's 17th byte still (an editor shows no
    # mark), the file's offset 3 more
    (tmp_path / "c0.json").write_bytes(
        b"\xef\xbb\xbf" + '{"score": 0.8, "비고": 1}'.encode("cp949"))
    with pytest.raises(PredictionError, match=r"is not UTF-8 text \(line 1, byte 17 of the "
                       r"line, file offset 19: byte ba; .* CP949"):
        read_json_prediction(case, tmp_path)


def test_a_name_given_twice_fails_its_case_as_medeval_run_would(tmp_path):
    # Found in the tasks pass: {"label": "G1", "label": "G3"} in a supplied predictions
    # folder was read as G3 (Python keeps the last value; other JSON readers the first),
    # while medeval run refuses the same output of a command (runner parse_json). Both now
    # fail it as invalid-output, naming the name; nested objects alike.
    from medeval.manifest import Case
    from medeval.runner.predictions import InvalidPrediction, parse_json
    from medeval.tasks._scalar_json import read_json_prediction
    from medeval.tasks.base import PredictionError

    case = Case("c0", "p0", ("c0.png",), "G1")
    for text in ('{"label": "G1", "label": "G3"}',
                 '{"scores": {"NORM": 0.1, "MI": 0.7, "NORM": 0.9}}'):
        (tmp_path / "c0.json").write_text(text, encoding="utf-8")
        with pytest.raises(InvalidPrediction, match="more than once"):
            parse_json(text.encode())  # the runner's reading: the reference behaviour
        with pytest.raises(PredictionError, match=r'^case c0: c0\.json names "(label|NORM)" '
                                                  r"more than once in one object"):
            read_json_prediction(case, tmp_path)
    # the same name in two objects is no repetition
    (tmp_path / "c0.json").write_text('{"a": {"x": 1}, "b": {"x": 2}}', encoding="utf-8")
    assert read_json_prediction(case, tmp_path) == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_file_naming_another_case_fails_its_case_as_medeval_run_would(tmp_path):
    # Found pre-checking a company's model: a supplied predictions folder whose script
    # wrote each answer into its neighbour's file ({"case_id": "c03", ...} in c02.json)
    # was scored as c02's answer, silently, where medeval run fails the same output as
    # invalid-output. The ids the files hold are read here with json, not medeval.
    folder = shutil.copytree(EXAMPLE, tmp_path / "bc",
                             ignore=shutil.ignore_patterns("out", "result", "__pycache__"))
    before = {f.case_id for f in medeval.evaluate(
        folder / "protocol.toml", folder / "predictions").failures.cases}
    files = sorted(f for f in (folder / "predictions").glob("*.json") if f.stem not in before)
    first, second, third = files[:3]
    scores = [json.loads(f.read_text())["score"] for f in (first, second)]
    first.write_text(json.dumps({"case_id": second.stem, "score": scores[1]}))
    second.write_text(json.dumps({"case_id": first.stem, "score": scores[0]}))
    # a file naming its own case is no fault
    third.write_text(json.dumps({"case_id": third.stem, "score": 0.5}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    failed = {f.case_id: f for f in result.failures.cases}
    named = {f.stem: json.loads(f.read_text())["case_id"] for f in (first, second)}
    assert {k for k, v in named.items() if v != k} == {first.stem, second.stem}
    assert set(failed) - before == {first.stem, second.stem}
    assert failed[first.stem].reason == "invalid-output"
    assert failed[first.stem].detail.startswith(
        f'case {first.stem}: {first.name} names case "{second.stem}" in its "case_id"')


def test_a_case_id_in_the_file_is_compared_in_nfc_and_as_text(tmp_path):
    import unicodedata

    from medeval.manifest import Case
    from medeval.tasks._scalar_json import read_json_prediction
    from medeval.tasks.base import PredictionError

    nfc = "환자-001"
    assert unicodedata.normalize("NFD", nfc) != nfc
    (tmp_path / f"{nfc}.json").write_text(json.dumps(
        {"case_id": unicodedata.normalize("NFD", nfc), "score": 0.4}), encoding="utf-8")
    assert read_json_prediction(Case(nfc, "p0", ("a.png",), "1"), tmp_path)["score"] == 0.4
    (tmp_path / "12.json").write_text('{"case_id": 12, "score": 0.3}')
    assert read_json_prediction(Case("12", "p0", ("a.png",), "1"), tmp_path)["score"] == 0.3
    (tmp_path / "0012.json").write_text('{"case_id": 12, "score": 0.3}')
    with pytest.raises(PredictionError, match=r'^case 0012: 0012\.json names case 12 in'):
        read_json_prediction(Case("0012", "p0", ("a.png",), "1"), tmp_path)
