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
from collections.abc import Mapping
from typing import Any

from .gpus import query_nvidia_smi
from .sandbox import DEFAULT_LANG, ENV_ALLOW_LIST

__all__ = ["capture_environment", "passed_variables"]


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
        ``python``, ``os``, ``cpu``, ``memory_mb``, ``gpus``, ``medeval``, ``variables``
        (:func:`passed_variables`) and, with ``packages=True``, ``packages``.

    Examples
    --------
    >>> env = capture_environment(packages=False)
    >>> sorted(env)
    ['cpu', 'gpus', 'medeval', 'memory_mb', 'os', 'python', 'variables']
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
        "variables": passed_variables(),
    }
    if packages:
        names = {}
        for dist in importlib.metadata.distributions():
            name = dist.metadata["Name"]
            if name:
                names[str(name).lower()] = dist.version
        info["packages"] = [f"{n}=={v}" for n, v in sorted(names.items())]
    return info


def passed_variables(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of the runner's environment that the sandbox passes to the
    algorithm (:data:`~medeval.runner.sandbox.ENV_ALLOW_LIST`, those set; ``LANG`` as the
    sandbox sets it where the runner has none), by name.

    They are test conditions: ``OMP_NUM_THREADS`` sets how many threads torch and
    onnxruntime take when the algorithm does not say, and so the order of a
    convolution's sums (a sum of a 16 x 256 x 256 tensor came out -1237.8179931640625
    with one thread, -1237.818115234375 with two); ``LC_ALL``, ``LANG`` and ``TZ`` can
    change what a program reads or writes.

    >>> passed_variables({"OMP_NUM_THREADS": "1", "HOME": "/root", "TZ": "Asia/Seoul"})
    {'LANG': 'C.UTF-8', 'OMP_NUM_THREADS': '1', 'TZ': 'Asia/Seoul'}
    """
    values = {"LANG": DEFAULT_LANG, **(os.environ if environ is None else environ)}
    return {name: values[name] for name in sorted(ENV_ALLOW_LIST) if name in values}


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
