"""executor="dask": the same isolation, results and resume on a Dask LocalCluster, with
each Dask worker keeping its sandboxed algorithm loaded for the whole run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from medeval.errors import RunnerError
from medeval.runner import run_algorithm
from medeval.runner.runlog import read_events

from .conftest import needs_bwrap, write_algorithm, write_set

psutil = pytest.importorskip("psutil")
pytest.importorskip("dask.distributed", reason="the optional extra medeval[dask]")

PLUGIN = """
import time
import uuid


class Half:
    def setup(self):
        time.sleep(0.2)
        self.token = uuid.uuid4().hex   # one per setup(): the sandbox writes no host file

    def predict(self, case):
        if case.case_id == "c3":
            raise ValueError("c3 is unreadable")
        with open(case.input_path) as handle:
            return int(handle.read()) / 2


class Marked(Half):
    def predict(self, case):
        return {"score": Half.predict(self, case), "setup": self.token}


class Slow(Half):
    def predict(self, case):
        time.sleep(0.3)
        return Half.predict(self, case)
"""


def _sandboxes(marker: str) -> list[Any]:
    """Live processes whose command line names ``marker`` (bwrap and what runs in it)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if any(marker in part for part in process.info["cmdline"] or ()):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _children() -> list[str]:
    """This test process's descendants that are sandboxes or medeval workers."""
    names = []
    for child in psutil.Process().children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if child.status() != psutil.STATUS_ZOMBIE and ("bwrap" in line
                                                       or "medeval.runner._child" in line):
            names.append(line[:120])
    return names


def _events(run_dir: Path) -> list[dict[str, Any]]:
    return read_events(run_dir / "run.jsonl")  # without a line torn by a killed runner


@needs_bwrap
def test_dask_run_matches_the_local_run(tmp_path: Path):
    manifest = write_set(tmp_path, [f"c{n}" for n in range(8)])
    plugin = write_algorithm(tmp_path, PLUGIN)
    local = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "local", workers=2,
                          timeout_s=20, progress=False)
    dask = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "dask", workers=2,
                         timeout_s=20, progress=False, executor="dask", mode="certificate")
    assert (dask.done, dask.failed, dask.isolation) == (local.done, local.failed, "bubblewrap")
    # the same predictions, to their SHA-256
    assert dask.data["predictions"] == local.data["predictions"]
    assert len(dask.data["predictions"]) == 7
    for path in sorted((tmp_path / "local" / "predictions").iterdir()):
        assert (tmp_path / "dask" / "predictions" / path.name).read_bytes() == path.read_bytes()
    # a failing case is recorded with its reason, as locally
    assert dask.failures["c3"]["reason"] == "exception" == local.failures["c3"]["reason"]
    assert "c3 is unreadable" in dask.failures["c3"]["detail"]
    events = _events(tmp_path / "dask")
    assert sorted(e["case_id"] for e in events if e["event"] == "end") == [
        f"c{n}" for n in range(8)]
    again = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "dask", workers=2,
                          timeout_s=20, progress=False, executor="dask")
    assert again.resumed == 8 and again.done == 7
    assert _children() == []


@needs_bwrap
def test_setup_runs_once_per_dask_worker_and_nothing_is_left(tmp_path: Path):
    cases = [f"c{n:02d}" for n in range(20)]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Marked", tmp_path / "run", workers=2,
                            timeout_s=20, progress=False, executor="dask")
    assert (summary.done, summary.failed) == (20, 0)
    tokens = {c: json.loads((tmp_path / "run" / "predictions" / f"{c}.json").read_text())
              ["setup"] for c in cases}
    ends = {e["case_id"]: e["worker"] for e in _events(tmp_path / "run") if e["event"] == "end"}
    # one setup() per Dask worker that ran cases: at most 2 for 20 cases in 7 chunks
    assert 1 <= len(set(tokens.values())) == len(set(ends.values())) <= 2
    for case_id, token in tokens.items():  # each sandbox is one Dask worker's, throughout
        same = {c for c, t in tokens.items() if t == token}
        assert {ends[c] for c in same} == {ends[case_id]}
    # torn down when the run ended: no sandbox, no worker process left
    assert _children() == []
    assert _sandboxes(str(tmp_path)) == []


