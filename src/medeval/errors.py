"""The exceptions and warnings medeval raises.

Every error medeval raises on purpose belongs to one family, so a caller can catch
``MedevalError`` alone. Each subclass also inherits the built-in exception a Python user
would expect, so ``except ValueError`` keeps working::

    MedevalError (Exception)
    ├── InvalidInputError (ValueError)   arrays or arguments a function cannot accept
    ├── TableError (ValueError)          a reference or prediction table that is malformed:
    │                                    missing columns, duplicate or missing case ids
    └── ResultError (ValueError)         a result file that cannot be read or whose
                                         fingerprint does not match its content

    UndefinedMetricWarning (UserWarning) a metric is undefined on valid input (no positive
                                         case for sensitivity, one class only for AUC);
                                         the value returned is NaN, never a silent 0

Messages name the function, file or case, say what was received and what to do.
"""

from __future__ import annotations

__all__ = [
    "InvalidInputError",
    "MedevalError",
    "ResultError",
    "TableError",
    "UndefinedMetricWarning",
]


class MedevalError(Exception):
    """Base class of every error medeval raises on purpose."""


class InvalidInputError(MedevalError, ValueError):
    """An array or an argument that the called function cannot accept.

    Examples: labels that are not binary where binary labels are required, arrays of
    different lengths, NaN or infinite scores, a confidence level outside (0, 1).
    """


class TableError(MedevalError, ValueError):
    """A reference or prediction table that is malformed.

    The message names the file and lists every offending case id (all of them, not
    just the first).
    """


class ResultError(MedevalError, ValueError):
    """A result file that cannot be read or does not match its fingerprint."""


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined on this (valid) input; the value returned is NaN.

    Raised, for example, for sensitivity when there is no positive case, or for the
    area under the ROC curve when only one class is present.
    """
