"""Check, on the laboratory's GPU host, that each runner worker sees exactly its own GPU.

Runs a tiny plugin through medeval's runner (``run_algorithm``, the bubblewrap sandbox,
``--gpus`` as given, one worker per GPU), three cases per worker, each case pausing a
moment so that every worker takes some. In its sandbox the plugin reports what it sees:
the ``/dev/nvidia*`` nodes, ``CUDA_VISIBLE_DEVICES``, ``/proc/driver/nvidia/gpus``,
``/sys/bus/pci/devices``, and

- with PyTorch installed (in the Python medeval runs in): ``torch.cuda.device_count()``,
  the name and UUID of device 0, and a small computation on it;
- without PyTorch: ``nvidia-smi``'s list of GPUs as run inside the sandbox.

Each case is checked against the GPU the runner says it gave that worker (the run's
``gpus`` record): only that GPU's device node (and the control devices), CUDA seeing one
device whose UUID (or bus id) is that GPU's, ``/proc`` and ``/sys`` showing only it.
A verdict is printed; exit status 0 when every check passes, 1 otherwise, 2 when the
check could not run (no GPU, no bubblewrap).

    python tools/check_gpu_host.py                 # every GPU
    python tools/check_gpu_host.py --gpus 0,1      # these
    python tools/check_gpu_host.py --keep          # keep the run directory to look into

``--host-root DIR`` reads ``DIR/dev``, ``DIR/proc`` and ``DIR/sys`` instead of the
host's: it exists to test this script on a folder that imitates a GPU host.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

PLUGIN = '''
import json, os, shutil, stat, subprocess, time


def _listing(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else None


class SeeGpu:
    def predict(self, case):
        time.sleep(1.0)
        seen = {
            "dev": sorted(n for n in os.listdir("/dev") if n.startswith("nvidia")),
            "character": sorted(n for n in os.listdir("/dev") if n.startswith("nvidia")
                                and stat.S_ISCHR(os.stat("/dev/" + n).st_mode)),
            "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
            "proc_gpus": _listing("/proc/driver/nvidia/gpus"),
            "sys_pci": _listing("/sys/bus/pci/devices"),
        }
        try:
            import torch
        except ImportError:
            seen["torch"] = None
        else:
            info = {"version": torch.__version__, "available": torch.cuda.is_available(),
                    "count": torch.cuda.device_count()}
            try:
                if info["count"]:
                    props = torch.cuda.get_device_properties(0)
                    info["name"] = props.name
                    info["uuid"] = str(getattr(props, "uuid", "")) or None
                    x = torch.ones(256, 256, device="cuda:0")
                    info["sum"] = float((x @ x).sum().item())
            except Exception as exc:  # reported, judged by the runner's side
                info["error"] = f"{type(exc).__name__}: {exc}"
            seen["torch"] = info
        smi = shutil.which("nvidia-smi")
        if smi:
            done = subprocess.run(
                [smi, "--query-gpu=index,uuid,pci.bus_id,name", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=60)
            seen["nvidia_smi"] = {"code": done.returncode, "out": done.stdout.strip(),
                                  "err": done.stderr.strip()[-500:]}
        return {"score": 0.0, "seen": seen}
'''


def _uuid(text: str | None) -> str:
    value = (text or "").strip().lower()
    return value[4:] if value.startswith("gpu-") else value


def judge_case(seen: dict[str, Any], gpu: dict[str, Any], controls: list[str]) -> list[str]:
    """The problems of one case: what its worker saw against the GPU it was given."""
    problems = []
    expected = sorted([*controls, f"nvidia{gpu['minor']}"])
    if seen.get("dev") != expected:
        problems.append(f"/dev shows {seen.get('dev')}, expected {expected}")
    if seen.get("character") is not None and seen.get("character") != seen.get("dev"):
        problems.append(f"not character devices: "
                        f"{sorted(set(seen['dev']) - set(seen['character']))}")
    visible = seen.get("cuda_visible_devices")
    if gpu.get("uuid") and _uuid(visible) != _uuid(gpu["uuid"]):
        problems.append(f"CUDA_VISIBLE_DEVICES={visible!r}, expected {gpu['uuid']}")
    bus = gpu.get("bus_id")
    if seen.get("proc_gpus") is not None and bus and seen["proc_gpus"] != [bus]:
        problems.append(f"/proc/driver/nvidia/gpus shows {seen['proc_gpus']}, expected [{bus}]")
    if seen.get("sys_pci") is not None and bus and seen["sys_pci"] != [bus]:
        problems.append(f"/sys/bus/pci/devices shows {seen['sys_pci']}, expected [{bus}]")
    torch = seen.get("torch")
    if torch:
        if torch.get("count") != 1 or not torch.get("available"):
            problems.append(f"torch.cuda sees {torch.get('count')} device(s) "
                            f"(available {torch.get('available')}), expected 1")
        if torch.get("error"):
            problems.append(f"torch on cuda:0 failed: {torch['error']}")
        if torch.get("uuid") and gpu.get("uuid") and _uuid(torch["uuid"]) != _uuid(gpu["uuid"]):
            problems.append(f"torch's device 0 is {torch['uuid']}, expected {gpu['uuid']}")
        if torch.get("count") == 1 and torch.get("sum") != 256.0 * 256 * 256:
            problems.append(f"a 256 x 256 matrix product on cuda:0 gave {torch.get('sum')}")
    smi = seen.get("nvidia_smi")
    if smi is not None:
        lines = [line for line in smi["out"].splitlines() if line.strip()]
        if smi["code"] != 0:
            problems.append(f"nvidia-smi in the sandbox failed ({smi['code']}): {smi['err']}")
        elif len(lines) != 1:
            problems.append(f"nvidia-smi in the sandbox lists {len(lines)} GPUs: {lines}")
        elif gpu.get("uuid") and _uuid(gpu["uuid"]) not in lines[0].lower():
            problems.append(f"nvidia-smi in the sandbox lists {lines[0]!r}, expected "
                            f"{gpu['uuid']}")
    if not torch and smi is None:
        problems.append("neither PyTorch nor nvidia-smi in the sandbox: only the device "
                        "nodes and CUDA_VISIBLE_DEVICES were checked")
    return problems


def check(gpus: str, keep: bool, host_root: str | None, cases_per_worker: int = 3) -> int:
    """Run the check; print the devices, each case's findings and a verdict."""
    from medeval.runner import gpus as gpumod

    saved = gpumod.HOST_ROOT
    if host_root:
        gpumod.HOST_ROOT = host_root
    try:
        return _check(gpus, keep, cases_per_worker)
    finally:
        gpumod.HOST_ROOT = saved


