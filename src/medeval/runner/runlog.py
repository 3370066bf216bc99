"""The run log (``run.jsonl``), what a resumed run may skip, and the run's summary.

``run.jsonl`` holds one JSON object per line, appended as things happen:

- ``{"event": "run-start", ...}``: the algorithm's identity (with its SHA-256), the
  isolation, the limits, the mode, the held-out set (``manifest``: its fingerprint),
  medeval's version, whether it started over (``fresh``), the environment, how many
  cases are left;
- ``{"event": "start", "case_id": ..., "worker": ..., "time": ...}``;
- ``{"event": "end", "case_id": ..., "outcome": "done" | "failed", "duration_s": ...,
  "files": {name: sha256}}`` or, when failed, ``"reason"``, ``"detail"`` and
  ``"stderr_tail"``; and ``"retried"``, the earlier attempts of a case run again after
  an ``infrastructure`` failure;
- ``{"event": "run-end", ...}``: the counts; ``"interrupted": true`` after Ctrl-C.

A run killed mid-write leaves at most one torn last line; opening a :class:`RunLog`
cuts it off. A resumed run skips a case whose last ``end`` says ``done`` *and* whose files
still have the recorded SHA-256, and a case recorded as failed (a failure is a result)
unless its reason is ``infrastructure`` (its worker was killed from outside: not a
result of the algorithm); every other case is run again. A log of another run (another
algorithm, limits, set, medeval version or isolation) is refused before it is opened
(``medeval.runner._resume``).
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._hashing import sha256_file
from ..errors import RunnerError

__all__ = ["RunLog", "RunSummary", "finished_cases", "log_time", "read_events", "resume_plan",
           "summarize"]

#: Identifier of the summary layout.
SUMMARY_FORMAT = "medeval.run/1"


class RunLog:
    """Append-only ``run.jsonl``, opened after cutting off a torn last line.

    Attributes
    ----------
    events : list of dict
        The events already in the file when it was opened.
    written : list of dict
        The events appended since.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.events: list[dict[str, Any]] = read_events(path, cut_torn_line=True)
        self.written: list[dict[str, Any]] = []
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def append(self, event: Mapping[str, Any]) -> None:
        """Write one event as a line and flush it to the operating system."""
        self._file.write(json.dumps(event, sort_keys=True, ensure_ascii=False) + "\n")
        self._file.flush()
        self.written.append(dict(event))

    def close(self) -> None:
        """Flush to disk and close."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()


def log_time() -> str:
    """Now, as the run log writes a case's start and end: UTC, ISO 8601 to the
    millisecond (``2026-12-05T06:59:01.123+00:00``)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def read_events(path: Path, *, cut_torn_line: bool = False) -> list[dict[str, Any]]:
    """The events of a run log (none if there is no file), without a torn last line
    (cut off the file too with ``cut_torn_line``).

    Raises
    ------
    RunnerError
        A line other than the last is not JSON: the log was edited or damaged.
    """
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data) and cut_torn_line:
        with open(path, "r+b") as handle:
            handle.truncate(end)
    events = []
    for number, line in enumerate(data[:end].splitlines(), start=1):
        try:
            event = json.loads(line)
        except ValueError:
            raise RunnerError(f"{path}: line {number} is not JSON; the run log was edited "
                              "or damaged; start over with --fresh (fresh=True) or in a "
                              "new directory") from None
        if isinstance(event, dict):
            events.append(event)
    return events


def first_case_start(path: Path) -> datetime | None:
    """When the run in the log at ``path`` started its first case (the earliest time of
    its ``start`` events that carry an offset), or None: a resumed run's first session,
    not the session that ended it. The earliest, not the first line: Dask's runner logs
    a chunk's starts as the chunk ends, so a chunk begun later but ended sooner comes
    first. A log starts anew with each fresh run (``--fresh`` removes it)."""
    earliest: datetime | None = None
    try:
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                    if not (isinstance(event, dict) and event.get("event") == "start"):
                        continue
                    began = datetime.fromisoformat(str(event["time"]))
                except (ValueError, KeyError):
                    continue  # a torn last line; a start without a time is no run's
                if began.tzinfo is not None and (earliest is None or began < earliest):
                    earliest = began
    except OSError:
        return None
    return earliest


