"""The test protocol: what is tested, how, and what counts as a pass — fixed in advance.

A protocol is a TOML file written before the run. It names the test, the laboratory and
the customer, the algorithm, the held-out set (its manifest and expected fingerprint),
the task with its parameters, the statistics (confidence level, interval methods,
resampling unit, seed), the subgroups, the failure policy and the acceptance criteria
with their decision rule and the source of each goal. :func:`load_protocol` reads and
validates it, reporting every problem at once with its key path and a hint; unknown
keys are errors, and so are numbers and booleans written as text (``goal = "0.8"``),
which the JSON Schema refuses too. :func:`protocol_schema` gives the JSON Schema, shipped as
``medeval/schemas/protocol.schema.json``.

Decision rules (ILAC-G8:09/2019):

- ``"guarded"`` (default; guarded acceptance): PASS when the confidence interval's
  bound on the unfavourable side meets the goal (the lower bound for a metric where
  higher is better), FAIL when the bound on the favourable side misses it, otherwise
  INCONCLUSIVE;
- ``"point"`` (simple acceptance): PASS when the point estimate meets the goal.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._manifest_files import backslash_hint
from ._quoted_numbers import quoted_number_problems
from ._settings_text import settings_text
from ._toml_positions import key_positions, where_written
from .errors import MedevalError
from .protocol_checks import (
    certificate_problems,
    criteria_problems,
    describe_schema_error,
    distance_unit_problems,
    duplicate_criteria,
    reader_study_problems,
    subgroup_problems,
)
from .protocol_sections import (
    TASK_METRICS,
    AlgorithmSpec,
    BinaryClassificationTask,
    CocoDetectionTask,
    Criterion,
    DatasetSpec,
    DetectionTask,
    EcgBeatsTask,
    EegEventsTask,
    Failures,
    Identity,
    MeasurementTask,
    MulticlassClassificationTask,
    MultilabelClassificationTask,
    Party,
    Protocol,
    ReaderStudyTask,
    RunnerSettings,
    SegmentationTask,
    Statistics,
    Subgroups,
    Task,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "Protocol",
    "ProtocolError",
    "TASK_METRICS",
    "certificate_problems",
    "distance_unit_problems",
    "load_protocol",
    "protocol_schema",
    "reader_study_problems",
    "subgroup_problems",
    "validate_protocol",
    # the sections (medeval.protocol_sections)
    "AlgorithmSpec",
    "Criterion",
    "DatasetSpec",
    "Failures",
    "Identity",
    "Party",
    "RunnerSettings",
    "Statistics",
    "Subgroups",
    "BinaryClassificationTask",
    "CocoDetectionTask",
    "DetectionTask",
    "EcgBeatsTask",
    "EegEventsTask",
    "MeasurementTask",
    "MulticlassClassificationTask",
    "MultilabelClassificationTask",
    "ReaderStudyTask",
    "SegmentationTask",
    "Task",
]


class ProtocolError(MedevalError, ValueError):
    """A protocol that cannot be used; the message lists every problem with its key path.

    The problems are also available as ``problems``, a tuple of strings.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems




def protocol_schema() -> dict[str, Any]:
    """The protocol's JSON Schema (draft 2020-12), as shipped with medeval.

    Examples
    --------
    >>> schema = protocol_schema()
    >>> sorted(schema["properties"])[:3]
    ['algorithm', 'criteria', 'customer']
    """
    schema = Protocol.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://medeval.invalid/schemas/protocol.schema.json"
    schema["title"] = "medeval test protocol"
    # a protocol file needs criteria (validate_protocol); only one built in code has none
    schema["required"] = [*schema.get("required", ()), "criteria"]
    schema["properties"]["criteria"]["minItems"] = 1
    return schema


