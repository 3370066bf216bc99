"""A run killed halfway (SIGKILL) resumes and ends with the same bytes as an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

SLOW = """
import time

class Slow:
    def predict(self, case):
        time.sleep(0.04)
        with open(case.input_path) as handle:
            number = int(handle.read())
        return {"score": number / 7, "label": number % 3}
"""
CASES = [f"case{n:03d}" for n in range(40)]


def _ends(run: Path) -> int:
    log = run / "run.jsonl"
    if not log.exists():
        return 0
    return log.read_text().count('"event": "end"')


def _files(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / "predictions").iterdir())}


@needs_bwrap
def test_killed_run_resumes_to_identical_predictions(tmp_path: Path):
    manifest = write_set(tmp_path, CASES)
    plugin = write_algorithm(tmp_path, SLOW)
    name = f"{plugin}:Slow"
    killed = tmp_path / "killed"
    code = ("import sys; from medeval.runner import run_algorithm; "
            "run_algorithm(sys.argv[1], sys.argv[2], sys.argv[3], workers=2, timeout_s=10, "
            "progress=False)")
    runner = subprocess.Popen([sys.executable, "-c", code, str(manifest), name, str(killed)])
    deadline = time.monotonic() + 60
    while _ends(killed) < 12 and runner.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    assert runner.returncode == -signal.SIGKILL
    done_before = _ends(killed)
    assert 12 <= done_before < len(CASES), "the run was not interrupted halfway"
    assert not (killed / "summary.json").exists()

    # Damage the evidence as a crash or a meddler could: a torn temporary file, a
    # finished prediction whose bytes changed, a torn last line of the log.
    predictions = killed / "predictions"
    (predictions / ".case039.json.tmp123").write_bytes(b'{"sco')
    finished = sorted(predictions.glob("case*.json"))[0]
    finished.write_bytes(finished.read_bytes().replace(b"case", b"CASE"))
    with open(killed / "run.jsonl", "ab") as handle:
        handle.write(b'{"event": "end", "case_id": "case0')

    summary = run_algorithm(manifest, name, killed, workers=2, timeout_s=10, progress=False)
    assert summary.done == len(CASES) and summary.failed == 0
    assert 0 < summary.resumed < len(CASES)
    events = [json.loads(line) for line in (killed / "run.jsonl").read_text().splitlines()]
    starts = [e for e in events if e["event"] == "run-start"]
    assert len(starts) == 2 and starts[1]["resumed"] == summary.resumed
    redone = {e["case_id"] for e in events[events.index(starts[1]):] if e["event"] == "end"}
    assert finished.stem in redone  # its bytes no longer matched their hash

    fresh = tmp_path / "fresh"
    run_algorithm(manifest, name, fresh, workers=2, timeout_s=10, progress=False)
    assert _files(killed) == _files(fresh)
    assert len(_files(fresh)) == len(CASES)


def test_resume_refuses_another_algorithm(tmp_path: Path):
    import pytest

    from medeval.errors import IsolationWarning, RunnerError

    manifest = write_set(tmp_path, ["c1"])
    one = write_algorithm(tmp_path, "class A:\n    def predict(self, case):\n        return 1.0\n")
    with pytest.warns(IsolationWarning):
        run_algorithm(manifest, f"{one}:A", tmp_path / "run", isolation="none", progress=False)
    one.write_text("class A:\n    def predict(self, case):\n        return 0.0\n")
    with pytest.raises(RunnerError, match="algorithm SHA-256"):
        with pytest.warns(IsolationWarning):
            run_algorithm(manifest, f"{one}:A", tmp_path / "run", isolation="none",
                          progress=False)


@needs_bwrap
def test_a_prediction_removed_or_altered_after_the_run_is_predicted_again_and_said(
        tmp_path: Path, capsys):
    """Before, a resumed run predicted such cases again without a word (only "ran 2 now"):
    in a laboratory, a prediction file changed after the runner wrote it must be seen."""
    cases = ["c1", "c2", "c3", "c4"]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, SLOW)
    run = tmp_path / "run"
    run_algorithm(manifest, f"{plugin}:Slow", run, progress=False)
    (run / "predictions" / "c2.json").unlink()
    (run / "predictions" / "c3.json").write_text('{"case_id": "c3", "score": 0.99}')
    capsys.readouterr()
    again = run_algorithm(manifest, f"{plugin}:Slow", run, progress=False)
    err = capsys.readouterr().err
    assert "2 case(s) that ended in an earlier run are predicted again" in err
    assert "1 prediction missing (c2); 1 prediction changed (c3)" in err
    assert again.resumed == 2 and again.done == 4
    starts = [json.loads(line) for line in (run / "run.jsonl").read_text().splitlines()
              if '"run-start"' in line]
    assert "again" not in starts[0]
    assert starts[1]["again"] == {"c2": "prediction missing", "c3": "prediction changed"}
    for number, case_id in enumerate(cases):  # write_set's input of case i is "i"
        stored = json.loads((run / "predictions" / f"{case_id}.json").read_text())
        assert stored == {"case_id": case_id, "score": number / 7, "label": number % 3}
