"""The result of an evaluation: a model, its canonical JSON and its fingerprint.

The canonical JSON is what a certificate is rendered from and what its fingerprint
covers, so it must be the same bytes for the same inputs:

- keys sorted, two-space indent, a list of scalars on one line, UTF-8, one trailing
  newline;
- cases sorted by case id;
- floats written as the shortest text that reads back to the same double (Python's
  ``repr``); NaN and infinities, which JSON lacks, as the strings ``"NaN"``,
  ``"Infinity"`` and ``"-Infinity"``;
- times and host names only in the ``context`` block.

The content fingerprint is the SHA-256 of the canonical JSON without ``context``: the same
measurement gives the same fingerprint. The file's own SHA-256 covers everything.
:func:`write_result` stores it beside the
JSON in a ``sha256sum``-compatible file, with the hash of the per-case CSV;
:func:`verify_result` recomputes both.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._canonical import _plain, canonical_json
from ._hashing import sha256_bytes
from .errors import ResultError
from .stats.estimate import Estimate

__all__ = [
    "InputRecord",
    "MetricRecord",
    "RESULT_SCHEMA",
    "Result",
    "canonical_json",
    "content_fingerprint",
    "metrics_table",
    "read_result",
    "software_versions",
    "verify_result",
    "write_result",
]

#: Identifier of the result layout; changes when a field changes meaning.
RESULT_SCHEMA = "medeval.result/1"


@dataclass(frozen=True)
class InputRecord:
    """One input of the run, identified by its bytes."""

    role: str
    source: str
    sha256: str | None
    rows: int


@dataclass(frozen=True)
class MetricRecord:
    """One metric: its estimate with interval, and the definition that produced it."""

    name: str
    definition: str
    estimate: Estimate
    higher_is_better: bool | None
    unit: str = "1"


def metrics_table(records: Sequence[MetricRecord]) -> dict[str, Any]:
    """Metric records as the result JSON holds them: name -> definition and estimate."""
    return {
        m.name: {"definition": m.definition, "higher_is_better": m.higher_is_better,
                 "unit": m.unit, **m.estimate.to_dict()}
        for m in records
    }


@dataclass(frozen=True)
class Result:
    """Everything an evaluation produced, in a form that serialises canonically.

    Attributes
    ----------
    task : str
        The task type, e.g. ``"binary-classification"``.
    mode : str
        ``"pre-check"`` or ``"certificate"``.
    inputs : tuple of InputRecord
        The files (or tables) read, with SHA-256.
    parameters : mapping
        Every choice that affects a number: threshold, confidence, CI methods, seed...
    metrics : tuple of MetricRecord
        The aggregate metrics, each with its interval and definition id.
    tables : mapping
        Aggregate tables such as the confusion matrix.
    case_columns : tuple of str
        The columns of each per-case row, in order.
    cases : tuple of mapping
        One row per case, sorted by ``case_id``.
    warnings : tuple of str
        Every warning raised while computing (undefined metrics and the like).
    software : mapping
        Versions of medeval, Python and the numerical libraries.
    sections : mapping
        Further content of an evaluation: the protocol and its SHA-256, the held-out
        set and its fingerprint, the algorithm's identity, failures, subgroups,
        verdicts. Covered by the content fingerprint.
    context : mapping
        When and where it ran (dates, host, durations): covered by the file's hash but
        not by the content fingerprint, so that the same measurement made twice has the
        same fingerprint while a changed date is still detected.
    """

    task: str
    mode: str
    inputs: tuple[InputRecord, ...]
    parameters: Mapping[str, Any]
    metrics: tuple[MetricRecord, ...]
    tables: Mapping[str, Any]
    case_columns: tuple[str, ...]
    cases: tuple[Mapping[str, Any], ...]
    warnings: tuple[str, ...] = ()
    software: Mapping[str, str] = field(default_factory=lambda: software_versions())
    sections: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    def metric(self, name: str) -> MetricRecord:
        """The metric called ``name``; KeyError naming the ones present otherwise."""
        for record in self.metrics:
            if record.name == name:
                return record
        raise KeyError(f"no metric {name!r}; the result has {[m.name for m in self.metrics]}")

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (what the JSON holds)."""
        cases = sorted(self.cases, key=lambda row: str(row["case_id"]))
        return {
            "schema": RESULT_SCHEMA,
            "task": self.task,
            "mode": self.mode,
            "inputs": [vars(i) for i in self.inputs],
            "parameters": dict(self.parameters),
            "metrics": metrics_table(self.metrics),
            "tables": dict(self.tables),
            "case_columns": list(self.case_columns),
            "cases": [[row[c] for c in self.case_columns] for row in cases],
            "warnings": list(self.warnings),
            "software": dict(self.software),
            **dict(self.sections),
            "context": dict(self.context),
        }

    def to_json(self) -> bytes:
        """The canonical JSON bytes (the whole file)."""
        return canonical_json(self.to_dict())

    @property
    def fingerprint(self) -> str:
        """The content fingerprint: SHA-256 of the canonical JSON without ``context``."""
        return content_fingerprint(self.to_dict())

    def cases_csv(self) -> bytes:
        """The per-case rows as CSV bytes (same order and float text as the JSON)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.case_columns)
        for row in sorted(self.cases, key=lambda r: str(r["case_id"])):
            writer.writerow([_csv_cell(row[c]) for c in self.case_columns])
        return buffer.getvalue().encode("utf-8")


def content_fingerprint(data: Mapping[str, Any]) -> str:
    """SHA-256 of a result's canonical JSON without its ``context`` block."""
    return sha256_bytes(canonical_json({k: v for k, v in data.items() if k != "context"}))


