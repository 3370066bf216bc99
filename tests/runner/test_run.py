"""The runner against an algorithm that does everything wrong, one case each.

Real subprocesses in the real bubblewrap sandbox: no mock of the isolation.
"""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

from medeval.runner import run_algorithm

from .conftest import SECRET, needs_bwrap, write_algorithm, write_set

MISBEHAVING = '''
import json, os, socket, sys, time

REFERENCE = {reference!r}
MANIFEST = {manifest!r}
PORT = {port}


def snoop():
    opened = []
    for path in (REFERENCE, MANIFEST, os.path.dirname(REFERENCE)):
        try:
            with open(path) as handle:
                opened.append([path, handle.read(100)])
        except OSError:
            pass
    listings = {{}}
    for start in (REFERENCE, MANIFEST, __file__):
        folder = os.path.dirname(start)
        while True:
            try:
                listings[folder] = sorted(os.listdir(folder))
            except OSError:
                listings[folder] = None
            if folder == "/":
                break
            folder = os.path.dirname(folder)
    names = []
    skip = ("/proc", "/sys", "/dev", "/usr", sys.prefix)
    for folder, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if not os.path.join(folder, d).startswith(skip)]
        names += [os.path.join(folder, f) for f in files
                  if f.endswith(".ref.txt") or f == "manifest.csv"]
    with open("/proc/self/cmdline", "rb") as handle:
        cmdline = handle.read().decode()
    return {{"score": 0.0, "opened": opened, "listings": listings, "names": names,
            "environ": dict(os.environ), "cmdline": cmdline}}


def connect():
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=2):
            return {{"score": 1.0, "connected": True}}
    except OSError as exc:
        return {{"score": 0.0, "connected": False, "error": str(exc)}}


class Misbehaving:
    def setup(self):
        self.ready = True

    def predict(self, case):
        kind = case.case_id.split("-")[0]
        if kind == "ok":
            with open(case.input_path) as handle:
                return {{"score": int(handle.read()) / 10, "label": "x"}}
        if kind == "raise":
            raise ValueError("cannot read case " + case.case_id)
        if kind == "sleep":
            print("going to sleep", file=sys.stderr, flush=True)
            time.sleep(60)
        if kind == "memory":
            block = bytearray(2000 << 20)
            return len(block)
        if kind == "snoop":
            return snoop()
        if kind == "network":
            return connect()
        if kind == "malformed":
            return {{"score": "high"}}
        if kind == "nan":
            return float("nan")
        if kind == "huge":
            return {{"score": 0.5, "blob": "x" * (3 << 20)}}
        if kind == "hugefile":
            with open(os.path.join(case.output_dir, "prediction.bin"), "wb") as handle:
                handle.write(b"0" * (3 << 20))
            return 0.5
        if kind == "exit":
            os._exit(3)
        if kind == "symlink":
            os.symlink(REFERENCE, os.path.join(case.output_dir, "prediction.json"))
            return None
        if kind == "fill":
            for number in range(100000):
                name = os.path.join(case.output_dir if number % 2 else "/tmp", f"f{{number}}")
                with open(name, "wb") as handle:
                    handle.write(b"0" * (512 << 10))
        raise AssertionError(kind)
'''

CONSTANT = "class A:\n    def predict(self, case):\n        return 1.0\n"
CASES = ["ok-1", "raise-1", "ok-2", "sleep-1", "memory-1", "snoop-1", "network-1",
         "malformed-1", "nan-1", "huge-1", "hugefile-1", "exit-1", "symlink-1", "fill-1", "ok-3"]
EXPECTED = {"raise-1": "exception", "sleep-1": "timeout", "memory-1": "memory",
            "malformed-1": "invalid-output", "nan-1": "invalid-output",
            "huge-1": "output-too-large", "hugefile-1": "output-too-large",
            "exit-1": "exit-code", "symlink-1": "invalid-output",
            "fill-1": "output-too-large"}


