"""A case's prediction is JSON data or a file, never both.

Found in the runner pass: a segmentation plugin that returned ``{"score": ...}`` and also
wrote ``prediction.png`` had both stored (``s1.json``, ``s1.png``); the evaluation read
the mask and left the JSON unread without a word (an EEG task reads the JSON before an
EDF+ file, so there the file would have been the one dropped). No task reads both, so the
runner now fails such a case as ``invalid-output``, naming the file, and the run goes on.
The expected mask bytes are PIL's own encoding of the array the plugin draws.
"""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

from medeval.cli import main
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = """
import os
import numpy as np
from PIL import Image

class Seg:
    def predict(self, case):
        mask = np.zeros((4, 5), np.uint8)
        mask[1:3, 2:4] = 255
        Image.fromarray(mask).save(os.path.join(case.output_dir, "prediction.png"))
        if case.case_id == "both":
            return {"score": 0.5}
        return None
"""

COMMAND = """
import json, os
out = os.environ["MEDEVAL_OUTPUT_DIR"]
open(os.path.join(out, "prediction.png"), "wb").write(b"not read")
if os.environ["MEDEVAL_CASE_ID"] == "both":
    json.dump({"score": 0.5}, open(os.path.join(out, "prediction.json"), "w"))
"""


def _png() -> bytes:
    mask = np.zeros((4, 5), np.uint8)
    mask[1:3, 2:4] = 255
    buffer = io.BytesIO()
    Image.fromarray(mask).save(buffer, format="PNG")
    return buffer.getvalue()


@needs_bwrap
def test_a_plugin_returning_a_value_and_writing_a_file_fails_that_case(tmp_path, capsys):
    manifest = write_set(tmp_path, ["mask", "both"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Seg", tmp_path / "run", progress=False,
                            isolation="bubblewrap")
    assert (summary.done, summary.failed) == (1, 1)
    failure = summary.failures["both"]
    assert failure["reason"] == "invalid-output"
    assert failure["detail"].startswith("predict returned a value and also wrote "
                                        "prediction.png; a case has one prediction")
    predictions = tmp_path / "run" / "predictions"
    assert sorted(p.name for p in predictions.iterdir()) == ["mask.png"]  # nothing of both
    assert (predictions / "mask.png").read_bytes() == _png()
    events = [json.loads(line) for line in (tmp_path / "run" / "run.jsonl").read_text()
              .splitlines()]
    ends = {e["case_id"]: e["outcome"] for e in events if e.get("event") == "end"}
    assert ends == {"mask": "done", "both": "failed"}  # recorded, not dropped


@needs_bwrap
def test_a_command_writing_prediction_json_and_a_file_fails_that_case(tmp_path, capsys):
    manifest = write_set(tmp_path, ["mask", "both"])
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    assert main(["predict", "--command", f"python3 {script}", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert ("  failed both: invalid-output: the command wrote prediction.json and "
            "prediction.png; a case has one prediction, and the evaluation reads only one "
            "of them: write one") in out, out
    assert "cases 2: done 1, failed 1" in out
