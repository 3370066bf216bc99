"""Whether a run directory may be resumed, and starting it over.

Private; :func:`~medeval.runner.run_algorithm` calls it. Predictions of two different
runs must never be mixed in one folder: a run directory is resumed only when its first
``run-start`` record names the same algorithm (SHA-256), the same limits (timeout,
memory, address space, output, processes), the same held-out set (manifest fingerprint),
the same medeval version, the same isolation (predictions made without the sandbox never join a
sandboxed run) and the same variables passed to the algorithm (``OMP_NUM_THREADS``...)
as the run about to start; the mode may differ (a pre-check's sandboxed
predictions are made as a certificate run's are, and each ``run-start`` records its
own). Otherwise the run is refused, naming each thing that differs with its old and new
value; ``fresh=True`` starts over instead, after saying what it removes. Only what the
runner writes is removed
(``summary.json``, ``run.jsonl``, ``predictions/``), in an order that leaves, at every
step, a folder the next run reads correctly.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import RunnerError
from ..manifest import Manifest, ReferenceKind
from .runlog import read_events

__all__ = ["IDENTITY", "check_resume", "prepare_run_dir", "previous_start", "run_record",
           "start_over"]

#: What must be equal for a run to resume another: label -> how to read it from a
#: ``run-start`` record (a record written before the field existed gives None).
IDENTITY: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "algorithm SHA-256": lambda e: (e.get("algorithm") or {}).get("sha256"),
    "timeout_s": lambda e: (e.get("limits") or {}).get("timeout_s"),
    "memory_mb": lambda e: (e.get("limits") or {}).get("memory_mb"),
    "output_limit_mb": lambda e: (e.get("limits") or {}).get("output_limit_mb"),
    "address_space_mb": lambda e: (e.get("limits") or {}).get("address_space_mb"),
    "max_processes": lambda e: (e.get("limits") or {}).get("max_processes"),
    "manifest fingerprint": lambda e: (e.get("manifest") or {}).get("fingerprint"),
    "medeval version": lambda e: e.get("medeval"),
    "isolation": lambda e: e.get("isolation"),
    # OMP_NUM_THREADS and the others the sandbox passes on: they can change the outputs
    "variables passed to the algorithm":
        lambda e: (e.get("environment") or {}).get("variables"),
}


def previous_start(events: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first ``run-start`` record of a run log, or None (a new run directory)."""
    return next((e for e in events if e.get("event") == "run-start"), None)


