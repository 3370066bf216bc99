"""A run resumed on a later day: the result's testing starts with the run's first case.

The certificate's dates of testing are the UTC days of the run's start and end
(docs/certificate.md, ``context.started``). The context took ``started`` from the
evaluation's own clock, so a run interrupted on one day and resumed (or evaluated) on the
next printed only the later day, though the algorithm met the held-out set on the first.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from medeval import evaluate
from medeval.cli import main
from medeval.errors import IsolationWarning
from medeval.result import read_result
from medeval.runner import run_algorithm

from .conftest import write_protocol

PLUGIN = """
from pathlib import Path

class Half:
    def predict(self, case):
        return int(Path(case.input_path).read_text()) / 10
"""


def _run_redated(tmp_path, redate):
    """A run of three cases, its log's events passed through ``redate`` (which sets their
    times); the protocol and the run folder."""
    protocol = write_protocol(tmp_path, ["c1", "c2", "c3"], PLUGIN, "Half")
    run = tmp_path / "run"
    with pytest.warns(IsolationWarning):  # unsandboxed: quick, and no bubblewrap needed
        run_algorithm(protocol.parent / "manifest.csv",
                      f"{tmp_path / 'algo' / 'algo.py'}:Half", run, isolation="none",
                      progress=False)
    log = run / "run.jsonl"
    events = [json.loads(line) for line in log.read_text().splitlines()]
    redate(events)
    log.write_text("".join(json.dumps(e) + "\n" for e in events))
    return protocol, run, events


def test_a_run_begun_days_before_its_evaluation_dates_the_testing_from_its_first_case(
        tmp_path):
    def first_december(events):
        # the run as it would be had its session begun on 1 December (only the day moves)
        for event in events:
            if "time" in event:
                event["time"] = "2026-12-01" + event["time"][10:]

    protocol, run, events = _run_redated(tmp_path, first_december)
    first = next(e["time"] for e in events if e.get("event") == "start")
    result = evaluate(protocol, run)
    # its first case's start, to the second, in UTC (the runner writes +00:00)
    assert result.context.started == first[:19] + "+00:00"
    assert result.context.finished > result.context.started


def test_the_earliest_start_dates_the_testing_not_the_first_line(tmp_path):
    # Dask's runner logs a chunk's starts when the chunk ends: a chunk begun later but
    # ended sooner comes first in the log. The first line's time (2 December) dated the
    # testing, though a case began on 1 December (found in the review of the
    # reproducibility-pass). Times with another offset are compared as instants.
    times = iter(["2026-12-02T00:00:10.000+00:00",
                  "2026-12-01T23:59:50.000+00:00",
                  # 08:59:40 in Seoul (+09:00) is 23:59:40 UTC the day before: earliest
                  "2026-12-02T08:59:40.000+09:00"])

    def out_of_order(events):
        for event in events:
            if event.get("event") == "start":
                event["time"] = next(times)

    protocol, run, _ = _run_redated(tmp_path, out_of_order)
    assert next(times, None) is None  # three starts, one per case
    result = evaluate(protocol, run)
    assert result.context.started == "2026-12-01T23:59:40+00:00"


def test_an_uninterrupted_run_dates_the_testing_from_its_first_case_too(tmp_path):
    # a resumed run's start was its first case's (earlier than the evaluation that ended
    # it), an uninterrupted one's the evaluation's own start, a second or so before the
    # first case (hashing the set, checking the references): now both the first case's
    from medeval.evaluation import _Clock

    clock = _Clock()
    clock.started -= timedelta(seconds=10)  # an evaluation begun 10 s ago
    later = clock.started + timedelta(seconds=5)  # its run's first case 5 s after
    clock.since(later)
    assert clock.started == later
    from ..test_finished_run import _with_plugin

    path = _with_plugin(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    starts = [datetime.fromisoformat(event["time"]) for event in map(
        json.loads, (out / "run" / "run.jsonl").read_text().splitlines())
        if event.get("event") == "start"]
    first = min(starts).astimezone(timezone.utc).replace(microsecond=0)
    started = read_result(out / "result.json").context.started
    assert started == first.isoformat(timespec="seconds")


def test_a_run_logged_after_its_evaluation_does_not_date_the_testing(tmp_path):
    # since 0.12 a first case later than the evaluation's start dates the testing (an
    # uninterrupted run); a run log whose times lie ahead of this clock (copied from a
    # host whose clock is ahead) then gave a result whose testing started in 2030 and
    # finished today (found in review). Such a start is not taken: the evaluation's own
    def in_2030(events):
        for event in events:
            if "time" in event:
                event["time"] = "2030-12-01" + event["time"][10:]

    protocol, run, events = _run_redated(tmp_path, in_2030)
    assert min(e["time"] for e in events if e.get("event") == "start") > "2030"
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = evaluate(protocol, run)
    started = datetime.fromisoformat(result.context.started)
    assert before <= started <= datetime.fromisoformat(result.context.finished)
