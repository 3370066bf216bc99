"""The runner's own cost per case: sandboxed workers against a plain loop over ``predict``.

A trivial Python algorithm (read a few bytes, return a score) on ``--cases`` small cases
(10,000 by default):

1. a plain loop in this process: ``predict(CaseInput(...))`` for every case, the input
   read where it lies, nothing written;
2. ``run_algorithm(..., workers=2)``: the bubblewrap sandbox (or none where bubblewrap is
   missing; the line says which), inputs linked into each worker's private input
   directory, each prediction validated, written atomically with fsync and hashed, two
   run-log events per case, the summary; everything from reading the manifest to
   writing ``summary.json`` is counted;
3. the same with the workers' scratch directories on tmpfs (``/dev/shm``): inputs
   copied instead of linked, but no disk operation to stage a case;
4. the same with ``executor="dask"`` on a ``LocalCluster`` (two workers), if
   ``dask.distributed`` is installed;
5. the local run again with the memory limit held by the runner's watch of the process
   tree (``memory_guard="watch"``) and with no memory limit (``memory_mb=None``), beside
   the default (a cgroup per worker where the host lets medeval make one);
6. executor="dask" against the local executor on an algorithm whose ``setup()`` takes
   ``--setup-s`` seconds (1 s), ``--setup-cases`` cases (20), the same number of workers
   (a ``LocalCluster`` of ``--workers`` Dask workers): how many times ``setup()`` ran
   (each prediction carries its setup's token) and the Dask run's wall time over the
   local one's. Goal: within 1.5 times. ``--setup-only`` runs this part alone;
7. the memory guard's own cost on a model that computes for 20 ms per case (``--busy-ms``):
   one sandboxed worker, ``--busy-cases`` cases; for the watch, the seconds its thread
   spent sampling (and how often), and the check at the end of each case; for a cgroup,
   the read of its OOM counter after each case. Goal: at most 1 % of a 20 ms case;
8. a real torch CPU model (a small conv net, weights fixed in code, one intra-op thread,
   a 1 x 128 x 128 float32 image per case in a ``.npy`` file, ``--torch-cases`` cases,
   1000 by default), if torch is installed (the ``submissions`` extra): the same plugin
   in a plain loop in this process (``setup()`` once, then ``predict`` on every case)
   against ``run_algorithm`` at the default limits, one worker, in the sandbox. The
   sandboxed time per case is the run's wall time less that of a one-case run (worker
   start, importing torch, ``setup()``, the run record), over the cases beyond the
   first (medians of three runs each, alternated, after a warm-up run); the round trip
   of one case to the sandbox (the run log's ``duration_s``) is printed beside it.
   ``--torch-only`` runs this part alone.

Overhead per case = (runner wall time - plain loop wall time) / cases. Goal: under
2 ms per case. The numbers are of this machine (its core count is printed).

Run: ``python benchmarks/bench_runner.py [--cases 10000] [--workers 2] [--busy-cases 200]
[--setup-cases 20] [--setup-s 1] [--setup-only] [--torch-cases 1000] [--torch-only]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

ALGORITHM = '''
import time
import uuid


class Trivial:
    def predict(self, case):
        with open(case.input_path, "rb") as handle:
            return {"score": len(handle.read()) / 100.0}


class Loaded:
    """A model whose setup() takes SETUP_S seconds (loading weights), then answers at once."""

    SETUP_S = 1.0

    def setup(self):
        time.sleep(self.SETUP_S)
        self.token = uuid.uuid4().hex

    def predict(self, case):
        with open(case.input_path, "rb") as handle:
            return {"score": len(handle.read()) / 100.0, "setup": self.token}


class Busy:
    """Computes for BUSY_S seconds per case, as a small model would."""

    BUSY_S = 0.02

    def predict(self, case):
        end = time.perf_counter() + self.BUSY_S
        total = 0
        while time.perf_counter() < end:
            total += 1
        return {"score": 0.5}
'''


def write_set(root: Path, cases: int) -> Path:
    """``cases`` inputs of a few bytes, label references, a manifest."""
    inputs = root / "data" / "inputs"
    inputs.mkdir(parents=True)
    rows = ["case_id,patient_id,input,reference"]
    for n in range(cases):
        case_id = f"case{n:05d}"
        (inputs / f"{case_id}.txt").write_text("x" * (n % 50 + 1))
        rows.append(f"{case_id},p{n},inputs/{case_id}.txt,{n % 2}")
    manifest = root / "data" / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--busy-cases", type=int, default=200)
    parser.add_argument("--busy-ms", type=float, default=20.0)
    parser.add_argument("--setup-cases", type=int, default=20)
    parser.add_argument("--setup-s", type=float, default=1.0)
    parser.add_argument("--setup-only", action="store_true",
                        help="only the Dask-against-local comparison with a slow setup()")
    parser.add_argument("--torch-cases", type=int, default=1000)
    parser.add_argument("--torch-only", action="store_true",
                        help="only the torch CPU model, sandboxed against a plain loop")
    args = parser.parse_args()
    if args.setup_only:
        bench_setup(args.workers, args.setup_cases, args.setup_s)
        return
    if args.torch_only:
        bench_torch(args.torch_cases)
        return

    from medeval.runner import CaseInput, bubblewrap_available, run_algorithm
    from medeval.runner.algorithm import instantiate
    from medeval.runner.run import read_manifest

    root = Path(tempfile.mkdtemp(prefix="medeval-bench-runner-"))
    try:
        manifest_path = write_set(root, args.cases)
        (root / "algo").mkdir()
        plugin = root / "algo" / "trivial.py"
        plugin.write_text(ALGORITHM)
        manifest = read_manifest(manifest_path)

        algorithm = instantiate(f"{plugin}:Trivial")
        paths = [str(manifest.path(c.inputs[0])) for c in manifest.cases]
        start = time.perf_counter()
        for case, path in zip(manifest.cases, paths):
            algorithm.predict(CaseInput(case.case_id, path, (path,), str(root)))
        plain = time.perf_counter() - start

        isolation = "bubblewrap" if bubblewrap_available() is None else "none"
        print(f"medeval runner benchmark: {args.cases} cases, {args.workers} workers, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, "
              f"isolation {isolation}")
        print(f"  plain loop over predict      {plain:8.2f} s  "
              f"{plain / args.cases * 1e3:7.3f} ms/case")
        auto: dict[str, object] = {}
        runs = [("local", "local", None, auto)]
        if os.path.isdir("/dev/shm"):
            runs.append(("local, scratch on tmpfs", "local", "/dev/shm", auto))
        try:
            import dask.distributed  # noqa: F401

            runs.append(("dask LocalCluster", "dask", None, auto))
        except ImportError:
            print("  dask: not installed (pip install 'dask[distributed]'), skipped")
        runs.append(("local, memory watch", "local", None, {"memory_guard": "watch"}))
        runs.append(("local, no memory limit", "local", None, {"memory_mb": None}))
        for number, (label, executor, scratch, memory) in enumerate(runs):
            out = root / f"run-{number}"
            start = time.perf_counter()
            summary = run_algorithm(manifest_path, f"{plugin}:Trivial", out,
                                    workers=args.workers, timeout_s=30, progress=False,
                                    isolation=isolation,  # type: ignore[arg-type]
                                    executor=executor,  # type: ignore[arg-type]
                                    scratch_dir=scratch, **memory)  # type: ignore[arg-type]
            wall = time.perf_counter() - start
            assert summary.done == args.cases, summary
            overhead = (wall - plain) / args.cases * 1e3
            lat = summary.latency_s
            label = f"{label} ({summary.data['memory']['mechanism']})"
            print(f"  runner, {label:<36} {wall:8.2f} s  {wall / args.cases * 1e3:7.3f} "
                  f"ms/case  overhead {overhead:6.3f} ms/case "
                  f"({'meets' if overhead < 2 else 'MISSES'} the 2 ms goal); "
                  f"latency p50 {lat['p50'] * 1e3:.3f} ms, p95 {lat['p95'] * 1e3:.3f} ms, "
                  f"max {lat['max'] * 1e3:.1f} ms; {summary.throughput_per_s:.0f} cases/s")
        bench_memory_guard(root, manifest_path, plugin, isolation, args.busy_cases,
                           args.busy_ms / 1e3)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    bench_setup(args.workers, args.setup_cases, args.setup_s)
    bench_torch(args.torch_cases)


def bench_setup(workers: int, cases: int, setup_s: float) -> None:
    """executor="dask" against "local" on ``cases`` cases of a ``setup_s``-second setup()."""
    import json

    from medeval.runner import bubblewrap_available, run_algorithm

    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        print("  dask: not installed (pip install 'dask[distributed]'), setup comparison "
              "skipped")
        return
    root = Path(tempfile.mkdtemp(prefix="medeval-bench-setup-"))
    try:
        manifest_path = write_set(root, cases)
        (root / "algo").mkdir()
        plugin = root / "algo" / "loaded.py"
        plugin.write_text(ALGORITHM.replace("SETUP_S = 1.0", f"SETUP_S = {setup_s!r}"))
        isolation = "bubblewrap" if bubblewrap_available() is None else "none"
        print(f"  setup() of {setup_s:g} s, {cases} cases, {workers} workers, "
              f"isolation {isolation}:")
        walls: dict[str, list[float]] = {"local": [], "dask": []}
        # alternated, three runs each (the first run of a process pays its imports)
        for number, executor in enumerate(["local", "dask", "dask", "local", "local", "dask"]):
            out = root / f"run-{number}"
            start = time.perf_counter()
            summary = run_algorithm(manifest_path, f"{plugin}:Loaded", out, workers=workers,
                                    timeout_s=30, progress=False,
                                    isolation=isolation,  # type: ignore[arg-type]
                                    executor=executor)  # type: ignore[arg-type]
            wall = time.perf_counter() - start
            walls[executor].append(wall)
            assert summary.done == cases, summary
            setups = {json.loads(path.read_text())["setup"]
                      for path in (out / "predictions").glob("*.json")}
            label = "dask LocalCluster" if executor == "dask" else "local"
            print(f"    {label:<18} {wall:6.2f} s  setup() ran {len(setups)} time(s)")
        local, dask = (sorted(walls[k])[1] for k in ("local", "dask"))
        ratio = dask / local
        print(f"    median: local {local:.2f} s, dask {dask:.2f} s; dask / local = {ratio:.2f} "
              f"({'meets' if ratio <= 1.5 else 'MISSES'} the 1.5 goal)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bench_memory_guard(root: Path, manifest_path: Path, plugin: Path, isolation: str,
                       cases: int, busy_s: float) -> None:
    """The memory guard's cost per case of a model computing ``busy_s`` seconds."""
    from medeval.runner import Limits, resolve_algorithm
    from medeval.runner.memory import choose_memory_guard
    from medeval.runner.run import read_manifest
    from medeval.runner.worker import Job, Worker, WorkerPlan

    source = plugin.read_text().replace("BUSY_S = 0.02", f"BUSY_S = {busy_s!r}")
    busy = plugin.with_name("busy.py")
    busy.write_text(source)
    spec = resolve_algorithm(f"{busy}:Busy")
    manifest = read_manifest(manifest_path)
    jobs = [Job(c.case_id, (str(manifest.path(c.inputs[0])),))
            for c in manifest.cases[:cases]]
    print(f"  memory guard on a {busy_s * 1e3:g} ms case, {len(jobs)} cases, one worker:")
    for requested in ("auto", "watch"):
        plan = WorkerPlan(spec, isolation, Limits(timeout_s=30),  # type: ignore[arg-type]
                          str(root / f"busy-{requested}"), choose_memory_guard(4096, requested))
        Path(plan.predictions_dir).mkdir()
        worker = Worker(plan, root / f"scratch-busy-{requested}", "busy")
        try:
            worker.start()
            start = time.perf_counter()
            for job in jobs:
                assert worker.run(job).outcome == "done"
            wall = time.perf_counter() - start
            guard = worker.guard
            calls = 2000
            clock = time.perf_counter()
            for _ in range(calls):
                guard.case_ends()
            hooks = (time.perf_counter() - clock) / calls
            cost = getattr(guard, "cost_s", 0.0)
            samples = getattr(guard, "samples", 0)
            per_case = cost / len(jobs) + hooks
            line = (f"    {guard.mechanism:<10} {wall / len(jobs) * 1e3:7.3f} ms/case; "
                    f"per case: hooks {hooks * 1e6:6.1f} us")
            if samples:
                line += (f", watch thread {cost / len(jobs) * 1e6:6.1f} us ({samples} samples"
                         f", {cost / samples * 1e6:.0f} us each, {cost / wall * 100:.2f} % "
                         "of one core)")
            share = per_case / busy_s * 100
            line += (f"; total {per_case * 1e6:6.1f} us = {share:.2f} % of the case "
                     f"({'meets' if share <= 1 else 'MISSES'} the 1 % goal)")
            print(line)
        finally:
            worker.close()


