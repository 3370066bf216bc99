"""Whether a runner's run was made for the protocol that judges it.

The acceptance criteria of a test are fixed before the algorithm runs. ``medeval run``
records in each ``run-start`` record of the run log (``run.jsonl``) the protocol the
run is made for (:func:`protocol_record`): the file's SHA-256 and the SHA-256 of what
judges the outputs — the task and its parameters, the statistics, the subgroups, the
failure policy and the acceptance criteria. The first record is the protocol the run
was made for (a resumed run's later records do not replace it). Where those judged
parts were edited afterwards (a goal lowered once the result was seen) and the run is
evaluated again (``medeval run`` again, which resumes it, or ``medeval evaluate
--predictions RUN`` or ``RUN/predictions``), the result's warnings say so, naming both
files' SHA-256, and the certificate prints it (in Korean too). An edit elsewhere (the
customer's address, the title) says nothing, nor does the very file the run was made
for (its SHA-256 unchanged), whichever medeval computes the judged SHA-256. A run whose
log records no protocol (``medeval predict``, or a run of medeval 0.5.0 and before) is
not judged here.

The run log's first record also names the algorithm run (its kind, its identity — a
file plugin by its file's name, a module plugin as ``module:Class``, a command as its
command line — and its SHA-256). Where that is not the algorithm the protocol names (a
run made with ``medeval predict --algorithm model_v2.py:Model`` evaluated under a
protocol naming ``model.py:Model``), the result's warnings say so
(:func:`algorithm_changed`): the certificate would otherwise name the protocol's item
for outputs another algorithm made. A protocol naming no algorithm, or a plugin by an
entry point's name, is not compared.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .protocol import Protocol
from .runner.runlog import read_events

__all__ = ["JUDGED", "algorithm_changed", "judged_sha256", "protocol_changed",
           "protocol_record"]

#: The protocol's sections that judge the outputs.
JUDGED = ("task", "statistics", "subgroups", "failures", "criteria")


def judged_sha256(protocol: Protocol) -> str:
    """The SHA-256 of the sections in :data:`JUDGED`, as canonical JSON (sorted keys)."""
    judged = protocol.model_dump(mode="json", include=set(JUDGED))
    text = json.dumps(judged, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def protocol_record(protocol: Protocol) -> dict[str, str | None]:
    """What a ``run-start`` record holds of the protocol the run is made for."""
    return {"sha256": protocol.sha256, "judged_sha256": judged_sha256(protocol)}


def protocol_changed(run_dir: Path, protocol: Protocol) -> list[str]:
    """The warning of a run started under a protocol whose judged sections differ from
    ``protocol``'s (its run log's first ``run-start`` record says which), or none.

    Examples
    --------
    >>> import tempfile
    >>> from medeval.protocol import validate_protocol
    >>> p = validate_protocol({
    ...     "test": {"id": "T", "title": "t", "mode": "pre-check"},
    ...     "laboratory": {"name": "L"}, "customer": {"name": "C"},
    ...     "algorithm": {"name": "a", "version": "1"},
    ...     "dataset": {"manifest": "m.csv", "selection": "all"},
    ...     "task": {"type": "binary-classification", "threshold": 0.5},
    ...     "statistics": {"seed": 1},
    ...     "criteria": [{"metric": "sensitivity", "goal": 0.8, "source": "plan"}]})
    >>> p._sha256 = "b" * 64
    >>> run = Path(tempfile.mkdtemp())
    >>> _ = (run / "run.jsonl").write_text(json.dumps({"event": "run-start", "protocol": {
    ...     "sha256": "a" * 64, "judged_sha256": "0" * 64}}) + "\\n")
    >>> [warning] = protocol_changed(run, p)
    >>> "a" * 64 in warning and "b" * 64 in warning
    True
    >>> _ = (run / "run.jsonl").write_text(json.dumps({"event": "run-start", "protocol": {
    ...     "sha256": "a" * 64, "judged_sha256": judged_sha256(p)}}) + "\\n")
    >>> protocol_changed(run, p)  # another title or address: nothing judged changed
    []
    """
    first = next((event for event in read_events(run_dir / "run.jsonl")
                  if event.get("event") == "run-start"), {})
    started = first.get("protocol")
    if not isinstance(started, dict) or not isinstance(started.get("judged_sha256"), str):
        return []
    if protocol.sha256 is not None and started.get("sha256") == protocol.sha256:
        # the very bytes the run was made for: nothing edited, whatever this medeval's
        # judged SHA-256 of them is (a later medeval with a new defaulted field, or
        # another pydantic, dumps the same file otherwise and warned falsely); a
        # protocol built in code has no file, so no SHA-256 to compare (None == None)
        return []
    if started["judged_sha256"] == judged_sha256(protocol):
        return []
    name = protocol.path.name if protocol.path is not None else "the protocol"
    # the run folder by its name: its place on this machine would make the result's
    # content (and fingerprint) differ from the same run's evaluated elsewhere
    # ('..' given for it: its own name, as given any other way)
    folder = Path(os.path.normpath(run_dir)).name
    return [f"all cases: the run in {folder} was started under a protocol of SHA-256 "
            f"{started.get('sha256')}; this result is judged under {name}, SHA-256 "
            f"{protocol.sha256}, whose task, statistics, subgroups, failure policy or "
            "acceptance criteria differ: they were changed after the algorithm ran, so "
            "they were not fixed before the outputs were made"]


def algorithm_changed(run_dir: Path, protocol: Protocol) -> list[str]:
    """The warning of a run made by another algorithm than the one ``protocol`` names
    (by kind and identity, as the run log's first ``run-start`` record holds them), or
    none.

    Examples
    --------
    >>> import tempfile
    >>> from medeval.protocol import validate_protocol
    >>> p = validate_protocol({
    ...     "test": {"id": "T", "title": "t", "mode": "pre-check"},
    ...     "laboratory": {"name": "L"}, "customer": {"name": "C"},
    ...     "algorithm": {"name": "a", "version": "1", "plugin": "algo/model.py:Model"},
    ...     "dataset": {"manifest": "m.csv", "selection": "all"},
    ...     "task": {"type": "binary-classification", "threshold": 0.5},
    ...     "statistics": {"seed": 1},
    ...     "criteria": [{"metric": "sensitivity", "goal": 0.8, "source": "plan"}]})
    >>> run = Path(tempfile.mkdtemp())
    >>> def made_by(target):
    ...     _ = (run / "run.jsonl").write_text(json.dumps({"event": "run-start",
    ...         "algorithm": {"kind": "python", "target": target, "sha256": "c" * 64}}) + "\\n")
    >>> made_by("model.py:Model"); algorithm_changed(run, p)
    []
    >>> made_by("model_v2.py:Model"); [warning] = algorithm_changed(run, p)
    >>> "made by the plugin model_v2.py:Model" in warning
    True
    """
    spec = protocol.algorithm
    if spec.plugin:
        file, colon, attribute = spec.plugin.rpartition(":")
        if not colon:
            return []  # an entry point's name: what it names is not known here
        kind, what = "python", "plugin"
        expected = (f"{_plugin_file(file, protocol).name}:{attribute}"
                    if file.endswith(".py") else spec.plugin)
    elif spec.command:
        kind, what, expected = "command", "command", spec.command
    else:
        return []
    first = next((event for event in read_events(run_dir / "run.jsonl")
                  if event.get("event") == "run-start"), {})
    made = first.get("algorithm")
    if not isinstance(made, dict) or not isinstance(made.get("target"), str):
        return []
    target = made["target"]
    if made.get("kind") == "python" and ".py:" in target:
        # medeval 0.2 recorded a file plugin by its absolute path; later ones by its name
        made_file, _, made_attribute = target.rpartition(":")
        target = f"{Path(made_file).name}:{made_attribute}"
    if (made.get("kind"), target) == (kind, expected):
        return []
    made_kind = "command" if made.get("kind") == "command" else "plugin"
    folder = Path(os.path.normpath(run_dir)).name
    return [f"all cases: the run in {folder} was made by the {made_kind} {target} "
            f"(SHA-256 {made.get('sha256')}), not by the {what} the protocol names, "
            f"{expected}: these outputs are of another algorithm than the item the "
            "protocol names"]


def _plugin_file(file: str, protocol: Protocol) -> Path:
    """The protocol's plugin file as the runner names it: taken from the protocol's
    folder, a symbolic link followed (``model.py`` linked to ``model_v3.py`` runs, and is
    recorded, as ``model_v3.py``)."""
    path = Path(file)
    if not path.is_absolute() and protocol.path is not None:
        path = protocol.path.parent / path
    return path.resolve()
