"""GPU assignment (issue "Real submissions"): each worker gets its own GPU, and sees no other.

There is no GPU here: the host's ``/dev``, ``/proc/driver/nvidia`` and ``/sys`` are a
folder of files (``fake_host``), which :mod:`medeval.runner.gpus` reads through its
``root``. Device nodes are real character devices (a copy of ``/dev/null``) where this
user may ``mknod`` (root), so that the sandboxed run below binds devices as on a GPU host.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import gpus as gpumod
from medeval.runner import run_algorithm
from medeval.runner.algorithm import resolve_algorithm
from medeval.runner.gpus import (
    Gpu,
    assign_gpus,
    discover_gpus,
    gpu_binds,
    gpu_env,
    parse_gpus,
    parse_nvidia_smi,
    select_gpus,
)
from medeval.runner.limits import Limits
from medeval.runner.sandbox import sandbox_argv
from medeval.runner.worker import Worker, WorkerPlan

from .conftest import needs_bwrap, write_algorithm, write_set

BUS = ("0000:3b:00.0", "0000:86:00.0")
UUID = ("GPU-11111111-aaaa-bbbb-cccc-000000000000", "GPU-22222222-aaaa-bbbb-cccc-000000000000")
NODES = ("nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset")


def _node(path: Path) -> None:
    """A character device like /dev/null where we may make one, else an ordinary file."""
    try:
        null = os.stat("/dev/null")
        os.mknod(path, 0o666 | stat.S_IFCHR, null.st_rdev)
        os.chmod(path, 0o666)
    except (PermissionError, OSError):
        path.write_text("")


def fake_host(root: Path, *, minors: tuple[int, ...] = (0, 1), proc: bool = True) -> Path:
    """``root/dev/nvidia*``, ``root/proc/driver/nvidia`` and ``root/sys`` of a 2-GPU host.

    GPU of bus ``BUS[i]`` has minor ``minors[i]`` (minor and index may differ).
    """
    (root / "dev").mkdir(parents=True)
    for name in NODES:
        _node(root / "dev" / name)
    (root / "dev" / "nvidia-caps").mkdir()
    if proc:
        nvidia = root / "proc/driver/nvidia"
        (nvidia / "gpus").mkdir(parents=True)
        (nvidia / "version").write_text("NVRM version: NVIDIA UNIX x86_64 Kernel Module "
                                        "535.104.05\n")
        (nvidia / "params").write_text("ModifyDeviceFiles: 1\n")
        (nvidia / "registry").write_text("")
        for bus, uuid, minor in zip(BUS, UUID, minors, strict=True):
            (nvidia / "gpus" / bus).mkdir()
            (nvidia / "gpus" / bus / "information").write_text(
                f"Model: \t\t Tesla V100-PCIE-32GB\nIRQ:   \t\t 88\nGPU UUID: \t {uuid}\n"
                f"Video BIOS: \t 88.00.4f.00.09\nBus Type: \t PCIe\nDMA Size: \t 47 bits\n"
                f"Bus Location: \t {bus}\nDevice Minor: \t {minor}\n")
    (root / "sys/module/nvidia").mkdir(parents=True)
    (root / "sys/module/nvidia/version").write_text("535.104.05\n")
    (root / "sys/bus/pci/devices").mkdir(parents=True)
    for bus in BUS:
        device = root / "sys/devices/pci0000:00" / bus
        device.mkdir(parents=True)
        (device / "numa_node").write_text("0\n")
        (root / "sys/bus/pci/devices" / bus).symlink_to(f"../../../devices/pci0000:00/{bus}")
    return root


STUB = "class A:\n    def predict(self, case):\n        return 0.0\n"
SMI = ("0, GPU-11111111-aaaa-bbbb-cccc-000000000000, 00000000:3B:00.0, Tesla V100-PCIE-32GB, "
       "535.104.05, 32768 MiB\n"
       "1, GPU-22222222-aaaa-bbbb-cccc-000000000000, 00000000:86:00.0, Tesla V100-PCIE-32GB, "
       "535.104.05, 32768 MiB\n")


# -- discovery ---------------------------------------------------------------------------
def test_discovery_reads_nodes_proc_and_nvidia_smi(tmp_path: Path):
    root = fake_host(tmp_path / "host")
    found = discover_gpus(root, smi=parse_nvidia_smi(SMI))
    assert [(g.index, g.minor, g.bus_id, g.uuid) for g in found] == [
        (0, 0, BUS[0], UUID[0]), (1, 1, BUS[1], UUID[1])]
    assert found[1].record() == {"index": 1, "minor": 1, "bus_id": BUS[1], "uuid": UUID[1],
                                 "name": "Tesla V100-PCIE-32GB", "driver": "535.104.05",
                                 "memory": "32768 MiB"}


def test_discovery_without_nvidia_smi_uses_proc_and_sys(tmp_path: Path):
    found = discover_gpus(fake_host(tmp_path / "host"), smi=[])
    assert [(g.index, g.minor, g.name, g.driver, g.memory) for g in found] == [
        (0, 0, "Tesla V100-PCIE-32GB", "535.104.05", None),
        (1, 1, "Tesla V100-PCIE-32GB", "535.104.05", None)]


def test_index_follows_bus_order_not_the_minor(tmp_path: Path):
    # the GPU on the lower bus has minor 1: nvidia-smi calls it 0, its node is nvidia1
    root = fake_host(tmp_path / "host", minors=(1, 0))
    for smi in (parse_nvidia_smi(SMI), []):
        found = discover_gpus(root, smi=smi)
        assert [(g.index, g.minor, g.bus_id) for g in found] == [(0, 1, BUS[0]),
                                                                 (1, 0, BUS[1])]
    binds = gpu_binds(select_gpus("0", found), root)
    assert ["--dev-bind", str(root / "dev/nvidia1"), "/dev/nvidia1"] == binds[9:12]
    assert "/dev/nvidia0" not in binds


def _fake_nvidia_smi(folder: Path, body: str) -> Path:
    folder.mkdir()
    program = folder / "nvidia-smi"
    program.write_text(f"#!/bin/sh\n{body}\n")
    program.chmod(0o755)
    return program


def test_nvidia_smi_is_asked_and_recorded_in_the_environment(tmp_path: Path, monkeypatch):
    from medeval.runner.environment import capture_environment

    (tmp_path / "smi.txt").write_text(SMI)
    folder = tmp_path / "bin"
    _fake_nvidia_smi(folder, f'echo "$@" > {tmp_path}/args; cat {tmp_path}/smi.txt')
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    assert gpumod.query_nvidia_smi() == parse_nvidia_smi(SMI)
    assert "--query-gpu=index,uuid,pci.bus_id,name,driver_version,memory.total" in (
        tmp_path / "args").read_text()
    gpus = capture_environment(packages=False)["gpus"]
    assert gpus == [{"index": "0", "uuid": UUID[0], "bus_id": BUS[0],
                     "name": "Tesla V100-PCIE-32GB", "driver": "535.104.05",
                     "memory": "32768 MiB"},
                    {"index": "1", "uuid": UUID[1], "bus_id": BUS[1],
                     "name": "Tesla V100-PCIE-32GB", "driver": "535.104.05",
                     "memory": "32768 MiB"}]


def test_a_failing_nvidia_smi_reports_no_gpu(tmp_path: Path):
    program = _fake_nvidia_smi(tmp_path / "bin", "echo 'NVIDIA-SMI has failed because it "
                               "couldn'\\''t communicate with the NVIDIA driver'; exit 9")
    assert gpumod.query_nvidia_smi(str(program)) == []
    assert parse_nvidia_smi("No devices were found\n") == []


def test_no_gpu_no_device(tmp_path: Path):
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "null").write_text("")
    assert discover_gpus(tmp_path, smi=[]) == ()
    assert discover_gpus(tmp_path / "missing", smi=[]) == ()
    assert select_gpus("all", ()) == ()
    assert gpu_binds((), tmp_path) == []


# -- what is asked -----------------------------------------------------------------------
def test_parse_gpus():
    assert parse_gpus("all") == "all" and parse_gpus(" None ") == "none"
    assert parse_gpus("0,1") == (0, 1) and parse_gpus("1") == (1,)
    assert parse_gpus([1, 0]) == (1, 0)
    for bad in ("", "0,,1", "gpu0", "-1", "0,0", [True]):
        with pytest.raises(RunnerError, match="gpus"):
            parse_gpus(bad)  # type: ignore[arg-type]


def test_a_gpu_the_host_lacks_is_refused_by_name(tmp_path: Path):
    found = discover_gpus(fake_host(tmp_path / "host"), smi=parse_nvidia_smi(SMI))
    with pytest.raises(RunnerError, match=r"no GPU 3 .*its GPUs: 0 \(Tesla V100-PCIE-32GB, "
                       r"/dev/nvidia0\), 1 "):
        select_gpus("3", found)
    with pytest.raises(RunnerError, match="no GPU 2, 3 .*its GPUs: none") as info:
        select_gpus((2, 3), ())
    # medeval run takes its GPUs from the protocol, and has no --gpus option
    assert str(info.value).endswith('--gpus all or none (in a protocol: gpus = "all" or '
                                    '"none" under [runner])')
    assert [g.index for g in select_gpus("1,0", found)] == [1, 0]
    assert select_gpus("none", found) == ()
    assert select_gpus("all", found) == found


def test_assignment_one_per_worker_round_robin():
    a, b = Gpu(0, 0), Gpu(1, 1)
    assert assign_gpus([a, b], 2) == [(a,), (b,)]
    assert assign_gpus([a, b], 1) == [(a,)]
    assert assign_gpus([a], 3) == [(a,), (a,), (a,)]
    assert assign_gpus([], 2) == [(), ()]


# -- what a worker's sandbox gets ----------------------------------------------------------
def test_binds_of_one_gpu_exactly(tmp_path: Path):
    root = fake_host(tmp_path / "host")
    found = discover_gpus(root, smi=parse_nvidia_smi(SMI))
    r = str(root)
    assert gpu_binds([found[1]], root) == [
        "--dev-bind", f"{r}/dev/nvidiactl", "/dev/nvidiactl",
        "--dev-bind", f"{r}/dev/nvidia-uvm", "/dev/nvidia-uvm",
        "--dev-bind", f"{r}/dev/nvidia-uvm-tools", "/dev/nvidia-uvm-tools",
        "--dev-bind", f"{r}/dev/nvidia1", "/dev/nvidia1",
        "--tmpfs", "/proc/driver/nvidia",
        "--ro-bind", f"{r}/proc/driver/nvidia/version", "/proc/driver/nvidia/version",
        "--ro-bind", f"{r}/proc/driver/nvidia/params", "/proc/driver/nvidia/params",
        "--ro-bind", f"{r}/proc/driver/nvidia/gpus/{BUS[1]}",
        f"/proc/driver/nvidia/gpus/{BUS[1]}",
        "--ro-bind", f"{r}/sys/module/nvidia", "/sys/module/nvidia",
        "--ro-bind", f"{r}/sys/devices/pci0000:00/{BUS[1]}", f"/sys/bus/pci/devices/{BUS[1]}",
    ]


def test_binds_without_proc_information_or_control_devices(tmp_path: Path):
    root = fake_host(tmp_path / "host", proc=False)
    for name in ("nvidia-uvm", "nvidia-uvm-tools"):
        (root / "dev" / name).unlink()
    found = discover_gpus(root, smi=[])
    assert [(g.index, g.minor, g.bus_id) for g in found] == [(0, 0, None), (1, 1, None)]
    assert gpu_binds([found[0]], root) == [
        "--dev-bind", f"{root}/dev/nvidiactl", "/dev/nvidiactl",
        "--dev-bind", f"{root}/dev/nvidia0", "/dev/nvidia0",
        "--ro-bind", f"{root}/sys/module/nvidia", "/sys/module/nvidia"]


def test_params_copy_stops_cuda_making_device_nodes(tmp_path: Path):
    root = fake_host(tmp_path / "host")
    (root / "proc/driver/nvidia/params").write_text(
        "ResmanDebugLevel: 4294967295\nModifyDeviceFiles: 1\nDeviceFileUID: 0\n")
    copy = gpumod.write_params(tmp_path / "params", root)
    assert copy == str(tmp_path / "params")
    assert (tmp_path / "params").read_text() == (
        "ModifyDeviceFiles: 0\nResmanDebugLevel: 4294967295\nDeviceFileUID: 0\n")
    assert gpumod.write_params(tmp_path / "none", tmp_path / "nowhere") is None
    found = discover_gpus(root, smi=[])
    binds = gpu_binds(found[:1], root, params=copy)
    at = binds.index("/proc/driver/nvidia/params")
    assert binds[at - 2:at + 1] == ["--ro-bind", copy, "/proc/driver/nvidia/params"]


def test_environment_of_a_worker():
    with_uuid = Gpu(1, 1, uuid=UUID[1])
    assert gpu_env([with_uuid], sandboxed=True) == {"CUDA_VISIBLE_DEVICES": UUID[1],
                                                    "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}
    assert gpu_env([with_uuid], sandboxed=False)["CUDA_VISIBLE_DEVICES"] == UUID[1]
    assert gpu_env([Gpu(1, 1)], sandboxed=True)["CUDA_VISIBLE_DEVICES"] == "0"
    assert gpu_env([Gpu(1, 1)], sandboxed=False)["CUDA_VISIBLE_DEVICES"] == "1"
    assert gpu_env([], sandboxed=True) == {"CUDA_VISIBLE_DEVICES": ""}


def test_sandbox_binds_no_device_unless_given(tmp_path: Path):
    argv = sandbox_argv(["/bin/true"], input_dir=None, binds=())
    assert not [a for a in argv if "nvidia" in a]
    extra = ["--dev-bind", "/x/nvidia1", "/dev/nvidia1"]
    argv = sandbox_argv(["/bin/true"], input_dir=None, binds=(), devices=extra)
    at = argv.index("--dev-bind")
    assert argv[at:at + 3] == extra
    assert argv.index("--proc") < at and argv.index("--dev") < at  # after /proc and /dev


def _argv_of(worker: Worker, monkeypatch) -> tuple[list[str], dict[str, str]]:
    """The command line and environment a worker starts its sandbox with."""
    import medeval.runner.worker as workermod

    seen: dict[str, object] = {}

    class Stop(Exception):
        pass

    real = workermod.subprocess.Popen

    def popen(argv, *args, **kwargs):
        if "medeval.runner._child" not in " ".join(argv):  # python_binds() asks Python
            return real(argv, *args, **kwargs)
        seen.update(argv=argv, env=kwargs["env"])
        raise Stop

    monkeypatch.setattr(workermod.subprocess, "Popen", popen)
    with pytest.raises(Stop):
        worker.start()
    return seen["argv"], seen["env"]  # type: ignore[return-value]


def _mounts(argv: list[str]) -> list[tuple[str, str, str]]:
    """The (option, source, destination) of every GPU mount of a bubblewrap command line."""
    found = []
    for at, arg in enumerate(argv):
        if arg in ("--dev-bind", "--ro-bind") and ("nvidia" in argv[at + 2]
                                                   or argv[at + 2].startswith("/sys")):
            found.append((arg, argv[at + 1], argv[at + 2]))
        elif arg == "--tmpfs" and "nvidia" in argv[at + 1]:
            found.append((arg, "", argv[at + 1]))
    return found


def test_each_worker_gets_its_gpu_only(tmp_path: Path, monkeypatch):
    """--gpus 0,1 --workers 2: worker 0 binds GPU 0, worker 1 GPU 1; nothing else."""
    root = fake_host(tmp_path / "host")
    monkeypatch.setattr(gpumod, "HOST_ROOT", str(root))
    found = discover_gpus(smi=parse_nvidia_smi(SMI))
    spec = resolve_algorithm(f"{write_algorithm(tmp_path, STUB)}:A")
    plan = WorkerPlan(spec, "bubblewrap", Limits(), str(tmp_path / "pred"))
    r = str(root)
    for number, assigned in enumerate(assign_gpus(select_gpus("0,1", found), 2)):
        worker = Worker(plan, tmp_path / f"w{number}", f"w{number}", assigned)
        argv, _ = _argv_of(worker, monkeypatch)
        env = {argv[i + 1]: argv[i + 2] for i, a in enumerate(argv) if a == "--setenv"}
        bus = BUS[number]
        assert _mounts(argv) == [
            ("--dev-bind", f"{r}/dev/nvidiactl", "/dev/nvidiactl"),
            ("--dev-bind", f"{r}/dev/nvidia-uvm", "/dev/nvidia-uvm"),
            ("--dev-bind", f"{r}/dev/nvidia-uvm-tools", "/dev/nvidia-uvm-tools"),
            ("--dev-bind", f"{r}/dev/nvidia{number}", f"/dev/nvidia{number}"),
            ("--tmpfs", "", "/proc/driver/nvidia"),
            ("--ro-bind", f"{r}/proc/driver/nvidia/version", "/proc/driver/nvidia/version"),
            ("--ro-bind", f"{tmp_path}/w{number}/nvidia-params", "/proc/driver/nvidia/params"),
            ("--ro-bind", f"{r}/proc/driver/nvidia/gpus/{bus}",
             f"/proc/driver/nvidia/gpus/{bus}"),
            ("--ro-bind", f"{r}/sys/module/nvidia", "/sys/module/nvidia"),
            ("--ro-bind", f"{r}/sys/devices/pci0000:00/{bus}", f"/sys/bus/pci/devices/{bus}"),
        ]
        assert env["CUDA_VISIBLE_DEVICES"] == UUID[number]
        params = (tmp_path / f"w{number}" / "nvidia-params").read_text()
        assert params.splitlines()[0] == "ModifyDeviceFiles: 0"
        worker.close()
    # a Dask worker names its devices by index or UUID, resolved on its own host
    named = Worker(plan, tmp_path / "d0", "d0", [UUID[1]])
    assert [g.index for g in named.gpus] == [1]
    named.close()
    with pytest.raises(RunnerError, match="'7' is not a GPU of this host"):
        Worker(plan, tmp_path / "d1", "d1", ["7"])
    # no GPU: no device, and CUDA sees none
    bare = Worker(plan, tmp_path / "w9", "w9")
    argv, _ = _argv_of(bare, monkeypatch)
    assert _mounts(argv) == [] and not [a for a in argv if "nvidia" in a]
    assert argv[argv.index("CUDA_VISIBLE_DEVICES") + 1] == ""
    bare.close()


def test_unsandboxed_worker_gets_cuda_visible_devices(tmp_path: Path, monkeypatch):
    spec = resolve_algorithm(f"{write_algorithm(tmp_path, STUB)}:A")
    plan = WorkerPlan(spec, "none", Limits(), str(tmp_path / "pred"))
    worker = Worker(plan, tmp_path / "w1", "w1", [Gpu(1, 1)])
    _, env = _argv_of(worker, monkeypatch)
    assert env["CUDA_VISIBLE_DEVICES"] == "1" and env["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"
    worker.close()


# -- a run, from Python and from the command line ---------------------------------------
def test_predict_refuses_a_gpu_the_host_lacks(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(gpumod, "HOST_ROOT", str(fake_host(tmp_path / "host")))
    manifest = write_set(tmp_path, ["c1"])
    code = main(["predict", "--command", "/bin/true", "--manifest", str(manifest), "--out",
                 str(tmp_path / "run"), "--gpus", "3", "--isolation", "none", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "no GPU 3" in err and "its GPUs: 0 " in err
    assert not (tmp_path / "run" / "run.jsonl").exists()


def test_predict_rejects_a_malformed_gpus_option(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1"])
    with pytest.raises(SystemExit) as stop:
        main(["predict", "--command", "/bin/true", "--manifest", str(manifest), "--out",
              str(tmp_path / "run"), "--gpus", "first"])
    assert stop.value.code == 2 and "--gpus" in capsys.readouterr().err


SEES = """
import os, time

