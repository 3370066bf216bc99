"""Whether a runner's run was made for the protocol that judges it.

The acceptance criteria of a test are fixed before the algorithm runs. ``medeval run``
records the protocol's SHA-256 in each ``run-start`` record of the run log
(``run.jsonl``); the first is the protocol the run was made for (a resumed run's later
records do not replace it). A protocol edited afterwards (a goal lowered once the result
was seen) and evaluated over the same run (``medeval run`` again, which resumes it, or
``medeval evaluate --predictions RUN``) gives a result whose warnings name both SHA-256,
so that the certificate says so (in Korean too). A run whose log records no protocol
(``medeval predict``, or a run of medeval 0.5.0 and before) is not judged here.
"""

from __future__ import annotations

from pathlib import Path

from .protocol import Protocol
from .runner.runlog import read_events

__all__ = ["protocol_changed"]


def protocol_changed(run_dir: Path, protocol: Protocol) -> list[str]:
    """The warning of a run started under another protocol than ``protocol`` (its run
    log's first ``run-start`` record says which), or none.

    Examples
    --------
    >>> import json, tempfile
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
    >>> _ = (run / "run.jsonl").write_text(json.dumps(
    ...     {"event": "run-start", "protocol_sha256": "a" * 64}) + "\\n")
    >>> [warning] = protocol_changed(run, p)
    >>> "a" * 64 in warning and "b" * 64 in warning
    True
    >>> p._sha256 = "a" * 64  # the same protocol: nothing to say
    >>> protocol_changed(run, p)
    []
    """
    if protocol.sha256 is None:
        return []
    first = next((event for event in read_events(run_dir / "run.jsonl")
                  if event.get("event") == "run-start"), {})
    started = first.get("protocol_sha256")
    if not isinstance(started, str) or started == protocol.sha256:
        return []
    name = protocol.path.name if protocol.path is not None else "the protocol"
    return [f"all cases: the run in {run_dir} was started under a protocol of "
            f"SHA-256 {started}; this result is judged under {name}, SHA-256 "
            f"{protocol.sha256}: the protocol was edited after the algorithm ran, so what "
            "it changed (an acceptance criterion, a goal) was not fixed before the outputs "
            "were made"]
