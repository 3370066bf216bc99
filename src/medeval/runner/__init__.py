"""Run a submitted, untrusted algorithm on a held-out set without showing it the answers.

:func:`run_algorithm` runs a Python plugin or a command on every case of a manifest,
each case in a bubblewrap sandbox that sees only that case's inputs, with time, memory
and output limits; it writes one prediction file per case (atomically, with its
SHA-256), a run log and a summary, survives every failure of the algorithm, resumes an
interrupted run and can hand the cases to a Dask cluster. ``docs/runner.md`` is the
guide for a company packaging its algorithm.

Submodules load on first use; ``import medeval.runner`` imports nothing heavy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY = {
    "Algorithm": "medeval.runner.algorithm",
    "AlgorithmSpec": "medeval.runner.algorithm",
    "CaseInput": "medeval.runner.algorithm",
    "ENTRY_POINT_GROUP": "medeval.runner.algorithm",
    "resolve_algorithm": "medeval.runner.algorithm",
    "capture_environment": "medeval.runner.environment",
    "Limits": "medeval.runner.limits",
    "RunSummary": "medeval.runner.runlog",
    "run_algorithm": "medeval.runner.run",
    "bubblewrap_available": "medeval.runner.sandbox",
    "FAILURE_REASONS": "medeval.runner.worker",
}

__all__ = [
    "ENTRY_POINT_GROUP",
    "FAILURE_REASONS",
    "Algorithm",
    "AlgorithmSpec",
    "CaseInput",
    "Limits",
    "RunSummary",
    "bubblewrap_available",
    "capture_environment",
    "resolve_algorithm",
    "run_algorithm",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'medeval.runner' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from .algorithm import (
        ENTRY_POINT_GROUP,
        Algorithm,
        AlgorithmSpec,
        CaseInput,
        resolve_algorithm,
    )
    from .environment import capture_environment
    from .limits import Limits
    from .run import run_algorithm
    from .runlog import RunSummary
    from .sandbox import bubblewrap_available
    from .worker import FAILURE_REASONS
