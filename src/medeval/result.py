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

:func:`read_result` gives a :class:`Result` of typed, frozen section records
(:class:`ProtocolSection`, :class:`DatasetSection`, :class:`AlgorithmSection`,
:class:`Flow`, :class:`Failures`, :class:`MetricRecord`, :class:`Subgroup`,
:class:`~medeval.decision.Verdict`, :class:`Context`), defined in
:mod:`medeval.result_sections` and importable from here too; NaN and infinities are floats
there and strings only in the JSON, decoded by those records and nowhere else.
``Result.from_json(b).to_json() == b`` for every result this medeval writes; results of
medeval 0.1 (layout ``medeval.result/1``) are read and converted.

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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ._atomic import write_named
from ._canonical import _plain, canonical_json
from ._hashing import sha256_bytes
from ._version import __version__
from .decision import Verdict
from .errors import ResultError
from .result_sections import (
    SUBGROUP_PREFIX,
    AlgorithmSection,
    Alternative,
    Context,
    Criterion,
    DatasetSection,
    FailedCase,
    Failures,
    Flow,
    InputRecord,
    MetricRecord,
    Parameters,
    Party,
    ProtocolSection,
    StatisticsSection,
    Subgroup,
    _decoded,
    _metric_records,
    _optional_str,
    _subgroups_dict,
    _subgroups_from,
    metrics_table,
)

__all__ = [
    "AlgorithmSection",
    "Alternative",
    "Context",
    "Criterion",
    "DatasetSection",
    "FailedCase",
    "Failures",
    "Flow",
    "InputRecord",
    "MetricRecord",
    "NOT_STATED",
    "Parameters",
    "Party",
    "ProtocolSection",
    "RESULT_SCHEMA",
    "Result",
    "StatisticsSection",
    "Subgroup",
    "canonical_json",
    "cases_path",
    "digest_path",
    "content_fingerprint",
    "metrics_table",
    "not_a_result",
    "read_result",
    "software_versions",
    "verdicts_problem",
    "verify_result",
    "write_result",
]

#: Identifier of the result layout; changes when a field changes meaning.
RESULT_SCHEMA = "medeval.result/2"
#: Layouts :func:`read_result` still reads (written by medeval 0.1).
LEGACY_SCHEMAS = ("medeval.result/1",)
#: What a result says of a field its evaluation was not told (a protocol built in code
#: from two tables has no laboratory, customer or algorithm version).
NOT_STATED = "not stated"

#: Per-case columns that are identity and status, never numbers.
_ID_COLUMNS = frozenset({"case_id", "patient_id", "status", "reason"})



