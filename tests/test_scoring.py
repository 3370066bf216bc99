"""Per-case scoring: one row per case, whatever failed; the set's faults kept apart."""

from __future__ import annotations

import os
import shutil
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

import pytest

from medeval.errors import MedevalError
from medeval.manifest import Manifest
from medeval.protocol import load_protocol
from medeval.scoring import (
    BadReference,
    Predictions,
    read_predictions,
    score_cases,
    score_in_processes,
)
from medeval.tasks.base import CaseRow
from medeval.tasks.registry import make_task

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _detection(tmp_path: Path):
    folder = shutil.copytree(EXAMPLES / "detection", tmp_path / "detection",
                             ignore=shutil.ignore_patterns("result"))
    protocol = load_protocol(folder / "protocol.toml")
    task = make_task(protocol)
    manifest = Manifest.from_csv(folder / "manifest.csv", reference_kind=task.reference_kind)
    return folder, task, sorted(manifest.cases, key=lambda c: c.case_id)


def test_a_runner_failure_on_a_broken_reference_is_the_sets_fault(tmp_path):
    # The runner records F-03 as timed out; its worst-case values need its reference (the
    # lesions it missed), which is broken: a BadReference naming the case, not an error
    # raised from the middle of scoring.
    folder, task, cases = _detection(tmp_path)
    (folder / "references" / "F-03.json").write_text("{not json")
    predictions = Predictions("runner", folder / "predictions",
                              failures={"F-03": ("timeout", "60 s")})
    rows = score_cases(task, cases, root=folder, predictions=predictions)
    bad = [row for row in rows if isinstance(row, BadReference)]
    assert len(bad) == 1 and bad[0].message.startswith("case F-03:")
    assert len(rows) == len(cases)


def test_every_case_gets_a_row_and_failures_keep_their_reason(tmp_path):
    folder, task, cases = _detection(tmp_path)
    predictions = read_predictions(folder / "predictions")
    assert predictions.source == "supplied-predictions"
    rows = score_cases(task, cases, root=folder, predictions=predictions)
    assert all(isinstance(row, CaseRow) for row in rows)
    failed = {row.case_id: row.reason for row in rows if row.status == "failed"}
    # F-06 has no prediction file; the example's README names one malformed prediction
    assert failed.get("F-06") == "missing-output"
    assert set(failed.values()) <= {"missing-output", "invalid-output"} and len(failed) == 2
    assert [row.case_id for row in rows] == [case.case_id for case in cases]


class _CountedFailures(dict):
    """A runner's failures, each time they are pickled counted (unpickled: a plain dict)."""

    pickled = 0

    def __reduce__(self):
        type(self).pickled += 1
        return (dict, (dict(self),))


def test_chunks_scored_in_processes_do_not_each_carry_the_predictions(tmp_path):
    # Found in the scale-pass: the evaluation's worker processes were sent score_cases
    # with the predictions bound to it with every chunk of 16 cases, so the runner's
    # failures (which grow with the set) were pickled once per chunk: 3 MB for 2,500
    # frames, 37 MB for 10,000, growing as the square of the set. Now each process is
    # handed them once when it starts (not at all where it forks). By hand: one case per
    # chunk on 2 processes gives as many chunks as cases, and at most 2 picklings.
    folder, task, cases = _detection(tmp_path)
    _CountedFailures.pickled = 0
    predictions = Predictions("runner", folder / "predictions",
                              failures=_CountedFailures({"F-03": ("timeout", "60 s")}))
    score = partial(score_cases, task, root=folder, predictions=predictions)
    rows = score_in_processes(score, [[case] for case in cases], processes=2)
    assert _CountedFailures.pickled <= 2 < len(cases)
    assert [(r.case_id, r.status, r.reason) for r in rows] == \
        [(r.case_id, r.status, r.reason) for r in score(cases)]
    assert [r.reason for r in rows if r.case_id == "F-03"] == ["timeout"]


def _die(cases):
    """A scoring process killed while scoring (by the system, for want of memory)."""
    os._exit(9)


def test_a_scoring_process_that_dies_is_an_error_naming_the_case(tmp_path):
    # Found in the review of the scale-pass: a worker process ending abruptly came out of
    # evaluate as the pool's BrokenProcessPool traceback. Every process dies on its first
    # chunk here, so no row is taken and the first case is the first left unscored.
    folder, task, cases = _detection(tmp_path)
    with pytest.raises(MedevalError, match=rf"case {cases[0].case_id} and those after "
                       r"it were left unscored.*--workers 1") as caught:
        score_in_processes(_die, [[case] for case in cases], processes=2)
    assert isinstance(caught.value.__cause__, BrokenProcessPool)


