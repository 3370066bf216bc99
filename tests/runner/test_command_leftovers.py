"""What a command leaves running when it exits is ended before the next case.

Before, a process a command started in the background (a model server, a logger, left
running by mistake) lived on in the worker's sandbox and wrote into the next cases'
``/output``: here the next case failed as ``invalid-output`` ("unexpected file
'server.log'"), blamed for what the first case's command did.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

COMMAND = """
import json, os, subprocess, time

case_id = os.environ["MEDEVAL_CASE_ID"]
if case_id == "c1":  # a 'server' in a session of its own, writing a second later
    subprocess.Popen(["/bin/sh", "-c", "sleep 1; echo up > /output/server.log; sleep 600"],
                     start_new_session=True, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
else:
    time.sleep(2)  # the server would write while this case runs
json.dump({"score": 0.5}, open(os.path.join(os.environ["MEDEVAL_OUTPUT_DIR"],
                                            "prediction.json"), "w"))
"""


@needs_bwrap
def test_a_commands_background_process_does_not_reach_the_next_case(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    spec = resolve_algorithm(None, command=f"{shlex.quote(sys.executable)} {script}")
    summary = run_algorithm(manifest, spec, tmp_path / "run", timeout_s=60, progress=False)
    assert (summary.done, summary.failed) == (2, 0), summary.failures
    stored = json.loads((tmp_path / "run" / "predictions" / "c2.json").read_text())
    assert stored == {"case_id": "c2", "score": 0.5}
