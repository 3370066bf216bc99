"""A threshold beyond every score: ``threshold = 50`` written for 50 % on scores from 0
to 1 called every case negative, the criteria failed, and nothing said why (found in the
KTL tester pass). The result's warnings now name the threshold and the scores' range."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from medeval import evaluate_classification
from medeval.report.notes_ko import warning_ko

DEMO = resources.files("medeval") / "demo"


def _threshold_warnings(threshold: float) -> tuple[list[str], object]:
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        result = evaluate_classification(ref, pred, threshold=threshold)
    return [w for w in result.warnings if "every score" in w], result


def test_a_threshold_above_or_below_every_score_is_named() -> None:
    scores = pd.read_csv(DEMO / "predictions.csv")["score"]  # the range by pandas
    low, high = scores.min(), scores.max()
    above, result = _threshold_warnings(50)
    assert above == [f"all cases: the threshold 50 is above every score ({low:g} to "
                     f"{high:g}): every case is called negative; the threshold is on the "
                     "scores' scale (a probability's 50 % is 0.5)"]
    matrix = result.tables["confusion_matrix"]
    assert matrix["tp"] == matrix["fp"] == 0  # every case negative, as the warning says
    assert warning_ko(above[0]).startswith("전체 증례: 임계값 50이(가) 모든 점수")
    below, _ = _threshold_warnings(-1)
    assert below and "is below every score" in below[0] and "called positive" in below[0]


@pytest.mark.parametrize("end", [None, "min", "max"])
def test_no_warning_inside_the_scores_range(end: str | None) -> None:
    scores = pd.read_csv(DEMO / "predictions.csv")["score"]
    threshold = 0.5 if end is None else float(getattr(scores, end)())  # the ends count
    assert _threshold_warnings(threshold)[0] == []
