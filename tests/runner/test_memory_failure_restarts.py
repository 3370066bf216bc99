"""A case that fails for want of memory leaves the next case a new worker.

A plugin filled ``/dev/shm`` until it was full (its case failed as ``memory``, "/tmp or
/dev/shm is full"); the worker was kept, its ``/dev/shm`` still full, and the next case,
which allocated nothing, failed as ``memory`` too ("peak 313 MB" under 300 MB, the
``watch``). Found in the submission2 pass. Now the worker is ended after a ``memory``
failure, as after a timeout or a crash, and the next case starts a new one (``setup()``
again). Checked by what the next case finds in ``/dev/shm``: nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

LEAVES_SHM_FULL = """
import os

class Leaves:
    def predict(self, case):
        if case.case_id == "c1":
            with open("/dev/shm/left.bin", "wb") as f:
                f.write(b"1" * (4 << 20))  # what the case leaves, as a full /dev/shm did
            raise MemoryError("no room left")
        return {"score": 0.5, "label": f"left={os.path.exists('/dev/shm/left.bin')}"}
"""


@needs_bwrap
def test_the_case_after_a_memory_failure_gets_a_new_worker(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, LEAVES_SHM_FULL)
    summary = run_algorithm(manifest, f"{plugin}:Leaves", tmp_path / "run", progress=False,
                            isolation="bubblewrap")
    assert summary.failures["c1"]["reason"] == "memory"
    c2 = json.loads((tmp_path / "run/predictions/c2.json").read_text())
    assert c2["label"] == "left=False"  # a new worker, its /dev/shm empty (True before)
    assert summary.done == 1
