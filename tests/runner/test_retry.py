"""A worker killed from outside (SIGKILL, not a limit of the run) is an infrastructure
failure: its case is run again, the attempt is recorded, and a resumed run retries it.

The test kills the real sandboxed worker process while the algorithm waits in
``predict``; a worker started after that sees ``OMP_NUM_THREADS=5`` (a variable the sandbox
passes through), and the case goes through; a resumed run, which must start under the
variables of the run it resumes, lets it through by a file the test removes.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from medeval.runner import FAILURE_REASONS, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

WAITING = '''
import os, signal, sys, time

class Waiting:
    def predict(self, case):
        kind = case.case_id.split("-")[0]
        if kind == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        if kind == "victim":
            waiting = open("/tmp/victim-waiting", "w")  # the test sees it in /proc
            hold = os.path.join(os.path.dirname(__file__), "__pycache__", "hold")
            for _ in range(2400):
                if os.environ.get("OMP_NUM_THREADS") == "5" or not os.path.exists(hold):
                    return 1.0
                time.sleep(0.05)
        return 0.5
'''


def _kill_worker_when_waiting(out: Path, runner: threading.Thread,
                              monkeypatch: pytest.MonkeyPatch) -> int:
    """SIGKILL the sandboxed worker process once the victim case waits; its host pid.

    Workers started from then on let the victim through."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and runner.is_alive():
        for child in psutil.Process().children(recursive=True):
            try:
                if child.name() != "bwrap" and "medeval.runner._child" in " ".join(
                        child.cmdline()) and "/tmp/victim-waiting" in _open_files(child.pid):
                    monkeypatch.setenv("OMP_NUM_THREADS", "5")
                    os.kill(child.pid, signal.SIGKILL)
                    return child.pid
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.05)
    raise AssertionError("the victim case never started waiting")


def _open_files(pid: int) -> set[str]:
    """The paths a process has open, as its own mount namespace names them (psutil's
    ``open_files`` leaves out those the host has no file at)."""
    try:
        return {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:  # it ended, or a descriptor closed meanwhile
        return set()


def _run_and_kill(manifest: Path, plugin: Path, out: Path, monkeypatch: pytest.MonkeyPatch,
                  **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    # the victim waits while this file is there (a folder the plugin's SHA-256 leaves out)
    (plugin.parent / "__pycache__").mkdir(exist_ok=True)
    (plugin.parent / "__pycache__" / "hold").write_text("")

    def run() -> None:
        try:
            result["summary"] = run_algorithm(manifest, f"{plugin}:Waiting", out,
                                              timeout_s=120, progress=False, **options)
        except BaseException as exc:  # noqa: BLE001 - raised in the test's thread
            result["error"] = exc

    runner = threading.Thread(target=run)
    runner.start()
    try:
        _kill_worker_when_waiting(out, runner, monkeypatch)
    finally:
        monkeypatch.setenv("OMP_NUM_THREADS", "5")
        runner.join(timeout=300)
    if "error" in result:
        raise result["error"]
    return result


@needs_bwrap
def test_a_worker_killed_from_outside_is_retried_and_recorded(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    manifest = write_set(tmp_path, ["ok-1", "victim-1", "segv-1", "ok-2"])
    plugin = write_algorithm(tmp_path, WAITING)
    out = tmp_path / "run"
    summary = _run_and_kill(manifest, plugin, out, monkeypatch)["summary"]
    assert summary.done == 3 and summary.reasons == {"exit-code": 1}  # segv: the algorithm's
    data = json.loads((out / "summary.json").read_text())
    assert data["retried"] == {"victim-1": 1}
    assert data["limits"]["retries"] == 1
    events = [json.loads(line) for line in (out / "run.jsonl").read_text().splitlines()]
    end = [e for e in events if e["event"] == "end" and e["case_id"] == "victim-1"][-1]
    assert end["outcome"] == "done"
    [attempt] = end["retried"]
    assert attempt["reason"] == "infrastructure" and "SIGKILL" in attempt["detail"]
    segv = [e for e in events if e["event"] == "end" and e["case_id"] == "segv-1"][-1]
    assert "SIGSEGV" in segv["detail"] and "retried" not in segv


@needs_bwrap
def test_without_retries_the_case_fails_as_infrastructure_and_resume_runs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    manifest = write_set(tmp_path, ["ok-1", "victim-1"])
    plugin = write_algorithm(tmp_path, WAITING)
    out = tmp_path / "run"
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    summary = _run_and_kill(manifest, plugin, out, monkeypatch, retries=0)["summary"]
    assert summary.reasons == {"infrastructure": 1} and summary.done == 1
    assert "from outside" in summary.failures["victim-1"]["detail"]
    # resumed under the variables the run started with (a run resumes only under the
    # same), the victim let through by the hold removed instead
    monkeypatch.delenv("OMP_NUM_THREADS")
    (plugin.parent / "__pycache__" / "hold").unlink()
    again = run_algorithm(manifest, f"{plugin}:Waiting", out, timeout_s=120, progress=False,
                          retries=0)
    assert again.done == 2 and again.failed == 0 and again.resumed == 1


def test_infrastructure_is_a_reason_and_retries_are_checked(tmp_path: Path):
    from medeval.errors import RunnerError

    assert "infrastructure" in FAILURE_REASONS
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, WAITING)
    with pytest.raises(RunnerError, match="retries"):
        run_algorithm(manifest, f"{plugin}:Waiting", tmp_path / "run", retries=-1,
                      progress=False)


SELF_KILL = '''
import os, signal

class SelfKill:
    def predict(self, case):
        if case.case_id == "k1":
            os.kill(os.getpid(), signal.SIGKILL)
        return 0.5
'''


@needs_bwrap
def test_an_algorithm_that_kills_itself_is_not_said_to_be_killed_from_outside(tmp_path: Path):
    """The runner cannot tell who sent a SIGKILL. Before, the detail of a plugin that sent
    it to itself said "a signal from outside the algorithm", false in the run's record; it
    is still run again once and stays a failure of the case."""
    manifest = write_set(tmp_path, ["ok-1", "k1"])
    plugin = write_algorithm(tmp_path, SELF_KILL)
    summary = run_algorithm(manifest, f"{plugin}:SelfKill", tmp_path / "run", progress=False)
    failure = summary.failures["k1"]
    assert failure["reason"] == "infrastructure" and "SIGKILL" in failure["detail"]
    assert "from outside the algorithm" not in failure["detail"]
    assert "or from the algorithm itself" in failure["detail"]
    assert summary.data["retried"] == {"k1": 1} and summary.done == 1
