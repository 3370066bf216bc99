"""``medeval predict``: the runner alone, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medeval.cli import main

from .conftest import needs_bwrap, write_algorithm, write_protocol, write_set

PLUGIN = """
class Flaky:
    def predict(self, case):
        if case.case_id == "c2":
            raise RuntimeError("no luck")
        return 0.5
"""


@needs_bwrap
def test_predict_prints_done_failed_and_why(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1", "c2", "c3"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    code = main(["predict", "--algorithm", f"{plugin}:Flaky", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--workers", "2", "--timeout-s", "10",
                 "--memory-mb", "1024", "--mode", "certificate", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "cases 3: done 2, failed 1" in out and "isolation: bubblewrap" in out
    assert "failed c2: exception: RuntimeError: no luck" in out
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert data["failures"]["c2"]["reason"] == "exception"
    assert "cases/s" in out  # three cases ran: a pace
    # the same command again resumes all three and runs none: no pace of 0.0 cases/s
    assert main(["predict", "--algorithm", f"{plugin}:Flaky", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--workers", "2", "--timeout-s", "10",
                 "--memory-mb", "1024", "--mode", "certificate", "--no-progress"]) == 0
    again = capsys.readouterr().out
    assert "resumed 3 case(s)" in again and "ran 0 now" in again
    assert "no case run now, so no pace" in again and "cases/s" not in again


def test_predict_without_sandbox_in_certificate_mode_exits_2(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1"])
    code = main(["predict", "--command", "/bin/true", "--manifest", str(manifest), "--out",
                 str(tmp_path / "run"), "--isolation", "none", "--mode", "certificate"])
    assert code == 2
    assert "needs the bubblewrap sandbox" in capsys.readouterr().err


def test_predict_pre_check_without_sandbox_warns(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1"])
    script = write_algorithm(tmp_path, "import json\njson.dump(0.1, open('"
                             "prediction.json', 'w'))\n", name="p.py")
    import sys

    code = main(["predict", "--command", f"{sys.executable} {script}", "--manifest",
                 str(manifest), "--out", str(tmp_path / "run"), "--isolation", "none",
                 "--no-progress"])
    captured = capsys.readouterr()
    assert "WITHOUT a sandbox" in captured.err
    assert code == 0 and "isolation: none" in captured.out
    # said as medeval's errors are, without Python's source file and line of the call
    # (found in the docs pass: "runner/sandbox.py:124: IsolationWarning: ..." and the
    # code line beneath, three times in `medeval demo --pre-check`)
    [said] = [line for line in captured.err.splitlines() if "WITHOUT a sandbox" in line]
    assert said.startswith("medeval: warning: the algorithm runs WITHOUT a sandbox")
    assert "IsolationWarning" not in captured.err and ".py:" not in captured.err


@needs_bwrap
def test_predict_worked_example_with_relative_paths(tmp_path: Path, capsys, monkeypatch):
    import shlex
    import sys

    monkeypatch.chdir(Path(__file__).resolve().parents[2] / "examples" / "runner")
    code = main(["predict", "--command", f"{shlex.quote(sys.executable)} command/predict.py",
                 "--manifest", "data/manifest.csv", "--out", str(tmp_path / "run"),
                 "--no-progress", "--mode", "certificate"])
    assert code == 0 and "cases 8: done 8, failed 0" in capsys.readouterr().out


@needs_bwrap
def test_predict_memory_options(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    base = ["predict", "--algorithm", f"{plugin}:Flaky", "--manifest", str(manifest),
            "--no-progress"]
    # no memory limit at all (a pre-check): the run records that nothing held one
    assert main([*base, "--out", str(tmp_path / "none"), "--memory-mb", "none"]) == 0
    summary = json.loads((tmp_path / "none" / "summary.json").read_text())
    assert summary["memory"]["mechanism"] == "none" and summary["memory"]["limit_mb"] is None
    # the watch, asked for by name, with the address-space limit and retries recorded
    assert main([*base, "--out", str(tmp_path / "watch"), "--memory-mb", "512",
                 "--memory-guard", "watch", "--address-space-mb", "8192",
                 "--retries", "2"]) == 0
    summary = json.loads((tmp_path / "watch" / "summary.json").read_text())
    assert (summary["memory"]["mechanism"], summary["memory"]["limit_mb"]) == ("watch", 512)
    assert summary["limits"]["address_space_mb"] == 8192 and summary["limits"]["retries"] == 2
    capsys.readouterr()
    for bad in ("10", "lots"):
        try:
            main([*base, "--out", str(tmp_path / "bad"), "--memory-mb", bad])
        except SystemExit as exc:  # argparse: usage error, exit 2
            assert exc.code == 2
        else:
            raise AssertionError(f"--memory-mb {bad} was accepted")
    err = capsys.readouterr().err
    assert "at least 64 MB, not 10" in err and "a number of MB or 'none', not 'lots'" in err


LOUD = """
class Loud:
    def predict(self, case):
        if case.case_id == "c07":
            return float("nan")
        raise RuntimeError("shape mismatch\\n" + "\\n".join(
            f"row {i}: " + "0.1 " * 60 for i in range(10)))