def _csv_cell(value: Any) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def software_versions() -> dict[str, str]:
    """Versions of the software that computed the numbers."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for name in ("medeval", "numpy", "scipy", "pandas"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - source tree without install
            versions[name] = "unknown"
    return versions


def write_result(result: Result, path: str | Path) -> Path:
    """Write ``result.json``, ``result.cases.csv`` and ``result.json.sha256``.

    Each file is written to a temporary name and renamed into place, so an interrupted
    run never leaves a half-written file. The ``.sha256`` file lists both files in
    ``sha256sum`` format (``sha256sum -c`` checks it); the JSON's hash is the result's
    fingerprint.

    Returns
    -------
    Path
        The JSON's path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = result.to_json()
    cases = result.cases_csv()
    csv_path = _cases_path(target)
    _atomic_write(target, payload)
    _atomic_write(csv_path, cases)
    digest = (
        f"{sha256_bytes(payload)}  {target.name}\n{sha256_bytes(cases)}  {csv_path.name}\n"
    )
    _atomic_write(_digest_path(target), digest.encode("ascii"))
    return target


def read_result(path: str | Path) -> dict[str, Any]:
    """Read a result JSON back as plain data.

    Raises
    ------
    ResultError
        The file is missing or is not a medeval result.
    """
    source = Path(path)
    try:
        data = json.loads(source.read_bytes())
    except FileNotFoundError:
        raise ResultError(f"result {source}: no such file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResultError(f"result {source}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != RESULT_SCHEMA:
        raise ResultError(f"result {source}: not a {RESULT_SCHEMA} file")
    return data


def verify_result(path: str | Path) -> str:
    """Check a written result against its ``.sha256`` file; return the content fingerprint.

    Checks that the JSON is canonical (re-serialising it gives the same bytes) and that
    the JSON's and the per-case CSV's SHA-256 equal the recorded ones; then recomputes the
    content fingerprint (the hash without the ``context`` block).

    Raises
    ------
    ResultError
        Naming the file that is missing or differs.
    """
    source = Path(path)
    data = read_result(source)
    payload = source.read_bytes()
    if canonical_json(data) != payload:
        raise ResultError(f"result {source}: not in canonical form (edited by hand?)")
    digest_file = _digest_path(source)
    if not digest_file.is_file():
        raise ResultError(f"result {source}: fingerprint file {digest_file} is missing")
    recorded = {}
    for line in digest_file.read_text("ascii").splitlines():
        value, _, name = line.partition("  ")
        recorded[name] = value
    for file in (source, _cases_path(source)):
        if file.name not in recorded:
            raise ResultError(f"{digest_file}: no fingerprint recorded for {file.name}")
        if not file.is_file():
            raise ResultError(f"result {source}: {file} is missing")
        actual = sha256_bytes(file.read_bytes())
        if actual != recorded[file.name]:
            raise ResultError(
                f"{file}: SHA-256 {actual} differs from the recorded {recorded[file.name]}; "
                "the file was changed after it was written"
            )
    return content_fingerprint(data)


def _cases_path(json_path: Path) -> Path:
    return json_path.with_name(json_path.stem + ".cases.csv")


def _digest_path(json_path: Path) -> Path:
    return json_path.with_name(json_path.name + ".sha256")


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