@dataclass(frozen=True)
class Result:
    """Everything an evaluation produced, as typed records that serialise canonically.

    :meth:`to_json` writes the canonical JSON (:mod:`medeval.result`) and
    :meth:`from_json` reads it back: ``Result.from_json(b).to_json() == b`` for every
    result this medeval writes. Non-finite numbers are floats here and strings only in
    the JSON.

    Attributes
    ----------
    task : str
        The task type, e.g. ``"binary-classification"``.
    mode : str
        ``"pre-check"`` or ``"certificate"``.
    inputs : tuple of InputRecord
        The files (or tables) read, with SHA-256.
    parameters : Parameters
        Every choice that affects a number: the task's options, the statistics.
    protocol, dataset, algorithm : ProtocolSection, DatasetSection, AlgorithmSection
        The protocol followed, the held-out set, the item tested.
    flow : Flow
        Cases registered, scored, failed and analysed.
    failures : Failures
        The failure policy, the failed cases and the alternative aggregate.
    metrics : tuple of MetricRecord
        The aggregate metrics, each with its interval and definition id.
    tables : mapping
        Aggregate tables such as the confusion matrix (plain data; task-specific).
    subgroups : tuple of Subgroup
        The metrics per value of each subgroup column.
    verdicts : tuple of Verdict
        One per acceptance criterion, in the protocol's order.
    overall : {"PASS", "FAIL", "INCONCLUSIVE"} or None
        The whole test's outcome (:func:`medeval.decision.overall`); None without
        criteria.
    case_columns : tuple of str
        The columns of each per-case row, in order.
    cases : tuple of mapping
        One row per case, sorted by ``case_id``.
    warnings : tuple of str
        Each undefined figure with its scope and reason, and the like.
    software : mapping
        Versions of medeval, Python and the numerical libraries.
    context : Context
        When and where it ran: covered by the file's hash but not by the content
        fingerprint, so that the same measurement made twice has the same fingerprint
        while a changed date is still detected.
    """

    task: str
    mode: str
    inputs: tuple[InputRecord, ...]
    parameters: Parameters
    protocol: ProtocolSection
    dataset: DatasetSection
    algorithm: AlgorithmSection
    flow: Flow
    failures: Failures
    metrics: tuple[MetricRecord, ...]
    tables: Mapping[str, Any]
    subgroups: tuple[Subgroup, ...]
    verdicts: tuple[Verdict, ...]
    overall: str | None
    case_columns: tuple[str, ...]
    cases: tuple[Mapping[str, Any], ...]
    warnings: tuple[str, ...] = ()
    software: Mapping[str, str] = field(default_factory=lambda: software_versions())
    context: Context = field(default_factory=Context)
    #: For a result read from an older layout: the content fingerprint of the file read,
    #: which its certificate carries (the converted result would hash differently).
    legacy_fingerprint: str | None = field(default=None, compare=False, repr=False)

    def metric(self, name: str) -> MetricRecord:
        """The metric called ``name``; KeyError naming the ones present otherwise."""
        for record in self.metrics:
            if record.name == name:
                return record
        raise KeyError(f"no metric {name!r}; the result has {[m.name for m in self.metrics]}")

    @property
    def confidence(self) -> float:
        """The confidence level of every interval."""
        return self.parameters.statistics.confidence

    @property
    def precheck(self) -> bool:
        """A pre-check: declared so, or outputs not produced by the laboratory's runner."""
        # a reader study's readings (pinned by the protocol's readings_sha256) are the
        # study's own record, as a runner's outputs are the laboratory's
        return self.mode != "certificate" or self.algorithm.predictions not in (
            "runner", "reader-study")

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (what the JSON holds)."""
        cases = sorted(self.cases, key=lambda row: str(row["case_id"]))
        return {
            "schema": RESULT_SCHEMA,
            "task": self.task,
            "mode": self.mode,
            "inputs": [asdict(i) for i in self.inputs],
            "parameters": self.parameters.to_dict(),
            "protocol": self.protocol.to_dict(),
            "dataset": asdict(self.dataset),
            "algorithm": self.algorithm.to_dict(),
            "flow": asdict(self.flow),
            "failures": self.failures.to_dict(),
            "metrics": metrics_table(self.metrics),
            "tables": dict(self.tables),
            "subgroups": _subgroups_dict(self.subgroups),
            "verdicts": [asdict(v) for v in self.verdicts],
            "overall": self.overall,
            "case_columns": list(self.case_columns),
            "cases": [[row[c] for c in self.case_columns] for row in cases],
            "warnings": list(self.warnings),
            "software": dict(self.software),
            "context": self.context.to_dict(),
        }

    def to_json(self) -> bytes:
        """The canonical JSON bytes (the whole file)."""
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """The result of :meth:`to_dict`'s plain data (as ``json.loads`` gives it).

        Raises
        ------
        ResultError
            Not a result of this layout (:func:`read_result` also reads older ones), or a
            section that lacks a field.
        """
        schema = data.get("schema") if isinstance(data, Mapping) else None
        if schema != RESULT_SCHEMA:
            raise ResultError(f"not a {RESULT_SCHEMA} result (schema {schema!r})")
        try:
            return _result_from(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultError(f"a {RESULT_SCHEMA} result with a malformed section: "
                              f"{type(exc).__name__}: {exc}") from exc

    @classmethod
    def from_json(cls, payload: bytes) -> Result:
        """The result of :meth:`to_json`'s bytes."""
        try:
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ResultError(f"not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    def as_read(self) -> Result:
        """This result as :func:`read_result` gives it back from the file
        :func:`write_result` writes: a report rendered from a result in memory is then
        the report of its file, byte for byte. ``evaluate`` holds its figures in the
        task's order (dice, jaccard, ..., assd) and the file a-z, and a table printed in
        the order it finds them differed between the two (found by hrev13: a
        segmentation certificate rendered from ``evaluate``'s result was not the one
        its attached JSON renders, so verification called it altered). A result read
        from an older file (a legacy fingerprint) is already as read.
        """
        if self.legacy_fingerprint is not None:
            return self
        return Result.from_json(self.to_json())

    @property
    def fingerprint(self) -> str:
        """The content fingerprint: SHA-256 of the canonical JSON without ``context``."""
        if self.legacy_fingerprint is not None:
            return self.legacy_fingerprint
        return content_fingerprint(self.to_dict())

    def cases_csv(self) -> bytes:
        """The per-case rows as CSV bytes (same order and float text as the JSON)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.case_columns)
        for row in sorted(self.cases, key=lambda r: str(r["case_id"])):
            writer.writerow([_csv_cell(row[c]) for c in self.case_columns])
        return buffer.getvalue().encode("utf-8")


def _result_from(data: Mapping[str, Any]) -> Result:
    columns = tuple(str(c) for c in data["case_columns"])
    cases = tuple(
        {c: (v if c in _ID_COLUMNS or c.startswith(SUBGROUP_PREFIX) else _decoded(v))
         for c, v in zip(columns, row)}
        for row in data["cases"]
    )
    return Result(
        task=str(data["task"]), mode=str(data["mode"]),
        inputs=tuple(InputRecord.from_dict(i) for i in data["inputs"]),
        parameters=Parameters.from_dict(data["parameters"]),
        protocol=ProtocolSection.from_dict(data["protocol"]),
        dataset=DatasetSection.from_dict(data["dataset"]),
        algorithm=AlgorithmSection.from_dict(data["algorithm"]),
        flow=Flow(**data["flow"]),
        failures=Failures.from_dict(data["failures"]),
        metrics=_metric_records(data["metrics"]),
        tables=_decoded(dict(data["tables"])),
        subgroups=_subgroups_from(data.get("subgroups") or {}),
        verdicts=tuple(Verdict(**v) for v in data["verdicts"]),
        overall=_optional_str(data.get("overall")),
        case_columns=columns, cases=cases,
        warnings=tuple(str(w) for w in data.get("warnings", ())),
        software={str(k): str(v) for k, v in data["software"].items()},
        context=Context.from_dict(data.get("context") or {}),
    )


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

    Raises
    ------
    ResultError
        A file cannot be written (``path`` a folder, or below a file; no permission),
        naming it.
    """
    target = Path(path)
    problem = result_names_problem(target)
    if problem is not None:  # before any file: not a result without its cases or digest
        raise ResultError(problem)
    payload = result.to_json()
    cases = result.cases_csv()
    csv_path = cases_path(target)
    write_named(target, payload, what="result", error=ResultError)
    write_named(csv_path, cases, what="result", error=ResultError)
    digest = (
        f"{sha256_bytes(payload)}  {target.name}\n{sha256_bytes(cases)}  {csv_path.name}\n"
    )
    # the names as the file system holds them (sha256sum compares bytes): a result named
    # in Hangul (결과.json) failed here, 'ascii' codec can't encode, after the JSON and
    # CSV were written (found in the review of the lifecycle-pass)
    write_named(digest_path(target), digest.encode("utf-8", "surrogateescape"),
                what="result", error=ResultError)
    return target


def read_result(path: str | Path) -> Result:
    """Read a result JSON back as a :class:`Result`.

    Results written by medeval 0.1 (layout ``medeval.result/1``, both the protocol-driven
    kind and the two-table kind of ``evaluate_classification``) are read too and
    converted to this layout; their :attr:`Result.fingerprint` stays the one of the file
    read, which their certificates carry.

    Raises
    ------
    ResultError
        The file is missing, is not JSON, or is not a medeval result.
    """
    source = Path(path)
    data = _load(source)
    try:
        if data.get("schema") in LEGACY_SCHEMAS:
            return _from_v1(data)
        return Result.from_dict(data)
    except ResultError as exc:
        raise ResultError(f"result {source}: {exc}") from exc


def not_a_result(source: Path) -> str | None:
    """What a file given where a result belongs is, by its name, where it is one of the
    files beside a result or a protocol, with the file to give instead; else None.

    Examples
    --------
    >>> not_a_result(Path("out/result.cases.csv"))
    "the result's per-case CSV, not the result: give out/result.json"
    >>> not_a_result(Path("protocol.toml"))  # doctest: +ELLIPSIS
    'a TOML file (the protocol or the report info?), not a result: give the result.json ...
    >>> not_a_result(Path("out/result.json")) is None
    True
    """
    name = source.name
    if name.endswith(".cases.csv"):
        json_path = source.with_name(name.removesuffix(".cases.csv") + ".json")
        return f"the result's per-case CSV, not the result: give {json_path}"
    if name.endswith(".json.sha256"):
        return f"the result's digest file, not the result: give {source.with_suffix('')}"
    if source.suffix.lower() == ".toml":
        return ("a TOML file (the protocol or the report info?), not a result: give the "
                "result.json that medeval evaluate or medeval run wrote into its --out folder")
    return None


def _load(source: Path) -> dict[str, Any]:
    """The JSON of a result file as plain data, its layout checked to be a result's."""
    if source.is_file() and (other := not_a_result(source)) is not None:
        raise ResultError(f"result {source}: {other}")
    try:
        data = json.loads(source.read_bytes())
    except FileNotFoundError:
        raise ResultError(f"result {source}: no such file") from None
    except IsADirectoryError:
        raise ResultError(f"result {source}: is a folder, not a result file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResultError(f"result {source}: not valid JSON: {exc}") from exc
    known = (RESULT_SCHEMA, *LEGACY_SCHEMAS)
    if not isinstance(data, dict) or data.get("schema") not in known:
        raise ResultError(f"result {source}: not a medeval result (schema "
                          f"{data.get('schema') if isinstance(data, dict) else None!r}; "
                          f"this medeval reads {', '.join(known)})")
    return data


def verify_result(path: str | Path) -> str:
    """Check a written result against its ``.sha256`` file; return the content fingerprint.

    Checks that the JSON is canonical (re-serialising it gives the same bytes), that it
    holds exactly what the result model reads (reading and writing it again gives the same
    bytes), and that the JSON's and the per-case CSV's SHA-256 equal the recorded ones;
    then recomputes the content fingerprint (the hash without the ``context`` block).
    Last, that the overall outcome follows from the verdicts and, for a result made after
    medeval 0.11.0 (:data:`JUDGED_AGAIN_AFTER`), each verdict from its figure: a result
    edited and its ``.sha256`` written again is otherwise intact.

    Raises
    ------
    ResultError
        Naming the file that is missing or differs.
    """
    source = Path(path)
    data = _load(source)
    payload = source.read_bytes()
    if canonical_json(data) != payload:
        raise ResultError(f"result {source}: not in canonical form (edited by hand?)")
    result = None
    if data["schema"] == RESULT_SCHEMA:
        try:
            result = Result.from_dict(data)
            again = result.to_json()
        except ResultError as exc:
            raise ResultError(f"result {source}: {exc}") from exc
        if again != payload:
            raise ResultError(f"result {source}: holds fields the result model does not "
                              "know, or lacks some (edited by hand?)")
    digest_file = digest_path(source)
    if not digest_file.is_file():
        raise ResultError(f"result {source}: fingerprint file {digest_file} is missing")
    recorded = {}
    for line in digest_file.read_bytes().decode("utf-8", "surrogateescape").splitlines():
        value, _, name = line.partition("  ")
        recorded[name] = value
    for file in (source, cases_path(source)):
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
    problem = None if result is None else verdicts_problem(result)  # intact as written:
    if problem is not None:  # do its verdicts follow from it?
        raise ResultError(f"result {source}: {problem}")
    return content_fingerprint(data)


#: The last release whose results are not judged again by :func:`verify_result`: the
#: verdicts' reasons (and, at an interval of zero width but for rounding, an outcome) read
#: otherwise before 0.12.0's decision rule; their overall outcome is checked all the same.
JUDGED_AGAIN_AFTER = "0.11.0"


def verdicts_problem(result: Result) -> str | None:
    """Why a result's verdicts do not follow from its figures, or None: its overall
    outcome from its verdicts (:func:`medeval.decision.overall`), and, for a result made
    after :data:`JUDGED_AGAIN_AFTER`, each verdict's outcome from its metric's estimate,
    goal and rule (:func:`medeval.decision.judge`), and its reason too where this release
    made the result (another release may word a reason otherwise). A result whose
    "overall" was edited to PASS and its ``.sha256`` written again verified; its
    certificate would have printed PASS."""
    from ._releases import later_release
    from .decision import judge, overall

    follows = overall(result.verdicts)
    if follows != result.overall:
        return (f"its overall outcome is {result.overall}, but its verdicts give {follows} "
                "(edited by hand?)")
    if not later_release(str(result.parameters.medeval), JUDGED_AGAIN_AFTER):
        return None
    # the reason as worded by this release only: a later release may word it otherwise,
    # and a genuine result of an earlier one must still verify (the outcome is the rule's)
    worded = str(result.parameters.medeval) == __version__
    for stored, again in zip(result.verdicts, judge(result.verdicts, result.metrics)):
        if stored.outcome != again.outcome or (worded and stored.reason != again.reason):
            return (f"the verdict on {stored.metric} is {stored.outcome} ({stored.reason}), "
                    f"but its figure judged again by the rule gives {again.outcome} "
                    f"({again.reason}) (edited by hand?)")
    return None


# ---------------------------------------------------------------- results of medeval 0.1


def _from_v1(data: Mapping[str, Any]) -> Result:
    """A ``medeval.result/1`` result in this layout (see :func:`read_result`)."""
    try:
        converted = (_v1_protocol_result(data) if "protocol" in data
                     else _v1_table_result(data))
    except (KeyError, TypeError, ValueError) as exc:
        raise ResultError(f"a medeval.result/1 result with a malformed section: "
                          f"{type(exc).__name__}: {exc}") from exc
    return Result(**{**vars(converted), "legacy_fingerprint": content_fingerprint(data)})


def _v1_protocol_result(data: Mapping[str, Any]) -> Result:
    """0.1's protocol-driven result: the sections are those of layout 2 already."""
    return _result_from({**data, "schema": RESULT_SCHEMA})


def _v1_table_result(data: Mapping[str, Any]) -> Result:
    """0.1's ``evaluate_classification`` result: two tables, no protocol."""
    p = data["parameters"]
    boot = p["bootstrap"]
    inputs = tuple(InputRecord.from_dict(i) for i in data["inputs"])
    reference = next(i for i in inputs if i.role == "reference")
    predictions = next(i for i in inputs if i.role == "predictions")
    columns = tuple(data["case_columns"])
    rows = [dict(zip(columns, row)) for row in data["cases"]]
    cases = tuple(
        {"case_id": r["case_id"], "patient_id": r.get("patient_id", r["case_id"]),
         "status": "ok", "reason": None, "reference": r["reference"],
         "score": _decoded(r["score"]), "prediction": r["prediction"], "outcome": r["outcome"]}
        for r in rows)
    calibration = p.get("calibration") or {}
    n = len(cases)
    return Result(
        task="binary-classification", mode="pre-check", inputs=inputs,
        parameters=Parameters(
            task={"type": "binary-classification", "threshold": p["threshold"],
                  "positive_label": p["pos_label"], "negative_label": None,
                  "calibration_bins": calibration.get("bins", 10)},
            statistics=StatisticsSection(
                p["confidence"], p["proportion_method"], p["auc_method"], boot["method"],
                boot["n_resamples"], boot["unit"], boot["seed"]),
            failures={"policy": "worst-case", "worst_distance_mm": None},
            medeval=str(data["software"].get("medeval", "0.1")), tables=p["columns"]),
        protocol=ProtocolSection(
            "pre-check", f"binary classification of {predictions.source}", "1", None,
            Party(NOT_STATED), Party(NOT_STATED), ()),
        dataset=DatasetSection(
            reference.source, reference.sha256 or "", n,
            len({c["patient_id"] for c in cases}), f"the cases of {reference.source}"),
        algorithm=AlgorithmSection(predictions.source, NOT_STATED, None, None, None,
                                   "supplied-table", {}),
        flow=Flow(n, n, 0, n),
        failures=Failures("worst-case", 0, {}, (), None),
        metrics=_metric_records(data["metrics"]),
        tables={"confusion_matrix": dict(data["tables"]["confusion_matrix"])},
        subgroups=(), verdicts=(), overall=None,
        case_columns=("case_id", "patient_id", "status", "reason", "reference", "score",
                      "prediction", "outcome"),
        cases=cases, warnings=tuple(data.get("warnings", ())),
        software=dict(data["software"]), context=Context(),
    )


def result_names_problem(json_path: Path) -> str | None:
    """Why the three files of a result named ``json_path`` cannot all be named so, or
    None: the per-case CSV (``.cases.csv`` for ``.json``) and the digest (``.sha256``
    added) are longer than the result's own name, and a name of 250 bytes wrote the
    result and then failed on its CSV, 'File name too long', leaving a result without
    its cases or digest. Bytes, as the file system counts them (Hangul takes three).

    >>> result_names_problem(Path("r" * 249 + ".json")) is not None  # .sha256: 261 bytes
    True
    >>> result_names_problem(Path("result.json")) is None
    True
    """
    folder = next((p for p in json_path.absolute().parents if p.is_dir()), Path("/"))
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    names = (json_path.name, cases_path(json_path).name, digest_path(json_path).name)
    longest = max(names, key=lambda name: len(os.fsencode(name)))
    size = len(os.fsencode(longest))
    if size <= limit:
        return None
    spare = size - len(os.fsencode(json_path.name))
    return (f"result {json_path}: its name is too long for its files: {longest!r} would "
            f"take {size} bytes, and {folder} allows {limit}; give a name of at most "
            f"{limit - spare} bytes")


def cases_path(json_path: Path) -> Path:
    """The per-case CSV written beside the result ``json_path``."""
    return json_path.with_name(json_path.stem + ".cases.csv")


def digest_path(json_path: Path) -> Path:
    """The ``.sha256`` file written beside the result ``json_path``."""
    return json_path.with_name(json_path.name + ".sha256")
