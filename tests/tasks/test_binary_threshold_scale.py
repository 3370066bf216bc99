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


def test_no_warning_for_a_subgroup_below_a_probability_threshold(tmp_path) -> None:
    """Site B's scores all below 0.5 (the example's, times 0.4): the subgroup's cases are
    all called negative under the threshold 0.5, a probability's on probabilities, and
    the result said 'site=B: the threshold 0.5 is above every score ...: the threshold
    is on the scores' scale (a probability's 50 % is 0.5)' on the certificate."""
    import json
    import shutil
    from pathlib import Path

    import medeval

    folder = tmp_path / "binary"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "binary-classification",
                    folder)
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    for case_id in manifest.loc[manifest["site"] == "B", "case_id"]:
        path = folder / "predictions" / f"{case_id}.json"
        score = json.loads(path.read_text()).get("score") if path.exists() else None
        if isinstance(score, float):
            path.write_text(json.dumps({"score": round(0.4 * score, 4)}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert "site" in [g.column for g in result.subgroups]
    assert [w for w in result.warnings if "every score" in w] == []
