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

from .conftest import needs_bwrap, write_algorithm, write_protocol, write_set

#: Each case waits until the test creates ``gate`` beside the plugin (its folder is shown
#: to the sandbox read-only, as a bind of the test's folder: a file made there later is
#: seen), so the first run is surely still running when the second starts, without a
#: second of sleep per case (the test took 15 s for each parameter).
PLUGIN = """
import time
from pathlib import Path


class Slow:
    def predict(self, case):
        gate = Path(__file__).with_name("gate")
        deadline = time.monotonic() + 120
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
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
    while not (log.exists() and '"event": "run-start"' in log.read_text()):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = subprocess.run(argv + (["--fresh"] if fresh else []), capture_output=True,
                            text=True, timeout=120)
    assert second.returncode == 2, second.stdout + second.stderr
    assert first.poll() is None, second.stderr  # the first still ran when the second was refused
    assert f"{run} is in use by another run (process {first.pid})" in second.stderr
    gate = plugin.with_name("gate")
    gate.touch()  # the first run's cases may end now
    out, err = first.communicate(timeout=120)
    gate.unlink()  # the plugin's folder as it was hashed, for the resumed run below
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


def test_the_lock_is_the_kernels_and_ends_with_its_holder(tmp_path: Path):
    """Two holders in one process conflict as two processes do (flock is per open file);
    once the first lets go, the directory is free again (nothing stale)."""
    import os

    from medeval.errors import RunnerError
    from medeval.runner.run_lock import run_dir_lock

    with run_dir_lock(tmp_path / "run"):
        assert (tmp_path / "run" / ".lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(RunnerError, match=f"in use by another run \\(process "
                                              f"{os.getpid()}\\)"):
            with run_dir_lock(tmp_path / "run"):
                pass
    with run_dir_lock(tmp_path / "run"):
        pass


def test_a_file_system_without_locks_warns_and_runs(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    """Some NFS and FUSE mounts refuse flock (ENOLCK); no such mount is at hand here, so
    flock is made to fail as it fails there. The run must not be refused for it."""
    import errno
    import os

    from medeval.runner import run_lock

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(run_lock.fcntl, "flock", no_locks)
    entered = False
    with pytest.warns(UserWarning, match=r"cannot be locked \(No locks available\)"):
        with run_lock.run_dir_lock(tmp_path / "run"):
            entered = True
    assert entered


@pytest.mark.parametrize("below", ["", "sub"])
def test_a_run_directory_that_is_a_file_is_refused_by_name(tmp_path: Path, capsys,
                                                           below: str):
    """Before: a Python traceback (FileExistsError, NotADirectoryError from mkdir)."""
    from medeval.cli import main

    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    out = target / below if below else target
    assert main(["predict", "--algorithm", f"{plugin}:Slow", "--manifest", str(manifest),
                 "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"run directory {out}: it, or a folder above it, is a file" in err
    assert target.read_text() == "mine\n"


def test_a_second_medeval_run_into_an_out_folder_in_use_is_refused(tmp_path: Path):
    # `medeval run` held OUT/run only while its algorithm ran: a second `medeval run` into
    # OUT while the first scored resumed the finished run and wrote its result files among
    # the first's (result.json of one, result.json.sha256 of the other), or with --fresh
    # removed the predictions the first was reading. Now the whole OUT is held. Found in
    # the interrupt-pass. The first run is stood for by this process holding OUT's lock
    # (the kernel's flock, as a first run's evaluation holds it)
    import os

    from medeval.runner.run_lock import run_dir_lock

    cases = [f"c{i}" for i in range(3)]
    protocol = write_protocol(tmp_path, cases, PLUGIN, "Slow")
    out = tmp_path / "out"
    with run_dir_lock(out):
        second = subprocess.run([sys.executable, "-m", "medeval", "run", str(protocol),
                                 "--out", str(out), "--fresh"], capture_output=True,
                                text=True, timeout=120)
    assert second.returncode == 2, second.stderr
    assert f"{out} is in use by another run (process {os.getpid()})" in second.stderr
    assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing run, nothing written


def test_evaluate_into_the_out_folder_of_a_running_medeval_run_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # medeval evaluate --out OUT while a medeval run into OUT ran: both wrote result.json,
    # result.cases.csv and result.json.sha256 there, the run's last (each file atomic, the
    # three could be of two evaluations). The run is stood for by this process holding
    # OUT's lock, as medeval run holds it. Found in the review-interrupt pass.
    import os

    from medeval.cli import main
    from medeval.runner.run_lock import run_dir_lock

    protocol = write_protocol(tmp_path, ["c0"], PLUGIN, "Slow")
    out = tmp_path / "out"
    argv = ["evaluate", str(protocol), "--predictions", str(tmp_path / "none"),
            "--out", str(out)]
    with run_dir_lock(out):
        assert main(argv) == 2
    assert (f"--out {out}: a medeval run is writing there now (process {os.getpid()})"
            in capsys.readouterr().err)
    assert sorted(p.name for p in out.iterdir()) == [".lock"]
    assert main(argv) == 2  # the run ended: evaluated (and its predictions are not there)
    assert f"predictions {tmp_path / 'none'}: no such file or folder" in capsys.readouterr().err



def test_evaluate_of_two_tables_into_the_out_folder_of_a_running_medeval_run_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # medeval evaluate --reference R --predictions P --out OUT/result.json while a
    # medeval run into OUT ran wrote the result files that the run's, written as it ends,
    # replace: refused as evaluate PROTOCOL --out OUT is (README: "a second run into it,
    # or medeval evaluate --out into it, is refused"). Found in the review-lead pass.
    import os

    from medeval.cli import main
    from medeval.runner.run_lock import run_dir_lock

    (tmp_path / "ref.csv").write_text("case_id,label\nc0,0\nc1,1\n")
    (tmp_path / "pred.csv").write_text("case_id,score\nc0,0.2\nc1,0.7\n")
    out = tmp_path / "out"
    argv = ["evaluate", "--reference", str(tmp_path / "ref.csv"), "--predictions",
            str(tmp_path / "pred.csv"), "--threshold", "0.5", "--out",
            str(out / "result.json")]
    with run_dir_lock(out):
        assert main(argv) == 2
    assert (f"--out {out}: a medeval run is writing there now (process {os.getpid()})"
            in capsys.readouterr().err)
    assert sorted(p.name for p in out.iterdir()) == [".lock"]
    assert main(argv) == 0  # the run ended: evaluated
    assert (out / "result.json").is_file()


_FORKS_AND_WAITS = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from medeval.runner.run_lock import run_dir_lock

with run_dir_lock(Path(sys.argv[1])):
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    list(pool.map(abs, range(4)))
    print(*pool._processes, flush=True)  # the workers, forked with the lock open
    time.sleep(600)
"""


def test_a_lock_is_not_kept_by_the_children_of_a_killed_holder(tmp_path: Path):
    # medeval run holds OUT while it scores, and scoring with --workers N forks worker
    # processes, which shared the lock's open file: its holder SIGKILLed (the OOM killer),
    # the orphaned workers (waiting for work that never comes) kept OUT held, and the next
    # medeval run into OUT was refused 'in use by another run (process <the dead one>)'.
    # Found in the review-interrupt pass.
    import os
    import signal

    from medeval.runner.run_lock import run_dir_holder

    folder = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", _FORKS_AND_WAITS, str(folder)],
                              stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in holder.stdout.readline().split()]  # type: ignore[union-attr]
    try:
        assert len(workers) == 2 and run_dir_holder(folder) == str(holder.pid)
        holder.kill()
        holder.wait(timeout=60)
        assert run_dir_holder(folder) is None  # the workers live on, not holding it
    finally:
        holder.kill()
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
