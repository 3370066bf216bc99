"""The checks of a test protocol beyond its schema: criteria against the metrics the task
reports and their ranges, subgroup columns against the manifest, the units of a worst
distance, a reader study's comparison, and what certificate mode needs.

Each returns its problems as ``key.path: message`` texts; :func:`medeval.protocol.
validate_protocol` gathers them with the schema's into one
:class:`~medeval.protocol.ProtocolError`.
"""

from __future__ import annotations

import datetime
import json
import lzma
import math
import re
import unicodedata
import zlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import ValidationError

from ._protocol_keys import closest_key
from .definitions import DEFINITIONS
from .protocol_sections import (
    TASK_METRICS,
    DetectionTask,
    MulticlassClassificationTask,
    MultilabelClassificationTask,
    Protocol,
    ReaderStudyTask,
    SegmentationTask,
)
from .tasks._json_numbers import is_number

__all__ = [
    "certificate_problems",
    "criteria_problems",
    "describe_schema_error",
    "distance_unit_problems",
    "duplicate_criteria",
    "manifest_read_problems",
    "reader_study_problems",
    "subgroup_problems",
    "unpassable_goals",
]


def subgroup_problems(protocol: Protocol, manifest: Path) -> list[str]:
    """Subgroup columns listed twice, that the manifest does not have as metadata
    columns, or that it holds blank in every row.

    Without this check each such column would make one subgroup of every case (value
    empty), and the analysis the protocol declared would silently not happen. Only the
    manifest's header and the subgroup columns are read; a manifest that cannot be read
    is left to the manifest's own checks.
    """
    if not (protocol.subgroups.columns or protocol.subgroups.order
            or protocol.subgroups.case_columns):
        return []
    listed = protocol.subgroups.columns
    twice = [f"subgroups.columns: {column!r} is listed {listed.count(column)} times; list "
             "each column once" for column in dict.fromkeys(listed) if listed.count(column) > 1]
    cases = protocol.subgroups.case_columns
    twice += [f"subgroups.case_columns: {column!r} is listed {cases.count(column)} times; "
              "list each column once" for column in dict.fromkeys(cases)
              if cases.count(column) > 1]
    twice += [f"subgroups.case_columns: {column!r} is not one of subgroups.columns "
              f"({', '.join(map(repr, listed)) or 'none'}); list it there too or leave it out"
              for column in dict.fromkeys(protocol.subgroups.case_columns)
              if column not in listed]
    return twice + _order_problems(protocol, manifest) + _manifest_subgroup_problems(
        protocol, manifest)


def manifest_read_problems(protocol: Protocol, folder: Path) -> list[str]:
    """The problem of a manifest the protocol names (relative to ``folder``, the
    protocol's) that exists but cannot be read as a manifest: a ``.gz`` cut short, not
    UTF-8, a ZIP or TAR archive, no header, a required column missing — what
    :meth:`medeval.manifest.Manifest.from_csv` (``medeval manifest check``, the
    evaluation) refuses, in its words. :func:`subgroup_problems` leaves such a file to the
    manifest's reader, and ``medeval protocol check``, which reads no more of it, said OK
    (found with a ``manifest.csv.gz`` cut short in a copy). The cases' files are not
    looked at: that is ``medeval manifest check``'s."""
    from .errors import ManifestError
    from .manifest import Manifest

    manifest = folder / protocol.dataset.manifest
    if not manifest.is_file():
        return []  # validate_protocol says so
    try:
        Manifest.from_csv(manifest)
    except ManifestError as exc:
        return [f"dataset.manifest: {exc}"]
    return []


#: what reading a manifest the protocol names may raise, left to the manifest's own
#: checks: no file, not CSV or UTF-8 (ValueError), a .gz, .bz2 or .xz cut short (EOFError)
#: or damaged
_UNREADABLE = (OSError, ValueError, EOFError, zlib.error, lzma.LZMAError)


def _order_problems(protocol: Protocol, manifest: Path) -> list[str]:
    """``[subgroups.order]`` naming a column not in ``columns``, listing a value twice, or
    a value the manifest's column does not hold (a typo, "≥ 65" for "≥65", would leave
    the order the protocol declared silently unused). Values are compared as the
    evaluation groups them (spaces around stripped, NFC)."""
    import pandas as pd

    from .manifest import nfc_id

    order = protocol.subgroups.order
    problems = [f"subgroups.order: {column!r} is not one of subgroups.columns "
                f"({', '.join(map(repr, protocol.subgroups.columns)) or 'none'}); list it "
                "there too or leave its order out"
                for column in order if column not in protocol.subgroups.columns]
    listed = {c: [nfc_id(v.strip()) for v in values] for c, values in order.items()
              if c in protocol.subgroups.columns}
    problems += [f"subgroups.order.{column}: {value!r} is listed {values.count(value)} times"
                 for column, values in listed.items() for value in dict.fromkeys(values)
                 if values.count(value) > 1]
    try:
        table = pd.read_csv(manifest, dtype=str, keep_default_na=False,
                            usecols=lambda c: c in listed)
    except _UNREADABLE:
        return problems  # the manifest's own checks say what is wrong with it
    for column in (c for c in listed if c in table.columns):
        held = list(dict.fromkeys(nfc_id(str(v).strip()) for v in table[column]))
        problems += [f"subgroups.order.{column}: {value!r} is not a value of the column in "
                     f"the manifest {manifest.name} (its values: "
                     f"{', '.join(map(repr, held[:20]))}{', ...' if len(held) > 20 else ''})"
                     for value in dict.fromkeys(listed[column]) if value not in held]
    return problems


def _manifest_subgroup_problems(protocol: Protocol, manifest: Path) -> list[str]:
    import pandas as pd  # as Manifest.from_csv reads it; here only when there are subgroups

    try:
        columns = [str(c) for c in pd.read_csv(manifest, dtype=str, nrows=0).columns]
    except _UNREADABLE:
        return []
    structural = ("case_id", "patient_id", "reference")
    if not set(structural) <= set(columns):
        return []  # not a manifest's header: the manifest's own check says what it lacks
    metadata = [c for c in columns
                if c not in structural and c != "input" and not c.startswith("input_")]
    problems = [
        f"subgroups.columns: {column!r} is not a metadata column of the manifest "
        f"{manifest.name} (its metadata columns: {', '.join(metadata) or 'none'})"
        + _other_form(column, metadata)
        for column in dict.fromkeys(protocol.subgroups.columns) if column not in metadata
    ]
    return problems + _blank_columns(
        manifest, [c for c in dict.fromkeys(protocol.subgroups.columns) if c in metadata])


