"""The process limit: a fork loop or a flood of threads fails its own case, not the host.

Real processes in the real bubblewrap sandbox, under a real kernel ``pids`` cgroup: a
plugin that tries to start 2,000 processes and one that tries to start 5,000 threads,
and a command (``/bin/sh``, dash) that puts 2,000 ``sleep`` in the background, all under
a limit of 64 tasks and a time limit. Every loop is bounded by the limit this test sets
(the kernel refuses task 65) and by the time limit; none is ever run without them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import warnings
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from medeval.cli import main
from medeval.errors import InvalidInputError, IsolationWarning, RunnerError
from medeval.protocol_sections import RunnerSettings
from medeval.runner import Limits, resolve_algorithm, run_algorithm
from medeval.runner.memory import MemoryPlan
from medeval.runner.pids import (
    DEFAULT_MAX_PROCESSES,
    ProcessPlan,
    _PidsCGroup,
    choose_process_guard,
    process_candidates,
)

from .conftest import needs_bwrap, write_algorithm, write_set

LIMIT = 64

FORKY = '''
import os, sys, threading, time


class Forky:
    def predict(self, case):
        kind = case.case_id.split("-")[0]
        if kind == "fork":
            started = 0
            try:
                for _ in range(2000):
                    if os.fork() == 0:
                        time.sleep(60)  # killed with the worker long before
                        os._exit(0)
                    started += 1
            finally:
                print(f"forked {started}", file=sys.stderr, flush=True)
        if kind == "threads":
            stop, started = threading.Event(), 0
            try:
                for _ in range(5000):
                    threading.Thread(target=stop.wait, daemon=True).start()
                    started += 1
            finally:
                print(f"threads {started}", file=sys.stderr, flush=True)
        with open(case.input_path) as handle:
            return {"score": float(handle.read()),
                    "tasks": len(os.listdir("/proc/self/task"))}
'''

SHELL = '''
if grep -q '"case_id": "fork' "$1/case.json"; then
  for i in $(seq 2000); do sleep 60 & done
fi
echo '{"score": 1}' > "$2/prediction.json"
'''

BOMB = '''
if grep -q '"case_id": "bomb' "$1/case.json"; then
  b() { b | b & }
  b
  sleep 60
fi
echo '{"score": 1}' > "$2/prediction.json"
'''

SETUP_FLOOD = '''
import threading


class Flood:
    def setup(self):
        stop = threading.Event()
        for _ in range(5000):
            threading.Thread(target=stop.wait, daemon=True).start()

    def predict(self, case):
        return 0.5
'''


def _cgroups_of_this_process() -> list[Path]:
    """Worker cgroups this test process made and left behind (there must be none)."""
    found = []
    for mechanism, parent, _shared in process_candidates():
        if mechanism == "cgroup-v1":
            found += [p for p in parent.iterdir() if p.name.startswith(
                f"medeval-{os.getpid()}-")]
    return found


def _check(tmp_path: Path, data: dict[str, object], failing: set[str],
           counted: str | None) -> None:
    failures = data["failures"]
    assert isinstance(failures, dict)
    assert {case: f["reason"] for case, f in failures.items()} == dict.fromkeys(
        failing, "process-limit")
    assert data["reasons"] == {"process-limit": len(failing)}
    for case in failing:
        detail = failures[case]["detail"]
        assert f"process limit of {LIMIT} tasks" in detail
        peak = re.search(r"peak (\d+)", detail)
        if peak is not None:  # the kernel's own count: never past the limit
            assert int(peak.group(1)) <= LIMIT
        if counted is not None and case.startswith(counted):
            # what the algorithm itself managed to start before the kernel said no
            started = re.search(rf"{counted} (\d+)", failures[case]["stderr_tail"])
            assert started is not None and 0 < int(started.group(1)) < LIMIT
    assert _cgroups_of_this_process() == []


@needs_bwrap
def test_fork_loop_and_thread_flood_fail_their_own_cases(tmp_path: Path):
    cases = ["ok-1", "fork-1", "ok-2", "threads-1", "ok-3"]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, FORKY)
    summary = run_algorithm(manifest, f"{plugin}:Forky", tmp_path / "run", timeout_s=60,
                            max_processes=LIMIT, progress=False, mode="certificate")
    assert summary.done == 3 and summary.failed == 2
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert data["processes"]["limit"] == LIMIT
    assert data["processes"]["mechanism"] in ("cgroup-v1", "cgroup-v2")
    assert data["limits"]["max_processes"] == LIMIT
    _check(tmp_path, data, {"fork-1", "threads-1"}, None)
    tails = {c: data["failures"][c]["stderr_tail"] for c in ("fork-1", "threads-1")}
    for case, word in (("fork-1", "forked"), ("threads-1", "threads")):
        started = re.search(rf"{word} (\d+)", tails[case])
        assert started is not None and 0 < int(started.group(1)) < LIMIT
    # the case after each one ran in a new worker with the whole limit to itself
    after = json.loads((tmp_path / "run" / "predictions" / "ok-3.json").read_text())
    assert after["score"] == 4.0 and after["tasks"] < 8
    start = json.loads((tmp_path / "run" / "run.jsonl").read_text().splitlines()[0])
    assert start["processes"] == data["processes"]


@needs_bwrap
def test_a_command_that_forks_in_a_loop_fails_its_case(tmp_path: Path):
    manifest = write_set(tmp_path, ["ok-1", "fork-1", "ok-2"])
    script = write_algorithm(tmp_path, SHELL, name="predict.sh")
    spec = resolve_algorithm(command=f"/bin/sh {shlex.quote(str(script))} {{input}} "
                                     "{output}")
    summary = run_algorithm(manifest, spec, tmp_path / "run", timeout_s=60,
                            max_processes=LIMIT, progress=False)
    assert summary.done == 2
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    _check(tmp_path, data, {"fork-1"}, None)
    assert "Cannot fork" in data["failures"]["fork-1"]["stderr_tail"]  # dash's own word


@needs_bwrap
def test_a_fork_bomb_churning_at_the_limit_ends_at_the_time_limit(tmp_path: Path):
    """The classic bomb, bounded by the limit set here and a 5 s time limit."""
    manifest = write_set(tmp_path, ["ok-1", "bomb-1", "ok-2"])
    script = write_algorithm(tmp_path, BOMB, name="predict.sh")
    spec = resolve_algorithm(command=f"/bin/sh {shlex.quote(str(script))} {{input}} "
                                     "{output}")
    summary = run_algorithm(manifest, spec, tmp_path / "run", timeout_s=5,
                            max_processes=LIMIT, progress=False)
    assert summary.done == 2
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    _check(tmp_path, data, {"bomb-1"}, None)
    assert "no answer within 5 s" in data["failures"]["bomb-1"]["detail"]


@needs_bwrap
def test_a_setup_that_floods_threads_is_refused_with_the_limit_named(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, SETUP_FLOOD)
    with pytest.raises(RunnerError, match=r"could not be loaded in its sandbox \(it reached "
                       r"the process limit: raise max_processes") as raised:
        run_algorithm(manifest, f"{plugin}:Flood", tmp_path / "run", timeout_s=30,
                      max_processes=LIMIT, progress=False)
    assert f"process limit of {LIMIT} tasks" in str(raised.value)
    assert _cgroups_of_this_process() == []


def test_the_default_and_the_bounds():
    assert Limits().max_processes == DEFAULT_MAX_PROCESSES == 1024
    with pytest.raises(InvalidInputError, match="max_processes must be a whole number"):
        Limits(max_processes=8)
    with pytest.raises(RunnerError, match="at least 16"):
        choose_process_guard(15)
    assert choose_process_guard(None) == ProcessPlan("none", None)


def test_without_a_pids_controller_a_pre_check_warns_and_a_certificate_refuses():
    with pytest.warns(IsolationWarning, match="WITHOUT a process limit"):
        plan = choose_process_guard(64, candidates=[])
    assert plan.record() == {"mechanism": "none", "limit": None,
                             "counts": "nothing: no process limit"}
    with pytest.raises(RunnerError, match="certificate run needs a process limit of 64"):
        choose_process_guard(64, candidates=[], mode="certificate")


UNPRIVILEGED = """
import sys, warnings
sys.path.insert(0, sys.argv[1])
from medeval.errors import RunnerError
from medeval.runner.pids import choose_process_guard
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    plan = choose_process_guard(64)
print(plan.mechanism, plan.limit)
print(type(caught[0].message).__name__, caught[0].message)
try:
    choose_process_guard(64, mode="certificate")
