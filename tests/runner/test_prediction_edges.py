"""Predictions that are JSON but not a usable answer: each fails its own case as
``invalid-output`` (named, with the problem), and the run goes on.

Before these checks, a score of 10**400 (valid JSON; no float holds it) stopped the whole
run with ``OverflowError``; a prediction nested 100,000 deep stopped it with
``RecursionError`` (a command's, or a frame a plugin wrote on the reply pipe itself) or
crashed the worker on every case (a plugin's return value); a repeated ``"score"`` or a
``case_id`` naming another case was stored silently (the last ``"score"`` kept, the case
id overwritten).
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

COMMAND = """
import os
case_id = os.environ["MEDEVAL_CASE_ID"]
kind = case_id.split("-")[0]
text = {
    "huge": '{"score": 1' + "0" * 400 + '}',
    "hugelist": '{"score": [0.5, 1' + "0" * 400 + ']}',
    "deep": '{"score": 0.5, "x": ' + "[" * 100000 + "]" * 100000 + '}',
    "twice": '{"score": 0.1, "score": 0.9}',
    "other": '{"score": 0.5, "case_id": "ok-1"}',
    "same": '{"score": 0.5, "case_id": "' + case_id + '"}',
    "ok": '{"score": 0.25}',
}[kind]
open(os.path.join(os.environ["MEDEVAL_OUTPUT_DIR"], "prediction.json"), "w").write(text)
"""

PLUGIN = """
import os, struct


class Edge:
    def predict(self, case):
        kind = case.case_id.split("-")[0]
        if kind == "forge":  # a frame of its own, nested 100,000 deep, on the reply pipe
            body = b"[" * 100000 + b"]" * 100000
            for fd in map(int, os.listdir("/proc/self/fd")):
                info = open(f"/proc/self/fdinfo/{fd}").read() if fd > 2 else "flags: 0"
                flags = int(info.split("flags:")[1].split()[0], 8)
                if flags & 3 == 1 and os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                    os.write(fd, struct.pack(">I", len(body)) + body)
        if kind == "huge":
            return {"score": 10 ** 400}
        if kind == "other":
            return {"score": 0.5, "case_id": "ok-1"}
        if kind == "deep":
            value = 0.5
            for _ in range(100000):
                value = [value]
            return {"score": 0.5, "x": value}
        return 0.25
"""


@needs_bwrap
def test_command_predictions_out_of_contract_fail_their_case(tmp_path: Path):
    cases = ["huge-1", "hugelist-1", "deep-1", "twice-1", "other-1", "same-1", "ok-1"]
    manifest = write_set(tmp_path, cases)
    script = write_algorithm(tmp_path, COMMAND, name="predict.py")
    spec = resolve_algorithm(None, command=f"{shlex.quote(sys.executable)} {script}")
    summary = run_algorithm(manifest, spec,
                            tmp_path / "run", timeout_s=30, progress=False)
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    failures = data["failures"]
    assert {c: f["reason"] for c, f in failures.items()} == {
        c: "invalid-output" for c in ("huge-1", "hugelist-1", "deep-1", "twice-1", "other-1")}
    assert "NaN or infinite (or too large)" in failures["huge-1"]["detail"]
    assert "NaN or infinite (or too large)" in failures["hugelist-1"]["detail"]
    assert "nested too deeply" in failures["deep-1"]["detail"]
    assert failures["twice-1"]["detail"] == "prediction.json names 'score' more than once"
    assert failures["other-1"]["detail"] == "the prediction of case 'other-1' names case 'ok-1'"
    assert summary.done == 2 and summary.failed == 5
    same = json.loads((tmp_path / "run" / "predictions" / "same-1.json").read_text())
    assert same == {"case_id": "same-1", "score": 0.5}
    assert not (tmp_path / "run" / "predictions" / "other-1.json").exists()


@needs_bwrap
def test_plugin_predictions_out_of_contract_fail_their_case(tmp_path: Path):
    manifest = write_set(tmp_path, ["huge-1", "other-1", "deep-1", "forge-1", "ok-1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    summary = run_algorithm(manifest, f"{plugin}:Edge", tmp_path / "run", timeout_s=30,
                            progress=False)
    failures = json.loads((tmp_path / "run" / "summary.json").read_text())["failures"]
    assert {c: f["reason"] for c, f in failures.items()} == {
        **{c: "invalid-output" for c in ("huge-1", "other-1", "deep-1")},
        "forge-1": "exit-code"}  # the worker is ended, as for any answer it cannot read
    assert "too large" in failures["huge-1"]["detail"]
    assert "names case 'ok-1'" in failures["other-1"]["detail"]
    assert failures["deep-1"]["detail"] == ("predict returned a value nested too deeply to "
                                            "be JSON data")
    assert summary.done == 1