class Sees:
    def predict(self, case):
        time.sleep(0.4)
        seen = {
            "dev": sorted(n for n in os.listdir("/dev") if n.startswith("nvidia")),
            "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"),
            "proc": sorted(os.listdir("/proc/driver/nvidia/gpus"))
                    if os.path.isdir("/proc/driver/nvidia/gpus") else None,
            "pci": sorted(os.listdir("/sys/bus/pci/devices"))
                   if os.path.isdir("/sys/bus/pci/devices") else None,
            "module": os.path.isfile("/sys/module/nvidia/version"),
            "chardev": [n for n in os.listdir("/dev") if n.startswith("nvidia")
                        and os.path.exists("/dev/" + n)
                        and __import__("stat").S_ISCHR(os.stat("/dev/" + n).st_mode)],
        }
        seen["mknod"] = []
        for where in ("/dev/nvidia9", "/tmp/nvidia9"):  # a node for another GPU?
            try:
                os.mknod(where, 0o666 | __import__("stat").S_IFCHR, os.makedev(195, 0))
                seen["mknod"].append("made")
            except OSError as exc:
                seen["mknod"].append(type(exc).__name__)
        return {"score": 0.0, "seen": seen}
"""


@needs_bwrap
def test_sandboxed_workers_see_their_own_gpu(tmp_path: Path, monkeypatch):
    """A real sandboxed run, --gpus 0,1 --workers 2, on a fake host's device nodes.

    The host's /proc has no /proc/driver/nvidia here (bubblewrap cannot make a folder in
    the kernel's procfs), so the fake host has none: the /proc masking is checked in the
    command line above and on the GPU host with tools/check_gpu_host.py.
    """
    root = fake_host(tmp_path / "host", proc=False)
    monkeypatch.setattr(gpumod, "HOST_ROOT", str(root))
    manifest = write_set(tmp_path, [f"c{i}" for i in range(6)])
    plugin = write_algorithm(tmp_path, SEES)
    summary = run_algorithm(manifest, f"{plugin}:Sees", tmp_path / "run", workers=2,
                            gpus="0,1", isolation="bubblewrap", progress=False,
                            timeout_s=30, memory_mb=None)
    assert summary.done == 6, summary.failures
    record = summary.data["gpus"]
    assert record["requested"] == [0, 1] and record["shared"] is False
    assert record["workers"] == {"w0": [0], "w1": [1]}
    assert [(d["index"], d["minor"]) for d in record["devices"]] == [(0, 0), (1, 1)]
    events = [json.loads(line) for line in (tmp_path / "run" / "run.jsonl").open()]
    assert events[0]["gpus"] == record
    workers = {e["case_id"]: e["worker"] for e in events if e.get("event") == "end"}
    assert set(workers.values()) == {"w0", "w1"}, workers  # both workers ran cases
    character = os.stat(root / "dev" / "nvidia0").st_mode
    for case_id, worker in workers.items():
        seen = json.loads((tmp_path / "run" / "predictions" / f"{case_id}.json").read_text())
        seen = seen["seen"]
        number = int(worker[1:])
        assert seen["dev"] == sorted(["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools",
                                      f"nvidia{number}"]), (case_id, worker, seen)
        assert seen["cuda"] == "0"  # no UUID known on this host: the index inside
        assert seen["proc"] is None and seen["pci"] is None and seen["module"] is True
        # refused in /dev, which is read-only (EROFS, an OSError), and in /tmp, which is
        # writable, for want of the capability (EPERM, PermissionError)
        assert seen["mknod"] == ["OSError", "PermissionError"]
        if stat.S_ISCHR(character):
            assert sorted(seen["chardev"]) == seen["dev"]


@needs_bwrap
def test_sandboxed_worker_without_gpu_sees_none(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(gpumod, "HOST_ROOT", str(fake_host(tmp_path / "host", proc=False)))
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, SEES)
    summary = run_algorithm(manifest, f"{plugin}:Sees", tmp_path / "run", gpus="none",
                            isolation="bubblewrap", progress=False, timeout_s=30,
                            memory_mb=None)
    seen = json.loads((tmp_path / "run" / "predictions" / "c1.json").read_text())["seen"]
    assert seen["dev"] == [] and seen["cuda"] == "" and seen["module"] is False
    assert summary.data["gpus"] == {"requested": "none", "devices": [],
                                    "workers": {"w0": []}, "shared": False}


@needs_bwrap
def test_more_workers_than_gpus_share(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(gpumod, "HOST_ROOT", str(fake_host(tmp_path / "host", proc=False)))
    manifest = write_set(tmp_path, ["c1", "c2", "c3"])
    plugin = write_algorithm(tmp_path, SEES)
    summary = run_algorithm(manifest, f"{plugin}:Sees", tmp_path / "run", workers=3,
                            gpus=[1], isolation="bubblewrap", progress=False, timeout_s=30,
                            memory_mb=None)
    assert summary.data["gpus"]["workers"] == {"w0": [1], "w1": [1], "w2": [1]}
    assert summary.data["gpus"]["shared"] is True
    for case_id in ("c1", "c2", "c3"):
        seen = json.loads((tmp_path / "run" / "predictions" / f"{case_id}.json").read_text())
        assert "nvidia1" in seen["seen"]["dev"] and "nvidia0" not in seen["seen"]["dev"]


@needs_bwrap
def test_predict_prints_each_workers_gpu(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(gpumod, "HOST_ROOT", str(fake_host(tmp_path / "host", proc=False)))
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, SEES)
    code = main(["predict", "--algorithm", f"{plugin}:Sees", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--gpus", "1,0", "--workers", "2",
                 "--memory-mb", "none", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0 and "done 2" in out
    assert "  w0: GPU 1\n  w1: GPU 0\n" in out