except RunnerError as exc:
    print("refused:", exc)
"""


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to become an unprivileged user")
def test_an_unprivileged_user_gets_no_pids_cgroup_and_is_told():
    """The real host, as user nobody: the pids hierarchy is not writable for it."""
    source = str(Path(__import__("medeval").__file__).resolve().parents[1])
    done = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534",
                           "--clear-groups", sys.executable, "-c", UNPRIVILEGED, source],
                          capture_output=True, text=True, timeout=120, check=True, cwd="/")
    first, warned, refused = done.stdout.splitlines()[:3]
    assert first == "none None"
    assert warned.startswith("IsolationWarning the algorithm runs WITHOUT a process limit")
    assert "Permission denied" in warned or "no cgroup pids controller" in warned
    assert refused.startswith("refused: a certificate run needs a process limit of 64")


def test_the_host_limit_is_found_here():
    """On this laboratory host (root, a writable v1 pids hierarchy) the limit is held."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = choose_process_guard(LIMIT)
    assert plan.mechanism in ("cgroup-v1", "cgroup-v2") and plan.limit == LIMIT


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_v2_shares_the_memory_cgroup_or_takes_the_nearest_ancestor(tmp_path: Path):
    unified, pids = tmp_path / "unified", tmp_path / "pids"
    _tree(unified, {"cgroup.subtree_control": "cpu memory pids\n",
                    "a/cgroup.subtree_control": "memory\n",
                    "a/b/cgroup.subtree_control": "\n"})
    (pids / "x").mkdir(parents=True)
    mounts = [("/", str(unified), "cgroup2", set()), ("/", str(pids), "cgroup", {"pids"})]
    own = {"": "/a/b", "pids": "/x"}
    # a worker in a v2 memory cgroup below a/: its parent does not hand pids down, and a
    # second v2 cgroup would take the worker out of its memory cgroup
    in_a = MemoryPlan("cgroup-v2", 1 << 30, str(unified / "a"))
    assert process_candidates(mounts, own, in_a) == [("cgroup-v1", pids / "x", False)]
    at_top = MemoryPlan("cgroup-v2", 1 << 30, str(unified))
    assert process_candidates(mounts, own, at_top)[0] == ("cgroup-v2", unified, True)
    watch = MemoryPlan("watch", 1 << 30)
    assert process_candidates(mounts, own, watch)[0] == ("cgroup-v2", unified, False)