def _other_form(column: str, metadata: list[str]) -> str:
    """A hint where the manifest has ``column`` in another Unicode form (a header written
    on macOS, NFD, and the protocol typed on Windows, NFC): the names print alike; or
    with spaces around it (``site, sex`` typed after a comma: ``' sex'``, which the list
    of metadata columns shows as a second space only), or in other letter case
    (``Device`` for ``device``): column names are compared as written."""
    from .manifest import nfc_id

    found = [c for c in metadata if nfc_id(c) == nfc_id(column)]
    if found:
        return (f"; the manifest's {found[0]!r} is this name in another Unicode form (NFC "
                "and NFD print alike): write it in the protocol as the manifest does")
    found = [c for c in metadata if nfc_id(c.strip()) == nfc_id(column.strip())]
    if found:
        return (f"; the manifest's {found[0]!r} is this name with spaces around it (column "
                "names are compared as written): remove them from the manifest's header, or "
                "write the name in the protocol as the manifest does")
    found = [c for c in metadata
             if nfc_id(c.strip()).casefold() == nfc_id(column.strip()).casefold()]
    return (f"; the manifest's {found[0]!r} is this name in other letter case (column "
            "names are compared as written): write it in the protocol as the manifest "
            "does") if found else ""


def _blank_columns(manifest: Path, columns: list[str]) -> list[str]:
    """Subgroup columns blank in every row of the manifest: one subgroup of every case,
    named by an empty value, would be reported instead of the analysis declared."""
    import pandas as pd

    if not columns:
        return []
    try:
        table = pd.read_csv(manifest, dtype=str, usecols=columns, keep_default_na=False)
    except _UNREADABLE:
        return []  # the manifest's own checks say what is wrong with it
    blank = [f"subgroups.columns: {column!r} is blank in every row of the manifest "
             f"{manifest.name}: there is no subgroup to report; fill it in or leave the "
             "column out of subgroups.columns"
             for column in columns
             if len(table) and table[column].fillna("").str.strip().eq("").all()]
    return blank + _one_case_columns(manifest, table, columns)


def _one_case_columns(manifest: Path, table: Any, columns: list[str]) -> list[str]:
    """Subgroup columns holding another value in every row (a frame number, an accession
    number): a subgroup of each case, whose intervals are all undefined. A column of
    37,500 frame numbers made 37,500 subgroups, hundreds of thousands of warnings and a
    certificate of some 1,900 pages. Values are compared as the evaluation groups them
    (spaces around stripped, NFC)."""
    from .manifest import nfc_id

    found = []
    for column in columns:
        values = [nfc_id(str(v).strip()) for v in table[column].fillna("")]
        if len(values) > 1 and "" not in values and len(set(values)) == len(values):
            found.append(
                f"subgroups.columns: {column!r} holds a different value in every row of the "
                f"manifest {manifest.name} ({len(values)} values, e.g. {values[0]!r}, "
                f"{values[1]!r}): each subgroup would be one case, whose intervals are "
                "undefined; a subgroup column groups cases (a site, a vendor, an age band): "
                "leave this one out of subgroups.columns")
    return found


