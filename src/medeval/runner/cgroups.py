"""The cgroups of the runner's workers (private): finding where this process may make
them, making and removing a worker's folder, reading and writing its files, probing that
a process can be moved in. What the memory guard (:mod:`medeval.runner.memory`) and the
process guard (:mod:`medeval.runner.pids`) share; each sets its own limits."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

__all__ = ["CGroupFolder", "cgroup_mounts", "cgroup_path", "own_cgroups", "probe_group",
           "remove_stale"]


def cgroup_mounts() -> list[tuple[str, str, str, set[str]]]:
    """(root, mount point, fs type, super options) of each cgroup mount."""
    found = []
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if "-" not in parts:
                    continue
                dash = parts.index("-")
                fstype = parts[dash + 1]
                if fstype in ("cgroup", "cgroup2"):
                    options = set(parts[dash + 3].split(",")) if len(parts) > dash + 3 else set()
                    found.append((parts[3], parts[4], fstype, options))
    except OSError:
        pass
    return found


def own_cgroups() -> dict[str, str]:
    """Controller (``""`` for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as handle:
            for line in handle:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for name in controllers.split(",") if controllers else [""]:
                    paths[name] = path
    except (OSError, ValueError):
        pass
    return paths


def cgroup_path(root: str, mount: str, path: str) -> Path:
    """The folder of cgroup ``path`` (as /proc/self/cgroup names it) under a mount whose
    root in the hierarchy is ``root``."""
    if root != "/" and (path == root or path.startswith(root.rstrip("/") + "/")):
        path = path[len(root.rstrip("/")):]
    elif root != "/":
        path = "/"  # a cgroup namespace: the mount's root is our own cgroup
    return Path(mount + path.rstrip("/")) if path != "/" else Path(mount)


def remove_stale(parent: Path) -> None:
    """Remove empty worker cgroups left by runners that were killed."""
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            match = re.fullmatch(r"medeval-(\d+)-.*", entry.name)
            if match and entry.is_dir() and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    entry.rmdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    return True


class _Group(Protocol):
    """What :func:`probe_group` uses of a worker's cgroup (memory's or pids')."""

    path: Path

    def wrap(self, argv: list[str]) -> list[str]: ...

    def close(self) -> None: ...


def probe_group(make: Callable[[], _Group], parent: Path) -> str | None:
    """Make a worker cgroup with ``make``, move a process into it, remove it; why it
    cannot be done, or None (the memory and the process guards' probe)."""
    try:
        group = make()
    except OSError as exc:
        return f"cannot create a cgroup in {parent}: {exc}"
    try:
        done = subprocess.run(group.wrap(["/bin/true"]), capture_output=True, timeout=30,
                              check=False)
        if done.returncode != 0:
            return (f"cannot move a process into {group.path}: "
                    f"{done.stderr.decode(errors='replace').strip()}")
    except (OSError, subprocess.TimeoutExpired) as exc:  # pragma: no cover
        return f"cannot move a process into {group.path}: {exc}"
    finally:
        group.close()
    return None


class CGroupFolder:
    """A worker's cgroup folder, as the memory and the process guards use it: made under
    ``parent`` with a name of this runner's, its files read and written, its processes
    listed, removed when the worker is done."""

    path: Path

    def _make(self, parent: Path, name: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        self.path = parent / f"medeval-{os.getpid()}-{secrets.token_hex(4)}-{safe}"
        self.path.mkdir()

    def _write(self, item: str, value: str) -> None:
        with open(self.path / item, "w", encoding="ascii") as handle:
            handle.write(value)

    def _read(self, item: str) -> str:
        with open(self.path / item, encoding="ascii") as handle:
            return handle.read()

    def _count(self, item: str, key: str) -> int:
        """The counter ``key`` of an events file (``oom_kill 3``), 0 where unreadable."""
        try:
            text = self._read(item)
        except OSError:
            return 0
        match = re.search(rf"^{key} (\d+)", text, re.MULTILINE)
        return int(match.group(1)) if match else 0

    def _pids(self) -> list[int]:
        try:
            return [int(p) for p in self._read("cgroup.procs").split()]
        except (OSError, ValueError):
            return []

    def stopped(self) -> None:
        """Kill what is left in the folder (each guard's own way)."""

    def _remove(self) -> None:
        """Remove the folder, killing what is still in it until the kernel lets it go."""
        for attempt in range(50):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                self.stopped()
                time.sleep(0.01 * min(attempt + 1, 10))
