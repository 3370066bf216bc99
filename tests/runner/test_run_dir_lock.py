"""Two runs into one run directory at once: the second is refused, the first unharmed.

Before, the same ``medeval predict`` started again while the first still ran (a second
terminal, a scheduler's retry) removed the first's scratch folder under its feet: the
first run's remaining cases failed as the *algorithm's* ``exception`` (``FileNotFoundError:
/input/...``; measured: 24 of 30 cases), failures that a resumed run keeps, and both
runs wrote their records into one ``run.jsonl``. With ``--fresh`` the second would have
removed the first's predictions.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = """
import time
from pathlib import Path


class Slow:
    def predict(self, case):
        time.sleep(1.0)
        return int(Path(case.input_path).read_text()) / 10
"""


@needs_bwrap
@pytest.mark.parametrize("fresh", [False, True])
def test_a_second_run_into_a_busy_run_directory_is_refused(tmp_path: Path, fresh: bool):
    cases = [f"c{i}" for i in range(10)]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, PLUGIN)
    run = tmp_path / "run"
    argv = [sys.executable, "-m", "medeval", "predict", "--algorithm", f"{plugin}:Slow",
            "--manifest", str(manifest), "--out", str(run), "--no-progress"]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = run / "run.jsonl"
    deadline = time.monotonic() + 120
    while not (log.exists() and '"event": "end"' in log.read_text()):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = subprocess.run(argv + (["--fresh"] if fresh else []), capture_output=True,
                            text=True, timeout=120)
    assert second.returncode == 2, second.stdout + second.stderr
    assert first.poll() is None, second.stderr  # the first still ran when the second was refused
    assert f"{run} is in use by another run (process {first.pid})" in second.stderr
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "cases 10: done 10, failed 0" in out
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["event"] for e in events].count("run-start") == 1
    for number, case_id in enumerate(cases):  # write_set's input of case i is "i"
        prediction = json.loads((run / "predictions" / f"{case_id}.json").read_text())
        assert prediction == {"case_id": case_id, "score": number / 10}
    # once the first has ended, the same command resumes it
    again = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "resumed 10 case(s)" in again.stdout, again.stderr