@pytest.fixture(scope="module")
def misbehaving_run(tmp_path_factory: pytest.TempPathFactory):
    if needs_bwrap.args[0]:
        pytest.skip(needs_bwrap.kwargs["reason"])
    root = tmp_path_factory.mktemp("misbehaving")
    manifest = write_set(root, CASES)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    reference = str(manifest.parent / "refs" / "snoop-1.ref.txt")
    plugin = write_algorithm(root, MISBEHAVING.format(
        reference=reference, manifest=str(manifest), port=listener.getsockname()[1]))
    out = root / "run"
    summary = run_algorithm(manifest, f"{plugin}:Misbehaving", out, workers=2, timeout_s=2,
                            memory_mb=512, output_limit_mb=1, mode="certificate",
                            progress=False)
    try:
        conn, _ = listener.accept()
        accepted = True
        conn.close()
    except BlockingIOError:
        accepted = False
    listener.close()
    return summary, out, manifest, accepted


@needs_bwrap
def test_every_failure_is_recorded_with_its_reason(misbehaving_run):
    summary, out, _, _ = misbehaving_run
    data = json.loads((out / "summary.json").read_text())
    assert data["cases"] == len(CASES) and summary.cases == len(CASES)
    assert {c: f["reason"] for c, f in data["failures"].items()} == EXPECTED
    assert data["failed"] == len(EXPECTED) == summary.failed
    assert data["done"] == len(CASES) - len(EXPECTED) == summary.done
    assert data["isolation"] == "bubblewrap" and data["mode"] == "certificate"
    assert "cannot read case raise-1" in data["failures"]["raise-1"]["detail"]
    assert "ValueError" in data["failures"]["raise-1"]["stderr_tail"]
    assert "going to sleep" in data["failures"]["sleep-1"]["stderr_tail"]
    # the limit, the option that sets it, and what happens next (before: "no answer
    # within 2 s; process group killed")
    assert data["failures"]["sleep-1"]["detail"].startswith(
        "no answer within 2 s, the time limit per case (--timeout-s, timeout_s)")
    assert summary.reasons == {"exception": 1, "exit-code": 1, "invalid-output": 3,
                               "memory": 1, "output-too-large": 3, "timeout": 1}


@needs_bwrap
def test_other_cases_complete_with_hashed_predictions(misbehaving_run):
    summary, out, _, _ = misbehaving_run
    scores = {c: json.loads((out / "predictions" / f"{c}.json").read_text())["score"]
              for c in ("ok-1", "ok-2", "ok-3")}
    assert scores == {"ok-1": 0.0, "ok-2": 0.2, "ok-3": 1.4}  # inputs hold their row number
    assert sorted(p.name for p in (out / "predictions").iterdir()) == sorted(
        f"{c}.json" for c in CASES if c not in EXPECTED)
    data = json.loads((out / "summary.json").read_text())
    for files in data["predictions"].values():
        for name, digest in files.items():
            assert hashlib.sha256((out / "predictions" / name).read_bytes()).hexdigest() == digest
    lat = summary.latency_s
    assert 0 < lat["p50"] <= lat["p95"] <= lat["max"] and summary.throughput_per_s > 0
    assert not (out / ".scratch").exists()


@needs_bwrap
def test_run_log_records_start_and_end_of_every_case(misbehaving_run):
    _, out, _, _ = misbehaving_run
    events = [json.loads(line) for line in (out / "run.jsonl").read_text().splitlines()]
    assert events[0]["event"] == "run-start" and events[-1]["event"] == "run-end"
    assert events[0]["algorithm"]["files"] and len(events[0]["algorithm"]["sha256"]) == 64
    assert events[0]["environment"]["medeval"]
    starts = sorted(e["case_id"] for e in events if e["event"] == "start")
    ends = {e["case_id"]: e for e in events if e["event"] == "end"}
    assert starts == sorted(CASES) and sorted(ends) == sorted(CASES)
    assert ends["ok-1"]["outcome"] == "done" and len(ends["ok-1"]["files"]["ok-1.json"]) == 64
    assert ends["sleep-1"]["outcome"] == "failed" and ends["sleep-1"]["duration_s"] >= 2


