"""The exceptions and warnings medeval raises.

Every error medeval raises on purpose belongs to one family, so a caller can catch
``MedevalError`` alone. Each subclass but one also inherits the built-in exception a
Python user would expect, so ``except ValueError`` keeps working. The whole family, with
the module that defines each class (most live here; a few belong to the one module that
raises them) and when it is raised::

    MedevalError (Exception)                 medeval.errors
    │       the base: catch it to catch every error below (the CLI prints any of them
    │       and exits with status 2); raised bare only by a few checks of medeval.cli
    ├── InvalidInputError (ValueError)       medeval.errors
    │       arrays or arguments a function cannot accept
    ├── TableError (ValueError)              medeval.errors
    │       a reference or prediction table that is malformed: missing columns,
    │       duplicate or missing case ids
    ├── LoaderError (ValueError)             medeval.errors
    │       a file that cannot be read as what it should be: missing, truncated, not
    │       DICOM/WFDB/EDF, an inconsistent series, a path escaping its data root
    ├── ManifestError (ValueError)           medeval.errors
    │       a held-out set whose manifest is inconsistent, or whose references cannot
    │       be used; the message lists every problem with its case id
    ├── CompatibilityError (ValueError)      medeval.errors
    │       a prediction that does not match its reference (geometry, labels, sampling
    │       rate, duration); the message shows both sides
    ├── ResultError (ValueError)             medeval.errors
    │       a result file that cannot be read or whose fingerprint does not match its
    │       content
    ├── RunnerError (RuntimeError)           medeval.errors
    │       an algorithm run that cannot start or go on: an algorithm that cannot be
    │       found or loaded, an isolation a certified run requires but this machine
    │       lacks, a run directory of another run
    ├── RegistryError (ValueError)           medeval.errors
    │       the registry of issued reports refuses: a file or database that is not a
    │       registry, a report number malformed, unknown or in the wrong state, a
    │       database that went away mid-transaction (nothing was stored)
    ├── ProtocolError (ValueError)           medeval.protocol
    │       a protocol (TOML) that cannot be used; the message lists every problem with
    │       its key path
    ├── PredictionError (ValueError)         medeval.tasks.base
    │       a prediction that cannot be used for its case (missing, malformed,
    │       incompatible); evaluate() records the case as failed with its ``reason``
    │       and goes on, so it reaches a caller only from a task used directly
    ├── ReferenceProblem                     medeval.tasks.base
    │       a case's reference cannot be used (a fault of the held-out set, not of the
    │       algorithm); evaluate() collects every such case and raises ManifestError.
    │       Only Exception besides MedevalError: no built-in kind fits
    ├── ReportError (ValueError)             medeval.report._errors (medeval.report)
    │       a certificate that cannot be rendered, verified or signed
    ├── RequestRefused (ValueError)          medeval.web.checking (medeval.web)
    │       a request the verification page refuses, with its HTTP status (400, 404,
    │       413, 415, 422, 503); the page shows its message, the API sends it as JSON
    ├── UsageError (ValueError)              medeval.cli._usage (medeval.cli)
    │       a command line that cannot be carried out as given (the CLI prints it and
    │       exits with status 2)
    └── DemoError (RuntimeError)             medeval.demo._sets (medeval.demo)
            the demo cannot run: its output folder is in use or its shipped files are
            missing

    UndefinedMetricWarning (UserWarning)     medeval.errors
            a metric is undefined on valid input (no positive case for sensitivity,
            one class only for AUC); the value returned is NaN, never a silent 0
    IsolationWarning (UserWarning)           medeval.errors
            an algorithm runs without a sandbox (pre-check only; a certified run
            refuses instead)

Messages name the function, file or case, say what was received and what to do.
"""

from __future__ import annotations

__all__ = [
    "CompatibilityError",
    "InvalidInputError",
    "IsolationWarning",
    "LoaderError",
    "ManifestError",
    "MedevalError",
    "RegistryError",
    "ResultError",
    "RunnerError",
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


class LoaderError(MedevalError, ValueError):
    """A file that cannot be read as what it should be.

    The message names the file (or the directory of a series) and says what to do:
    a truncated or non-DICOM file, a series with a gap or duplicate slices, a WFDB header
    whose signal file is missing, an EDF whose header is malformed, a path that leaves
    its data root.
    """


class ManifestError(MedevalError, ValueError):
    """A manifest (the table of cases of a held-out set) that is inconsistent.

    Validation collects every problem first; the message lists each with its case id,
    then once each explanation that lines point to ("(see 'other letter case' below)").
    The problems are also available as the ``problems`` attribute, a tuple of strings
    (the lines, without the explanations below them), and the ids of the cases whose own
    files or reference could not be used as ``cases`` (from ``Manifest.validate``; empty
    otherwise), which a later check of the set leaves out while it checks the others.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = (), *,
                 cases: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.problems = problems
        self.cases = cases


class CompatibilityError(MedevalError, ValueError):
    """A prediction that does not conform to its reference.

    Shape, spacing, origin or direction of an image; label values; sampling rate or
    duration of a signal. The message shows the reference's and the prediction's value
    side by side.
    """


class ResultError(MedevalError, ValueError):
    """A result file that cannot be read or does not match its fingerprint."""


class RunnerError(MedevalError, RuntimeError):
    """An algorithm run that cannot start or cannot go on.

    Failures of the algorithm on a case are results, not errors: they are recorded in
    the run. This error is for the run itself: an algorithm that cannot be found or
    loaded, a sandbox that a certified run requires but the machine lacks, a plugin
    directory that would expose the references, a run directory holding another
    algorithm's run. The message names the algorithm, case or path and what to do.
    """


class RegistryError(MedevalError, ValueError):
    """The registry of issued reports (:mod:`medeval.registry`) refuses; the message says why."""


class IsolationWarning(UserWarning):
    """An algorithm runs without a sandbox: allowed in a pre-check, refused in a certificate."""


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined on this (valid) input; the value returned is NaN.

    Raised, for example, for sensitivity when there is no positive case, or for the
    area under the ROC curve when only one class is present.
    """
