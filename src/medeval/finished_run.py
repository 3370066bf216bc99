"""Whether ``medeval run PROTOCOL.toml --out OUT`` has anything left to do in ``OUT``.

A run that finished and was evaluated leaves ``OUT/run`` (its predictions, run log and
summary) and ``OUT/result.json``. The same command given again used to resume the run
in full (nothing ran), append to its log, rewrite its summary and write the result again
with new times: a certificate rendered from the first result then no longer verified
against ``OUT/result.json`` ("another run of the same evaluation"), though nothing had
been run or changed. :func:`kept_result` says when ``OUT/result.json`` is already the
result the command would make, so that it is left byte for byte as it is:

- the result is intact (:func:`~medeval.result.verify_result`) and made by this medeval;
- it was made under the very protocol file given (its SHA-256) from the held-out set as
  it is now (its fingerprint);
- its run is ``OUT/run`` as the result recorded it (the SHA-256 of ``run.jsonl`` and
  ``summary.json`` in its context): no session has run since;
- that run finished (``summary.json``'s ``not_run`` is empty) with no case a resumed run
  runs again (one whose worker was killed from outside, an ``infrastructure`` failure),
  its prediction files are those its runner wrote
  (:func:`~medeval.run_outputs.predictions_changed`) and no other file lies beside them;
- the algorithm the protocol names is the one the run was made by (its SHA-256).

Anything else, and the command runs (resumes) and evaluates as before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ._hashing import sha256_file
from ._version import __version__
from .errors import MedevalError
from .protocol import Protocol
from .result import Result, read_result, verify_result
from .run_outputs import predictions_changed
from .runner.runlog import last_ends, read_events

__all__ = ["kept_result"]


def kept_result(protocol: Protocol, out: Path, *, progress: bool = False) -> Result | None:
    """``out/result.json`` where it is already what ``medeval run`` of ``protocol`` into
    ``out`` would write (module docstring), else None."""
    path, run = out / "result.json", out / "run"
    try:
        verify_result(path)
        result = read_result(path)
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, MedevalError):
        return None
    context = result.context
    if (result.parameters.medeval != __version__
            or result.algorithm.predictions != "runner" or not isinstance(summary, dict)
            or summary.get("not_run") or context is None
            or context.run_log_sha256 != _sha256(run / "run.jsonl")
            or context.summary_sha256 != _sha256(run / "summary.json")):
        return None
    recorded = {(protocol.path.name if protocol.path else "<protocol>", protocol.sha256)}
    if {(i.source, i.sha256) for i in result.inputs if i.role == "protocol"} != recorded:
        return None
    if _files_beside(run, summary) or predictions_changed(run):
        return None
    events = read_events(run / "run.jsonl")
    if _run_again(events) or not _same_algorithm(protocol, events, progress=progress):
        return None
    return result if _same_set(protocol, result, progress=progress) else None


def _sha256(path: Path) -> str | None:
    return sha256_file(path) if path.is_file() else None


def _files_beside(run: Path, summary: dict[str, object]) -> bool:
    """Whether the run's predictions folder holds a file its summary records for no case."""
    recorded = summary.get("predictions")
    names = {str(name) for files in (recorded.values() if isinstance(recorded, dict) else ())
             if isinstance(files, dict) for name in files}
    try:
        return bool(set(os.listdir(run / "predictions")) - names)
    except OSError:
        return True


def _run_again(events: list[dict[str, Any]]) -> bool:
    """Whether a resumed run would run a case again: one whose last end is an
    ``infrastructure`` failure (its worker killed from outside, not a result of the
    algorithm; :func:`~medeval.runner.runlog.resume_plan`)."""
    return any(end.get("outcome") == "failed" and end.get("reason") == "infrastructure"
               for end in last_ends(events).values())


def _same_algorithm(protocol: Protocol, events: list[dict[str, Any]], *,
                    progress: bool) -> bool:
    """Whether the protocol's algorithm is, by its SHA-256, the one the run was made by."""
    from .evaluation import _plugin_path
    from .runner import resolve_algorithm

    first = next((e for e in events if e.get("event") == "run-start"), {})
    made = (first.get("algorithm") or {}).get("sha256")
    if not made or not (protocol.algorithm.plugin or protocol.algorithm.command):
        return False
    spec = resolve_algorithm(
        _plugin_path(protocol), command=protocol.algorithm.command, progress=progress,
        base=protocol.path.parent if protocol.path is not None else None)
    return bool(spec.to_dict().get("sha256") == made)


def _same_set(protocol: Protocol, result: Result, *, progress: bool) -> bool:
    """Whether the held-out set is, by its fingerprint, the one the result was made of."""
    from .manifest import Manifest
    from .tasks.registry import make_task

    task = make_task(protocol)
    manifest = Manifest.from_csv(protocol.manifest_path(),
                                 reference_kind=task.reference_kind)  # type: ignore[arg-type]
    return bool(manifest.fingerprint(progress=progress) == result.dataset.fingerprint)
