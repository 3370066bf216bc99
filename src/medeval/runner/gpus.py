"""NVIDIA GPUs of the host, and which of them each sandboxed worker is given.

A worker sees only the GPUs assigned to it. Its bubblewrap sandbox gets, read-write (as
devices, ``--dev-bind``):

- ``/dev/nvidiaN`` for each of its GPUs (``N`` the device's minor number);
- the driver's control devices that CUDA needs: ``/dev/nvidiactl`` (every call into the
  driver), ``/dev/nvidia-uvm`` (CUDA's unified memory: the CUDA runtime does not start
  without it) and ``/dev/nvidia-uvm-tools`` (profiling and error reporting through CUPTI),
  where present. These are the nodes NVIDIA's container toolkit injects for the
  ``compute`` capability; ``/dev/nvidia-modeset`` belongs to the display (``graphics``
  and ``display`` capabilities) and is not bound, nor ``/dev/nvidia-caps`` (MIG).

and read-only:

- ``/proc/driver/nvidia``, masked as the container toolkit masks it: an empty in-memory
  folder with only ``version``, ``params`` and ``gpus/<bus id>`` of the worker's own GPUs
  (the sandbox's ``/proc`` is the kernel's, whose ``/proc/driver/nvidia/gpus`` lists
  every GPU of the host; NVML reads it). ``params`` is a copy that says
  ``ModifyDeviceFiles: 0`` (:func:`write_params`), as the toolkit's does: CUDA then does
  not try (through ``nvidia-modprobe``) to create the nodes of the GPUs it finds missing;
  it could not anyway (no capability, and a file system mounted in the sandbox's user
  namespace does not honour device nodes), so the sandbox cannot reach another GPU;
- ``/sys/module/nvidia`` (the driver's version and parameters) and, for each of its GPUs,
  the PCI device's folder at ``/sys/bus/pci/devices/<bus id>`` (NUMA node, link width
  and speed that CUDA and NVML read). Nothing else of ``/sys`` is shown.

CUDA enumerates the GPUs whose ``/dev/nvidiaN`` it can open, so inside the sandbox the
worker's GPU is device 0 whatever its number on the host. ``CUDA_VISIBLE_DEVICES`` is
set to the GPU's UUID (``GPU-...``), which names the same device inside the sandbox,
outside it (an unsandboxed pre-check, where every device node is visible) and in any
order of enumeration; without a known UUID it is the index as seen inside (``0``) in the
sandbox and the host's index outside (with ``CUDA_DEVICE_ORDER=PCI_BUS_ID``, the order of
``nvidia-smi``). A worker without a GPU gets ``CUDA_VISIBLE_DEVICES`` empty: CUDA sees
no device even where the nodes are visible.

GPUs are numbered as ``nvidia-smi`` numbers them (PCI bus order); the device minor
number is read from ``/proc/driver/nvidia/gpus/<bus id>/information``, as it may differ
from that index. Every path is taken below a ``root`` (``/`` on the host), so that the
discovery and the sandbox's binds can be tested on a folder of ordinary files.

More workers than GPUs share them: worker ``i`` gets GPU ``i mod n``. Sharing workers
compete for the GPU's memory, which medeval does not limit; the run records which worker
had which GPU and whether GPUs were shared.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import RunnerError

__all__ = [
    "CONTROL_DEVICES",
    "no_gpu_hint",
    "Gpu",
    "GpuRequest",
    "assign_gpus",
    "discover_gpus",
    "gpu_binds",
    "gpu_env",
    "gpu_record",
    "parse_gpus",
    "parse_nvidia_smi",
    "query_nvidia_smi",
    "resolve_gpus",
    "select_gpus",
    "write_params",
]

#: Where the host's /dev, /proc and /sys are found (tests point it at a folder of files).
HOST_ROOT = "/"
#: The driver's control devices a CUDA program needs, bound where present.
CONTROL_DEVICES = ("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools")
_NODE = re.compile(r"^nvidia(\d+)$")
_PROC = "proc/driver/nvidia"
#: What ``gpus=`` accepts: ``"all"``, ``"none"``, or GPU indices.
GpuRequest = Literal["all", "none"] | Sequence[int] | str


@dataclass(frozen=True)
class Gpu:
    """One NVIDIA GPU of the host.

    Attributes
    ----------
    index : int
        Its number as ``nvidia-smi`` gives it (PCI bus order), which ``--gpus`` uses.
    minor : int
        The minor number of its device node ``/dev/nvidia<minor>``.
    bus_id, uuid, name, driver, memory : str or None
        PCI bus id (``0000:3b:00.0``), ``GPU-...`` UUID, model, driver version, total
        memory (``32768 MiB``), where the host reports them.
    """

    index: int
    minor: int
    bus_id: str | None = None
    uuid: str | None = None
    name: str | None = None
    driver: str | None = None
    memory: str | None = None

    def record(self) -> dict[str, Any]:
        """The GPU as recorded in the run log and summary."""
        return asdict(self)


def _bus(text: str) -> str | None:
    """A PCI bus id in the form of ``/proc`` and ``/sys``: ``0000:3b:00.0``."""
    match = re.match(r"^\s*([0-9A-Fa-f]+):([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2})\.(\d)\s*$", text)
    if match is None:
        return None
    domain, bus, device, function = match.groups()
    return f"{int(domain, 16):04x}:{bus.lower()}:{device.lower()}.{function}"


def _proc_information(root: Path) -> dict[int, dict[str, str]]:
    """Minor number -> bus id, UUID, model from ``/proc/driver/nvidia/gpus/*/information``."""
    found: dict[int, dict[str, str]] = {}
    folder = root / _PROC / "gpus"
    if not folder.is_dir():
        return found
    for entry in sorted(folder.iterdir()):
        try:
            text = (entry / "information").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        fields = {}
        for line in text.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        try:
            minor = int(fields["Device Minor"])
        except (KeyError, ValueError):
            continue
        found[minor] = {"bus_id": _bus(fields.get("Bus Location", "")) or _bus(entry.name)
                        or entry.name, "uuid": fields.get("GPU UUID", ""),
                        "name": fields.get("Model", "")}
    return found


def query_nvidia_smi(program: str | None = None) -> list[dict[str, str]]:
    """``nvidia-smi``'s index, UUID, bus id, name, driver and memory of each GPU.

    Empty when ``nvidia-smi`` is not installed or fails (no driver loaded).
    """
    program = program or shutil.which("nvidia-smi")
    if program is None:
        return []
    try:
        done = subprocess.run(
            [program, "--query-gpu=index,uuid,pci.bus_id,name,driver_version,memory.total",
             "--format=csv,noheader"], capture_output=True, text=True, timeout=20,
            check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return parse_nvidia_smi(done.stdout) if done.returncode == 0 else []


def parse_nvidia_smi(text: str) -> list[dict[str, str]]:
    """Parse ``nvidia-smi --query-gpu=index,uuid,pci.bus_id,name,driver_version,
    memory.total --format=csv,noheader``.

    Examples
    --------
    >>> parse_nvidia_smi("1, GPU-ab, 00000000:3B:00.0, Tesla V100-PCIE-32GB, 535.104.05,"
    ...                  " 32768 MiB\\n")[0]["bus_id"]
    '0000:3b:00.0'
    """
    rows = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 6 or not parts[0].isdigit():
            continue
        rows.append({"index": parts[0], "uuid": parts[1], "bus_id": _bus(parts[2]) or parts[2],
                     "name": parts[3], "driver": parts[4], "memory": parts[5]})
    return rows


def discover_gpus(root: str | os.PathLike[str] | None = None,
                  smi: Sequence[Mapping[str, str]] | None = None) -> tuple[Gpu, ...]:
    """The GPUs below ``root`` that have a device node ``dev/nvidiaN``.

    Parameters
    ----------
    root : path, optional
        Where ``dev/``, ``proc/`` and ``sys/`` are found (default :data:`HOST_ROOT`).
    smi : rows of :func:`parse_nvidia_smi`, optional
        ``nvidia-smi``'s view; by default asked of ``nvidia-smi`` when ``root`` is ``/``.

    Returns
    -------
    tuple of Gpu
        By index. A GPU's index is ``nvidia-smi``'s (joined by bus id or UUID); without
        it, its rank in bus-id order (``nvidia-smi``'s order); without a bus id, its minor.
    """
    base = Path(HOST_ROOT if root is None else root)
    try:
        minors = sorted(int(m.group(1)) for m in map(_NODE.match, os.listdir(base / "dev"))
                        if m is not None)
    except OSError:
        return ()
    if not minors:
        return ()
    if smi is None:
        smi = query_nvidia_smi() if os.path.realpath(base) == "/" else []
    proc = _proc_information(base)
    by_bus = {row["bus_id"]: row for row in smi}
    by_uuid = {row["uuid"]: row for row in smi}
    ordered = sorted(proc[m]["bus_id"] for m in minors if m in proc)
    gpus = []
    for minor in minors:
        info = proc.get(minor, {})
        row = by_bus.get(info.get("bus_id", "")) or by_uuid.get(info.get("uuid", ""))
        if row is None and not proc and len(smi) == len(minors):
            row = smi[minors.index(minor)]  # no /proc information: minors in index order
        if row is not None:
            index = int(row["index"])
        elif info.get("bus_id"):
            index = ordered.index(info["bus_id"])
        else:
            index = minor
        merged = {**{k: v for k, v in info.items() if v}, **{k: v for k, v in (row or {}).items()
                                                               if v and k != "index"}}
        gpus.append(Gpu(index=index, minor=minor, bus_id=merged.get("bus_id"),
                        uuid=merged.get("uuid"), name=merged.get("name"),
                        driver=merged.get("driver") or _driver_version(base),
                        memory=merged.get("memory")))
    return tuple(sorted(gpus, key=lambda g: g.index))


def _driver_version(root: Path) -> str | None:
    try:
        return (root / "sys/module/nvidia/version").read_text().strip() or None
    except OSError:
        return None


def parse_gpus(text: str | GpuRequest) -> Literal["all", "none"] | tuple[int, ...]:
    """``"all"``, ``"none"`` or the GPU indices of ``--gpus`` / ``gpus=``.

    Examples
    --------
    >>> parse_gpus("0,1"), parse_gpus("none"), parse_gpus([2])
    ((0, 1), 'none', (2,))
    """
    if isinstance(text, str):
        word = text.strip().lower()
        if word in ("all", "none"):
            return word  # type: ignore[return-value]
        items: Iterable[object] = [t.strip() for t in word.split(",")]
    else:
        items = text
    indices: list[int] = []
    for item in items:
        if isinstance(item, bool) or not (isinstance(item, int) or
                                          (isinstance(item, str) and item.isdigit())):
            raise RunnerError(f"gpus: 'all', 'none' or GPU numbers such as '0,1' (as "
                              f"nvidia-smi numbers them), not {text!r}")
        value = int(item)
        if value in indices:
            raise RunnerError(f"gpus: GPU {value} is named twice in {text!r}")
        indices.append(value)
    if not indices:
        raise RunnerError(f"gpus: name at least one GPU, or 'none', not {text!r}")
    return tuple(indices)


def select_gpus(request: GpuRequest, found: Sequence[Gpu]) -> tuple[Gpu, ...]:
    """The GPUs a run uses, in the order asked.

    Raises
    ------
    RunnerError
        A GPU asked for that the host does not have, naming it and those it has.
    """
    wanted = parse_gpus(request)
    if wanted == "none":
        return ()
    if wanted == "all":
        return tuple(found)
    by_index = {gpu.index: gpu for gpu in found}
    missing = [i for i in wanted if i not in by_index]
    if missing:
        have = ", ".join(f"{g.index} ({g.name or 'unknown'}, /dev/nvidia{g.minor})"
                         for g in found) or "none"
        raise RunnerError(
            f"gpus: this host has no GPU {', '.join(map(str, missing))} (no /dev/nvidiaN "
            f"for it); its GPUs: {have}. Name GPUs as nvidia-smi numbers them, or use "
            "--gpus all or none (in a protocol: gpus = \"all\" or \"none\" under "
            "[runner])")
    return tuple(by_index[i] for i in wanted)


def resolve_gpus(names: Sequence[str], found: Sequence[Gpu]) -> tuple[Gpu, ...]:
    """The GPUs named by index (``"1"``) or UUID (``"GPU-..."``), as a worker is given them.

    Raises
    ------
    RunnerError
        A name that is no GPU of this host.
    """
    chosen = []
    for name in names:
        text = str(name).strip()
        match = [g for g in found if str(g.index) == text or (g.uuid and g.uuid == text)]
        if not match:
            have = ", ".join(f"{g.index}" + (f" ({g.uuid})" if g.uuid else "") for g in found)
            raise RunnerError(f"GPU {text!r} is not a GPU of this host (it has: "
                              f"{have or 'none'})")
        chosen.append(match[0])
    return tuple(chosen)


def assign_gpus(gpus: Sequence[Gpu], workers: int) -> list[tuple[Gpu, ...]]:
    """The GPUs of each of ``workers`` workers: one each, round robin (shared when fewer).

    Examples
    --------
    >>> a, b = Gpu(0, 0), Gpu(1, 1)
    >>> [tuple(g.index for g in w) for w in assign_gpus([a, b], 3)]
    [(0,), (1,), (0,)]
    >>> assign_gpus([], 2)
    [(), ()]
    """
    if not gpus:
        return [() for _ in range(workers)]
    return [(gpus[i % len(gpus)],) for i in range(workers)]


def write_params(target: str | os.PathLike[str],
                 root: str | os.PathLike[str] | None = None) -> str | None:
    """Copy the driver's ``params`` to ``target`` with ``ModifyDeviceFiles: 0``.

    Returns the copy's path, or None where the host has no ``/proc/driver/nvidia/params``.
    """
    source = Path(HOST_ROOT if root is None else root) / _PROC / "params"
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = [line for line in text.splitlines() if not line.startswith("ModifyDeviceFiles:")]
    Path(target).write_text("\n".join(["ModifyDeviceFiles: 0", *lines]) + "\n",
                            encoding="utf-8")
    return os.fspath(target)


def gpu_binds(gpus: Sequence[Gpu], root: str | os.PathLike[str] | None = None, *,
              params: str | os.PathLike[str] | None = None) -> list[str]:
    """The bubblewrap arguments that show a worker ``gpus`` and nothing of the others.

    To come after ``--proc /proc`` and ``--dev /dev``. Sources are below ``root``,
    destinations the paths inside the sandbox. Nothing for no GPU. ``params``: the copy
    of the driver's parameters (:func:`write_params`) shown instead of the host's.
    """
    if not gpus:
        return []
    base = Path(HOST_ROOT if root is None else root)
    args: list[str] = []
    for name in CONTROL_DEVICES:
        if os.path.exists(base / "dev" / name):
            args += ["--dev-bind", os.fspath(base / "dev" / name), f"/dev/{name}"]
    for gpu in gpus:
        args += ["--dev-bind", os.fspath(base / "dev" / f"nvidia{gpu.minor}"),
                 f"/dev/nvidia{gpu.minor}"]
    proc = base / _PROC
    if proc.is_dir():
        args += ["--tmpfs", f"/{_PROC}"]
        if (proc / "version").is_file():
            args += ["--ro-bind", os.fspath(proc / "version"), f"/{_PROC}/version"]
        if params is not None or (proc / "params").is_file():
            args += ["--ro-bind", os.fspath(params or proc / "params"), f"/{_PROC}/params"]
        for gpu in gpus:
            if gpu.bus_id and (proc / "gpus" / gpu.bus_id).is_dir():
                args += ["--ro-bind", os.fspath(proc / "gpus" / gpu.bus_id),
                         f"/{_PROC}/gpus/{gpu.bus_id}"]
    module = base / "sys/module/nvidia"
    if module.is_dir():
        args += ["--ro-bind", os.fspath(module), "/sys/module/nvidia"]
    for gpu in gpus:
        device = base / "sys/bus/pci/devices" / (gpu.bus_id or "")
        if gpu.bus_id and device.is_dir():
            args += ["--ro-bind", os.path.realpath(device), f"/sys/bus/pci/devices/{gpu.bus_id}"]
    return args


def gpu_env(gpus: Sequence[Gpu], *, sandboxed: bool) -> dict[str, str]:
    """``CUDA_VISIBLE_DEVICES`` (and ``CUDA_DEVICE_ORDER``) of a worker given ``gpus``.

    Examples
    --------
    >>> gpu_env([], sandboxed=True)
    {'CUDA_VISIBLE_DEVICES': ''}
    >>> gpu_env([Gpu(1, 1, uuid="GPU-1f")], sandboxed=True)["CUDA_VISIBLE_DEVICES"]
    'GPU-1f'
    >>> gpu_env([Gpu(1, 1)], sandboxed=True)["CUDA_VISIBLE_DEVICES"]
    '0'
    >>> gpu_env([Gpu(1, 1)], sandboxed=False)["CUDA_VISIBLE_DEVICES"]
    '1'
    """
    if not gpus:
        return {"CUDA_VISIBLE_DEVICES": ""}
    if all(g.uuid for g in gpus):
        visible = ",".join(str(g.uuid) for g in gpus)
    elif sandboxed:  # only these nodes exist inside: CUDA numbers them 0 .. n-1
        visible = ",".join(str(i) for i in range(len(gpus)))
    else:
        visible = ",".join(str(g.index) for g in gpus)
    return {"CUDA_VISIBLE_DEVICES": visible, "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}


def gpu_record(request: GpuRequest, selected: Sequence[Gpu],
               per_worker: Mapping[str, Sequence[Gpu]]) -> dict[str, Any]:
    """The run's record of its GPUs: what was asked, the devices, each worker's GPUs."""
    wanted = parse_gpus(request)
    counts: dict[int, int] = {}
    for assigned in per_worker.values():
        for gpu in assigned:
            counts[gpu.index] = counts.get(gpu.index, 0) + 1
    return {"requested": wanted if isinstance(wanted, str) else list(wanted),
            "devices": [gpu.record() for gpu in selected],
            "workers": {name: [g.index for g in assigned]
                        for name, assigned in per_worker.items()},
            "shared": any(n > 1 for n in counts.values())}


#: What an algorithm that wants a GPU says on finding none: torch's "Torch not compiled
#: with CUDA enabled", "No CUDA GPUs are available", "Found no NVIDIA driver on your
#: system", CUDA's "no CUDA-capable device is detected".
_WANTS_GPU = re.compile(r"\bCUDA\b|NVIDIA driver")


def no_gpu_hint(text: str) -> str:
    """Advice for a failure whose message asks for a GPU, in a run that gives none.

    Examples
    --------
    >>> no_gpu_hint("AssertionError: Torch not compiled with CUDA enabled")[:32]
    'it asks for a GPU (CUDA), and th'
    >>> no_gpu_hint("ValueError: bad shape")
    ''
    """
    if not _WANTS_GPU.search(text):
        return ""
    return ("it asks for a GPU (CUDA), and this run gives it none (this host has no NVIDIA "
            "GPU, or --gpus none): make it run on the CPU (torch.device('cpu'); "
            "onnxruntime's CPUExecutionProvider), or run it on a host with a GPU")