def load_protocol(path: str | Path, *, check_manifest: bool = True) -> Protocol:
    """Read and validate a protocol TOML file; every problem is reported at once.

    Parameters
    ----------
    path : path
        The protocol file. Relative paths inside it (the manifest) are relative to the
        file's folder.
    check_manifest : bool, default True
        Check that the manifest it names exists; False to read a protocol for a set that
        is still being planned (``medeval sample-size --protocol``).

    Returns
    -------
    Protocol
        With ``path`` and ``sha256`` (of the file's bytes) set.

    Raises
    ------
    ProtocolError
        The file is missing or not TOML, or any problem :func:`validate_protocol` finds.
    """
    source = Path(path)
    if source.is_dir():  # the example's folder, or the predictions folder, given first
        raise ProtocolError(f"protocol {source}: is a folder; give the protocol's TOML file"
                            + _tomls_in(source))
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise ProtocolError(f"protocol {source}: cannot be read: {exc.strerror}") from None
    if source.suffix.lower() in (".csv", ".tsv"):  # read as TOML, a header is a bare key
        raise ProtocolError(
            f"protocol {source}: a CSV file (the manifest?), not a protocol TOML; give the "
            "protocol's TOML file, whose [dataset] manifest names the manifest")
    try:
        text = settings_text(raw)
    except ValueError as exc:
        raise ProtocolError(f"protocol {source}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"protocol {source}: not valid TOML: {exc}"
                            f"{_table_declared_twice(str(exc))}"
                            f"{_not_toml_hint(source, text, str(exc))}") from None
    if not data:  # else each of the eight required tables is reported missing
        problem = (f"{_no_keys(raw, text)}; a protocol holds [test], [laboratory], "
                   "[customer], [algorithm], [dataset], [task], [statistics] and "
                   "[[criteria]] (see `medeval protocol schema`)")
        raise ProtocolError(f"protocol {source}: {problem}", (problem,))
    try:
        protocol = validate_protocol(data, base=source.parent if check_manifest else None,
                                     source=str(source))
    except ProtocolError as exc:  # each problem with the line its key is written on
        positions = key_positions(text)
        raise ProtocolError(_problems_message(str(source), [
            where_written(problem, positions) + problem for problem in exc.problems]),
            exc.problems) from None
    protocol._path = source.resolve()
    protocol._sha256 = hashlib.sha256(raw).hexdigest()
    return protocol


def _no_keys(raw: bytes, text: str) -> str:
    """What a protocol file that sets no key holds instead: nothing, blank lines, or only
    comments (a file saved before it was written, a template with everything commented out).

    Examples
    --------
    >>> _no_keys(b"", ""), _no_keys(b"\\n \\n", "\\n \\n")
    ('the file is empty (0 bytes)', 'the file holds no key: it is blank')
    >>> _no_keys(b"# [test]\\n", "# [test]\\n")
    'the file holds no key: only comments and blank lines'
    """
    if not raw:
        return "the file is empty (0 bytes)"
    if not text.strip():
        return "the file holds no key: it is blank"
    return "the file holds no key: only comments and blank lines"


def _tomls_in(folder: Path) -> str:
    """The TOML files a folder given as the protocol holds, as a hint: the one meant is
    most likely among them."""
    found = sorted(folder.glob("*.toml"))
    if not found:
        return ""
    shown = ", ".join(str(file) for file in found[:3]) + (", ..." if len(found) > 3 else "")
    return f" ({shown} in it?)" if len(found) == 1 else f" (one of {shown}?)"


def validate_protocol(
    data: Mapping[str, Any], *, base: Path | None = None, source: str = "<protocol>"
) -> Protocol:
    """Validate protocol data; raise one :class:`ProtocolError` listing every problem.

    Beyond the schema (types, required keys, allowed values, unknown keys), checks that
    each criterion's metric is one the task reports and its goal lies in the metric's
    range, and, with ``base``, that the manifest file exists.

    Parameters
    ----------
    data : mapping
        The parsed TOML.
    base : path, optional
        The protocol's folder, to resolve and check the manifest path.
    source : str
        The protocol's name in messages.

    Returns
    -------
    Protocol

    Raises
    ------
    ProtocolError
        With every problem as ``key.path: message (hint)``.

    Examples
    --------
    >>> try:
    ...     validate_protocol({"test": {"id": "T1", "title": "x", "mode": "final"}})
    ... except ProtocolError as exc:
    ...     print(exc.problems[0])
    test.mode: Input should be 'certificate' or 'pre-check' (got 'final')
    """
    problems: list[str] = []
    protocol: Protocol | None = None
    try:
        protocol = Protocol.model_validate(dict(data))
    except ValidationError as exc:
        problems.extend(describe_schema_error(error) for error in exc.errors())
    if isinstance(data.get("criteria"), list) and not data["criteria"]:
        problems.append("criteria: at least one [[criteria]] is needed (a test is judged "
                        "against criteria fixed in advance)")
    elif "criteria" not in data:
        problems.append("criteria: required key is missing")
    problems.extend(quoted_number_problems(data, Protocol))
    problems.extend(criteria_problems(data))
    problems.extend(duplicate_criteria(data))
    if protocol is not None:
        problems.extend(distance_unit_problems(protocol))
        problems.extend(reader_study_problems(protocol, base))
    dataset = data.get("dataset")
    named = dataset.get("manifest") if isinstance(dataset, Mapping) else None
    if base is not None and isinstance(named, str):
        manifest = base / named
        if not manifest.is_file():
            problems.append(
                f"dataset.manifest: no such file {manifest} (paths are relative to the "
                f"protocol's folder){backslash_hint(base, named)}"
            )
        elif protocol is not None:
            problems.extend(subgroup_problems(protocol, manifest))
    if problems:
        raise ProtocolError(_problems_message(source, problems), tuple(problems))
    assert protocol is not None
    return protocol


