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

import pytest

from medeval.errors import IsolationWarning
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
    # named as every other limit is: the option and the protocol's key
    assert failures["c3"]["detail"] == (
        "exit code 1, with the output directory full (the output limit of 1 MB, "
        "--output-limit-mb; output_limit_mb in the protocol's [runner])")
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


OWN_WORDS = """
import os
import subprocess


class Mixed:
    def predict(self, case):
        if case.case_id == "c1":  # the algorithm's own words, no write past any limit
            raise ValueError("File too large: the input exceeds 512 MB")
        if case.case_id == "c2":  # a program it ran, killed by SIGXFSZ (check=True)
            with open("/tmp/object.o", "wb") as out:
                subprocess.run(["head", "-c", str(2 << 20), "/dev/zero"], stdout=out,
                               check=True)
        if case.case_id == "c3":  # a library raising its own error from the EFBIG
            try:
                with open("/tmp/cache.bin", "wb") as out:
                    out.write(b"x" * (2 << 20))
            except OSError as exc:
                raise RuntimeError("could not save the kernel cache") from exc
        return 0.5
"""


@needs_bwrap
def test_a_plugins_own_words_file_too_large_are_no_output_limit(tmp_path: Path):
    """3ece10a classed every plugin exception whose text held 'File too large' as
    output-too-large: an algorithm's own ValueError('File too large: the input exceeds
    512 MB') failed as 'output-too-large: a file grew past the output limit of 1 MB ...',
    a limit it never reached. It is an exception again; what shows the limit was passed
    is taken instead: a program ended by SIGXFSZ (subprocess's CalledProcessError, 'died
    with <Signals.SIGXFSZ: 25>', which was an exception) and an OSError EFBIG a library
    raised its own error from (which was an exception too)."""
    import errno
    import os
    import signal

    manifest = write_set(tmp_path, ["c1", "c2", "c3", "c4"])
    plugin = write_algorithm(tmp_path, OWN_WORDS)
    summary = run_algorithm(manifest, f"{plugin}:Mixed", tmp_path / "run",
                            output_limit_mb=1, progress=False, isolation="bubblewrap")
    failures = summary.failures
    assert failures["c1"]["reason"] == "exception"
    assert failures["c1"]["detail"] == "ValueError: File too large: the input exceeds 512 MB"
    assert failures["c2"]["reason"] == "output-too-large"
    assert f"died with {signal.Signals.SIGXFSZ!r}" in failures["c2"]["detail"]
    assert failures["c3"]["reason"] == "output-too-large"
    assert failures["c3"]["detail"].endswith(
        "in /tmp too: RuntimeError: could not save the kernel cache")
    assert os.strerror(errno.EFBIG) in failures["c3"]["stderr_tail"]  # the cause, EFBIG
    assert summary.done == 1  # c4


@needs_bwrap
def test_a_command_whose_program_the_limit_killed_fails_as_output_too_large(tmp_path):
    """A command script whose program was killed by SIGXFSZ (a compiler writing in /tmp)
    and that exits 1 failed as 'exit-code: exit code 1', though the shell said why on
    stderr in strsignal's words ('File size limit exceeded'); a plugin's case failing so
    is output-too-large (3ece10a), and so is the command's now."""
    import signal

    manifest = write_set(tmp_path, ["c1"])
    for shell in ("sh", "bash"):
        command = (f"{shell} -c 'head -c {2 << 20} /dev/zero > /tmp/object.o; exit 1'")
        summary = run_algorithm(manifest, resolve_algorithm(command=command),
                                tmp_path / f"run-{shell}", output_limit_mb=1,
                                progress=False, isolation="bubblewrap")
        failure = summary.failures["c1"]
        assert signal.strsignal(signal.SIGXFSZ) in failure["stderr_tail"]
        assert failure["reason"] == "output-too-large", failure
        assert failure["detail"].startswith(
            "exit code 1: its stderr says a file grew past the output limit of 1 MB")


@needs_bwrap
def test_a_setups_own_words_file_too_large_get_no_output_limit_advice(tmp_path: Path):
    """cd7b73e added the output-limit advice to every setup failure whose message or
    stderr held 'File too large': a setup() refusing its own weights file ("ValueError:
    File too large: the weights exceed 2 GB") was told '(a file it wrote grew past the
    output limit of 64 MB ...; raise --output-limit-mb ...)', a limit it never reached.
    The advice now needs what shows the limit was passed (test above: EFBIG as Python
    words it, a program killed by SIGXFSZ)."""
    import pytest

    from medeval.errors import RunnerError

    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, (
        "class Picky:\n"
        "    def setup(self):\n"
        "        raise ValueError('File too large: the weights exceed 2 GB')\n"
        "    def predict(self, case):\n"
        "        return 0.5\n"))
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Picky", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    message = str(caught.value)
    assert "ValueError: File too large: the weights exceed 2 GB" in message
    assert "output limit" not in message and "--output-limit-mb" not in message


RETURNS_LARGE = """
class Big:
    def predict(self, case):
        if case.case_id == "c1":  # a returned value of 2 MB as JSON, limit 1 MB
            return {"score": 0.5, "mask": [0] * (1 << 20)}
        if case.case_id == "c2":  # files under the limit one by one, 1.2 MB together
            import os
            for number in range(3):
                with open(os.path.join(case.output_dir, f"prediction.part{number}"), "wb") as f:
                    f.write(b"x" * (400 << 10))
        return 0.25
"""


def test_a_plugins_value_or_files_past_the_output_limit_are_told_which_limit(tmp_path: Path):
    """A plugin returning a 2 MB value (a mask as a list) under a 1 MB limit failed with
    "a 2097201-byte answer, limit 1048576": neither the limit's name nor what to do. The
    detail now names the limit in MB and how to raise it, and says to write a large array
    as a file. [0] * 2**20 is "0, " 2**20 times: 2 MiB of JSON, past 1 MiB. Unsandboxed
    (/output is then a folder of the host), files filling /output are told the same."""
    manifest = write_set(tmp_path, ["c1", "c2", "c3"])
    plugin = write_algorithm(tmp_path, RETURNS_LARGE)
    with pytest.warns(IsolationWarning):
        summary = run_algorithm(manifest, f"{plugin}:Big", tmp_path / "run",
                                isolation="none", output_limit_mb=1, progress=False)
    assert sorted(summary.failures) == ["c1", "c2"]
    first, second = summary.failures["c1"], summary.failures["c2"]
    assert first["reason"] == second["reason"] == "output-too-large"
    size = int(first["detail"].split(" bytes")[0].rsplit(" ", 1)[1])
    assert size > 2 * (1 << 20)
    assert first["detail"] == (
        f"the value predict returned is {size} bytes as JSON, past the output limit of 1 MB "
        "(--output-limit-mb; output_limit_mb in the protocol's [runner]): return the "
        "prediction alone (a large array is a file: write it into case.output_dir)")
    assert second["detail"] == (
        "the output directory holds more than the output limit of 1 MB (--output-limit-mb; "
        "output_limit_mb in the protocol's [runner])")
    assert json.loads((tmp_path / "run" / "predictions" / "c3.json").read_text()) == {
        "case_id": "c3", "score": 0.25}
