"""tools/check_gpu_host.py: its judgement of what a worker saw, and a run on a fake host."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from medeval.runner import gpus as gpumod

from .conftest import needs_bwrap
from .test_gpus import BUS, UUID, fake_host

CONTROLS = ["nvidia-uvm", "nvidia-uvm-tools", "nvidiactl"]
GPU1 = {"index": 1, "minor": 1, "bus_id": BUS[1], "uuid": UUID[1]}


def _tool() -> ModuleType:
    """The script as a module (its --host-root changes HOST_ROOT for the check only)."""
    path = Path(__file__).resolve().parents[2] / "tools" / "check_gpu_host.py"
    spec = importlib.util.spec_from_file_location("check_gpu_host", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seen(**changes: object) -> dict[str, object]:
    seen: dict[str, object] = {
        "dev": sorted([*CONTROLS, "nvidia1"]), "character": sorted([*CONTROLS, "nvidia1"]),
        "cuda_visible_devices": UUID[1], "proc_gpus": [BUS[1]], "sys_pci": [BUS[1]],
        "torch": {"available": True, "count": 1, "name": "Tesla V100-PCIE-32GB",
                  "uuid": UUID[1][4:], "sum": 256.0 ** 3},
        "nvidia_smi": {"code": 0, "out": f"0, {UUID[1]}, 00000000:86:00.0, Tesla V100",
                       "err": ""},
    }
    seen.update(changes)
    return seen


def test_a_worker_that_sees_its_gpu_only_passes():
    assert _tool().judge_case(_seen(), GPU1, CONTROLS) == []


def test_every_way_of_seeing_another_gpu_fails():
    judge = _tool().judge_case
    both = sorted([*CONTROLS, "nvidia0", "nvidia1"])
    assert any("/dev shows" in p for p in judge(_seen(dev=both), GPU1, CONTROLS))
    assert any("CUDA_VISIBLE_DEVICES" in p
               for p in judge(_seen(cuda_visible_devices="1"), GPU1, CONTROLS))
    assert any("/proc/driver/nvidia/gpus" in p
               for p in judge(_seen(proc_gpus=list(BUS)), GPU1, CONTROLS))
    assert any("/sys/bus/pci/devices" in p
               for p in judge(_seen(sys_pci=list(BUS)), GPU1, CONTROLS))
    torch2 = {"available": True, "count": 2, "uuid": UUID[0][4:], "sum": 256.0 ** 3}
    found = judge(_seen(torch=torch2), GPU1, CONTROLS)
    assert any("sees 2 device(s)" in p for p in found)
    assert any("torch's device 0 is" in p for p in found)
    smi2 = {"code": 0, "out": f"0, {UUID[0]}\n1, {UUID[1]}", "err": ""}
    assert any("lists 2 GPUs" in p for p in judge(_seen(nvidia_smi=smi2), GPU1, CONTROLS))
    bad = judge(_seen(torch=None, nvidia_smi=None), GPU1, CONTROLS)
    assert any("neither PyTorch nor nvidia-smi" in p for p in bad)


def test_without_gpu_it_cannot_check(tmp_path: Path, capsys):
    (tmp_path / "dev").mkdir()
    assert _tool().main(["--host-root", str(tmp_path)]) == 2
    assert "CANNOT CHECK: no NVIDIA GPU" in capsys.readouterr().out


def test_a_gpu_the_host_lacks_cannot_be_checked(tmp_path: Path, capsys):
    root = fake_host(tmp_path / "host", proc=False)
    assert _tool().main(["--host-root", str(root), "--gpus", "5"]) == 2
    assert "no GPU 5" in capsys.readouterr().out


@needs_bwrap
def test_the_check_on_a_fake_two_gpu_host(tmp_path: Path, capsys):
    """Every worker sees its own node; what fails is only what needs a real GPU."""
    root = fake_host(tmp_path / "host", proc=False)
    code = _tool().main(["--host-root", str(root)])
    out = capsys.readouterr().out
    assert gpumod.HOST_ROOT == "/"  # the check leaves the module as it found it
    assert "workers: w0 -> GPU 0; w1 -> GPU 1" in out
    cases = re.findall(r"^  (g\d+) (w\d) GPU (\d): dev (\[.*?\])", out, flags=re.M)
    assert len(cases) == 6 and {w for _, w, _, _ in cases} == {"w0", "w1"}
    for _, worker, gpu, dev in cases:
        assert worker[1:] == gpu
        assert dev == str(sorted([*CONTROLS, f"nvidia{gpu}"]))
    problems = [line for line in out.splitlines() if line.startswith("  - ")]
    # no real GPU here: torch (if installed) sees none; nothing else may fail
    assert all("torch" in p or "nvidia-smi" in p for p in problems), problems
    assert code == (1 if problems else 0)
