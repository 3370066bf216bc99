"""The run's limits against the hard limits of the process that runs it."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from .conftest import write_algorithm, write_set

PLUGIN = """
class Half:
    def predict(self, case):
        return 0.5
"""


def test_a_hard_file_size_limit_below_the_output_limit_is_refused_before_the_run(
        tmp_path: Path):
    # under a shell's `ulimit -f` below the run's output limit (64 MiB by default) every
    # worker failed to start, as "algorithm ... could not be loaded in its sandbox" with a
    # traceback of apply_rlimits ("ValueError: not allowed to raise maximum limit"): no
    # process can raise its hard limit. Found in the interrupt-pass. A real limit, set as
    # `ulimit -f 8192` sets it, in the medeval process
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    hard = 8 << 20  # 8 MiB < 64 MiB

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))

    done = subprocess.run(
        [sys.executable, "-m", "medeval", "predict", "--algorithm", f"{plugin}:Half",
         "--manifest", str(manifest), "--out", str(tmp_path / "run"), "--no-progress"],
        capture_output=True, text=True, timeout=120, preexec_fn=limited)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    # bash's ulimit -f and -v count 1024-byte blocks: `ulimit -f 8192` set 8 MiB, and
    # the message said '(ulimit -H -f: 8388608 bytes)' where ulimit -H -f prints 8192
    assert (f"the run's output_limit_mb ({64 << 20} bytes) is above this process's hard "
            f"limit of {hard} bytes (bash's ulimit -H -f shows 8192, in KiB), which its "
            "workers cannot raise") in done.stderr
    assert "--output-limit-mb of medeval predict" in done.stderr
    assert not (tmp_path / "run").exists()  # refused before anything was made
