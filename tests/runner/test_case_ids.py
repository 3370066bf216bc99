"""Case ids in any script run through the runner, as the manifest and the evaluation
accept them.

Before, ``run_algorithm`` refused every id outside ``[A-Za-z0-9._-]`` ("use letters,
digits, '.', '_' and '-'"): a Korean set's ``환자-001``, ``étude_2`` or ``case 3`` was
checked OK by ``medeval manifest check`` and scored from supplied predictions, but could
not be run, although docs/runner.md says "letters of any script are fine".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = """
from pathlib import Path

class Echo:
    def predict(self, case):
        return {"score": int(Path(case.input_path).read_text()) / 10, "seen": case.case_id}
"""
COMMAND = """
import json, os, sys
case = json.load(open("/input/case.json"))
value = int(open(case["inputs"][0]["path"]).read())
json.dump({"score": value / 10, "env": os.environ["MEDEVAL_CASE_ID"], "arg": sys.argv[1]},
          open(case["prediction_file"], "w"))
"""
IDS = ["환자-001", "étude_2", "case 3", "c+4"]


@needs_bwrap
def test_ids_in_any_script_run_as_a_plugin_and_as_a_command(tmp_path: Path):
    manifest = write_set(tmp_path, IDS)
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Echo", tmp_path / "plugin", progress=False)
    assert summary.done == 4
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    spec = resolve_algorithm(None, command=f"{sys.executable} {script} {{case_id}}")
    assert run_algorithm(manifest, spec, tmp_path / "command", progress=False).done == 4
    for number, case_id in enumerate(IDS):  # write_set's input of case i is "i"
        stored = json.loads((tmp_path / "plugin" / "predictions" / f"{case_id}.json")
                            .read_text(encoding="utf-8"))
        assert stored == {"case_id": case_id, "score": number / 10, "seen": case_id}
        stored = json.loads((tmp_path / "command" / "predictions" / f"{case_id}.json")
                            .read_text(encoding="utf-8"))
        assert stored == {"case_id": case_id, "score": number / 10, "env": case_id,
                          "arg": case_id}


@pytest.mark.parametrize("case_id", ["-rf", ".hidden", "환" * 70])
def test_ids_that_would_be_an_option_a_hidden_file_or_too_long_are_refused(
        tmp_path: Path, case_id: str):
    # "-rf" would be an option where {case_id} is substituted; ".hidden" a hidden file;
    # 70 Hangul syllables are 210 bytes of UTF-8, over 200 (a file name holds 255)
    manifest = write_set(tmp_path, [case_id])
    plugin = write_algorithm(tmp_path, PLUGIN)
    with pytest.raises(RunnerError, match="cannot name a prediction file"):
        run_algorithm(manifest, f"{plugin}:Echo", tmp_path / "run", progress=False)
    assert not (tmp_path / "run").exists()