def test_supplied_predictions_fingerprint_is_the_files_own_digests(tmp_path, monkeypatch):
    # {file name: SHA-256 of its bytes} over the folder's files (a link to a file counts,
    # a subfolder does not), canonical JSON hashed: worked out here with hashlib and json,
    # wherever the folder is named from (absolute, relative, ".")
    import hashlib
    import json

    folder = tmp_path / "pred"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.json").write_bytes(b'{"fs": 360, "samples": [1]}')
    (folder / "a.json").write_bytes(b"{}")
    (tmp_path / "elsewhere.json").write_bytes(b"[1, 2]")
    (folder / "c.json").symlink_to(tmp_path / "elsewhere.json")
    digests = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
               for name in ("a.json", "b.json", "c.json")}
    text = json.dumps(digests, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    found = [read_predictions(folder).run["predictions_sha256"]]
    monkeypatch.chdir(tmp_path)
    found.append(read_predictions(Path("pred")).run["predictions_sha256"])
    monkeypatch.chdir(folder)
    found.append(read_predictions(Path(".")).run["predictions_sha256"])
    assert found == [expected] * 3


def _run_folder(tmp_path: Path, events: list[str]) -> Path:
    """A run folder as the runner leaves it: predictions/, run.jsonl of ``events`` (each
    the 'event' of one record, 'end' of the next case c1, c2, ...) and the summary the
    first invocation wrote as it ended (Ctrl-C: run-end, then summary.json)."""
    import json

    run = tmp_path / "run"
    (run / "predictions").mkdir(parents=True)
    records, case = [], 0
    for event in events:
        record: dict[str, object] = {"event": event}
        if event == "end":
            case += 1
            record.update(case_id=f"c{case}", status="done")
            (run / "predictions" / f"c{case}.json").write_text("0.5")
        records.append(json.dumps(record) + "\n")
    (run / "run.jsonl").write_text("".join(records))
    (run / "summary.json").write_text(json.dumps({"not_run": ["c2", "c3"]}))
    return run


def test_a_run_resumed_and_killed_is_not_read_by_its_earlier_summary(tmp_path):
    # A resumed run keeps the summary of the invocation before it until it writes its
    # own; killed (SIGKILL, out of memory) after ending c2, its folder held that summary,
    # and evaluate read it: c2 listed as not run (its failure, had it failed, unknown).
    # Found in the review-interrupt pass. The first invocation alone has ended: read.
    ended = _run_folder(tmp_path / "a", ["run-start", "end", "run-end"])
    assert read_predictions(ended).source == "runner"
    resumed = _run_folder(tmp_path / "b", ["run-start", "end", "run-end", "run-start", "end"])
    with pytest.raises(MedevalError, match=r"whose run has not ended: it holds run.jsonl but "
                       r"no summary.json written since its last start .*resume it with the "
                       r"same command"):
        read_predictions(resumed)


def test_a_run_still_going_is_told_from_a_killed_one_by_its_lock(tmp_path):
    # evaluate on a run folder while the run writes it said 'the run is still going, or
    # its runner was killed ...; resume it': resuming it is refused while it runs. The
    # run's own lock (held here as the runner holds it) tells which. Found in the
    # review-interrupt pass.
    from medeval.runner.run_lock import run_dir_lock

    run = _run_folder(tmp_path, ["run-start", "end", "run-end", "run-start"])
    with run_dir_lock(run), pytest.raises(
            MedevalError, match=rf"run is still going \(process {os.getpid()} is running "
                                r"it\): wait until it ends, then evaluate it"):
        read_predictions(run)
    (run / "summary.json").unlink()
    with run_dir_lock(run), pytest.raises(MedevalError, match="still going"):
        read_predictions(run)
    with pytest.raises(MedevalError, match="runner was killed"):  # the lock let go
        read_predictions(run)


def test_a_damaged_line_of_an_ended_runs_log_does_not_stop_its_evaluation(tmp_path):
    # 5a46efe read the whole log with the runner's reader, which refuses a damaged line
    # ('start over with --fresh'): a run that had ended, its log's middle line damaged,
    # could no longer be evaluated. Only the last run-start or run-end counts.
    run = _run_folder(tmp_path, ["run-start", "end", "end", "run-end"])
    lines = (run / "run.jsonl").read_text().splitlines(keepends=True)
    lines[1] = "not JSON\n"
    (run / "run.jsonl").write_text("".join(lines))
    assert read_predictions(run).source == "runner"


def test_the_predictions_folder_of_a_run_not_ended_given_alone_is_refused_too(tmp_path):
    # --predictions RUN/predictions is read as supplied files; b0e2d66 warns there of an
    # interrupted run's not_run cases from its summary, but a run killed before its
    # summary (or resumed and killed, or still going) was evaluated without a word, its
    # cases not yet run counted as missing-output. Found in the review-interrupt pass.
    ended = _run_folder(tmp_path / "a", ["run-start", "end", "run-end"])
    assert read_predictions(ended / "predictions").source == "supplied-predictions"
    killed = _run_folder(tmp_path / "b", ["run-start", "end"])
    (killed / "summary.json").unlink()
    with pytest.raises(MedevalError, match=rf"predictions {killed}: a run folder whose run "
                                           r"has not ended.*resume it"):
        read_predictions(killed / "predictions")


def test_a_folder_beside_another_programs_run_jsonl_is_read_as_supplied_files(tmp_path):
    # a company's folder: its predictions/ beside a run.jsonl of its own training tool
    # (no run-start or run-end record: no medeval run's log) is no run to resume
    import json

    project = tmp_path / "project"
    (project / "predictions").mkdir(parents=True)
    (project / "predictions" / "c1.json").write_text("0.5")
    (project / "run.jsonl").write_text(json.dumps({"step": 1, "loss": 0.5}) + "\n")
    assert read_predictions(project / "predictions").source == "supplied-predictions"
    assert read_predictions(project).source == "supplied-predictions"


@pytest.mark.parametrize("workers", [1, 2])
def test_scoring_shows_the_cases_scored_where_asked(tmp_path, capsys, workers):
    # Found in the scale pass: `medeval evaluate` of 37,500 frames' masks scored for about
    # 100 s after its hashing bar with nothing on the screen. The bar counts cases (the
    # manifest's rows, counted here with the csv module), not chunks; the result is the
    # same with it and without it, and nothing is shown unless asked.
    import csv

    from medeval.evaluation import evaluate

    folder = shutil.copytree(EXAMPLES / "polyp-segmentation", tmp_path / "seg",
                             ignore=shutil.ignore_patterns("result"))
    with open(folder / "manifest.csv", newline="") as handle:
        rows = len(list(csv.DictReader(handle)))
    quiet = evaluate(folder / "protocol.toml", folder / "predictions", workers=workers)
    assert "scoring" not in capsys.readouterr().err
    shown = evaluate(folder / "protocol.toml", folder / "predictions", workers=workers,
                     progress=True)
    err = capsys.readouterr().err
    assert "scoring" in err and f"{rows}/{rows}" in err
    assert shown.cases == quiet.cases and shown.metrics == quiet.metrics


def test_a_file_of_a_case_that_ran_is_no_stray_file_of_a_shorter_id_never_run(tmp_path):
    # Case ids holding dots (DICOM UIDs): a run interrupted before case 1.2.3 ran case
    # 1.2.3.4, its runner writing 1.2.3.4.json and recording it in summary.json. The
    # file's name read part by part names 1.2.3 too, and 1.2.3's failure and the
    # evaluation's warning called it 'no file its runner wrote': only the hand-put
    # 1.2.3.json is one (found in the review of b26f30fb).
    import hashlib
    import json

    from medeval._evaluation_warnings import _not_run_files

    run = tmp_path / "run"
    (run / "predictions").mkdir(parents=True)
    ran = run / "predictions" / "1.2.3.4.json"
    ran.write_text('{"score": 0.5}')
    (run / "run.jsonl").write_text(json.dumps({"event": "run-start"}) + "\n"
                                   + json.dumps({"event": "run-end"}) + "\n")
    (run / "summary.json").write_text(json.dumps({
        "not_run": ["1.2.3"], "failures": {},
        "predictions": {"1.2.3.4": {"1.2.3.4.json": hashlib.sha256(
            ran.read_bytes()).hexdigest()}}}))
    reason, detail = read_predictions(run).failures["1.2.3"]
    assert (reason, detail) == ("missing-output", "case 1.2.3: not run: the run was "
                                "interrupted before it (summary.json's not_run); resume the "
                                "run to run it")
    assert _not_run_files(run / "predictions", ["1.2.3"]) == []
    (run / "predictions" / "1.2.3.json").write_text('{"score": 0.9}')  # put there by hand
    assert read_predictions(run).failures["1.2.3"][1].endswith(
        "; 1.2.3.json in the run's predictions folder is no file its runner wrote, and is "
        "not read")
    assert _not_run_files(run / "predictions", ["1.2.3"]) == [
        "all cases: 1 file(s) in the run's predictions folder are of cases the run never "
        "ran: 1.2.3.json; no runner wrote them, and they are not read (those cases count "
        "as missing-output failures): resume the run to run them"]