def _check(gpus: str, keep: bool, cases_per_worker: int) -> int:
    from medeval.errors import MedevalError
    from medeval.runner import gpus as gpumod
    from medeval.runner import run_algorithm
    from medeval.runner.sandbox import bubblewrap_available

    problem = bubblewrap_available()
    if problem:
        print(f"CANNOT CHECK: {problem}")
        return 2
    found = gpumod.discover_gpus()
    try:
        selected = gpumod.select_gpus(gpus, found)
    except MedevalError as exc:
        print(f"CANNOT CHECK: {exc}")
        return 2
    if not selected:
        print("CANNOT CHECK: no NVIDIA GPU found (no /dev/nvidiaN) or --gpus none")
        return 2
    root = Path(gpumod.HOST_ROOT)
    controls = [n for n in gpumod.CONTROL_DEVICES if (root / "dev" / n).exists()]
    print("GPUs of this host:")
    for gpu in found:
        print(f"  {gpu.index}: /dev/nvidia{gpu.minor} {gpu.name or '?'} {gpu.memory or ''} "
              f"driver {gpu.driver or '?'} bus {gpu.bus_id or '?'} {gpu.uuid or ''}")
    work = Path(tempfile.mkdtemp(prefix="medeval-gpu-check-"))
    try:
        data = work / "data"
        data.mkdir()
        workers = len(selected)
        ids = [f"g{n:03d}" for n in range(workers * cases_per_worker)]
        rows = ["case_id,patient_id,input,reference"]
        for case_id in ids:
            (data / f"{case_id}.txt").write_text(case_id)
            rows.append(f"{case_id},{case_id},{case_id}.txt,0")
        (data / "manifest.csv").write_text("\n".join(rows) + "\n")
        algo = work / "algo"
        algo.mkdir()
        (algo / "see_gpu.py").write_text(textwrap.dedent(PLUGIN))
        run = work / "run"
        summary = run_algorithm(data / "manifest.csv", f"{algo / 'see_gpu.py'}:SeeGpu", run,
                                workers=workers, gpus=[g.index for g in selected],
                                isolation="bubblewrap", timeout_s=300, memory_mb=None,
                                setup_timeout_s=300, progress=False)
        record = summary.data["gpus"]
        devices = {d["index"]: d for d in record["devices"]}
        given = {name: [devices[i] for i in indices]
                 for name, indices in record["workers"].items()}
        ends = {}
        for line in (run / "run.jsonl").read_text().splitlines():
            event = json.loads(line)
            if event.get("event") == "end":
                ends[event["case_id"]] = event
        failures: list[str] = []
        shown = [f"{w} -> GPU {', '.join(str(g['index']) for g in gs)}"
                 for w, gs in given.items()]
        print(f"\nworkers: {'; '.join(shown)}")
        for case_id in ids:
            end = ends.get(case_id, {})
            worker = end.get("worker", "?")
            if end.get("outcome") != "done":
                failures.append(f"{case_id} ({worker}): {end.get('reason')}: "
                                f"{end.get('detail')}\n{end.get('stderr_tail') or ''}")
                continue
            seen = json.loads((run / "predictions" / f"{case_id}.json").read_text())["seen"]
            gpu = given[worker][0]
            found_problems = judge_case(seen, gpu, controls)
            torch = seen.get("torch") or {}
            print(f"  {case_id} {worker} GPU {gpu['index']}: dev {seen['dev']}, "
                  f"CUDA_VISIBLE_DEVICES={seen['cuda_visible_devices']!r}"
                  + (f", torch sees {torch.get('count')} ({torch.get('name')})" if torch
                     else "")
                  + (" OK" if not found_problems else ""))
            failures += [f"{case_id} ({worker}, GPU {gpu['index']}): {p}"
                         for p in found_problems]
        idle = sorted(set(given) - {ends[c].get("worker") for c in ends})
        if idle:
            failures.append(f"worker(s) {', '.join(idle)} ran no case: their GPU was not "
                            "checked; run again")
        print()
        if failures:
            print("VERDICT: FAIL")
            for item in failures:
                print(f"  - {item}")
            return 1
        print(f"VERDICT: PASS - each of {workers} worker(s) saw exactly its own GPU")
        return 0
    finally:
        if keep:
            print(f"(run directory kept: {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpus", default="all", help="all (default) or GPU numbers, 0,1")
    parser.add_argument("--keep", action="store_true", help="keep the run directory")
    parser.add_argument("--host-root", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return check(args.gpus, args.keep, args.host_root)


if __name__ == "__main__":
    sys.exit(main())