@needs_bwrap
def test_an_algorithm_that_cannot_load_is_refused_before_any_case(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, "class Broken:\n    def setup(self):\n"
                             "        raise RuntimeError('no weights here')\n"
                             "    def predict(self, case):\n        return 0.5\n")
    with pytest.raises(RunnerError, match="could not be loaded.*no weights here"):
        run_algorithm(manifest, f"{plugin}:Broken", tmp_path / "run", workers=2,
                      timeout_s=20, progress=False, executor="dask")
    assert not [e for e in _events(tmp_path / "run") if e["event"] == "end"]
    assert _children() == []


_INTERRUPTED = """
import sys
from medeval.runner import run_algorithm
from medeval.runner.runlog import read_events
run_algorithm(sys.argv[1], sys.argv[2], sys.argv[3], workers=2, timeout_s=20,
              progress=False, executor="dask")
"""


@needs_bwrap
def test_an_interrupted_dask_run_resumes(tmp_path: Path):
    cases = [f"c{n}" for n in range(16)]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, PLUGIN)
    run_dir = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-c", _INTERRUPTED, str(manifest),
                                f"{plugin}:Slow", str(run_dir)], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            log = run_dir / "run.jsonl"
            if log.exists() and log.read_text().count('"event": "end"') >= 4:
                break
            assert process.poll() is None, "the run ended before it could be interrupted"
            time.sleep(0.05)
        else:
            pytest.fail("no case ended within 120 s")
        os.kill(process.pid, signal.SIGKILL)  # the runner dies at once, mid-run
    finally:
        process.wait(timeout=30)
    deadline = time.monotonic() + 10  # bwrap --die-with-parent ends the sandboxes
    while _sandboxes(str(run_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _sandboxes(str(run_dir)) == []
    first = {e["case_id"] for e in _events(run_dir) if e["event"] == "end"}
    assert 4 <= len(first) < len(cases)
    summary = run_algorithm(manifest, f"{plugin}:Slow", run_dir, workers=2, timeout_s=20,
                            progress=False, executor="dask")
    assert summary.resumed == len(first)
    assert (summary.done, summary.failed) == (15, 1)
    assert summary.failures["c3"]["reason"] == "exception"
    local = run_algorithm(manifest, f"{plugin}:Slow", tmp_path / "local", workers=2,
                          timeout_s=20, progress=False)
    assert summary.data["predictions"] == local.data["predictions"]
    assert _children() == []


@needs_bwrap
def test_a_resumed_run_replaces_what_an_interrupted_one_left_on_a_cluster(tmp_path: Path):
    """On a cluster that outlives the runner, the next run of the same directory closes
    the sandboxes a killed runner left registered."""
    from dask.distributed import Client, LocalCluster

    from medeval.runner._dask import plugin_name, start_sandbox
    from medeval.runner._dask_pool import SandboxPool
    from medeval.runner.algorithm import resolve_algorithm
    from medeval.runner.limits import Limits
    from medeval.runner.worker import WorkerPlan

    manifest = write_set(tmp_path, ["c1", "c2", "c4"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    run_dir = tmp_path / "run"
    stale_scratch = tmp_path / "stale"
    plan = WorkerPlan(resolve_algorithm(f"{plugin}:Half"), "bubblewrap", Limits(),
                      str(run_dir.resolve() / "predictions"))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        name = plugin_name(plan)
        client.register_plugin(SandboxPool(plan, str(stale_scratch)), name=name)
        assert client.submit(start_sandbox, name, pure=False).result() is None
        assert _sandboxes(str(stale_scratch))  # what a killed runner would leave behind
        summary = run_algorithm(manifest, f"{plugin}:Half", run_dir, workers=1, timeout_s=20,
                                progress=False, executor="dask",
                                scheduler_address=cluster.scheduler_address)
        assert summary.done == 3
        assert _sandboxes(str(stale_scratch)) == []
        assert _sandboxes(str(run_dir)) == []
        assert not [n for n in client.run(lambda dask_worker: list(dask_worker.plugins))
                    .values() for p in n if p.startswith("medeval-run-")]


class _FakeWorker:
    def close(self) -> None:
        pass

    def kill(self) -> None:
        pass


def test_gpus_are_taken_from_the_dask_worker_one_group_per_sandbox(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from medeval.runner import _dask_pool

    opened: list[tuple[str, ...]] = []

    def fake_open(plan: Any, scratch: Path, name: str, devices: tuple[str, ...]) -> Any:
        opened.append(devices)
        return _FakeWorker()

    monkeypatch.setattr(_dask_pool, "open_worker", fake_open)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    dask_worker = SimpleNamespace(name="w", state=SimpleNamespace(total_resources={"GPU": 2}))
    pool = _dask_pool.SandboxPool(None, str(tmp_path), gpus_per_task=1)  # type: ignore[arg-type]
    pool.setup(dask_worker)
    first, second = pool.acquire(), pool.acquire()
    assert opened == [("2",), ("3",)]
    with pytest.raises(RunnerError, match="needs 1 GPU"):
        pool.acquire()
    pool.release(first)
    assert pool.acquire() is first and pool.started() == 2
    pool.release(second)
    pool.close()
    # a LocalCluster the runner started: each Dask worker is given its own devices
    assigned = _dask_pool.SandboxPool(None, str(tmp_path), 1,  # type: ignore[arg-type]
                                      {"w": ["5"]})
    assigned.setup(dask_worker)
    assigned.acquire()
    assert opened[-1] == ("5",)


def _dask_run(tmp_path: Path, gpus: list[str], address: str | None) -> None:
    from medeval.runner._dask import run_dask
    from medeval.runner.algorithm import resolve_algorithm
    from medeval.runner.limits import Limits
    from medeval.runner.runlog import RunLog
    from medeval.runner.worker import Job, WorkerPlan

    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    (tmp_path / "predictions").mkdir()
    plan = WorkerPlan(resolve_algorithm(f"{plugin}:Half"), "none", Limits(),
                      str(tmp_path / "predictions"))
    log = RunLog(tmp_path / "run.jsonl")
    try:
        run_dask(plan, [Job("c1", (str(manifest.parent / "inputs" / "c1.txt"),))], workers=1,
                 scratch=tmp_path / "scratch", address=address, emit=lambda o: None, log=log,
                 gpus=gpus)
    finally:
        log.close()


def test_gpu_tasks_reach_the_sandbox_through_dask_worker_resources(tmp_path: Path):
    """A LocalCluster started with GPU resources runs the GPU task; its sandbox is given
    the device, which the worker looks up on the host (this one has none: refused)."""
    if (Path("/dev") / "nvidia0").exists():
        pytest.skip("this host has a GPU")
    with pytest.raises(RunnerError, match="'0' is not a GPU of this host"):
        _dask_run(tmp_path, ["0"], None)
    assert _children() == []


def test_gpus_on_a_cluster_whose_workers_declare_none_are_refused(tmp_path: Path):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        with pytest.raises(RunnerError, match="declares a GPU resource"):
            _dask_run(tmp_path, ["0"], cluster.scheduler_address)


@needs_bwrap
def test_a_dask_worker_that_dies_mid_run_loses_no_case(tmp_path: Path):
    """Its sandbox dies with it; Dask runs its chunk again on a worker that loads the
    algorithm anew; every case ends once, as in a local run."""
    import threading

    from dask.distributed import Client, LocalCluster

    cases = [f"c{n}" for n in range(16)]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, PLUGIN)
    run_dir = tmp_path / "run"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        victim = next(iter(client.run(os.getpid).values()))
        killed = threading.Event()

        def kill_one_dask_worker() -> None:
            log = run_dir / "run.jsonl"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if log.exists() and log.read_text().count('"event": "end"') >= 3:
                    if _sandboxes(str(run_dir)):
                        os.kill(victim, signal.SIGKILL)
                        killed.set()
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_one_dask_worker, daemon=True)
        killer.start()
        summary = run_algorithm(manifest, f"{plugin}:Slow", run_dir, workers=2, timeout_s=20,
                                progress=False, executor="dask",
                                scheduler_address=cluster.scheduler_address)
        killer.join(timeout=10)
        assert killed.is_set()
        assert (summary.done, summary.failed) == (15, 1)
        ends = [e["case_id"] for e in _events(run_dir) if e["event"] == "end"]
        assert sorted(ends) == sorted(cases)
        assert _sandboxes(str(run_dir)) == []
    local = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "local", workers=2,
                          timeout_s=20, progress=False)
    assert summary.data["predictions"] == local.data["predictions"]
