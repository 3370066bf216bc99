"""The machine and software an algorithm ran on, recorded for the certificate.

:func:`capture_environment` reads only what the operating system reports (``platform``,
``/proc``, ``nvidia-smi`` where installed) and the installed distributions; it never
imports the algorithm.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from typing import Any

from .gpus import query_nvidia_smi

__all__ = ["capture_environment"]


def capture_environment(*, packages: bool = True) -> dict[str, Any]:
    """Python, OS, CPU, memory, GPU, installed packages and medeval's version.

    Parameters
    ----------
    packages : bool
        List every distribution installed in this Python environment (the one the
        algorithm runs in) as ``name==version``.

    Returns
    -------
    dict
        ``python``, ``os``, ``cpu``, ``memory_mb``, ``gpus``, ``medeval`` and, with
        ``packages=True``, ``packages``.

    Examples
    --------
    >>> env = capture_environment(packages=False)
    >>> sorted(env)
    ['cpu', 'gpus', 'medeval', 'memory_mb', 'os', 'python']
    """
    info: dict[str, Any] = {
        "python": {"version": platform.python_version(),
                   "implementation": platform.python_implementation(),
                   "executable": sys.executable},
        "os": {"system": platform.system(), "release": platform.release(),
               "platform": platform.platform(), "machine": platform.machine()},
        "cpu": {"model": _cpu_model(), "logical_cores": os.cpu_count()},
        "memory_mb": _memory_mb(),
        "gpus": _gpus(),
        "medeval": _version("medeval"),
    }
    if packages:
        names = {}
        for dist in importlib.metadata.distributions():
            name = dist.metadata["Name"]
            if name:
                names[str(name).lower()] = dist.version
        info["packages"] = [f"{n}=={v}" for n, v in sorted(names.items())]
    return info


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover - not Linux
        pass
    return platform.processor() or "unknown"


def _memory_mb() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return None


def _gpus() -> list[dict[str, str]]:
    """Every GPU ``nvidia-smi`` reports: its index, UUID, PCI bus id, name, driver and
    memory (the run's ``gpus`` record names which of them each worker was given)."""
    return [{"index": row["index"], "uuid": row["uuid"], "bus_id": row["bus_id"],
             "name": row["name"], "driver": row["driver"], "memory": row["memory"]}
            for row in query_nvidia_smi()]
