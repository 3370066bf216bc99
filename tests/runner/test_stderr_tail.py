"""An algorithm that logs more than the output limit still predicts.

Before, the worker's stderr was a file in the run's scratch folder, under the worker's
``RLIMIT_FSIZE`` (the output limit): a plugin printing 2 MB of warnings under
``output_limit_mb=1`` died on every case ("the worker process ended during the case
(exit code 120)"), and a command writing 3 MB to stdout failed as ``output-too-large``
("killed by SIGXFSZ"), though neither prediction was large. Now stderr is a pipe the
runner drains, keeping its last 2000 bytes.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = """
class Chatty:
    def predict(self, case):
        for i in range(20000):  # 20,000 lines of 110 bytes: 2.2 MB
            print(f"slice {i:05d}: UserWarning: the given NumPy array is not writable, "
                  "and PyTorch does not support non-writable tensors")
        if case.case_id == "bad-1":
            raise ValueError("after the log")
        return 0.5
"""

COMMAND = """
import os, sys
sys.stdout.write("y" * 3_000_000)
sys.stderr.write("done logging\\n")
open(os.path.join(os.environ["MEDEVAL_OUTPUT_DIR"], "prediction.json"), "w").write("0.25")
"""


@needs_bwrap
def test_a_plugin_logging_past_the_output_limit_predicts(tmp_path: Path):
    manifest = write_set(tmp_path, ["ok-1", "bad-1", "ok-2"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Chatty", tmp_path / "run",
                            output_limit_mb=1, timeout_s=60, progress=False)
    assert (summary.done, summary.failed) == (2, 1)
    failure = summary.failures["bad-1"]
    assert failure["reason"] == "exception" and failure["detail"] == "ValueError: after the log"
    tail = failure["stderr_tail"]
    assert len(tail) == 2000 and tail.endswith('ValueError("after the log")\n'
                                               "ValueError: after the log\n")
    assert "slice 19999: UserWarning" in tail  # the log's last line, just before
    assert not list(tmp_path.rglob("stderr.log"))


@needs_bwrap
def test_a_command_writing_megabytes_to_stdout_predicts(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    spec = resolve_algorithm(None, command=f"{shlex.quote(sys.executable)} {script}")
    summary = run_algorithm(manifest, spec, tmp_path / "run", output_limit_mb=1,
                            timeout_s=60, progress=False)
    assert (summary.done, summary.failed) == (2, 0), summary.failures
    stored = json.loads((tmp_path / "run" / "predictions" / "c1.json").read_text())
    assert stored == {"case_id": "c1", "score": 0.25}



KOREAN = """
import sys


class Korean:
    def predict(self, case):
        sys.stderr.write("영상 오류" * 400)  # 400 x 13 bytes of UTF-8, nothing after
        sys.stderr.flush()
        return float("nan")
"""


@needs_bwrap
def test_a_tail_cut_through_a_korean_character_starts_at_the_next_one(tmp_path: Path):
    """The last 2000 bytes began inside a character of 3 bytes, which decoded as a leading
    U+FFFD; the tail now starts at the next whole character. By hand: 2000 = 153 x 13 +
    11, so the bytes kept begin with the last byte of 영; the tail is 상 오류 and 153 more
    "영상 오류", 1998 bytes."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, KOREAN)
    summary = run_algorithm(manifest, f"{plugin}:Korean", tmp_path / "run", progress=False)
    assert summary.failures["c1"]["reason"] == "invalid-output"
    assert summary.failures["c1"]["stderr_tail"] == "상 오류" + "영상 오류" * 153


def test_a_tail_trimmed_to_its_size_starts_at_a_whole_character():
    """The reader trims its buffer to the last 2000 bytes once it holds more than 2 x 64
    KiB; when the last read is the one that trims, the buffer holds exactly 2000 bytes and
    9b78122a's test 'more bytes held than kept' took it for uncut: the tail began with a
    U+FFFD. Here three whole reads of 65,536 bytes (the pipe filled before the reader may
    read, so each read takes a full chunk) leave exactly that. By hand, as above: the last
    2000 bytes of n x "영상 오류" are the last byte of 영, then 상 오류 and 153 more."""
    import fcntl
    import os

    from medeval.runner.stderr_tail import StderrTail

    data = ("영상 오류" * 16000).encode()[-3 * 65536:]
    tail = StderrTail(keep_bytes=2000)
    try:
        fcntl.fcntl(tail.write_fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        with tail._lock:  # the reader waits until the pipe holds all of it
            assert os.write(tail.write_fd, data) == len(data)
        assert tail.text() == "상 오류" + "영상 오류" * 153
    finally:
        tail.close()