def _problems_message(source: str, problems: Sequence[str]) -> str:
    listing = "\n".join(f"  - {p}" for p in problems)
    return f"protocol {source}: {len(problems)} problem(s):\n{listing}"



def _table_declared_twice(message: str) -> str:
    """The hint for TOML's 'Cannot declare ('criteria',) twice': a second ``[criteria]``
    where each criterion is ``[[criteria]]``.

    Examples
    --------

    >>> print(_table_declared_twice("Cannot declare ('criteria',) twice (at line 44)"))
    ; [criteria] is declared once: where several are meant, each is [[criteria]], with two
    brackets
    >>> _table_declared_twice("Cannot declare ('task',) twice (at line 30, column 6)")
    '; [task] is one table: write its keys under one [task]'
    >>> _table_declared_twice("Invalid value (at line 3, column 8)")
    ''
    """
    import re

    found = re.match(r"Cannot declare \('([^']+)',\) twice", message)
    if found is None:
        return ""
    name = found[1]
    if name != "criteria":  # the one array of tables: any other section is one table
        return f"; [{name}] is one table: write its keys under one [{name}]"
    return (f"; [{name}] is declared once: where several are meant, each is [[{name}]], "
            "with two brackets")


def _not_toml_hint(source: Path, text: str, message: str) -> str:
    r"""The hint for a parse error that is no slip in TOML: a protocol written as JSON or
    YAML (the JSON Schema's shape, in another language), or a key in Korean, which TOML
    allows bare only in ASCII letters, digits, ``-`` and ``_``.

    Examples
    --------
    >>> _not_toml_hint(Path("p.json"), '{"test": {}}', "Invalid (at line 1, column 1)")[:40]
    '; a protocol is TOML, not JSON or YAML: '
    >>> _not_toml_hint(Path("p.toml"), "test:\n  id: x", "Expected '=' (at line 1, column 5)")[:20]
    '; a protocol is TOML'
    >>> print(_not_toml_hint(Path("p.toml"), "a = 1\n임계값 = 0.5", "Invalid statement "
    ...                      "(at line 2, column 1)"))
    ; '임' at line 2 starts a key TOML cannot read: keys are English (the names `medeval
    protocol schema` lists); Korean text is a value, in quotes (title = "...")
    >>> print(_not_toml_hint(Path("p.toml"), "title = 이진 분류", "Invalid value (at line 1, "
    ...                      "column 9)"))
    ; text is written in quotes: title = "이진 분류"
    >>> print(_not_toml_hint(Path("p.toml"), "title = “x”", "Invalid value (at line 1, "
    ...                      "column 9)"))
    ; '“' at line 1 is a typographic quote (a word processor's): TOML's quotes are the plain
    " and '
    >>> _not_toml_hint(Path("p.toml"), "a = ", "Invalid value (at line 1, column 5)")
    ''
    """
    import re

    first = next((line.strip() for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), "")
    if (source.suffix.lower() in (".json", ".yaml", ".yml") or first.startswith(("{", "---"))
            or re.match(r"[A-Za-z_][\w-]*:(\s|$)", first)):
        return ("; a protocol is TOML, not JSON or YAML: tables as [test], keys as "
                "key = value (examples/*/protocol.toml; `medeval protocol schema` lists the "
                "keys, whose JSON Schema validates the TOML as read)")
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    lines = text.splitlines()
    if found is None or not 0 < int(found[1]) <= len(lines):
        return ""
    line = lines[int(found[1]) - 1]
    column = int(found[2]) - 1
    char = line[column] if column < len(line) else ""
    before = line[:column].strip()
    if char and char in "\u201c\u201d\u2018\u2019\uff02\uff07":  # “ ” ‘ ’ ＂ ＇
        return (f"; {char!r} at line {found[1]} is a typographic quote (a word processor's): "
                "TOML's quotes are the plain \" and '")
    if char.isascii() or not (before in ("", "[", "[[") or before.endswith("=")):
        return ""
    if before.endswith("="):  # title = 이진 분류: a value unquoted
        return f"; text is written in quotes: {line[:column].rstrip()} \"{line[column:].strip()}\""
    return (f"; {char!r} at line {found[1]} starts a key TOML cannot read: keys are English "
            "(the names `medeval protocol schema` lists); Korean text is a value, in quotes "
            "(title = \"...\")")


def write_schema(path: str | Path) -> None:
    """Write :func:`protocol_schema` as canonical JSON (used to refresh the shipped file)."""
    Path(path).write_text(
        json.dumps(protocol_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


