"""medeval: performance evaluation of medical AI software, to a testing laboratory's standard.

The public API, re-exported. Submodules load on first use, so ``import medeval`` stays
fast: ``medeval.metrics`` and ``medeval.stats`` are pure numpy/scipy, the evaluation
layer brings pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    CompatibilityError,
    InvalidInputError,
    IsolationWarning,
    LoaderError,
    ManifestError,
    MedevalError,
    RegistryError,
    ResultError,
    RunnerError,
    TableError,
    UndefinedMetricWarning,
)

# name -> module that defines it, imported on first access (PEP 562).
_LAZY = {
    "loaders": "medeval.loaders",
    "metrics": "medeval.metrics",
    "Case": "medeval.manifest",
    "Manifest": "medeval.manifest",
    "check_compatible": "medeval.compat",
    "stats": "medeval.stats",
    "Estimate": "medeval.stats.estimate",
    "Result": "medeval.result",
    "read_result": "medeval.result",
    "verify_result": "medeval.result",
    "write_result": "medeval.result",
    "evaluate_classification": "medeval.classification_tables",
    "evaluate": "medeval.evaluation:evaluate",
    "Protocol": "medeval.protocol",
    "runner": "medeval.runner",
    "run_algorithm": "medeval.runner:run_algorithm",
    "resolve_algorithm": "medeval.runner:resolve_algorithm",
    "load_protocol": "medeval.protocol",
}

__all__ = [
    "Case",
    "CompatibilityError",
    "Estimate",
    "InvalidInputError",
    "IsolationWarning",
    "LoaderError",
    "Manifest",
    "ManifestError",
    "MedevalError",
    "RegistryError",
    "Result",
    "ResultError",
    "RunnerError",
    "TableError",
    "UndefinedMetricWarning",
    "Protocol",
    "__version__",
    "check_compatible",
    "evaluate",
    "evaluate_classification",
    "load_protocol",
    "loaders",
    "metrics",
    "read_result",
    "resolve_algorithm",
    "run_algorithm",
    "runner",
    "stats",
    "verify_result",
    "write_result",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'medeval' has no attribute {name!r}")
    target, _, attribute = _LAZY[name].partition(":")
    module = import_module(target)
    if attribute:
        value = getattr(module, attribute)
    else:
        value = module if module.__name__ == f"medeval.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from . import loaders, metrics, stats
    from .classification_tables import evaluate_classification
    from .compat import check_compatible
    from .evaluation import evaluate
    from .manifest import Case, Manifest
    from .protocol import Protocol, load_protocol
    from .result import Result, read_result, verify_result, write_result
    from .runner import resolve_algorithm, run_algorithm
    from .stats.estimate import Estimate
