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
   ``dask.distributed`` is installed.

Overhead per case = (runner wall time - plain loop wall time) / cases. Goal: under
2 ms per case. The numbers are of this machine (its core count is printed).

Run: ``python benchmarks/bench_runner.py [--cases 10000] [--workers 2]``.
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
class Trivial:
    def predict(self, case):
        with open(case.input_path, "rb") as handle:
            return {"score": len(handle.read()) / 100.0}
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
    args = parser.parse_args()

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
        runs = [("local", "local", None)]
        if os.path.isdir("/dev/shm"):
            runs.append(("local, scratch on tmpfs", "local", "/dev/shm"))
        try:
            import dask.distributed  # noqa: F401

            runs.append(("dask LocalCluster", "dask", None))
        except ImportError:
            print("  dask: not installed (pip install 'dask[distributed]'), skipped")
        for number, (label, executor, scratch) in enumerate(runs):
            out = root / f"run-{number}"
            start = time.perf_counter()
            summary = run_algorithm(manifest_path, f"{plugin}:Trivial", out,
                                    workers=args.workers, timeout_s=30, progress=False,
                                    isolation=isolation,  # type: ignore[arg-type]
                                    executor=executor,  # type: ignore[arg-type]
                                    scratch_dir=scratch)
            wall = time.perf_counter() - start
            assert summary.done == args.cases, summary
            overhead = (wall - plain) / args.cases * 1e3
            lat = summary.latency_s
            print(f"  runner, {label:<24} {wall:8.2f} s  {wall / args.cases * 1e3:7.3f} "
                  f"ms/case  overhead {overhead:6.3f} ms/case "
                  f"({'meets' if overhead < 2 else 'MISSES'} the 2 ms goal); "
                  f"latency p50 {lat['p50'] * 1e3:.3f} ms, p95 {lat['p95'] * 1e3:.3f} ms, "
                  f"max {lat['max'] * 1e3:.1f} ms; {summary.throughput_per_s:.0f} cases/s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
