"""Command algorithms: the /input, /output contract, run per case in the sandbox."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "runner"

COMMAND = """
import json, os, sys

case = json.load(open("/input/case.json"))
assert case["output_dir"] == "/output" and sys.argv[1:] == ["/input", "/output"]
case_id = case["case_id"]
assert os.environ["MEDEVAL_CASE_ID"] == case_id
kind = case_id.split("-")[0]
if kind == "bad":
    print("failing on purpose", file=sys.stderr)
    sys.exit(4)
if kind == "junk":
    open(case["prediction_file"], "w").write("not json {")
elif kind == "nan":
    open(case["prediction_file"], "w").write('{"score": NaN}')
elif kind == "stray":
    open("/output/result.txt", "w").write("0.5")
elif kind == "mask":
    open("/output/prediction.nii.gz", "wb").write(b"\\x1f\\x8b fake mask")
elif kind == "both":  # a mask and a label: a task reads one of them only
    open("/output/prediction.nii.gz", "wb").write(b"\\x1f\\x8b fake mask")
    json.dump({"label": "lesion"}, open(case["prediction_file"], "w"))
elif kind == "ok":
    text = open(case["inputs"][0]["path"]).read()
    prediction = {"score": int(text) / 10, "inputs": case["inputs"]}
    json.dump(prediction, open(case["prediction_file"], "w"))
"""


@needs_bwrap
def test_command_outcomes(tmp_path: Path):
    cases = ["ok-1", "bad-1", "junk-1", "nan-1", "none-1", "stray-1", "mask-1", "ok-2",
             "both-1"]
    manifest = write_set(tmp_path, cases)
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    command = f"{shlex.quote(sys.executable)} {script} {{input}} {{output}}"
    summary = run_algorithm(manifest, _spec(command), tmp_path / "run",
                            workers=2, timeout_s=20, progress=False, mode="certificate")
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert {c: f["reason"] for c, f in data["failures"].items()} == {
        "bad-1": "exit-code", "junk-1": "invalid-output", "nan-1": "invalid-output",
        "none-1": "invalid-output", "stray-1": "invalid-output", "both-1": "invalid-output"}
    assert "failing on purpose" in data["failures"]["bad-1"]["stderr_tail"]
    assert summary.done == 3
    ok = json.loads((tmp_path / "run" / "predictions" / "ok-2.json").read_text())
    assert ok["score"] == 0.7 and ok["inputs"] == [
        {"name": "ok-2.txt", "path": "/input/ok-2.txt", "type": "file"}]
    assert (tmp_path / "run" / "predictions" / "mask-1.nii.gz").read_bytes().startswith(b"\x1f")
    assert set(data["predictions"]["mask-1"]) == {"mask-1.nii.gz"}
    assert data["failures"]["both-1"]["detail"].startswith(
        "the command wrote prediction.json and prediction.nii.gz; a case has one prediction")
    assert data["algorithm"]["kind"] == "command" and data["algorithm"]["files"]


def _spec(command: str):  # type: ignore[no-untyped-def]
    from medeval.runner import resolve_algorithm

    return resolve_algorithm(command=command)


@needs_bwrap
def test_worked_example_gives_the_same_scores_as_plugin_and_as_command(tmp_path: Path):
    manifest = EXAMPLES / "data" / "manifest.csv"
    plugin = run_algorithm(manifest, f"{EXAMPLES / 'plugin' / 'mass_score.py'}:MassScore",
                           tmp_path / "plugin", progress=False, timeout_s=20)
    command = run_algorithm(
        manifest, _spec(f"{shlex.quote(sys.executable)} {EXAMPLES / 'command' / 'predict.py'}"),
        tmp_path / "command", progress=False, timeout_s=20)
    assert plugin.done == command.done == 8
    for case in sorted((tmp_path / "plugin" / "predictions").iterdir()):
        assert case.read_bytes() == (tmp_path / "command" / "predictions" / case.name).read_bytes()
