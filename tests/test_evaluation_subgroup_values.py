"""A subgroup's value read as an id is: 'B' and 'B ' (a space typed after it in a
spreadsheet) made two subgroups whose rows print alike, 'B' twice, on the certificate;
'A' and 'a' two subgroups without a word (found in the mammo-pass, BI-RADS density)."""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import recall_score

import medeval
from medeval.report.notes_ko import warning_ko

from .conftest import BROKEN_PREDICTIONS, binary_study
from .test_evaluation import protocol_file


def test_surrounding_spaces_make_no_subgroup_of_their_own(tmp_path):
    ref, pred = binary_study(tmp_path, sites=("B", " B "))
    result = medeval.evaluate(protocol_file(tmp_path, policy="exclude"),
                              tmp_path / "predictions")
    groups = {g.value: g for g in result.subgroups}
    assert set(groups) == {"B"}
    # every case is site B: its figures are the whole set's, sensitivity as scikit-learn
    # gives it on the cases with a readable prediction
    kept = ~ref["case_id"].isin(list(BROKEN_PREDICTIONS))
    scores = pred.set_index("case_id").loc[ref["case_id"], "score"].to_numpy()
    expected = recall_score(ref["label"][kept], (scores >= 0.5)[kept])
    sensitivity = next(m for m in groups["B"].metrics if m.name == "sensitivity")
    assert groups["B"].n_cases == int(kept.sum())
    assert sensitivity.estimate.value == expected
    assert not any("letter case" in w for w in result.warnings)


def test_values_that_differ_in_letter_case_are_named(tmp_path):
    binary_study(tmp_path, sites=("A", "a"))
    manifest = pd.read_csv(tmp_path / "manifest.csv", dtype=str)
    assert set(manifest["site"]) == {"A", "a"}
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    assert {g.value for g in result.subgroups} == {"A", "a"}
    warning = ("all cases: site values that differ only in letter case are different "
               "subgroups: 'A' and 'a'; if they are one, write the value one way in the "
               "manifest")
    assert warning in result.warnings
    assert warning_ko(warning) == ("전체 증례: 대소문자만 다른 site 값을 서로 다른 하위군으로 "
                                   "나눴습니다: 'A', 'a'. 같은 값이라면 매니페스트에 한 가지로 "
                                   "적으십시오")
