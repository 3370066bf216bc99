"""A run whose files cannot be written (its predictions folder removed under it, a full
disk) stops saying what failed, what is kept and how to resume.

Before, the worker thread's ``OSError`` ended the run as "the runner failed:
FileNotFoundError: [Errno 2] ... '.c0.json.x8a2'" (on a full disk: "OSError: [Errno 28]
No space left on device", no file and no word of what was kept or of resuming).
Found in the interrupt-pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .conftest import needs_bwrap, write_algorithm, write_set
from .test_run_dir_lock import PLUGIN  # each case waits for a gate file the test makes


def _started(log: Path, case_id: str) -> bool:
    return log.exists() and any(
        json.loads(line).get("event") == "start" and json.loads(line).get("case_id") == case_id
        for line in log.read_text().splitlines() if line.strip())


@needs_bwrap
def test_a_run_whose_predictions_folder_is_removed_stops_saying_so(tmp_path: Path):
    manifest = write_set(tmp_path, ["c0", "c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    run = tmp_path / "run"
    process = subprocess.Popen(
        [sys.executable, "-m", "medeval", "predict", "--algorithm", f"{plugin}:Slow",
         "--manifest", str(manifest), "--out", str(run), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _started(run / "run.jsonl", "c0"):  # c0 waits on the gate
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    shutil.rmtree(run / "predictions")  # an operator's slip, a cleaning job
    plugin.with_name("gate").touch()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert f"the run stopped: {run / 'predictions'}/.c0.json." in stderr
    assert (f"No such file or directory; the cases that ended are kept in {run} (its "
            "run.jsonl records them; no summary.json was written): put the cause right") \
        in stderr
    assert "run the same command again to resume" in stderr


@needs_bwrap
def test_a_run_log_that_cannot_be_written_stops_the_run_saying_so(tmp_path: Path):
    # fe62c2a said so only for what failed while the cases ran: the run log's first
    # record (or its last, or the summary) not written, on a full disk or under a shell's
    # soft file size limit (ulimit -S -f; the hard limit, which the workers need, is
    # higher), ended in a traceback of RunLog with 'OSError: [Errno 27] File too large'
    # and exit 1. Found in the review-interrupt pass. A real soft limit of 1 kB: the log's
    # first record (the run's environment) is longer.
    import resource

    manifest = write_set(tmp_path, ["c0"])
    plugin = write_algorithm(tmp_path, "class Slow:\n    def predict(self, case):\n"
                                       "        return 0.5\n")
    run = tmp_path / "run"

    def soft_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))

    done = subprocess.run(
        [sys.executable, "-m", "medeval", "predict", "--algorithm", f"{plugin}:Slow",
         "--manifest", str(manifest), "--out", str(run), "--no-progress"],
        capture_output=True, text=True, timeout=120, preexec_fn=soft_limit)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("medeval: error: the run stopped: File too large; the cases "
                                  f"that ended are kept in {run} (its run.jsonl records")
    assert ("put the cause right (a file size limit of the shell that started medeval, "
            "which ulimit -S -f shows) and run the same command again to resume"
            in done.stderr)