"""


@needs_bwrap
def test_failures_listed_in_a_few_lines_each_and_all_in_the_summary(tmp_path: Path, capsys):
    """Before, every failed case was printed with its whole detail: an exception message of
    10 lines of 250 characters gave 25 cases 275 lines (a set of 20,000 cases, megabytes),
    burying the run's summary lines. Now: one line per case, cut; over 20 failures, the
    first 3 of each reason, and where the rest are."""
    cases = [f"c{i:02d}" for i in range(25)]
    manifest = write_set(tmp_path, cases)
    plugin = write_algorithm(tmp_path, LOUD)
    run = tmp_path / "run"
    assert main(["predict", "--algorithm", f"{plugin}:Loud", "--manifest", str(manifest),
                 "--out", str(run), "--no-progress"]) == 0
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if line.startswith("  failed ")]
    # 24 exceptions, 1 invalid-output (c07's NaN): 3 + 1 listed, 21 more
    assert [line.split(":")[0] for line in failed] == [
        "  failed c00", "  failed c01", "  failed c02", "  failed c07"]
    assert failed[0] == "  failed c00: exception: RuntimeError: shape mismatch [...]"
    assert failed[3].startswith("  failed c07: invalid-output: ")
    assert "... and 21 more failed case(s)" in out and str(run / "summary.json") in out
    assert len(out.splitlines()) < 15 and "row 1:" not in out
    assert out.splitlines()[-1] == f"  run directory {run}"
    summary = json.loads((run / "summary.json").read_text())
    assert len(summary["failures"]) == 25  # every failure, its detail whole
    assert "row 9: 0.1" in summary["failures"]["c24"]["detail"]


@pytest.mark.parametrize("option", [["--timeout-s", "inf"], ["--timeout-s", "1e12"],
                                    ["--setup-timeout-s", "inf"],
                                    ["--output-limit-mb", "inf"]])
def test_a_limit_too_large_is_refused_before_the_run_starts(tmp_path: Path, capsys,
                                                            option: list[str]):
    """Before, --timeout-s inf (a user's "no time limit") started the run, recorded the
    limit, and failed at the first case with 'the runner failed: OverflowError: timestamp
    out of range for platform time_t', leaving a run directory that a corrected command
    refused to resume (its limits differ)."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    run = tmp_path / "run"
    code = main(["predict", "--algorithm", f"{plugin}:Flaky", "--manifest", str(manifest),
                 "--out", str(run), "--no-progress", *option])
    assert code == 2
    err = capsys.readouterr().err
    assert option[0][2:].replace("-", "_") in err and "at most" in err
    assert not run.exists()  # nothing started, nothing to clean up


EXITS = """
import sys
print("loading weights", file=sys.stderr)
print("ValueError: the model expects 3 channels, got 1", file=sys.stderr)
sys.exit(1)
"""


@needs_bwrap
def test_a_command_that_exits_with_an_error_shows_its_last_stderr_line(tmp_path: Path,
                                                                       capsys):
    """Before, the line was "failed c1: exit-code: exit code 1": why was only in
    summary.json's stderr_tail."""
    import sys

    manifest = write_set(tmp_path, ["c1"])
    script = write_algorithm(tmp_path, EXITS, name="predict.py")
    assert main(["predict", "--command", f"{sys.executable} {script}", "--manifest",
                 str(manifest), "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert ("  failed c1: exit-code: exit code 1; stderr ends: ValueError: the model "
            "expects 3 channels, got 1\n") in out


ARRAY = """
import numpy as np


class Raw:
    def predict(self, case):  # the model's output array (batch 1, one output) as it is
        return np.array([[0.25 + 0.5 * (case.case_id == "c2")]], dtype=np.float32)
"""


def test_predictions_that_are_a_models_output_array_are_noted(tmp_path: Path, capsys):
    # Found submitting an ONNX model as a company would: onnxruntime's output (1, 1)
    # returned as it is was stored as [[0.97]], 'done 8, failed 0', and only the
    # evaluation failed every case. The note's claim is checked by evaluating the run.
    import medeval

    cases = ["c1", "c2", "c3"]
    protocol = write_protocol(tmp_path, cases, ARRAY, "Raw")
    manifest = protocol.parent / "manifest.csv"
    plugin = tmp_path / "algo" / "algo.py"
    assert main(["predict", "--algorithm", f"{plugin}:Raw", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--isolation", "none", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "cases 3: done 3, failed 0" in out
    stored = json.loads((tmp_path / "run" / "predictions" / "c2.json").read_text())
    assert stored == [[0.75]]
    assert ("note: the predictions read (3 of 3: c1, c2, c3) are each a list holding one "
            "number (c1: [[0.25]]): a model's output array returned as it is?") in out
    result = medeval.evaluate(protocol, tmp_path / "run")
    assert {c.reason for c in result.failures.cases} == {"invalid-output"}
    assert result.failures.n_failed == 3
    # one number each (or {"score": ...}): no note
    plugin.write_text(ARRAY.replace("return np.array([[", "return float(np.array([[")
                      .replace("dtype=np.float32)", "dtype=np.float32)[0, 0])"))
    assert main(["predict", "--algorithm", f"{plugin}:Raw", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run2"), "--isolation", "none", "--no-progress"]) == 0
    assert "note:" not in capsys.readouterr().out


SLOW_SETUP = """
import time


class Slow:
    def setup(self):
        print("loading weights", flush=True)
        time.sleep(120)  # a model of several GB from a slow disk

    def predict(self, case):
        return 0.5
"""


def test_a_setup_past_its_time_limit_is_told_which_option_raises_it(tmp_path: Path, capsys):
    """A plugin whose setup() outlived --setup-timeout-s 1 was told "loading the algorithm
    and its setup() took more than 1 s" alone: neither the option nor the protocol key
    that raises it (--timeout-s, the other time limit, counts per case and does not)."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, SLOW_SETUP)
    code = main(["predict", "--algorithm", f"{plugin}:Slow", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--setup-timeout-s", "1",
                 "--isolation", "none", "--no-progress"])  # the CLI warns on stderr
    err = capsys.readouterr().err
    assert code == 2
    assert ("loading the algorithm and its setup() took more than 1 s, the time limit for "
            "loading it (--setup-timeout-s; setup_timeout_s in the protocol's [runner]); "
            "its stderr ends with:\nloading weights") in err


SOFTMAX = """
import numpy as np


class Probs:
    def predict(self, case):  # a classifier's softmax over two classes, returned as it is
        p = 0.25 + 0.5 * (case.case_id == "c2")
        return np.array([[1 - p, p]], dtype=np.float32)
"""


def test_predictions_that_are_a_list_of_several_numbers_are_noted(tmp_path: Path, capsys):
    """A softmax pair returned as it is ([[0.75, 0.25]]) was stored, 'done 3, failed 0',
    with no note (only a list holding one number had one), and every case failed the
    evaluation. The note now says so for any list of numbers; the evaluation is the check
    of its claim. A COCO detector's lists (of objects, or [] for nothing) get none."""
    import medeval

    cases = ["c1", "c2", "c3"]
    protocol = write_protocol(tmp_path, cases, SOFTMAX, "Probs")
    manifest = protocol.parent / "manifest.csv"
    plugin = tmp_path / "algo" / "algo.py"
    assert main(["predict", "--algorithm", f"{plugin}:Probs", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--isolation", "none", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert json.loads((tmp_path / "run" / "predictions" / "c1.json").read_text()) == [
        [0.75, 0.25]]  # float32 0.75 and 0.25 are exact
    assert ("note: the predictions read (3 of 3: c1, c2, c3) are each a list of numbers "
            "(c1: [[0.75, 0.25]]): a model's output array returned as it is? No task reads "
            "a list of numbers: binary classification reads one number, the positive "
            "class's score (float(probs[1]))") in out
    result = medeval.evaluate(protocol, tmp_path / "run")
    assert {c.reason for c in result.failures.cases} == {"invalid-output"}
    assert result.failures.n_failed == 3
    plugin.write_text("class Probs:\n    def predict(self, case):\n"
                      "        return [{'category_id': 1, 'bbox': [1, 2, 3, 4], 'score': 0.5}]"
                      " if case.case_id == 'c1' else []\n")
    assert main(["predict", "--algorithm", f"{plugin}:Probs", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run2"), "--isolation", "none", "--no-progress"]) == 0
    assert "note:" not in capsys.readouterr().out


def test_a_prediction_nested_hundreds_deep_is_noted_without_a_recursion_error(tmp_path: Path):
    """array_notes counted a prediction's numbers by recursion (two frames a level): a
    list nested 600 deep, which json.loads and the runner take and store, stopped
    medeval predict with Python's RecursionError. Nested so, it holds one number."""
    from medeval.cli.predict import array_notes

    depth = 600
    (tmp_path / "predictions").mkdir()
    (tmp_path / "predictions" / "c1.json").write_text("[" * depth + "0.5" + "]" * depth)
    assert json.loads((tmp_path / "predictions" / "c1.json").read_text()) is not None
    notes = array_notes(tmp_path, {"predictions": {"c1": ["c1.json"]}})
    assert len(notes) == 1
    assert "(1 of 1: c1) are each a list holding one number" in notes[0]
