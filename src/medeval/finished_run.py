"""Whether ``medeval run PROTOCOL.toml --out OUT`` has anything left to do in ``OUT``.

A run that finished and was evaluated leaves ``OUT/run`` (its predictions, run log and
summary) and ``OUT/result.json``. The same command given again used to resume the run
in full (nothing ran), append to its log, rewrite its summary and write the result again
with new times: a certificate rendered from the first result then no longer verified
against ``OUT/result.json`` ("another run of the same evaluation"), though nothing had
been run or changed. :func:`kept_result` says when ``OUT/result.json`` is already the
result the command would make, so that it is left byte for byte as it is:

- the result is intact (:func:`~medeval.result.verify_result`) and made by this medeval;
- it was made under the very protocol file given (its SHA-256);
- its run is ``OUT/run`` as the result recorded it (the SHA-256 of ``run.jsonl`` and
  ``summary.json`` in its context): no session has run since;
- that run finished (``summary.json``'s ``not_run`` is empty) with no case a resumed run
  runs again (one whose worker was killed from outside, an ``infrastructure`` failure),
  its prediction files are those its runner wrote
  (:func:`~medeval.run_outputs.predictions_changed`) and no other file lies beside them;
- the algorithm the protocol names is the one the run was made by (its SHA-256);
- the run, evaluated again as it is (nothing run, nothing written), gives the result's
  content fingerprint (all of it but the context): the held-out set as it is now, the
  code of this medeval (a development version, ``0.12.0.dev0``, names no one code), the
  versions of Python, NumPy, SciPy and pandas the result names, and no hand edit (a
  result edited and its ``.sha256`` written again verifies).

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


def kept_result(protocol: Protocol, out: Path, *, workers: int | None = None,
                progress: bool = False) -> Result | None:
    """``out/result.json`` where it is already what ``medeval run`` of ``protocol`` into
    ``out`` would write (module docstring), else None. ``workers``: as
    :func:`~medeval.evaluation.evaluate`'s, for the evaluation again."""
    path, run = out / "result.json", out / "run"
    try:
        fingerprint = verify_result(path)
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
    again = _evaluated(protocol, run, workers=workers, progress=progress)
    return result if again.fingerprint == fingerprint else None


def _sha256(path: Path) -> str | None:
    return sha256_file(path) if path.is_file() else None


def _files_beside(run: Path, summary: dict[str, object]) -> bool:
    """Whether the run's predictions folder holds a file its summary records for no case."""
    from .scoring import recorded_files

    try:
        return bool(set(os.listdir(run / "predictions")) - recorded_files(summary))
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


def _evaluated(protocol: Protocol, run: Path, *, workers: int | None,
               progress: bool) -> Result:
    """The run evaluated again as it is: its folder given as the predictions, so that
    nothing is run and its log and summary are left as they are."""
    from .evaluation import evaluate

    return evaluate(protocol, run, workers=workers, progress=progress)
