"""Per-case scoring: one row per case, whatever failed; the set's faults kept apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from medeval.manifest import Manifest
from medeval.protocol import load_protocol
from medeval.scoring import BadReference, Predictions, read_predictions, score_cases
from medeval.tasks.base import CaseRow
from medeval.tasks.registry import make_task

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _detection(tmp_path: Path):
    folder = shutil.copytree(EXAMPLES / "detection", tmp_path / "detection",
                             ignore=shutil.ignore_patterns("result"))
    protocol = load_protocol(folder / "protocol.toml")
    task = make_task(protocol)
    manifest = Manifest.from_csv(folder / "manifest.csv", reference_kind=task.reference_kind)
    return folder, task, sorted(manifest.cases, key=lambda c: c.case_id)


def test_a_runner_failure_on_a_broken_reference_is_the_sets_fault(tmp_path):
    # The runner records F-03 as timed out; its worst-case values need its reference (the
    # lesions it missed), which is broken: a BadReference naming the case, not an error
    # raised from the middle of scoring.
    folder, task, cases = _detection(tmp_path)
    (folder / "references" / "F-03.json").write_text("{not json")
    predictions = Predictions("runner", folder / "predictions",
                              failures={"F-03": ("timeout", "60 s")})
    rows = score_cases(task, cases, root=folder, predictions=predictions)
    bad = [row for row in rows if isinstance(row, BadReference)]
    assert len(bad) == 1 and bad[0].message.startswith("case F-03:")
    assert len(rows) == len(cases)


def test_every_case_gets_a_row_and_failures_keep_their_reason(tmp_path):
    folder, task, cases = _detection(tmp_path)
    predictions = read_predictions(folder / "predictions")
    assert predictions.source == "supplied-predictions"
    rows = score_cases(task, cases, root=folder, predictions=predictions)
    assert all(isinstance(row, CaseRow) for row in rows)
    failed = {row.case_id: row.reason for row in rows if row.status == "failed"}
    # F-06 has no prediction file; the example's README names one malformed prediction
    assert failed.get("F-06") == "missing-output"
    assert set(failed.values()) <= {"missing-output", "invalid-output"} and len(failed) == 2
    assert [row.case_id for row in rows] == [case.case_id for case in cases]
