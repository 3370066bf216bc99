"""Ctrl-C on ``medeval predict``: the run stops cleanly and resumes.

Before, SIGINT ended the command with a Python traceback (``KeyboardInterrupt`` from the
results queue), no ``run-end`` record, no ``summary.json`` and no word on resuming. Now
it says how many cases ended and are kept, writes the summary (``not_run`` lists the
rest), records ``run-end`` with ``interrupted``, and exits 130; running the same command
again runs the rest and keeps the earlier predictions byte for byte.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import needs_bwrap, write_algorithm, write_protocol, write_set

#: Case c4 waits while its input's mtime is 0 (set by _start_until_c4; _let_c4_end sets
#: it to now, which changes neither the algorithm nor the set's fingerprint, so the run
#: resumes): the first run is interrupted there however slowly the test sees c4 start on
#: a loaded machine. It slept 5 s, a window the test had to signal in, and each resumed
#: run slept 5 s more.
PLUGIN = """
import os
import time
from pathlib import Path


class Slow:
    def predict(self, case):
        deadline = time.monotonic() + 120
        while case.case_id == "c4" and os.stat(case.input_path).st_mtime == 0 \\
                and time.monotonic() < deadline:
            time.sleep(0.02)
        return int(Path(case.input_path).read_text()) / 10
"""


def _let_c4_end(tmp_path: Path) -> None:
    """Let PLUGIN's case c4 end (in the run resumed)."""
    os.utime(tmp_path / "data" / "inputs" / "c4.txt")


def _started(log: Path, case_id: str) -> bool:
    if not log.exists():
        return False
    lines = log.read_text().splitlines()
    return any(json.loads(line).get("case_id") == case_id and
               json.loads(line).get("event") == "start" for line in lines if line.strip())


def _start_until_c4(tmp_path: Path, cases: list[str],
                    ) -> tuple[list[str], Path, subprocess.Popen[str]]:
    """``medeval predict`` of PLUGIN on ``cases``, in a session of its own, once it has
    started case c4 (which waits): its command line, run directory and process."""
    manifest = write_set(tmp_path, cases)
    os.utime(tmp_path / "data" / "inputs" / "c4.txt", (0, 0))  # c4 waits (PLUGIN)
    plugin = write_algorithm(tmp_path, PLUGIN)
    run = tmp_path / "run"
    argv = [sys.executable, "-m", "medeval", "predict", "--algorithm", f"{plugin}:Slow",
            "--manifest", str(manifest), "--out", str(run), "--no-progress",
            "--timeout-s", "300"]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not _started(run / "run.jsonl", "c4"):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.1)
    return argv, run, first