def differences(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """``label: old -> new`` for every identity field that differs."""
    found = []
    for label, read in IDENTITY.items():
        old, new = read(previous), read(current)
        if old != new:
            which = _what_changed(previous, current) if label == "algorithm SHA-256" else ""
            found.append(f"{label}: {'not recorded' if old is None else old} -> {new}"
                         + (f" ({which})" if which else ""))
    return found


def _what_changed(previous: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    """What of the algorithm changed: its kind, its target (a plugin's class, a command's
    line) and which of its files changed, were added or removed; its SHA-256, made of all
    of them, does not say which.

    Examples
    --------
    >>> _what_changed({"algorithm": {"files": {"a.py": "1", "w.bin": "2", "old": "3"}}},
    ...               {"algorithm": {"files": {"a.py": "1", "w.bin": "9", "new": "4"}}})
    'files changed: w.bin; added: new; removed: old'
    >>> _what_changed({"algorithm": {"kind": "python", "target": "a.py:A", "files": {}}},
    ...               {"algorithm": {"kind": "python", "target": "a.py:B", "files": {}}})
    "target 'a.py:A' -> 'a.py:B'"
    """
    before, now = previous.get("algorithm") or {}, current.get("algorithm") or {}
    said = [f"{key} {before.get(key)!r} -> {now.get(key)!r}" for key in ("kind", "target")
            if before.get(key) != now.get(key)]
    old, new = before.get("files") or {}, now.get("files") or {}
    parts = [(what, sorted(names)) for what, names in (
        ("changed", [n for n in old.keys() & new.keys() if old[n] != new[n]]),
        ("added", new.keys() - old.keys()), ("removed", old.keys() - new.keys())) if names]
    if parts:
        said.append("files " + "; ".join(f"{what}: {', '.join(names)}"
                                         for what, names in parts))
    return "; ".join(said)


def _variables_advice(previous: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    """How to set the runner's environment so that the variables passed to the algorithm
    are those the run started with ('' when they are the same, or were not recorded).

    Examples
    --------
    >>> def start(variables): return {"environment": {"variables": variables}}
    >>> _variables_advice(start({"LANG": "C.UTF-8", "TZ": "Asia/Seoul"}),
    ...                   start({"LANG": "ko_KR.UTF-8", "OMP_NUM_THREADS": "1"})).split(": ")[1]
    'export LANG=C.UTF-8 TZ=Asia/Seoul; unset OMP_NUM_THREADS'
    """
    read = IDENTITY["variables passed to the algorithm"]
    old, new = read(previous), read(current)
    if not isinstance(old, Mapping) or not isinstance(new, Mapping) or old == new:
        return ""
    steps = []
    changed = sorted(name for name in old if new.get(name) != old[name])
    if changed:
        steps.append("export " + " ".join(f"{name}={shlex.quote(str(old[name]))}"
                                          for name in changed))
    gone = sorted(name for name in new if name not in old)
    if gone:
        steps.append("unset " + " ".join(gone))
    return ("\nTo resume it, run it again under the variables it started with (the "
            "sandbox passes them on from this shell): " + "; ".join(steps))


def unrecorded_files(predictions: Path) -> list[str]:
    """Prediction files in a folder no run log speaks for."""
    if not predictions.is_dir():
        return []
    return sorted(entry.name for entry in os.scandir(predictions))


def check_resume(run_dir: Path, events: Sequence[Mapping[str, Any]],
                 current: Mapping[str, Any]) -> None:
    """Refuse to resume a run directory whose run differs from ``current``.

    Raises
    ------
    RunnerError
        Naming each thing that differs (old -> new), or the prediction files that no run
        log records; the advice is ``--fresh`` (``fresh=True``) or another directory.
    """
    previous = previous_start(events)
    advice = ("give --fresh (fresh=True) to remove them and start over, or a new run "
              "directory")
    if previous is None:
        stray = unrecorded_files(run_dir / "predictions")
        if stray:
            raise RunnerError(
                f"{run_dir}: predictions/ holds {len(stray)} file(s) that no run log "
                f"records ({', '.join(stray[:5])}{', ...' if len(stray) > 5 else ''}); "
                f"{advice}")
        return
    changed = differences(previous, current)
    if not changed:
        return
    ended = sum(1 for e in events if e.get("event") == "end")
    if ended or unrecorded_files(run_dir / "predictions"):
        raise RunnerError(
            f"{run_dir} holds predictions of another run, which cannot be mixed with "
            f"this one; what differs (before -> now):\n  " + "\n  ".join(changed)
            + _variables_advice(previous, current)
            + f"\nResume only the same run; {advice}")
    # the earlier run ended no case (its algorithm could not be loaded: weights missing,
    # a GPU asked for): it has no prediction to mix, and --fresh loses none
    raise RunnerError(
        f"{run_dir} holds the log of another run, which ended no case and wrote no "
        f"prediction (its algorithm could not be loaded, or it was stopped before a case "
        f"ended); what differs (before -> now):\n  " + "\n  ".join(changed)
        + "\ngive --fresh (fresh=True) to start over (it removes no prediction), or a "
        "new run directory")


def start_over(run_dir: Path, events: Sequence[Mapping[str, Any]],
               current: Mapping[str, Any], say: Callable[[str], None]) -> None:
    """Remove what an earlier run wrote in ``run_dir``, after saying what and why."""
    predictions = run_dir / "predictions"
    if predictions.is_symlink():
        raise RunnerError(f"{predictions} is a symbolic link; the runner removes only "
                          "a folder of its own: remove it yourself")
    files = unrecorded_files(predictions)
    written = [name for name in ("summary.json", "run.jsonl") if (run_dir / name).exists()]
    if not files and not written:
        return
    previous = previous_start(events)
    changed = differences(previous, current) if previous is not None else []
    why = ("; it differs in " + "; ".join(changed)) if changed else ""
    say(f"medeval: starting over in {run_dir} (fresh): removing the earlier run's "
        f"{len(files)} prediction file(s)"
        + (f" and its {' and '.join(written)}" if written else "") + why)
    for name in written:  # the summary first, then the log: no state is ever misread
        (run_dir / name).unlink()
    if predictions.is_dir():
        shutil.rmtree(predictions)


def run_record(manifest: Manifest, *, progress: bool) -> dict[str, Any]:
    """What a ``run-start`` record adds to identify the run: the held-out set (its
    fingerprint) and medeval's version.

    The fingerprint is :meth:`Manifest.fingerprint` with the references taken as plain
    files (``reference_kind="file"``; ``"label"`` for labels and ``"annotations-2d"`` for
    2-D annotation references ``file.json#image``, which name no file of their own), so
    that ``medeval predict`` and ``medeval run`` (whose task may name a narrower kind, e.g.
    ``image``) record the same set alike: ``medeval manifest fingerprint
    --reference-kind file`` prints it.
    """
    kind: ReferenceKind = (manifest.reference_kind
                           if manifest.reference_kind in ("label", "annotations-2d")
                           else "file")
    plain = Manifest(manifest.cases, root=manifest.root, reference_kind=kind,
                     source=manifest.source)
    fingerprint = plain.fingerprint(progress=progress)
    return {"manifest": {"source": manifest.source, "cases": len(manifest.cases),
                         "reference_kind": kind, "fingerprint": f"sha256:{fingerprint}"},
            "medeval": __version__}


def prepare_run_dir(run_dir: Path, current: Mapping[str, Any], *, fresh: bool,
                    say: Callable[[str], None]) -> None:
    """Before the run log is opened: refuse to mix two runs, or start over (``fresh``)."""
    if not fresh:
        check_resume(run_dir, read_events(run_dir / "run.jsonl"), current)
        return
    try:
        events = read_events(run_dir / "run.jsonl")
    except RunnerError:
        events = []  # a damaged log: nothing of it is kept either
    start_over(run_dir, events, current, say)
