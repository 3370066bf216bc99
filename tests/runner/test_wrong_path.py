"""A prediction written in the wrong place: the case fails, and the message says where
the prediction should have gone. Before, both packagings were told only "no prediction:
nothing returned and no prediction.<ext> written", which a command's author (who wrote a
file) and a plugin's (who wrote one and returned None) could not act on."""

from __future__ import annotations

import sys
from pathlib import Path

from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = """
import os, sys

class Misplaced:
    def predict(self, case):
        with open("prediction.json", "w") as handle:  # the current folder, not output_dir
            handle.write('{"score": 0.5}')
        print("wrote", os.path.abspath("prediction.json"), file=sys.stderr)
        return None
"""
COMMAND = """
import os, sys
with open("prediction.json", "w") as handle:  # the current folder, not $MEDEVAL_OUTPUT_DIR
    handle.write('{"score": 0.5}')
print("wrote", os.path.abspath("prediction.json"), file=sys.stderr)
"""


@needs_bwrap
def test_a_plugin_writing_its_prediction_elsewhere_is_told_where(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Misplaced", tmp_path / "run",
                            progress=False)
    failure = summary.failures["c1"]
    assert "wrote /tmp/prediction.json" in failure["stderr_tail"]  # the plugin's own word
    assert failure["reason"] == "invalid-output"
    assert failure["detail"].startswith("no prediction: predict returned None and wrote no "
                                        "prediction.<ext> in case.output_dir")


@needs_bwrap
def test_a_command_writing_its_prediction_elsewhere_is_told_where(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    spec = resolve_algorithm(None, command=f"{sys.executable} {script}")
    summary = run_algorithm(manifest, spec, tmp_path / "run", progress=False)
    failure = summary.failures["c1"]
    assert "wrote /tmp/prediction.json" in failure["stderr_tail"]
    assert failure["reason"] == "invalid-output"
    assert "$MEDEVAL_OUTPUT_DIR" in failure["detail"] and "/output" in failure["detail"]
