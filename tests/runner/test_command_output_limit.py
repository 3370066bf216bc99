"""A command that writes past ``--output-limit-mb`` fails as ``output-too-large``.

The docs' table gives ``output-too-large`` for "a prediction or a file beyond
--output-limit-mb, or /output full". A plugin got it; a *command* did not: Python (the
usual command) ignores SIGXFSZ, so its write past the limit (``RLIMIT_FSIZE``) raises
``OSError: [Errno 27] File too large`` and it exits 1, and the case failed as
``exit-code: exit code 1``, the same as any bug of the command; so did one whose files,
each under the limit, filled ``/output`` (``No space left on device``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

SCRIPT = """
import os
case = os.environ["MEDEVAL_CASE_ID"]
out = os.environ["MEDEVAL_OUTPUT_DIR"]
if case == "c1":    # a 2 MB prediction, limit 1 MB
    with open(os.path.join(out, "prediction.json"), "w") as f:
        f.write('{"score": 0.5, "pad": "' + "x" * (2 << 20) + '"}')
elif case == "c2":  # a 2 MB file in /tmp (RLIMIT_FSIZE holds for every file)
    with open("/tmp/cache.bin", "wb") as f:
        f.write(b"x" * (2 << 20))
elif case == "c3":  # files of 400 kB each, under the limit one by one: /output fills up
    for number in range(3):
        with open(os.path.join(out, f"prediction.part{number}"), "wb") as f:
            f.write(b"x" * (400 << 10))
with open(os.path.join(out, "prediction.json"), "w") as f:
    f.write('{"score": 0.25}')
"""


@needs_bwrap
def test_a_command_writing_past_the_output_limit_fails_as_output_too_large(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2", "c3", "c4"])
    script = write_algorithm(tmp_path, SCRIPT, name="predict.py")
    spec = resolve_algorithm(None, command=f"{sys.executable} {script}")
    summary = run_algorithm(manifest, spec, tmp_path / "run", output_limit_mb=1,
                            progress=False)
    failures = summary.failures
    assert sorted(failures) == ["c1", "c2", "c3"]
    for case_id in ("c1", "c2", "c3"):
        assert failures[case_id]["reason"] == "output-too-large", failures[case_id]
        assert "1 MB" in failures[case_id]["detail"]
    # the command's own words (Python's OSError), not medeval's
    assert "File too large" in failures["c1"]["stderr_tail"]
    assert "File too large" in failures["c2"]["stderr_tail"]
    assert "No space left on device" in failures["c3"]["stderr_tail"]
    stored = json.loads((tmp_path / "run" / "predictions" / "c4.json").read_text())
    assert stored == {"case_id": "c4", "score": 0.25}


PLUGIN = """
import os


class Writer:
    def predict(self, case):
        if case.case_id == "c1":  # a 2 MB mask file, limit 1 MB
            with open(os.path.join(case.output_dir, "prediction.nii"), "wb") as f:
                f.write(b"x" * (2 << 20))
        return 0.25
"""


@needs_bwrap
def test_a_plugin_writing_past_the_output_limit_is_told_which_limit(tmp_path: Path):
    """A command's failure named the limit ("the output limit of 1 MB, --output-limit-mb");
    a plugin's said "a file grew past the output limit" only: a submitter whose mask was
    too large (medeval run, every case) learnt neither the limit nor how to raise it."""
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Writer", tmp_path / "run",
                            output_limit_mb=1, progress=False)
    assert sorted(summary.failures) == ["c1"]
    failure = summary.failures["c1"]
    assert failure["reason"] == "output-too-large"
    assert failure["detail"] == (
        "a file grew past the output limit of 1 MB (--output-limit-mb; output_limit_mb in "
        "the protocol's [runner])")
    # Python's own words for the write refused by RLIMIT_FSIZE (errno EFBIG)
    assert f"[Errno {__import__('errno').EFBIG}] File too large" in failure["stderr_tail"]


SETUP_WRITES = """
import signal
import subprocess