@needs_bwrap
def test_references_are_out_of_reach(misbehaving_run):
    _, out, manifest, _ = misbehaving_run
    found = json.loads((out / "predictions" / "snoop-1.json").read_text())
    assert found["opened"] == []
    assert found["names"] == []
    data = manifest.parent
    for folder, entries in found["listings"].items():
        assert not entries or not {"refs", "inputs", "manifest.csv", "data"} & set(entries), (
            folder, entries)
    for text in (json.dumps(found["environ"]), found["cmdline"]):
        assert str(data) not in text and SECRET not in text and "refs" not in text
    assert set(found["environ"]) <= {"PATH", "HOME", "TMPDIR", "LANG", "PWD",
                                     "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED",
                                     "LC_ALL", "TZ",
                                     "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                     "OPENBLAS_NUM_THREADS", "CUDA_VISIBLE_DEVICES",
                                     "NVIDIA_VISIBLE_DEVICES"}


@needs_bwrap
def test_network_is_cut(misbehaving_run):
    _, out, _, accepted = misbehaving_run
    found = json.loads((out / "predictions" / "network-1.json").read_text())
    assert found["connected"] is False and found["error"]
    assert accepted is False


def test_certificate_refuses_without_sandbox(small_set: Path, tmp_path: Path):
    from medeval.errors import RunnerError

    plugin = write_algorithm(tmp_path, CONSTANT)
    with pytest.raises(RunnerError, match="needs the bubblewrap sandbox"):
        run_algorithm(small_set, f"{plugin}:A", tmp_path / "run", isolation="none",
                      mode="certificate", progress=False)


def test_pre_check_without_sandbox_warns_and_records_it(small_set: Path, tmp_path: Path):
    from medeval.errors import IsolationWarning

    plugin = write_algorithm(tmp_path, CONSTANT)
    with pytest.warns(IsolationWarning, match="WITHOUT a sandbox"):
        summary = run_algorithm(small_set, f"{plugin}:A", tmp_path / "run", isolation="none",
                                progress=False, timeout_s=10)
    assert summary.isolation == "none" and summary.done == 3
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert data["isolation"] == "none" and data["mode"] == "pre-check"


@needs_bwrap
def test_progress_bar_goes_to_the_given_console(small_set: Path, tmp_path: Path):
    import io

    from rich.console import Console

    plugin = write_algorithm(tmp_path, CONSTANT)
    stream = io.StringIO()
    run_algorithm(small_set, f"{plugin}:A", tmp_path / "run", console=Console(file=stream),
                  timeout_s=10)
    assert "predicting" in stream.getvalue() and "3/3" in stream.getvalue()


@needs_bwrap
def test_plugin_that_cannot_load_stops_the_run(small_set: Path, tmp_path: Path):
    from medeval.errors import RunnerError

    plugin = write_algorithm(tmp_path, "import no_such_module_anywhere\n")
    with pytest.raises(RunnerError, match="could not be loaded.*no_such_module_anywhere"):
        run_algorithm(small_set, f"{plugin}:A", tmp_path / "run", progress=False)
    wrong = write_algorithm(tmp_path, "class A:\n    def guess(self, case):\n        return 1\n",
                            name="wrong.py")
    with pytest.raises(RunnerError, match="no predict"):
        run_algorithm(small_set, f"{wrong}:A", tmp_path / "run2", progress=False)


@needs_bwrap
def test_plugin_beside_the_references_is_refused(tmp_path: Path):
    from medeval.errors import RunnerError

    manifest = write_set(tmp_path, ["c1"])
    plugin = manifest.parent / "algo.py"
    plugin.write_text("class A:\n    def predict(self, case):\n        return 1.0\n")
    with pytest.raises(RunnerError, match="would expose"):
        run_algorithm(manifest, f"{plugin}:A", tmp_path / "run", progress=False)
