"""The summary names each failure reason's first case and why it failed. It gave the
counts alone ('failed cases by reason: invalid-output 479'): a detector writing category
0 for a set numbering its one category 1 failed 479 of 616 frames, and the cause
('category_id 0 is not one of the set's categories [1]') was only in result.json. Found
in the detection-pass."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import medeval
from medeval.cli.summary import summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "polyp-detection"


@pytest.fixture(scope="module")
def example_result(tmp_path_factory) -> medeval.Result:
    """The example evaluated once: D-06 has no prediction file, D-13's box has 3 numbers."""
    tmp_path = tmp_path_factory.mktemp("summary")
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
        return medeval.evaluate(folder / "protocol.toml", predictions=folder / "predictions")


def test_each_reason_shows_its_first_case(example_result):
    lines = summary(example_result).splitlines()
    at = lines.index("  failed cases by reason: invalid-output 1, missing-output 1 "
                     "(policy worst-case)")
    assert lines[at + 1:at + 3] == [
        "    e.g. missing-output: case D-06: no prediction file D-06{.json} in <predictions>",
        "    e.g. invalid-output: case D-13: result 0: bbox [35, 22, 36] is not [x, y, width, "
        "height] (4 numbers)"]


def test_a_detail_of_several_lines_is_shown_on_one(example_result):
    # A runner's failure detail is the algorithm's exception as Python prints it, which
    # may run over lines (pydantic, onnxruntime): the summary printed them as they were,
    # the rest of the detail under the list at the left margin, read as lines of their
    # own. Now its whitespace runs are one space. Found in the review of the
    # detection-pass.
    result = example_result
    detail = ("ValueError: 1 validation error for Frame\nimage\n  Input should be a valid "
              "array [type=array_type]")
    cases = tuple(replace(c, reason="exception", detail=detail) if c.case_id == "D-13" else c
                  for c in result.failures.cases)
    result = replace(result, failures=replace(result.failures, cases=cases))
    assert ("    e.g. exception: case D-13: ValueError: 1 validation error for Frame image "
            "Input should be a valid array [type=array_type]") in summary(result).splitlines()


def test_a_long_detail_is_cut_at_a_word_and_says_where_the_whole_is(example_result):
    # The summary cut a detail at 200 characters mid-word ('... is not on...') and did not
    # say the rest was in the result (found by a KTL tester on a 2D endoscopy set). Now it
    # cuts before the word that would not fit and names where the whole detail is.
    sentence = "category_id 0 is not one of the set's categories [1]; "  # 54 characters
    detail = "ValueError: " + sentence * 6  # 12 + 324 = 336 characters
    cases = tuple(replace(c, reason="exception", detail=detail) if c.case_id == "D-13" else c
                  for c in example_result.failures.cases)
    result = replace(example_result, failures=replace(example_result.failures, cases=cases))
    lines = summary(result, Path("out/result.json")).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("    e.g. exception:"))
    # 200 characters less 3 for '...' end at character 197, inside 'one' (characters 195
    # to 197 of the fourth sentence's 'category_id 0 is not one'), so the detail ends with
    # 'not' (character 194) and '...'
    assert lines[at] == ("    e.g. exception: case D-13: ValueError: " + sentence * 3
                         + "category_id 0 is not...")
    assert lines[at + 1] == ("    (details cut short; each failed case's whole detail is in "
                             "out/result.json, under failures.cases)")
    # a detail that fits is shown whole, with no such line
    assert not any("cut short" in line for line in summary(example_result).splitlines())
