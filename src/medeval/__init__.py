"""medeval: performance evaluation of medical AI software, to a testing laboratory's standard."""

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    InvalidInputError,
    MedevalError,
    ResultError,
    TableError,
    UndefinedMetricWarning,
)

try:
    __version__ = version("medeval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "InvalidInputError",
    "MedevalError",
    "ResultError",
    "TableError",
    "UndefinedMetricWarning",
    "__version__",
]
