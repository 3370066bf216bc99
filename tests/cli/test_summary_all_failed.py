"""The message printed when every case failed. It told every task to check 'the
manifest's input columns (a WFDB record needs input_header and input_signal)', also an
ONNX segmenter whose every case raised in the runner (its input given NHWC to an NCHW
model), where the answer is in the run's summary.json. Now the WFDB words are for the ECG
and EEG tasks only, and where the runner failed the cases the message points to the run
folder's summary.json. Found in the onnx-pass."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.cli.summary import all_failed

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


@pytest.fixture(scope="module")
def every_case_missing(tmp_path_factory) -> medeval.Result:
    """The example evaluated once with an empty predictions folder."""
    tmp_path = tmp_path_factory.mktemp("all-failed")
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result", "predictions"))
    (folder / "predictions").mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
        return medeval.evaluate(folder / "protocol.toml", predictions=folder / "predictions")


def test_the_advice_follows_the_reasons_and_the_task(every_case_missing):
    result = every_case_missing
    n = result.flow.registered
    message = all_failed(result)
    assert f"EVERY CASE FAILED ({n} of {n}, all with the same reason: missing-output ({n}))" \
        in message
    assert message.endswith("Check the manifest's input columns, the predictions folder "
                            "and the algorithm.")
    # the same cases failed by the runner (an exception in predict): the run's record
    ran = dataclasses.replace(result, failures=dataclasses.replace(
        result.failures, by_reason={"exception": n}))
    message = all_failed(ran)
    assert "summary.json (failures)" in message and "WFDB" not in message
    # an ECG task keeps the WFDB hint, for either kind of failure
    for failed in (result, ran):
        assert "a WFDB record needs input_header and input_signal" in all_failed(
            dataclasses.replace(failed, task="ecg-beats"))



def test_a_detail_of_several_lines_is_shown_on_one(every_case_missing):
    # every case failed, the first with an exception over three lines (pydantic's form):
    # its lines after the first fell to the left margin, among the message's own. Found
    # in the review of the detection-pass.
    result = every_case_missing
    first = result.failures.cases[0]
    detail = ("ValueError: 1 validation error for Frame\nimage\n  Input should be a valid "
              "array [type=array_type]")
    cases = (dataclasses.replace(first, reason="exception", detail=detail),
             *result.failures.cases[1:])
    message = all_failed(dataclasses.replace(result, failures=dataclasses.replace(
        result.failures, cases=cases)))
    assert message.splitlines()[1] == (
        f"  case {first.case_id}: ValueError: 1 validation error for Frame image Input "
        "should be a valid array [type=array_type]")
