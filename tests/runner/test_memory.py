"""The memory limit holds what the worker's process tree really uses, not address space.

Real subprocesses in the real bubblewrap sandbox: plugins written here allocate with
``bytearray``, numpy, ``mmap`` and a child process, write to ``/dev/shm``, start threads,
and reserve 64 GB of address space without touching it. Each run goes once with the
mechanism this host allows (a cgroup where medeval can make one) and once with the
runner's watch.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import Limits, run_algorithm
from medeval.runner.memory import (
    MemoryPlan,
    cgroup_candidates,
    choose_memory_guard,
    is_memory_failure,
    tree_memory,
)
from medeval.runner.sandbox import sandbox_argv

from .conftest import needs_bwrap, write_algorithm, write_set

HUNGRY = '''
import ctypes, mmap, os, resource, subprocess, sys, threading
import numpy as np

GB = 1 << 30
MAP_PRIVATE, MAP_ANONYMOUS, MAP_NORESERVE = 0x02, 0x20, 0x4000


def reserve(size, protection):
    """Address space only, as CUDA reserves it: nothing is touched."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_long]
    address = libc.mmap(None, size, protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                        -1, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        raise OSError(ctypes.get_errno(), "mmap of %d bytes failed" % size)
    return address


class Hungry:
    def predict(self, case):
        kind = case.case_id.split("-")[0]
        if kind == "ok":
            limit = resource.getrlimit(resource.RLIMIT_AS)[0]
            return {"score": 1.0, "rlimit_as": limit}
        if kind == "bytearray":
            block = bytearray(b"\\x01") * (2 * GB)
            return float(len(block))
        if kind == "numpy":
            return float(np.ones(2 * GB // 8).sum())
        if kind == "mmap":
            shared = mmap.mmap(-1, 2 * GB)
            for offset in range(0, 2 * GB, mmap.PAGESIZE):
                shared[offset] = 1
            return 1.0
        if kind == "child":
            subprocess.run([sys.executable, "-c", "b = bytearray(b'1') * (2 << 30)"],
                           check=True)
            return 1.0
        if kind == "shm":
            for number in range(64):
                with open(f"/dev/shm/blob{number}", "wb") as handle:
                    for _ in range(16):
                        handle.write(b"x" * (1 << 20))
            return 1.0
        if kind == "reserve":
            reserve(64 * GB, 0)                             # PROT_NONE
            reserve(64 * GB, mmap.PROT_READ | mmap.PROT_WRITE)  # untouched
            return 0.5
        if kind == "threads":
            stop = threading.Event()
            held = []

            def hold():
                held.append(bytearray(b"\\x01") * (256 << 10))
                stop.wait()

            started = 0
            try:
                for _ in range(20000):
                    threading.Thread(target=hold, daemon=True).start()
                    started += 1
            finally:
                print(f"started {started} threads", file=sys.stderr, flush=True)
                stop.set()
            return float(started)
        raise AssertionError(kind)
'''

CASES = ["ok-1", "bytearray-1", "numpy-1", "mmap-1", "child-1", "shm-1", "reserve-1",
         "threads-1", "ok-2"]
MEMORY = {"bytearray-1", "numpy-1", "mmap-1", "child-1", "shm-1", "threads-1"}


@pytest.fixture(scope="module", params=["auto", "watch"])
def hungry_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if needs_bwrap.args[0]:
        pytest.skip(needs_bwrap.kwargs["reason"])
    root = tmp_path_factory.mktemp(f"hungry-{request.param}")
    manifest = write_set(root, CASES)
    plugin = write_algorithm(root, HUNGRY)
    out = root / "run"
    # threads-1 holds 256 kB per thread: 1024 MB is reached near 4,000 threads, past the
    # default process limit of 1024 tasks (test_processes.py tests that limit)
    summary = run_algorithm(manifest, f"{plugin}:Hungry", out, timeout_s=120,
                            memory_mb=1024, memory_guard=request.param, mode="certificate",
                            max_processes=8192, progress=False)
    return request.param, summary, out


@needs_bwrap
def test_touching_2_gb_under_1024_mb_fails_as_memory_with_the_peak(hungry_run):
    guard, summary, out = hungry_run
    data = json.loads((out / "summary.json").read_text())
    reasons = {case: failure["reason"] for case, failure in data["failures"].items()}
    assert reasons == dict.fromkeys(MEMORY, "memory"), data["failures"]
    assert summary.done == len(CASES) - len(MEMORY)
    for case in MEMORY - {"shm-1"}:  # shm-1 may instead find /dev/shm full
        detail = data["failures"][case]["detail"]
        assert "memory limit of 1024 MB" in detail and "peak" in detail, (case, detail)


@needs_bwrap
def test_reserving_64_gb_of_address_space_runs(hungry_run):
    _, _, out = hungry_run
    assert json.loads((out / "predictions" / "reserve-1.json").read_text())["score"] == 0.5
    ok = json.loads((out / "predictions" / "ok-1.json").read_text())
    assert ok["rlimit_as"] == resource.RLIM_INFINITY  # no address-space limit unless asked


@needs_bwrap
def test_the_mechanism_is_recorded_in_summary_and_run_log(hungry_run):
    guard, _, out = hungry_run
    data = json.loads((out / "summary.json").read_text())
    start = json.loads((out / "run.jsonl").read_text().splitlines()[0])
    assert start["event"] == "run-start"
    assert data["memory"] == start["memory"]
    assert data["memory"]["limit_mb"] == 1024
    expected = {"watch"} if guard == "watch" else {"cgroup-v1", "cgroup-v2", "watch"}
    assert data["memory"]["mechanism"] in expected
    assert data["limits"]["address_space_mb"] is None
    if data["memory"]["mechanism"].startswith("cgroup"):
        left = [p.name for _, parent in cgroup_candidates() for p in parent.iterdir()
                if p.name.startswith(f"medeval-{os.getpid()}-")]
        assert left == []  # every worker's cgroup is removed


# -- an address-space limit, only when asked for ---------------------------------------
BOMB = '''
import ctypes, threading

class Bomb:
    def predict(self, case):
        if case.case_id.startswith("threads"):
            stop = threading.Event()
            try:
                for _ in range(5000):
                    threading.Thread(target=stop.wait, daemon=True).start()
            finally:
                stop.set()
        if case.case_id.startswith("reserve"):
            ctypes.CDLL(None).malloc.restype = ctypes.c_void_p
            import mmap
            mmap.mmap(-1, 64 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        return 1.0
'''


@needs_bwrap
def test_address_space_limit_is_an_explicit_option(tmp_path: Path):
    manifest = write_set(tmp_path, ["threads-1", "reserve-1", "ok-1"])
    plugin = write_algorithm(tmp_path, BOMB)
    summary = run_algorithm(manifest, f"{plugin}:Bomb", tmp_path / "run", timeout_s=60,
                            memory_mb=None, address_space_mb=512, progress=False)
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary.reasons == {"memory": 2}, data["failures"]
    assert "can't start new thread" in data["failures"]["threads-1"]["detail"]
    assert data["limits"]["address_space_mb"] == 512 and data["limits"]["memory_mb"] is None
    assert data["memory"]["mechanism"] == "none"
    assert Limits().address_space_mb is None


def test_limits_refuse_a_tiny_address_space():
    from medeval.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="address_space_mb"):
        Limits(address_space_mb=8)


# -- the reasons -----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "ImportError: /usr/lib/libtorch_cpu.so: failed to map segment from shared object",
    "RuntimeError: [enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't "
    "allocate memory: you tried to allocate 8589934592 bytes. Error code 12 (Cannot "
    "allocate memory)",
    "OSError: [Errno 12] Cannot allocate memory",
    "mmap failed: ENOMEM",
    "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  "
    "std::bad_alloc",
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    "MemoryError",
    "Thread creation failed: Resource temporarily unavailable",
    "RuntimeError: can't start new thread",
    "OpenBLAS blas_thread_init: pthread_create failed for thread 3 of 64: Resource "
    "temporarily unavailable",
    "pthread_create: EAGAIN",
])
def test_memory_texts_are_recognised(text: str):
    assert is_memory_failure(text)


@pytest.mark.parametrize("text", [
    "ValueError: cannot read case c1",
    "KeyError: 'memory'",
    "Segmentation fault (core dumped)",
    "FileNotFoundError: [Errno 2] No such file or directory: '/input/x'",
])
def test_other_texts_are_not_memory(text: str):
    assert not is_memory_failure(text)


COMMANDS = {
    "badalloc": "echo \"terminate called after throwing an instance of 'std::bad_alloc'\" "
                ">&2; kill -ABRT $$",
    "segment": "echo 'error while loading shared libraries: libtorch_cpu.so: failed to map "
               "segment from shared object' >&2; exit 127",
    "cuda": "echo 'torch.OutOfMemoryError: CUDA out of memory.' >&2; exit 1",
    "plain": "echo 'something else went wrong' >&2; exit 1",
}


@needs_bwrap
def test_a_command_whose_stderr_says_memory_fails_as_memory(tmp_path: Path):
    from medeval.runner.algorithm import resolve_algorithm

    manifest = write_set(tmp_path, [f"{name}-1" for name in COMMANDS])
    folder = tmp_path / "cmd"
    folder.mkdir()
    script = folder / "predict.sh"
    branches = "".join(f'  {name}-1) {body};;\n' for name, body in COMMANDS.items())
    script.write_text(f'#!/bin/sh\ncase "$MEDEVAL_CASE_ID" in\n{branches}esac\n')
    script.chmod(0o755)
    summary = run_algorithm(manifest, resolve_algorithm(command=str(script)),
                            tmp_path / "run", timeout_s=30, progress=False)
    reasons = {case: failure["reason"] for case, failure in summary.failures.items()}
    assert reasons == {"badalloc-1": "memory", "segment-1": "memory", "cuda-1": "memory",
                       "plain-1": "exit-code"}


# -- the mechanisms ---------------------------------------------------------------------
def test_choosing_a_mechanism():
    assert choose_memory_guard(None) == MemoryPlan("none", None)
    assert choose_memory_guard(None, "cgroup").mechanism == "none"
    watch = choose_memory_guard(256, "watch")
    assert watch == MemoryPlan("watch", 256 << 20)
    assert watch.record()["mechanism"] == "watch" and watch.record()["limit_mb"] == 256
    assert choose_memory_guard(256).mechanism in ("cgroup-v1", "cgroup-v2", "watch")
    with pytest.raises(RunnerError, match="memory_guard"):
        choose_memory_guard(256, "rlimit")  # type: ignore[arg-type]


def test_cgroup_on_request_or_a_clear_refusal():
    if not cgroup_candidates():
        with pytest.raises(RunnerError, match="cannot make a memory cgroup"):
            choose_memory_guard(256, "cgroup")
        return
    try:
        plan = choose_memory_guard(256, "cgroup")
    except RunnerError as exc:
        assert "cannot make a memory cgroup" in str(exc)
        return
    assert plan.mechanism.startswith("cgroup") and plan.parent is not None


def test_tree_memory_counts_what_a_child_touches(tmp_path: Path):
    import subprocess
    import sys

    code = ("import sys; b = bytearray(b'1') * (200 << 20); print('ready', flush=True); "
            "sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        assert tree_memory(child.pid) >= 200 << 20
        assert tree_memory(os.getpid()) >= 200 << 20
        # near the limit, with two processes holding memory: proportional set sizes
        assert tree_memory(os.getpid(), limit=100 << 20) >= 200 << 20
    finally:
        child.kill()
        child.wait()


def test_sandbox_caps_dev_shm_and_tmp():
    argv = sandbox_argv(["/bin/true"], input_dir=None, binds=(), tmp_bytes=256 << 20)
    text = " ".join(argv)
    assert f"--size {256 << 20} --tmpfs /tmp" in text
    assert f"--size {256 << 20} --tmpfs /dev/shm" in text
    assert argv.index("/dev/shm") > argv.index("--dev")
    unbounded = " ".join(sandbox_argv(["/bin/true"], input_dir=None, binds=(), tmp_bytes=None))
    assert "--tmpfs /dev/shm" in unbounded and "--size" in unbounded  # /output keeps its cap


@needs_bwrap
def test_reserving_64_gb_runs_at_the_default_limits(tmp_path: Path):
    manifest = write_set(tmp_path, ["reserve-1", "ok-1"])
    plugin = write_algorithm(tmp_path, HUNGRY)
    summary = run_algorithm(manifest, f"{plugin}:Hungry", tmp_path / "run", progress=False)
    assert summary.done == 2, summary.failures
    assert summary.data["limits"]["memory_mb"] == Limits().memory_mb == 4096


@needs_bwrap
def test_no_memory_limit(tmp_path: Path):
    manifest = write_set(tmp_path, ["reserve-1", "ok-1"])
    plugin = write_algorithm(tmp_path, HUNGRY)
    summary = run_algorithm(manifest, f"{plugin}:Hungry", tmp_path / "run", timeout_s=60,
                            memory_mb=None, progress=False)
    assert summary.done == 2
    assert summary.data["memory"]["mechanism"] == "none"


def test_a_trip_of_the_last_worker_does_not_fail_the_next_workers_case():
    # The race behind a rare failure of the hungry run: shm-1 leaves 1 GB in /dev/shm,
    # the end of its case finds it over the limit and takes the verdict, and the watch's
    # thread, sampling the same leftovers a moment later, trips again before the worker
    # is killed. That second trip must not be the verdict of the next worker's case
    # (reserve-1, which touches nothing). Two real processes; the late trip is made by
    # calling the watch's own trip, as its thread does.
    import subprocess
    import sys

    from medeval.runner.memory import open_guard

    guard = open_guard(MemoryPlan("watch", 1 << 40), "w0")  # 1 TiB: no real trip
    first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                             start_new_session=True)
    second = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                              start_new_session=True)
    try:
        guard.started(first)
        assert guard._over(2 << 40, None, "a late trip")  # the thread's trip, after the case
        guard.stopped()
        guard.started(second)  # the next worker: a few MB, far under the limit
        assert guard.case_ends() is None
        assert second.poll() is None  # and it was not killed
    finally:
        guard.close()
        for process in (first, second):
            process.kill()
            process.wait()
