"""``medeval evaluate --predictions RUN/predictions`` names the runner's reasons it drops.

Found submitting as a company would: a plugin crashing on 3 of 10 cases (an exception, an
exit, a segfault), evaluated from its run's ``predictions`` folder instead of the run
folder, was scored with the three as ``missing-output: no prediction file`` and nothing
said that the runner had recorded why (README: "Give evaluate the run folder itself").
The result is unchanged (the files are as given); a note under it names the cases, the
runner's reasons and the folder to give. The reasons expected are those the plugin
below causes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import IsolationWarning
from medeval.runner import run_algorithm

from .conftest import write_protocol

CRASHES = """
import os


class Crashes:
    def predict(self, case):
        if case.case_id == "c2":
            raise RuntimeError("model exploded on this image")
        if case.case_id == "c3":
            os._exit(3)
        return 0.75
"""


def test_a_runs_predictions_folder_given_alone_names_the_runners_reasons(tmp_path: Path,
                                                                         capsys):
    cases = ["c1", "c2", "c3", "c4"]
    protocol = write_protocol(tmp_path, cases, CRASHES, "Crashes")
    with pytest.warns(IsolationWarning):
        run_algorithm(protocol.parent / "manifest.csv", f"{tmp_path / 'algo' / 'algo.py'}"
                      ":Crashes", tmp_path / "run", isolation="none", progress=False)
    reasons = json.loads((tmp_path / "run" / "summary.json").read_text())["reasons"]
    assert reasons == {"exception": 1, "exit-code": 1}
    assert main(["evaluate", str(protocol), "--predictions", str(tmp_path / "run" /
                 "predictions"), "--out", str(tmp_path / "alone")]) == 0
    out = capsys.readouterr().out
    assert ("  note: 2 case(s) that the runner failed (c2: exception, c3: exit-code) are "
            "read here as missing-output, without its reasons: give the run folder, "
            f"--predictions {tmp_path / 'run'}, to evaluate them with the runner's reasons "
            "and its record of the algorithm") in out
    failed = json.loads((tmp_path / "alone" / "result.json").read_text())["failures"]
    assert {c["case_id"]: c["reason"] for c in failed["cases"]} == {
        "c2": "missing-output", "c3": "missing-output"}
    # given as the note says: the runner's reasons, and no note
    assert main(["evaluate", str(protocol), "--predictions", str(tmp_path / "run"),
                 "--out", str(tmp_path / "whole")]) == 0
    assert "note:" not in capsys.readouterr().out
    failed = json.loads((tmp_path / "whole" / "result.json").read_text())["failures"]
    assert {c["case_id"]: c["reason"] for c in failed["cases"]} == {
        "c2": "exception", "c3": "exit-code"}


IMPORTS = """
class Imports:
    def predict(self, case):
        import no_such_package_anywhere  # noqa: F401 - a dependency not installed
        return 0.5
"""


def test_evaluating_a_run_folder_prints_the_runners_notes(tmp_path: Path, capsys):
    """medeval predict and medeval run print the runner's advice under failed cases (here
    a module the environment lacks); medeval evaluate of the same run folder printed
    none."""
    protocol = write_protocol(tmp_path, ["c1", "c2"], IMPORTS, "Imports")
    with pytest.warns(IsolationWarning):
        run_algorithm(protocol.parent / "manifest.csv", f"{tmp_path / 'algo' / 'algo.py'}"
                      ":Imports", tmp_path / "run", isolation="none", progress=False)
    assert main(["evaluate", str(protocol), "--predictions", str(tmp_path / "run"),
                 "--out", str(tmp_path / "result")]) == 3  # every case failed
    out = capsys.readouterr().out
    assert ("  note: 2 failed case(s) (c1, c2): it imports 'no_such_package_anywhere', "
            "which the Python environment the runner runs in") in out