#: pydantic's errors of a number outside its bounds
_BOUNDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def describe_schema_error(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"] if not _is_union_tag(part))
    kind = error["type"]
    if kind == "extra_forbidden":
        parts = [str(part) for part in error["loc"] if not _is_union_tag(part)]
        value = error.get("input")
        if len(parts) >= 2 and parts[-1] == parts[-2] and isinstance(value, dict) and value:
            # `dataset.fingerprint = ...` pasted under [dataset]: TOML nests the dotted key
            key = next(iter(value))
            return (f"{location}: unknown key: a dotted key {parts[-1]}.{key} = ... written "
                    f"inside the [{'.'.join(parts[:-1])}] table, where TOML reads it as "
                    f"{location}.{key}; write {key} = ... there")
        if len(parts) == 3 and parts[0] == "criteria" and parts[2] in _SUBGROUP_KEYS:
            return f"{location}: unknown key: {_NO_SUBGROUP_CRITERIA}"
        if len(parts) == 3 and parts[0] == "criteria" and parts[2] in _NOT_IN_A_CRITERION:
            return f"{location}: unknown key: {_NOT_IN_A_CRITERION[parts[2]]}"
        meant = closest_key(error["loc"])
        hint = f"did you mean {meant!r}? " if meant else ""
        return (f"{location}: unknown key ({hint}check its spelling; see `medeval protocol "
                "schema`)")
    if kind == "missing":
        return f"{location}: required key is missing"
    if kind in ("union_tag_invalid", "union_tag_not_found") and location == "task":
        return _task_type_problem(error.get("input"))
    message = error["msg"]
    written = error.get("input")
    if kind == "string_pattern_mismatch" and location.endswith(("fingerprint", "sha256")):
        return f"{location}: {_digest_hint(written)}"
    if kind in ("model_attributes_type", "model_type") and isinstance(written, list):
        # [[task]] for [task]: TOML's array of tables where one table is meant
        return (f"{location}: written as [[{location}]], an array of tables; it is one "
                f"table, [{location}]")
    if kind == "string_type" and isinstance(written, (int, float)) and not isinstance(
            written, bool):  # version = 2.10, a subgroup's value 9: TOML read a number
        return (f"{location}: {written!r} is a number where text is meant: write it in "
                f"quotes, \"{written}\", as it is to read (unquoted, TOML reads 2.10 as "
                "the number 2.1)")
    if kind == "string_type" and isinstance(written, (datetime.date, datetime.time)):
        return (f"{location}: a TOML date where the protocol takes text: write it in quotes, "
                f"\"{written.isoformat()}\"")
    if kind == "list_type" and location == "criteria" and isinstance(written, dict):
        return ("criteria: written as [criteria], one table; each criterion is a table of "
                "the array [[criteria]], with two brackets")
    if kind == "list_type" and isinstance(written, (str, int, float)) and not isinstance(
            written, bool):
        key = location.rsplit(".", 1)[-1]
        return f"{location}: a list is written in brackets: {key} = {_as_list(written)}"
    if kind == "dict_type" and location == "task.thresholds":
        # a list of thresholds in the order of labels: not matched by position
        return (f"{location}: {message}; give each label's threshold by its name, "
                "thresholds = {<label> = 0.5, ...} with every label once (a list is not "
                "matched to the labels by position), or one for all, threshold = 0.5")
    if isinstance(written, float) and math.isnan(written) and kind in _BOUNDS:
        # TOML's nan: compared with a bound it is neither above nor below it, so pydantic
        # said 'less than 1 (got nan)' of a margin or confidence as if nan were too large
        return f"{location}: nan (TOML's not-a-number) is no value here: write a number"
    if "input" in error and not isinstance(error["input"], (dict, list)):
        message += f" (got {error['input']!r})"
        ceiling = (error.get("ctx") or {}).get("lt", (error.get("ctx") or {}).get("le"))
        if location.endswith("window_s"):  # milliseconds for seconds
            message += "; the window is in seconds: EC57's 150 ms is 0.15"
        elif isinstance(error["input"], str) or ceiling == 1:  # a percentage for a fraction
            # no confidence level is below 50 %: a 1.5 is a slip, not 1.5 %
            message += _percent_hint(error["input"],
                                     least=0.5 if location.endswith("confidence") else 0.0)
    return f"{location}: {message}"


def _digest_hint(written: Any) -> str:
    """What is wrong with a SHA-256 as written, and what to write (lowercase hex, 64 digits,
    optionally after ``sha256:``).

    Examples
    --------
    >>> _digest_hint("AB" * 32)[:53]
    'a SHA-256 is written in lowercase hexadecimal: write '
    >>> _digest_hint("sha256:" + "ab" * 31)
    "a SHA-256 is 64 hexadecimal digits (0-9, a-f), optionally after 'sha256:'; this has 62"
    """
    text = str(written).strip()
    digits = text[len("sha256:"):] if text.lower().startswith("sha256:") else text
    if len(digits) == 64 and re.fullmatch(r"[0-9A-Fa-f]{64}", digits):
        return (f"a SHA-256 is written in lowercase hexadecimal: write {text.lower()!r} "
                "(a SHA-256 copied from Windows' Get-FileHash is in capitals)")
    found = re.sub(r"[^0-9A-Fa-f]", "", digits)
    return ("a SHA-256 is 64 hexadecimal digits (0-9, a-f), optionally after 'sha256:'; "
            f"this has {len(found)}" + ("" if found == digits else
                                        ", and other characters besides"))


def _as_list(written: str | float) -> str:
    """A value written where a list is meant, as the TOML list it most likely meant: its
    items split at commas, each a number where its text is one (``fp_rates = "1.0"``:
    ``[1.0]``), else a text.

    Examples
    --------
    >>> _as_list("site"), _as_list("site, sex"), _as_list("0.5, 1"), _as_list(2)
    ('["site"]', '["site", "sex"]', '[0.5, 1]', '[2]')
    """
    if not isinstance(written, str):
        return f"[{written!r}]"
    items = []
    for item in (part.strip() for part in written.split(",")):
        try:
            float(item) if item.isascii() else float("x")
        except ValueError:
            items.append(json.dumps(item, ensure_ascii=False))
        else:
            items.append(item)
    return "[" + ", ".join(items) + "]"


def _task_type_problem(task: Any) -> str:
    """What is wrong with ``[task]``'s ``type``, in place of pydantic's words on its
    discriminated union ('Input tag ... found using 'type' does not match any of the
    expected tags').

    Examples
    --------
    >>> _task_type_problem({"type": "binary-clasification"})  # doctest: +ELLIPSIS
    "task.type: 'binary-clasification' is no task type (did you mean 'binary-classification'?); ...
    >>> _task_type_problem({"threshold": 0.5})  # doctest: +ELLIPSIS
    'task.type: required key is missing; the task types: binary-classification, ...
    """
    import difflib

    types = ", ".join(TASK_METRICS)
    typed = task.get("type") if isinstance(task, Mapping) else None
    if typed is None:
        return f"task.type: required key is missing; the task types: {types}"
    close = difflib.get_close_matches(str(typed).strip().casefold(), list(TASK_METRICS),
                                      n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = repr(typed) if isinstance(typed, str) else json.dumps(typed)  # true, not True
    return f"task.type: {shown} is no task type{hint}; the task types: {types}"


def _percent_hint(value: Any, *, least: float = 0.0) -> str:
    """What to write for a percentage given where a fraction is meant ('90%', or 95 as a
    confidence level): the same number as a fraction; empty for anything else, and where
    that fraction would be below ``least``, no value the key could mean (a confidence of
    1.5 or a sensitivity goal of 1.85 is a slip for 0.95 or 0.85, not 1.5 % or 1.85 %).

    Examples
    --------
    >>> _percent_hint("90%")
    "; write a percentage as a fraction: 0.9, not '90%'"
    >>> _percent_hint(95)
    '; write a percentage as a fraction: 0.95, not 95'
    >>> _percent_hint(0.5), _percent_hint("x"), _percent_hint("250%")
    ('', '', '')
    >>> _percent_hint(1.85, least=0.1), _percent_hint(1.85)
    ('', '; write a percentage as a fraction: 0.0185, not 1.85')
    """
    if isinstance(value, str):
        text = value.strip()
        number = text[:-1].strip() if text.endswith("%") else None
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 1 < value <= 100:
        number = str(value)
    else:
        return ""
    try:
        fraction = float(number) / 100 if number is not None else math.nan
    except ValueError:
        return ""
    if not least <= fraction <= 1:
        return ""
    return f"; write a percentage as a fraction: {fraction:g}, not {value!r}"


def _is_union_tag(part: Any) -> bool:
    """Pydantic puts the discriminated union's tag (a task type) in the error location."""
    return isinstance(part, str) and part in TASK_METRICS


def unpassable_goals(data: Mapping[str, Any]) -> list[str]:
    """Notes on guarded criteria whose goal lies at the end of its metric's range on
    the better side (a sensitivity >= 1, an error rate <= 0): the guarded rule passes when
    the whole interval meets the goal, and an interval there either reaches past the
    figure's range or has zero width (every case correct: INCONCLUSIVE), so no set can
    PASS it. Allowed (it is what the protocol says), but said before the test is run.

    >>> unpassable_goals({"task": {"type": "binary-classification"}, "criteria": [
    ...     {"metric": "sensitivity", "goal": 1.0}, {"metric": "specificity", "goal": 0.9},
    ...     {"metric": "ppv", "goal": 1, "rule": "point"}]})[0][:44]
    'criteria.0: sensitivity >= 1 under the guard'
    """
    reported = _reported(data)
    criteria = data.get("criteria")
    notes = []
    for index, criterion in enumerate(criteria if isinstance(criteria, list) else []):
        if not isinstance(criterion, Mapping) or criterion.get("rule", "guarded") != "guarded":
            continue
        metric, goal = criterion.get("metric"), criterion.get("goal")
        if not isinstance(metric, str) or not _is_number(goal):
            continue
        metric = unicodedata.normalize("NFC", metric)
        definition = DEFINITIONS.get(reported.get(metric, "") if reported else metric)
        if definition is None or definition.higher_is_better is None:
            continue
        low, high = definition.bounds
        end = high if definition.higher_is_better else low
        if math.isfinite(end) and (goal >= end if definition.higher_is_better
                                   else goal <= end):
            sign = ">=" if definition.higher_is_better else "<="
            notes.append(
                f"criteria.{index}: {metric} {sign} {goal:g} under the guarded rule: no set "
                f"can PASS it, as {end:g} is the {'largest' if end == high else 'smallest'} "
                f"{metric} can be and the interval must lie wholly "
                f"{'at or above' if definition.higher_is_better else 'at or below'} the "
                "goal (one of zero width, every case right, is INCONCLUSIVE); lower the "
                "goal, or judge the figure alone (rule = \"point\")")
    return notes


def duplicate_criteria(data: Mapping[str, Any]) -> list[str]:
    """Criteria that repeat an earlier one: the same metric (as NFC text), rule and goal.

    A repeat judges nothing new; it is most often a criterion copied to write the next one
    whose metric was left unchanged, so the figure meant is never judged. Several goals
    on one metric are allowed (the highest decides), and so are one goal by both rules.

    >>> duplicate_criteria({"criteria": [
    ...     {"metric": "sensitivity", "goal": 0.8}, {"metric": "sensitivity", "goal": 0.8,
    ...     "rule": "guarded"}, {"metric": "sensitivity", "goal": 0.8, "rule": "point"}]})[0][:58]
    'criteria.1: the same criterion as criteria.0 (sensitivity '
    """
    criteria = data.get("criteria")
    seen: dict[tuple[str, str, float], int] = {}
    problems = []
    for index, criterion in enumerate(criteria if isinstance(criteria, list) else []):
        if not isinstance(criterion, Mapping):
            continue
        metric, goal, rule = (criterion.get("metric"), criterion.get("goal"),
                              criterion.get("rule", "guarded"))
        if not isinstance(metric, str) or not _is_number(goal) or not isinstance(rule, str):
            continue
        key = (unicodedata.normalize("NFC", metric), rule, float(goal))
        if key in seen:
            problems.append(
                f"criteria.{index}: the same criterion as criteria.{seen[key]} ({key[0]} "
                f"goal {goal:g}, {rule} rule), which judges nothing more; a copied "
                "criterion whose metric was left unchanged? write the metric it is meant "
                "for, or delete it")
        seen.setdefault(key, index)
    return problems


def _reported(data: Mapping[str, Any]) -> Mapping[str, str] | None:
    """The figures the protocol's task reports, by name -> definition id (None: an
    unknown task)."""
    task = data.get("task")
    task_type = task.get("type") if isinstance(task, Mapping) else None
    reported = TASK_METRICS.get(task_type) if isinstance(task_type, str) else None
    if reported is not None and isinstance(task, Mapping):
        reported = _as_parametrised(reported, task)
    labels = task.get("labels") if isinstance(task, Mapping) else None
    if reported is not None and task_type == "segmentation" and isinstance(
            labels, list) and len(labels) > 1:  # the task names each label's figures
        reported = {f"label{label}:{name}": definition for label in labels
                    for name, definition in reported.items()}
    if reported is not None and task_type == "multiclass-classification" and isinstance(
            task, Mapping) and isinstance(labels, list):
        reported = {**reported, **_multiclass_figures(task)}
    if reported is not None and task_type == "multilabel-classification" and isinstance(
            task, Mapping) and isinstance(labels, list):
        reported = {**_multilabel_figures(task), **reported}
    return reported


def criteria_problems(data: Mapping[str, Any]) -> list[str]:
    task = data.get("task")
    task_type = task.get("type") if isinstance(task, Mapping) else None
    reported = _reported(data)
    labels = task.get("labels") if isinstance(task, Mapping) else None
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        return []
    problems = []
    for index, criterion in enumerate(criteria):
        if not isinstance(criterion, Mapping):
            continue
        metric, goal = criterion.get("metric"), criterion.get("goal")
        where = f"criteria.{index}"
        if not isinstance(metric, str):
            continue
        metric = unicodedata.normalize("NFC", metric)
        if reported is not None and metric not in reported:
            # a segmentation's labels only (a classification's are class names)
            scored = (SegmentationTask.model_fields["labels"].default if labels is None
                      else labels) if task_type == "segmentation" else None
            hint = (_unknown_label(metric, scored) or _other_variant(metric, task)
                    or _subgroup_metric(metric, reported) or _rate_not_listed(metric, task)
                    or _multiclass_hint(metric, task_type, reported)
                    or _did_you_mean(metric, reported))
            problems.append(
                f"{where}.metric: {metric!r} is not reported by task {task_type!r}{hint}; "
                "choose one of "
                f"{', '.join(reported) or '(none yet)'}"
            )
            continue
        definition = DEFINITIONS.get(reported[metric] if reported else metric)
        if definition is not None and definition.higher_is_better is None:
            problems.append(
                f"{where}.metric: {metric!r} has no better direction ({definition.name} "
                "describes, it does not rank); a criterion needs a metric where higher or "
                "lower is better"
            )
            continue
        if definition is None or not isinstance(goal, (int, float)):
            continue
        low, high = definition.bounds
        if not math.isfinite(goal):  # inf: a criterion no figure can fail (or pass)
            why = ("no figure compares with it" if math.isnan(goal)
                   else f"every {metric} lies on one side of it")
            problems.append(f"{where}.goal: {goal!r} is no goal: a criterion is judged "
                            f"against a finite number ({why})")
            continue
        if not (low <= goal <= high):
            shown = f"[{low:g}, {high:g}]".replace("inf", "∞")
            problems.append(
                f"{where}.goal: {goal!r} is outside the range of {metric} {shown} "
                f"({definition.unit if definition.unit != '1' else 'a ratio'})"
                # a goal a higher-is-better ratio is judged against lies above 10 %
                # (1.85 is a slip for 0.85); an error rate's goal may be 2 %
                + (_percent_hint(goal, least=0.1 if definition.higher_is_better else 0.0)
                   if (low, high) == (0, 1) else "")
            )
    return problems


def _as_parametrised(reported: Mapping[str, str], task: Mapping[str, Any]) -> dict[str, str]:
    """The metrics a task reports under its own parameters: the FROC sensitivities at the
    protocol's ``fp_rates`` (not the default rates), HD at its ``hd_percentile`` and NSD
    in its ``nsd_variant`` only, as the tasks name them (``froc_sensitivity@3``,
    ``hd90@pooled``, ``nsd@count``). A parameter the schema refuses keeps the default.

    Examples
    --------
    >>> sorted(n for n in _as_parametrised(TASK_METRICS["detection"],
    ...        {"fp_rates": [0.5, 3]}) if n.startswith("froc_sensitivity"))
    ['froc_sensitivity@0.5', 'froc_sensitivity@3']
    >>> sorted(n for n in _as_parametrised(TASK_METRICS["segmentation"],
    ...        {"hd_percentile": 90, "nsd_variant": "count"}) if "@" in n)
    ['hd90@max-directed', 'hd90@pooled', 'nsd@count']
    >>> sorted(n for n in _as_parametrised(TASK_METRICS["segmentation"], {}) if "nsd" in n)
    ['nsd@surfel']
    """
    out = dict(reported)
    rates = task.get("fp_rates")
    if any(name.startswith("froc_sensitivity@") for name in out) and isinstance(
            rates, list) and rates and all(_is_number(r) for r in rates):
        out = {k: v for k, v in out.items() if not k.startswith("froc_sensitivity@")}
        out.update({f"froc_sensitivity@{float(r):g}": "froc_sensitivity" for r in rates})
    # the schema's default where the protocol names none: the task reports one variant
    variant = task.get("nsd_variant", SegmentationTask.model_fields["nsd_variant"].default)
    if "nsd@surfel" in out and variant in ("surfel", "count"):
        out.pop("nsd@count" if variant == "surfel" else "nsd@surfel")
    percentile = task.get("hd_percentile")
    if "hd95@pooled" in out and _is_number(percentile) and 0 <= percentile <= 100:
        for form in ("max-directed", "pooled"):
            definition = out.pop(f"hd95@{form}")
            out[f"hd{float(percentile):g}@{form}"] = definition
    return out


#: Other names of a figure, each as (typed, the name a task may report, what the hint
#: adds): precision is PPV (EC57's +P), recall and TPR are sensitivity, and a false
#: positive rate is 1 - specificity (EC57's VEB FPR). A name part is replaced whole
#: (``veb_precision``: ``veb_ppv``), and only where the task reports the result.
_OTHER_NAMES: tuple[tuple[str, str, str], ...] = (
    ("precision", "ppv", "the task names precision ppv"),
    ("ppv", "precision", "the task names the PPV precision"),
    ("recall", "sensitivity", "the task names recall sensitivity"),
    ("tpr", "sensitivity", "the task names the true positive rate sensitivity"),
    ("specificity", "fpr", "the task reports the false positive rate, 1 - specificity: "
     "a goal on it is an upper bound"),
    ("fpr", "specificity", "the task reports specificity, 1 - the false positive rate: "
     "a goal on it is a lower bound"),
)


_DIRECTION = (
    "a criterion's direction is its metric's own, not written: higher is better for a "
    "sensitivity or a Dice, lower for an HD95, an MAE or an error rate (the result's "
    "higher_is_better says which), and the guarded rule takes the interval's bound on the "
    "unfavourable side; a criterion holds metric, goal, rule and source")
_MARGIN = (
    "a criterion has no margin: a non-inferiority goal is the goal itself (a reference "
    "sensitivity of 0.90 and a margin of 0.05: goal = 0.85, with source saying so); a "
    "reader study's margin is task.margin")
_LEVEL = (
    "the interval's confidence and method are the whole protocol's: confidence, "
    "proportion_method, auc_method and bootstrap_method in [statistics]")
#: Keys an author writes in a [[criteria]] for what the protocol says elsewhere or not at
#: all, and why (a spelling hint would send them looking for a key that is not there).
_NOT_IN_A_CRITERION = {
    **dict.fromkeys(("direction", "higher_is_better", "lower_is_better", "operator",
                     "comparison", "bound", "side", "sense"), _DIRECTION),
    **dict.fromkeys(("margin", "ni_margin", "non_inferiority_margin", "delta"), _MARGIN),
    **dict.fromkeys(("confidence", "alpha", "level", "method", "interval"), _LEVEL),
}
#: Keys a criterion on a subgroup is written with (``subgroup = "site=Seoul"``).
_SUBGROUP_KEYS = frozenset({"subgroup", "subgroups", "scope", "where", "population"})
#: Why such a criterion is refused: the verdicts are on all the cases analysed.
_NO_SUBGROUP_CRITERIA = (
    "there is no criterion on a subgroup: a criterion is judged on all the cases analysed, "
    "and the [subgroups] columns' figures are reported by value, not judged; to judge a "
    "subgroup, write a protocol for a manifest of its cases")


def _subgroup_metric(metric: str, reported: Mapping[str, str] | None) -> str:
    """The hint for a criterion on a subgroup written into the metric's name
    (``sensitivity@site=Seoul``), where the name before ``@`` is reported.

    >>> _subgroup_metric("sensitivity@site=Seoul", TASK_METRICS["binary-classification"])[:48]
    ' (sensitivity is, but there is no criterion on a'
    >>> _subgroup_metric("sensitivity@G3", TASK_METRICS["binary-classification"])
    ''
    """
    name, at, scope = metric.partition("@")
    if not at or "=" not in scope or reported is None or name not in reported:
        return ""
    return f" ({name} is, but {_NO_SUBGROUP_CRITERIA})"


def _did_you_mean(metric: str, reported: Mapping[str, str]) -> str:
    """The reported name a misspelt or mis-cased one most likely meant, as a hint.

    Examples
    --------
    >>> names = TASK_METRICS["binary-classification"]
    >>> _did_you_mean("sensitivty", names), _did_you_mean("Sensitivity ", names)
    (" (did you mean 'sensitivity'?)", " (did you mean 'sensitivity'?)")
    >>> _did_you_mean("auc", names), _did_you_mean("dice", names)
    (" (did you mean 'roc_auc'?)", '')

    A name without its variant is given the variants reported, never a neighbour in
    spelling (``nsd`` is not ``masd``):

    >>> seg = {f"label{k}:{n}": n for k in (1, 2) for n in TASK_METRICS["segmentation"]}
    >>> _did_you_mean("label1:nsd", {**seg, "label1:nsd@count": "x"})
    " (did you mean one of 'label1:nsd@surfel', 'label1:nsd@count'?)"
    >>> _did_you_mean("label2:HD95", seg)
    " (did you mean one of 'label2:hd95@max-directed', 'label2:hd95@pooled'?)"

    A figure a task of several labels reports per label is given each label's (the
    nearest in spelling was one label's, 'label2:hd95@max-directed' for
    'hd95@max-directed'):

    >>> _did_you_mean("hd95@max-directed", seg)
    " (this task scores each label of task.labels on its own: one of \
'label1:hd95@max-directed', 'label2:hd95@max-directed')"
    >>> _did_you_mean("nsd", seg)
    " (this task scores each label of task.labels on its own: one of 'label1:nsd@surfel', \
'label1:nsd@count', 'label2:nsd@surfel', 'label2:nsd@count')"

    A figure under another of its names is given the name the task reports, never a
    neighbour in spelling (``veb_precision`` is not ``veb_fpr``):

    >>> _did_you_mean("veb_precision", TASK_METRICS["ecg-beats"])
    " (did you mean 'veb_ppv'? the task names precision ppv)"
    """
    import difflib

    folded = {name.casefold(): name for name in reported}
    key = metric.strip().casefold()
    variants = [name for k, name in folded.items() if k.startswith(f"{key}@")]
    if variants:
        return (f" (did you mean {variants[0]!r}?)" if len(variants) == 1 else
                f" (did you mean one of {', '.join(map(repr, variants))}?)")
    if key not in folded:
        parts = re.split(r"([_@:])", key)
        for typed, named, why in _OTHER_NAMES:
            other = "".join(named if part == typed else part for part in parts)
            if other != key and other in folded:
                return f" (did you mean {folded[other]!r}? {why})"
    per_label = [name for k, name in folded.items() if re.fullmatch(r"label-?\d+", (
        split := k.partition(":"))[0]) and (split[2] == key or split[2].startswith(f"{key}@"))]
    if per_label and ":" not in key:  # 'dice' where labels [1, 2] are scored one by one
        return (f" (this task scores each label of task.labels on its own: one of "
                f"{', '.join(map(repr, per_label))})")
    close = [folded[key]] if key in folded else [
        folded[k] for k in difflib.get_close_matches(key, folded, n=1, cutoff=0.6)]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_label(metric: str, labels: Any) -> str:
    """A hint where a segmentation criterion names a label the task does not score
    (``label3:dice`` under ``labels = [1, 2]``), instead of a neighbour in spelling.

    >>> _unknown_label("label3:dice", [1, 2]), _unknown_label("label2:dice", [1, 2])
    (' (label 3 is not in task.labels [1, 2])', '')

    A task of one label names its figures without it (``dice``, not ``label1:dice``):

    >>> _unknown_label("label1:dice", [1])
    " (with one label, task.labels [1], the figures are named without it: 'dice')"
    """
    found = re.fullmatch(r"\s*label(\d+):(.*)", metric)
    if found is None or not isinstance(labels, list):
        return ""
    if int(found[1]) in labels:
        return (f" (with one label, task.labels {labels}, the figures are named without "
                f"it: {found[2].strip()!r})" if len(labels) == 1 else "")
    return f" (label {int(found[1])} is not in task.labels {labels})"


def _other_variant(metric: str, task: Any) -> str:
    """A hint where a criterion names the NSD variant the task's ``nsd_variant`` (by
    default ``surfel``) does not report.

    >>> _other_variant("label1:nsd@count", {})  # doctest: +NORMALIZE_WHITESPACE
    " (the task reports NSD as nsd_variant says, 'surfel' by default: set
    nsd_variant = 'count' in [task] for nsd@count)"
    >>> _other_variant("nsd@surfel", {})
    ''
    """
    found = re.fullmatch(r"(?:label\d+:)?nsd@(surfel|count)", metric.strip())
    default = SegmentationTask.model_fields["nsd_variant"].default
    variant = task.get("nsd_variant", default) if isinstance(task, Mapping) else default
    if found is None or found[1] == variant:
        return ""
    return (f" (the task reports NSD as nsd_variant says, {default!r} by default: set "
            f"nsd_variant = {found[1]!r} in [task] for nsd@{found[1]})")


def _rate_not_listed(metric: str, task: Any) -> str:
    """A hint where a criterion names a FROC sensitivity at a rate of false positives the
    task's ``fp_rates`` does not list (``froc_sensitivity@0.5`` under ``fp_rates = [0.25,
    1]``): the rate is to be added there, not replaced by a neighbour in spelling; a rate
    it lists, written otherwise (``@1.0`` for the task's ``@1``), is to be written as named.

    >>> _rate_not_listed("froc_sensitivity@0.5", {"type": "detection", "fp_rates": [0.25, 1]})
    ' (task.fp_rates [0.25, 1] does not hold 0.5: add it there for froc_sensitivity@0.5)'
    >>> _rate_not_listed("froc_sensitivity@3", {"type": "coco-detection"})[:40]
    ' (task.fp_rates [0.125, 0.25, 0.5, 1, 2,'
    >>> _rate_not_listed("froc_sensitivity@x", {"type": "detection"})
    ''

    A rate the task holds, written otherwise than the task names it (1.0 for 1):

    >>> _rate_not_listed("froc_sensitivity@1.0", {"type": "detection", "fp_rates": [1.0]})
    ' (task.fp_rates [1] holds 1: the task names its sensitivity froc_sensitivity@1; write that)'
    """
    found = re.fullmatch(r"\s*froc_sensitivity@(.+)", metric)
    if found is None or not isinstance(task, Mapping) or task.get("type") not in (
            "detection", "coco-detection"):
        return ""
    try:
        rate = float(found[1])
    except ValueError:
        return ""
    rates = task.get("fp_rates", DetectionTask.model_fields["fp_rates"].default)
    if not isinstance(rates, list) or not all(_is_number(r) for r in rates) or not (
            math.isfinite(rate) and rate > 0):
        return ""
    shown = "[" + ", ".join(f"{float(r):g}" for r in rates) + "]"
    if f"{rate:g}" in shown[1:-1].split(", "):  # held, but the name spells it otherwise
        return (f" (task.fp_rates {shown} holds {rate:g}: the task names its sensitivity "
                f"froc_sensitivity@{rate:g}; write that)")
    return (f" (task.fp_rates {shown} does not hold {rate:g}: add it there for "
            f"froc_sensitivity@{rate:g})")


def _multiclass_figures(task: Mapping[str, Any]) -> dict[str, str]:
    """The figures a multi-class task names after its labels (each class's sensitivity,
    the referable split, the accuracy within n classes), named as the task names them:
    from the section as validated, where a label, ``referable_from`` or ``within_classes``
    written ``1.0`` is ``1``, each label in NFC; from the section as written where it does
    not validate (its problem is the schema's).

    >>> sorted(_multiclass_figures({"type": "multiclass-classification", "labels": [0.0, 1.0,
    ...                             2.0], "referable_from": 1.0, "within_classes": 1.0}))[:3]
    ['accuracy_within@1', 'referable_sensitivity@1', 'referable_specificity@1']
    """
    try:
        spec: Any = MulticlassClassificationTask.model_validate(dict(task))
    except ValidationError:
        spec = None
    labels = spec.labels if spec is not None else task.get("labels", [])
    first = spec.referable_from if spec is not None else task.get("referable_from")
    within = spec.within_classes if spec is not None else None
    named = {f"sensitivity@{unicodedata.normalize('NFC', str(label))}": "sensitivity"
             for label in labels}
    if first is not None:  # the split named by its first referable class
        first = unicodedata.normalize("NFC", str(first))
        named.update({f"referable_sensitivity@{first}": "sensitivity",
                      f"referable_specificity@{first}": "specificity"})
    if within is not None:
        named[f"accuracy_within@{within}"] = "accuracy_within"
    if spec is not None and spec.probabilities:  # the AUCs of the class probabilities
        named.update({f"auc@{unicodedata.normalize('NFC', str(label))}": "roc_auc_ovr"
                      for label in labels})
        named["auc@macro"] = "roc_auc_ovr_macro"
        if first is not None:
            named[f"referable_auc@{first}"] = "roc_auc_referable"
    return named


def _multilabel_figures(task: Mapping[str, Any]) -> dict[str, str]:
    """The figures a multi-label task names after each label, as the task names them
    (the label in NFC; from the section as validated, where a label written ``1.0`` is
    ``1``, else as written).

    >>> list(_multilabel_figures({"type": "multilabel-classification", "labels": ["MI", 2.0],
    ...                           "threshold": 0.5}))[:5]
    ['sensitivity@MI', 'specificity@MI', 'ppv@MI', 'auc@MI', 'sensitivity@2']
    """
    try:
        labels: list[Any] = MultilabelClassificationTask.model_validate(dict(task)).labels
    except ValidationError:
        labels = list(task.get("labels", []))
    named: dict[str, str] = {}
    for label in labels:
        text = unicodedata.normalize("NFC", str(label))
        named.update({f"sensitivity@{text}": "sensitivity", f"specificity@{text}":
                      "specificity", f"ppv@{text}": "ppv", f"auc@{text}": "roc_auc"})
    return named


def _multiclass_hint(metric: str, task_type: Any, reported: Collection[str] = ()) -> str:
    """A hint where a multi-class criterion names a figure of one class the task does not
    report (``ppv@G2``; ``sensitivity@G4`` of a class not among the labels), whose
    nearest spelling, ``ppv@micro``, is the accuracy; a class's sensitivity by another
    name or letter case (``recall@G2``, ``Sensitivity@g2``); a figure that a ``[task]``
    setting adds (``referable_sensitivity@G3`` without or with another
    ``referable_from``, ``accuracy_within@1`` without ``within_classes``), whose nearest
    spelling is a class's sensitivity or the accuracy; or the kappa by its weights
    (``cohen_kappa@quadratic``), which the task names ``cohen_kappa``. ``reported``:
    the names the task reports.

    >>> _multiclass_hint("ppv@2", "multiclass-classification")[:58]
    ' (the task reports PPV and F1 averaged over the classes on'
    >>> _multiclass_hint("sensitivity@G4", "multiclass-classification")[:60]
    " ('G4' names no class of task.labels: each class's sensitivi"
    >>> _multiclass_hint("recall@g2", "multiclass-classification", ["sensitivity@G2"])[:32]
    " (did you mean 'sensitivity@G2'?"
    >>> _multiclass_hint("referable_sensitivity@G3", "multiclass-classification")
    " (the task reports it with referable_from = 'G3' in [task])"
    >>> _multiclass_hint("cohen_kappa@quadratic", "multiclass-classification")[:52]
    " (the kappa is named 'cohen_kappa' whatever its weig"
    >>> _multiclass_hint("sensitivity@macro ", "multiclass-classification")
    ''
    """
    import difflib

    if task_type != "multiclass-classification":
        return ""
    name, _, suffix = metric.strip().partition("@")
    if name.casefold() == "cohen_kappa" and suffix:
        return (" (the kappa is named 'cohen_kappa' whatever its weights; "
                f"kappa_weights = {suffix.casefold()!r} in [task] sets them)")
    if name.casefold() in ("auc", "referable_auc") and not any(
            n.startswith("auc@") for n in reported):
        return (" (the class probabilities' AUCs are reported with probabilities = true "
                "in [task], each prediction giving them)")
    if name.casefold() in ("referable_sensitivity", "referable_specificity",
                           "referable_auc", "accuracy_within") and suffix:
        within = name.casefold() == "accuracy_within"
        named = sorted(n for n in reported if n.startswith(f"{name.casefold()}@"))
        if named:
            return f" (the task reports {named[0]!r}, as [task]'s " + (
                "within_classes sets it)" if within else "referable_from sets it)")
        return " (the task reports it with " + (
            f"within_classes = {suffix.strip()}" if within
            else f"referable_from = {suffix.strip()!r}") + " in [task])"
    averages = ("macro", "micro", "weighted")  # 'macr' is a misspelt average, not a class
    if not suffix or difflib.get_close_matches(suffix.casefold(), averages, cutoff=0.6):
        return ""
    if name.casefold() in ("sensitivity", "recall"):
        own = [n for n in reported if n.startswith("sensitivity@")
               and n.partition("@")[2].casefold() == suffix.strip().casefold()]
        if own:
            return (f" (did you mean {own[0]!r}? each class's sensitivity is sensitivity@ "
                    "and the label as task.labels writes it)")
        return (f" ({suffix!r} names no class of task.labels: each class's sensitivity "
                "is sensitivity@ and the label as the task names it, listed below; a label "
                "written 1.0 is 1)")
    if name.casefold() in ("specificity", "ppv", "npv", "f1", "precision"):
        return (" (the task reports PPV and F1 averaged over the classes only, macro, micro "
                "or weighted; each class's counts are in the result's confusion matrix, and "
                "each class's sensitivity is sensitivity@ and its label)")
    return ""


def _is_number(value: Any) -> TypeGuard[float]:
    """A finite JSON number (:func:`~medeval.tasks._json_numbers.is_number`, finite)."""
    return is_number(value) and math.isfinite(value)


def distance_unit_problems(protocol: Protocol) -> list[str]:
    """A failed segmentation case's worst distance declared in the other unit than the
    task's distances (``failures.worst_distance_mm`` with ``distance_unit = "px"`` ...).

    Examples
    --------
    >>> from medeval.protocol import Protocol
    >>> p = Protocol.model_validate({
    ...     "test": {"id": "T", "title": "t", "mode": "pre-check"},
    ...     "laboratory": {"name": "L"}, "customer": {"name": "C"},
    ...     "algorithm": {"name": "a", "version": "1"},
    ...     "dataset": {"manifest": "m.csv", "selection": "all"},
    ...     "task": {"type": "segmentation", "distance_unit": "px", "nsd_tolerance_px": 2},
    ...     "failures": {"worst_distance_mm": 50}, "statistics": {"seed": 1}})
    >>> distance_unit_problems(p)[0].split(":")[0]
    'failures.worst_distance_mm'
    """
    task, failures = protocol.task, protocol.failures
    if isinstance(task, SegmentationTask) and not task.distances:
        surface = ("hausdorff", "hd95@", "assd", "masd", "nsd@")
        return [f"criteria.{i}.metric: {c.metric!r} is a surface distance, which the task "
                "does not compute (task.distances = false)"
                for i, c in enumerate(protocol.criteria) if c.metric.startswith(surface)]
    if not isinstance(task, SegmentationTask):
        if failures.worst_distance_px is not None:
            return ["failures.worst_distance_px: only a segmentation task with "
                    "distance_unit = 'px' uses it"]
        return []
    other = "px" if task.distance_unit == "mm" else "mm"
    if getattr(failures, f"worst_distance_{other}") is not None:
        return [f"failures.worst_distance_{other}: the task's distances are in "
                f"{task.distance_unit} (task.distance_unit); declare "
                f"failures.worst_distance_{task.distance_unit} instead"]
    return []


def reader_study_problems(protocol: Protocol, base: Path | None = None) -> list[str]:
    """A reader study's criteria on ``auc_difference`` that do not test its declared
    comparison (the goal must be 0 for superiority, −margin for non-inferiority, judged by
    the guarded rule), none at all, and, with ``base``, a readings file that is missing.

    Examples
    --------
    >>> from medeval.protocol import Protocol
    >>> p = Protocol.model_validate({
    ...     "test": {"id": "T", "title": "t", "mode": "pre-check"},
    ...     "laboratory": {"name": "L"}, "customer": {"name": "C"},
    ...     "algorithm": {"name": "a", "version": "1"},
    ...     "dataset": {"manifest": "m.csv", "selection": "all"},
    ...     "task": {"type": "reader-study", "readings": "r.csv", "test_treatment": "AI",
    ...              "reference_treatment": "unaided", "comparison": "non-inferiority",
    ...              "margin": 0.05},
    ...     "statistics": {"seed": 1},
    ...     "criteria": [{"metric": "auc_difference", "goal": 0, "source": "plan"}]})
    >>> reader_study_problems(p)[0].split(":")[0]
    'criteria.0.goal'
    """
    task = protocol.task
    if not isinstance(task, ReaderStudyTask):
        return []
    problems = []
    judged = False
    for index, criterion in enumerate(protocol.criteria):
        if criterion.metric != "auc_difference":
            continue
        judged = True
        if not math.isclose(criterion.goal, task.goal, abs_tol=1e-12):
            problems.append(
                f"criteria.{index}.goal: {criterion.goal:g} does not test the declared "
                f"{task.comparison} (task.comparison): its goal on auc_difference is "
                f"{task.goal:g}" + (" (-task.margin)" if task.margin is not None else ""))
        if criterion.rule != "guarded":
            problems.append(
                f"criteria.{index}.rule: a reader study's comparison is judged on the "
                "difference's interval (rule 'guarded'), not on its point estimate")
    if protocol.criteria and not judged:
        problems.append("criteria: a reader study needs a criterion on 'auc_difference' "
                        f"(goal {task.goal:g}), the comparison it declares")
    if base is not None and not (base / task.readings).is_file():
        problems.append(f"task.readings: no such file {base / task.readings} (paths are "
                        "relative to the protocol's folder)")
    return problems


def certificate_problems(protocol: Protocol) -> list[str]:
    """What a protocol in certificate mode lacks to be run: the fingerprint of the
    registered held-out set (without it any set the manifest names would do).

    Examples
    --------
    >>> from medeval.protocol import Protocol
    >>> p = Protocol.model_validate({
    ...     "test": {"id": "T", "title": "t", "mode": "certificate"},
    ...     "laboratory": {"name": "L"}, "customer": {"name": "C"},
    ...     "algorithm": {"name": "a", "version": "1"},
    ...     "dataset": {"manifest": "m.csv", "selection": "all"},
    ...     "task": {"type": "binary-classification", "threshold": 0.5},
    ...     "statistics": {"seed": 1}})
    >>> certificate_problems(p)[0].split(":")[0]
    'dataset.fingerprint'
    """
    problems = []
    if protocol.test.mode == "certificate" and not protocol.dataset.fingerprint:
        problems.append(
            "dataset.fingerprint: required in certificate mode, so that the run is on "
            "the registered set and no other; `medeval manifest fingerprint MANIFEST.csv "
            "--protocol PROTOCOL.toml` prints it")
    task = protocol.task
    if (protocol.test.mode == "certificate" and isinstance(task, ReaderStudyTask)
            and not task.readings_sha256):
        problems.append(
            "task.readings_sha256: required in certificate mode, so that the readings "
            "judged are the study's and no others; `sha256sum READINGS.csv` prints it")
    return problems