@needs_bwrap
def test_ctrl_c_stops_cleanly_and_the_run_resumes(tmp_path: Path):
    cases = [f"c{i}" for i in range(1, 8)]
    # its own process group, signalled as a terminal's Ctrl-C signals the foreground group
    argv, run, first = _start_until_c4(tmp_path, cases)
    os.killpg(first.pid, signal.SIGINT)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert f"interrupted: 3 of 7 cases ended and are kept in {run} (4 not run)" in stderr
    summary = json.loads((run / "summary.json").read_text())
    assert (summary["done"], summary["failed"]) == (3, 0)
    assert summary["not_run"] == ["c4", "c5", "c6", "c7"]
    events = [json.loads(line) for line in (run / "run.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "run-end" and events[-1]["interrupted"] is True
    kept = {p.name: p.read_bytes() for p in (run / "predictions").iterdir()}
    assert sorted(kept) == ["c1.json", "c2.json", "c3.json"]

    _let_c4_end(tmp_path)
    second = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "resumed 3 case(s)" in second.stdout and "ran 4 now" in second.stdout
    for name, data in kept.items():
        assert (run / "predictions" / name).read_bytes() == data
    summary = json.loads((run / "summary.json").read_text())
    assert (summary["done"], summary["not_run"]) == (7, [])
    for number, case_id in enumerate(cases):  # write_set's input of case i is "i"
        prediction = json.loads((run / "predictions" / f"{case_id}.json").read_text())
        assert prediction == {"case_id": case_id, "score": number / 10}


@needs_bwrap
def test_an_interrupted_run_is_said_so_by_evaluate_and_refused_for_a_certificate(
        tmp_path: Path):
    # evaluate on a run stopped by Ctrl-C: its not_run cases count as missing-output, which
    # the result said nowhere (a company would read 4 of 7 cases "failed"); a certificate
    # of a run its algorithm never finished is refused, naming the cases and the remedy
    import medeval
    from medeval.protocol import ProtocolError

    cases = [f"c{i}" for i in range(1, 8)]
    _, run, first = _start_until_c4(tmp_path, cases)
    os.killpg(first.pid, signal.SIGINT)
    first.communicate(timeout=60)
    assert json.loads((run / "summary.json").read_text())["not_run"] == ["c4", "c5", "c6",
                                                                           "c7"]
    data = tmp_path / "data"
    (data / "labels.csv").write_text("case_id,patient_id,input,reference\n" + "".join(
        f"{c},p{k},inputs/{c}.txt,{k % 2}\n" for k, c in enumerate(cases)))
    protocol = (
        '[test]\nid = "T"\ntitle = "t"\nmode = "{mode}"\n[laboratory]\nname = "L"\n'
        '[customer]\nname = "C"\n[algorithm]\nname = "A"\nversion = "1"\n[dataset]\n'
        'manifest = "labels.csv"\nselection = "s"\n{fingerprint}[task]\n'
        'type = "binary-classification"\nthreshold = 0.5\n[statistics]\nseed = 1\n'
        '[[criteria]]\nmetric = "sensitivity"\ngoal = 0.5\nsource = "test"\n')
    (data / "pre.toml").write_text(protocol.format(mode="pre-check", fingerprint=""))
    result = medeval.evaluate(data / "pre.toml", run)
    assert result.failures.by_reason == {"missing-output": 4}
    assert ("all cases: the run was interrupted before 4 case(s) ran (c4, c5, c6, c7; "
            "summary.json's not_run): they count as missing-output failures; resume the run "
            "(the command that made it, again: medeval run PROTOCOL.toml --out OUT, or "
            "medeval predict ... --out RUN) to run them") in result.warnings
    # its predictions folder given alone (read as supplied files) said nothing of the run's
    # interruption: 4 cases missing-output, not said never run. Found in the interrupt-pass
    alone = medeval.evaluate(data / "pre.toml", run / "predictions")
    assert alone.failures.by_reason == {"missing-output": 4}
    assert alone.warnings[0] == result.warnings[0]
    from medeval.manifest import Manifest

    fingerprint = Manifest.from_csv(data / "labels.csv", reference_kind="label").fingerprint(
        progress=False)
    (data / "cert.toml").write_text(protocol.format(
        mode="certificate", fingerprint=f'fingerprint = "sha256:{fingerprint}"\n'))
    with pytest.raises(ProtocolError, match=r"run .*: the run was interrupted before 4 "
                       r"case\(s\) ran \(c4, c5, c6, c7; summary.json's not_run\); resume it"):
        medeval.evaluate(data / "cert.toml", run)
    # a file put by hand in the run's predictions folder for a case never run (c5, in the
    # runner's not_run) was scored as the algorithm's answer, while the warning above said
    # the case counted as missing-output. Found pre-checking a model: not read, and named
    (run / "predictions" / "c5.json").write_text('{"case_id": "c5", "score": 0.9}')
    added = medeval.evaluate(data / "pre.toml", run)
    assert added.failures.by_reason == {"missing-output": 4}
    assert "c5.json in the run's predictions folder is no file its runner wrote, and is " \
           "not read" in {f.case_id: f.detail for f in added.failures.cases}["c5"]
    assert list(added.warnings[:2]) == [result.warnings[0], (
        "all cases: 1 file(s) in the run's predictions folder are of cases the run never "
        "ran: c5.json; no runner wrote them, and they are not read (those cases count as "
        "missing-output failures): resume the run to run them")]
    # ... and so in its predictions folder given alone
    alone = medeval.evaluate(data / "pre.toml", run / "predictions")
    assert alone.failures.by_reason == {"missing-output": 4}
    assert list(alone.warnings[:2]) == list(added.warnings[:2])


@needs_bwrap
def test_a_run_killed_before_its_summary_is_refused_by_evaluate_naming_the_remedy(
        tmp_path: Path):
    # SIGKILL (the OOM killer, a power cut) leaves run.jsonl and predictions/ but no
    # summary.json: evaluate read the run folder as a folder of supplied files, scored every
    # case missing-output (the 3 predictions made were in predictions/, not beside) and
    # named 'predictions, run.jsonl' as files of no case. Found in the interrupt-pass.
    import medeval
    from medeval.protocol import ProtocolError

    cases = [f"c{i}" for i in range(1, 6)]
    _, run, first = _start_until_c4(tmp_path, cases)
    os.killpg(first.pid, signal.SIGKILL)  # the runner and its sandbox: nothing can clean up
    first.communicate(timeout=60)
    assert (run / "run.jsonl").is_file() and not (run / "summary.json").exists()
    data = tmp_path / "data"
    (data / "labels.csv").write_text("case_id,patient_id,input,reference\n" + "".join(
        f"{c},p{k},inputs/{c}.txt,{k % 2}\n" for k, c in enumerate(cases)))
    (data / "pre.toml").write_text(
        '[test]\nid = "T"\ntitle = "t"\nmode = "pre-check"\n[laboratory]\nname = "L"\n'
        '[customer]\nname = "C"\n[algorithm]\nname = "A"\nversion = "1"\n[dataset]\n'
        'manifest = "labels.csv"\nselection = "s"\n[task]\n'
        'type = "binary-classification"\nthreshold = 0.5\n[statistics]\nseed = 1\n'
        '[[criteria]]\nmetric = "sensitivity"\ngoal = 0.5\nsource = "test"\n')
    with pytest.raises(ProtocolError, match=r"a run folder whose run has not ended: it holds "
                       r"run.jsonl but no summary.json .*resume it with the same command"):
        medeval.evaluate(data / "pre.toml", run)


@needs_bwrap
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_as_ctrl_c_does(tmp_path: Path, number: signal.Signals):
    """``kill PID`` (a job scheduler's, systemd's or a CI's stop) and a closed terminal
    or ssh session: before, the run died on the spot with no summary.json, no run-end
    record and its scratch folder left behind; now it stops as Ctrl-C does and exits
    with 128 + the signal's number, as a shell reports a process ended by it."""
    cases = [f"c{i}" for i in range(1, 6)]
    argv, run, first = _start_until_c4(tmp_path, cases)
    first.send_signal(number)  # the runner's process alone, as `kill PID` does
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 128 + number, stderr
    assert "Traceback" not in stderr
    assert (f"stopped by {number.name}: 3 of 5 cases ended and are kept in {run} "
            "(2 not run)") in stderr
    summary = json.loads((run / "summary.json").read_text())
    assert (summary["done"], summary["not_run"]) == (3, ["c4", "c5"])
    events = [json.loads(line) for line in (run / "run.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "run-end" and events[-1]["interrupted"] is True
    assert not (run / ".scratch").exists()
    _let_c4_end(tmp_path)
    second = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "resumed 3 case(s)" in second.stdout and "ran 2 now" in second.stdout
    for number_, case_id in enumerate(cases):  # write_set's input of case i is "i"
        prediction = json.loads((run / "predictions" / f"{case_id}.json").read_text())
        assert prediction == {"case_id": case_id, "score": number_ / 10}


@needs_bwrap
def test_medeval_run_stopped_by_sigterm_exits_143(tmp_path: Path):
    # `medeval run` (the runner inside the evaluation) exited 130 on SIGTERM, as for
    # Ctrl-C: the CLI's top level read every KeyboardInterrupt as SIGINT
    cases = [f"c{i}" for i in range(1, 6)]
    protocol = write_protocol(tmp_path, cases, PLUGIN, "Slow")
    os.utime(tmp_path / "data" / "inputs" / "c4.txt", (0, 0))  # c4 waits (PLUGIN)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "medeval", "run", str(protocol),
                                "--out", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not _started(out / "run" / "run.jsonl", "c4"):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM == 143, stderr
    assert "stopped by SIGTERM: 3 of 5 cases ended" in stderr
    assert not (out / "result.json").exists()  # nothing evaluated of a run cut short


def test_an_ignored_sighup_stays_ignored():
    """``nohup medeval predict ...`` ignores SIGHUP so that the run outlives the terminal;
    the runner's handler must not undo that (the signal is really sent here)."""
    from medeval.runner.stop_signals import StopSignals

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with StopSignals() as stop:
            os.kill(os.getpid(), signal.SIGHUP)  # raised Stopped if the handler were set
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert stop.pending() is None
    finally:
        signal.signal(signal.SIGHUP, previous)