TORCH_MODEL = '''
import numpy as np
import torch


class SmallConv:
    """Three conv blocks and a linear layer; weights from a seeded generator."""

    def setup(self):
        torch.set_num_threads(1)  # one intra-op thread: fixed sums, no competing workers
        torch.manual_seed(0)
        self.model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(64, 2)).eval()

    def predict(self, case):
        image = torch.from_numpy(np.load(case.input_path))
        with torch.no_grad():
            return {"score": torch.softmax(self.model(image[None]), dim=1)[0].tolist()}
'''


def bench_torch(cases: int) -> None:
    """A torch CPU model: a plain loop in this process against the sandboxed runner."""
    import json

    import numpy as np

    from medeval.runner import CaseInput, bubblewrap_available, run_algorithm
    from medeval.runner.algorithm import instantiate

    start = time.perf_counter()
    try:
        import torch
    except ImportError:
        print("  torch: not installed (pip install 'medeval[submissions]'), torch model "
              "skipped")
        return
    imported = time.perf_counter() - start
    root = Path(tempfile.mkdtemp(prefix="medeval-bench-torch-"))
    threads = torch.get_num_threads()
    try:
        inputs = root / "data" / "inputs"
        inputs.mkdir(parents=True)
        rng = np.random.default_rng(0)
        rows = ["case_id,patient_id,input,reference"]
        for n in range(cases):
            np.save(inputs / f"img{n:05d}.npy",
                    rng.normal(size=(1, 128, 128)).astype(np.float32))
            rows.append(f"img{n:05d},p{n},inputs/img{n:05d}.npy,{n % 2}")
        manifest = root / "data" / "manifest.csv"
        manifest.write_text("\n".join(rows) + "\n")
        one = root / "data" / "one.csv"
        one.write_text("\n".join(rows[:2]) + "\n")
        (root / "algo").mkdir()
        plugin = root / "algo" / "small_conv.py"
        plugin.write_text(TORCH_MODEL)

        start = time.perf_counter()
        model = instantiate(f"{plugin}:SmallConv")
        model.setup()  # type: ignore[attr-defined]
        setup = time.perf_counter() - start
        paths = [str(inputs / f"img{n:05d}.npy") for n in range(cases)]
        start = time.perf_counter()
        plain_scores = {}
        for n, path in enumerate(paths):
            case_id = f"img{n:05d}"
            plain_scores[case_id] = model.predict(CaseInput(case_id, path, (path,), str(root)))
        plain = (time.perf_counter() - start) / cases

        isolation = "bubblewrap" if bubblewrap_available() is None else "none"
        walls: dict[str, list[float]] = {"one": [], "all": []}
        # a first one-case run warms the page cache (torch's libraries) and is not counted;
        # then alternated, three runs each, medians
        for number, label in enumerate(["warm", "one", "all", "all", "one", "one", "all"]):
            out = root / f"run-{number}"
            start = time.perf_counter()
            summary = run_algorithm(manifest if label == "all" else one,
                                    f"{plugin}:SmallConv", out, progress=False,
                                    isolation=isolation)  # type: ignore[arg-type]
            wall = time.perf_counter() - start
            assert summary.failed == 0, summary.failures
            if label != "warm":
                walls[label].append(wall)
            if label == "all":
                last = out
        events = [json.loads(line) for line in (last / "run.jsonl").read_text().splitlines()]
        durations = [event["duration_s"] for event in events if event["event"] == "end"]
        assert len(durations) == cases, len(durations)
        same = all(json.loads((last / "predictions" / f"{c}.json").read_text())["score"]
                   == plain_scores[c]["score"] for c in plain_scores)
        wall_one, wall_all = (sorted(walls[k])[1] for k in ("one", "all"))
        sandboxed = (wall_all - wall_one) / (cases - 1)
        round_trip = sum(durations) / len(durations)
        mechanism = summary.data["memory"]["mechanism"]
        print(f"  torch {torch.__version__} CPU model (3 conv blocks, 1 x 128 x 128 input, one "
              f"thread), {cases} cases, one worker, default limits, isolation {isolation} "
              f"({mechanism}):")
        print(f"    plain loop in this process   {plain * 1e3:7.2f} ms/case "
              f"(import torch {imported:.2f} s, setup() {setup:.2f} s)")
        print(f"    sandboxed runner             {sandboxed * 1e3:7.2f} ms/case "
              f"(median wall {wall_all:.2f} s, less {wall_one:.2f} s for the one-case "
              f"run: worker start, torch import, setup(), records)")
        print(f"    round trip to the sandbox    {round_trip * 1e3:7.2f} ms/case (run log "
              f"duration_s, mean)")
        print(f"    sandboxed / plain = {sandboxed / plain:.2f} (round trip / plain = "
              f"{round_trip / plain:.2f}); predictions identical to the plain loop's: {same}")
    finally:
        torch.set_num_threads(threads)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