class Cache:
    def setup(self):  # a cache of 2 MB in /tmp, as torch.compile's compiler writes
        with open("/tmp/cache.bin", "wb") as f:
            f.write(b"x" * (2 << 20))

    def predict(self, case):
        return 0.5


class Compiler:
    def setup(self):  # a program killed by SIGXFSZ, reported as gcc reports it
        with open("/tmp/object.o", "wb") as out:
            done = subprocess.run(["head", "-c", str(2 << 20), "/dev/zero"], stdout=out)
        raise RuntimeError("internal compiler error: "
                           + signal.strsignal(-done.returncode) + " signal terminated")

    def predict(self, case):
        return 0.5
"""


@needs_bwrap
def test_a_setup_past_the_file_size_limit_is_told_which_limit(tmp_path: Path):
    """torch.compile in setup() failed in the sandbox with 'InductorError: CppCompileError:
    C++ compile error' alone: g++ was killed writing its precompiled header in /tmp past
    the output limit (RLIMIT_FSIZE, 64 MB, for every file), which only the stderr tail
    showed ('File size limit exceeded'); with --output-limit-mb 1024 it runs. The message
    now names the limit and how to raise it."""
    import errno
    import signal

    import pytest

    from medeval.errors import RunnerError

    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, SETUP_WRITES)
    for name, words in (("Cache", f"[Errno {errno.EFBIG}] File too large"),
                        ("Compiler", signal.strsignal(signal.SIGXFSZ))):
        with pytest.raises(RunnerError) as caught:
            run_algorithm(manifest, f"{plugin}:{name}", tmp_path / f"run-{name}",
                          output_limit_mb=1, progress=False)
        message = str(caught.value)
        assert words in message
        assert ("(a file it wrote grew past the output limit of 1 MB, which holds for every "
                "file it writes, in /tmp too: a compiler's (torch.compile), a cache; raise "
                "--output-limit-mb, output_limit_mb in the protocol's [runner])") in message
    summary = run_algorithm(manifest, f"{plugin}:Cache", tmp_path / "run-raised",
                            output_limit_mb=3, progress=False)
    assert summary.done == 1


PREDICT_COMPILES = """
import signal
import subprocess


class LazyCompiler:
    def predict(self, case):  # torch.compile compiles at the first call, in predict
        with open("/tmp/object.o", "wb") as out:
            done = subprocess.run(["head", "-c", str(2 << 20), "/dev/zero"], stdout=out)
        if done.returncode:
            raise RuntimeError("C++ compile error: internal compiler error: "
                               + signal.strsignal(-done.returncode) + " signal terminated")
        return 0.5
"""


@needs_bwrap
def test_a_case_whose_program_hits_the_file_size_limit_fails_as_output_too_large(
        tmp_path: Path):
    """torch.compile's first call (in predict) failed its case as 'exception: InductorError:
    CppCompileError: C++ compile error', the compiler killed by the output limit in /tmp;
    a command failing so is output-too-large (docs/runner.md's table). A plugin's case now
    is too, naming the limit and keeping the exception's words."""
    import signal

    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PREDICT_COMPILES)
    summary = run_algorithm(manifest, f"{plugin}:LazyCompiler", tmp_path / "run",
                            output_limit_mb=1, progress=False)
    failure = summary.failures["c1"]
    assert failure["reason"] == "output-too-large"
    assert failure["detail"].startswith(
        "a file grew past the output limit of 1 MB (--output-limit-mb; output_limit_mb in "
        "the protocol's [runner]), which holds for every file it writes, in /tmp too: "
        "RuntimeError: C++ compile error")
    assert signal.strsignal(signal.SIGXFSZ) in failure["detail"]
    assert run_algorithm(manifest, f"{plugin}:LazyCompiler", tmp_path / "run3",
                         output_limit_mb=3, progress=False).done == 1