def last_ends(events: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The last ``end`` event of each case."""
    ends: dict[str, Mapping[str, Any]] = {}
    for event in events:
        if event.get("event") == "end" and isinstance(event.get("case_id"), str):
            ends[event["case_id"]] = event
    return ends


def finished_cases(events: Iterable[Mapping[str, Any]], predictions_dir: Path,
                   case_ids: Iterable[str]) -> set[str]:
    """Cases a resumed run skips: failed (not for ``infrastructure``), or done with every
    file intact (same SHA-256)."""
    finished, _again = resume_plan(events, predictions_dir, case_ids)
    return finished


def resume_plan(events: Iterable[Mapping[str, Any]], predictions_dir: Path,
                case_ids: Iterable[str]) -> tuple[set[str], dict[str, str]]:
    """The cases a resumed run skips, and why each case that had ended runs again.

    Returns
    -------
    finished : set of str
        As :func:`finished_cases`.
    again : dict
        Per case that ended in an earlier run but is not finished, why it runs again:
        ``"infrastructure"`` (its worker was killed), ``"prediction missing"`` or
        ``"prediction changed"`` (a file of it is gone, or its bytes no longer match
        the SHA-256 recorded when it was written).
    """
    ends = last_ends(events)
    finished: set[str] = set()
    again: dict[str, str] = {}
    for case_id in case_ids:
        end = ends.get(case_id)
        if end is None:
            continue
        if end.get("outcome") == "failed":
            if end.get("reason") != "infrastructure":
                finished.add(case_id)
            else:
                again[case_id] = "infrastructure"
            continue
        files = end.get("files") or {}
        states = [_state(predictions_dir / name, digest) for name, digest in files.items()]
        if files and all(state == "intact" for state in states):
            finished.add(case_id)
        else:
            again[case_id] = ("prediction missing" if "missing" in states or not files else
                              "prediction changed")
    return finished, again


def _state(path: Path, digest: str) -> str:
    """``"intact"``, ``"missing"`` or ``"changed"``: a stored prediction file now."""
    try:
        if not path.is_file():
            return "missing"
        return "intact" if sha256_file(path) == digest else "changed"
    except OSError:
        return "missing"


@dataclass(frozen=True)
class RunSummary:
    """What ``summary.json`` holds, as returned by :func:`~medeval.runner.run_algorithm`.

    Attributes
    ----------
    out_dir : Path
    cases, done, failed : int
        Cases in the manifest; predicted; failed.
    resumed : int
        Cases taken over from an earlier, interrupted run of the same algorithm.
    failures : Mapping of case id to Mapping
        Each failed case's ``reason``, ``detail`` and ``stderr_tail``.
    reasons : Mapping of str to int
        Failed cases by reason.
    isolation : str
        ``"bubblewrap"`` or ``"none"``.
    latency_s : Mapping of str to float
        ``p50``, ``p95``, ``max`` of the per-case duration of every case that ended.
    throughput_per_s : float
        Cases ended per second of wall-clock time in this invocation.
    data : Mapping
        The whole ``summary.json`` content.
    """

    out_dir: Path
    cases: int
    done: int
    failed: int
    resumed: int
    failures: Mapping[str, Mapping[str, Any]]
    reasons: Mapping[str, int]
    isolation: str
    latency_s: Mapping[str, float]
    throughput_per_s: float
    data: Mapping[str, Any] = field(repr=False, default_factory=dict)


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(events: Iterable[Mapping[str, Any]], case_ids: Sequence[str], *,
              out_dir: Path, header: Mapping[str, Any], resumed: int,
              ended_now: int, wall_s: float) -> RunSummary:
    """Build the summary from the log's events (the last ``end`` of each case counts)."""
    ends = last_ends(events)
    failures: dict[str, dict[str, Any]] = {}
    predictions: dict[str, dict[str, str]] = {}
    retried: dict[str, int] = {}
    durations = []
    for case_id in sorted(case_ids):
        end = ends.get(case_id)
        if end is None:
            continue
        if end.get("retried"):
            retried[case_id] = len(end["retried"])
        durations.append(float(end.get("duration_s", math.nan)))
        if end.get("outcome") == "done":
            predictions[case_id] = dict(end.get("files") or {})
        else:
            failures[case_id] = {"reason": end.get("reason"), "detail": end.get("detail"),
                                 "stderr_tail": end.get("stderr_tail")}
    reasons = dict(sorted(Counter(str(f["reason"]) for f in failures.values()).items()))
    latency = {"p50": _quantile(durations, 0.5), "p95": _quantile(durations, 0.95),
               "max": max(durations) if durations else math.nan}
    throughput = ended_now / wall_s if wall_s > 0 else math.nan
    missing = [c for c in case_ids if c not in ends]
    data = {
        "format": SUMMARY_FORMAT,
        **header,
        "cases": len(case_ids),
        "done": len(predictions),
        "failed": len(failures),
        "not_run": sorted(missing),
        "resumed": resumed,
        "failures": failures,
        "reasons": reasons,
        "retried": retried,
        "predictions": predictions,
        "latency_s": latency,
        "throughput_per_s": throughput,
        "wall_s": wall_s,
    }
    return RunSummary(out_dir=out_dir, cases=len(case_ids), done=len(predictions),
                      failed=len(failures), resumed=resumed, failures=failures,
                      reasons=reasons, isolation=str(header.get("isolation")),
                      latency_s=latency, throughput_per_s=throughput, data=data)