def test_v2_limit_in_the_memory_cgroup_and_the_kernel_counter_read(tmp_path: Path):
    group = _PidsCGroup("cgroup-v2", tmp_path, 64, "w0", inside=True)
    assert (tmp_path / "pids.max").read_text() == "64"
    assert group.wrap(["python3"]) == ["python3"]  # the memory guard moves the worker
    (tmp_path / "pids.events").write_text("max 0\n")
    group.case_starts()
    assert group.verdict() is None
    (tmp_path / "pids.events").write_text("max 3\n")
    (tmp_path / "pids.peak").write_text("64\n")
    verdict = group.verdict()
    assert verdict is not None and "limit of 64 tasks" in verdict and "peak 64" in verdict
    assert "refused 3 fork/thread creations" in verdict
    assert group.verdict() is None  # counted once
    group.close()
    assert tmp_path.exists()  # the memory guard's to remove


@needs_bwrap
def test_predict_cli_takes_the_limit_and_counts_the_reason(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["ok-1", "threads-1", "ok-2"])
    plugin = write_algorithm(tmp_path, FORKY)
    code = main(["predict", "--algorithm", f"{plugin}:Forky", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--timeout-s", "60",
                 "--max-processes", str(LIMIT), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0 and "cases 3: done 2, failed 1" in out
    assert re.search(r"process-limit\s+1", out)
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert data["limits"]["max_processes"] == LIMIT and data["processes"]["limit"] == LIMIT
    _check(tmp_path, data, {"threads-1"}, "threads")


@pytest.mark.parametrize("value", ["8", "many"])
def test_predict_cli_refuses_a_limit_it_cannot_hold(value: str, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["predict", "--algorithm", "x.py:X", "--manifest", "m.csv", "--out", "o",
              "--max-processes", value])
    assert raised.value.code == 2
    assert "--max-processes" in capsys.readouterr().err


def test_the_protocol_runner_section_takes_the_limit():
    assert RunnerSettings().max_processes == 1024
    assert RunnerSettings(max_processes=64).max_processes == 64
    assert RunnerSettings(max_processes="none").max_processes == "none"
    with pytest.raises(ValidationError, match="greater than or equal to 16"):
        RunnerSettings(max_processes=8)
    schema = json.loads((resources.files("medeval") / "schemas" / "protocol.schema.json")
                        .read_text("utf-8"))
    field = schema["$defs"]["RunnerSettings"]["properties"]["max_processes"]
    jsonschema.validate(64, field)
    jsonschema.validate("none", field)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(8, field)


MEASURE = '''
import threading


class Measure:
    def predict(self, case):
        if case.case_id == "s3":
            stop = threading.Event()
            for _ in range(5000):
                threading.Thread(target=stop.wait, daemon=True).start()
        return {"value": 7.5}
'''


@needs_bwrap
def test_the_protocol_runner_section_sets_the_limit_of_medeval_run(tmp_path: Path):
    """``[runner] max_processes`` of a protocol reaches the runner through ``medeval run``."""
    example = Path(__file__).resolve().parents[2] / "examples" / "measurement"
    rows = ["case_id,patient_id,input,reference"]
    (tmp_path / "in").mkdir()
    for i in range(6):
        (tmp_path / "in" / f"s{i}.txt").write_text("x")
        rows.append(f"s{i},p{i},in/s{i}.txt,{5 + i}")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    plugin = write_algorithm(tmp_path, MEASURE)
    protocol = tmp_path / "protocol.toml"
    protocol.write_text((example / "protocol.toml").read_text().replace(
        'version = "1"', f'version = "1"\nplugin = "{plugin}:Measure"')
        + f"\n[runner]\nmax_processes = {LIMIT}\ntimeout_s = 60\n")
    main(["run", str(protocol), "--out", str(tmp_path / "out")])
    summaries = list((tmp_path / "out").rglob("summary.json"))
    assert len(summaries) == 1
    data = json.loads(summaries[0].read_text())
    assert data["limits"]["max_processes"] == LIMIT and data["processes"]["limit"] == LIMIT
    assert data["done"] == 5
    _check(tmp_path, data, {"s3"}, None)
    # the result records how the limit was held, as it records the memory guard's
    run = json.loads((tmp_path / "out" / "result.json").read_text())["algorithm"]["run"]
    assert run["processes"] == data["processes"] and run["processes"]["limit"] == LIMIT
