"""A run's prediction file edited or removed after the run: the result says so.

``medeval evaluate --predictions RUN`` scored the files as they were, silently, while the
result (and the certificate's "Outputs SHA-256") identified the outputs by the SHA-256
the runner recorded: an edited score gave other figures under the algorithm's name.
The SHA-256 here are hashlib's of the files; the records are read from summary.json with
json, not medeval.
"""

from __future__ import annotations

import hashlib
import json

import medeval
from medeval.report.notes_ko import warning_ko

from .test_run_protocol import _with_plugin


def test_predictions_edited_or_removed_after_the_run_are_named_first(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    path = _with_plugin(folder, tmp_path)
    run = tmp_path / "run"
    medeval.evaluate(path, run_dir=run)  # medeval run: the runner writes the predictions
    recorded = json.loads((run / "summary.json").read_text())["predictions"]
    untouched = medeval.evaluate(path, run)
    assert not [w for w in untouched.warnings if "prediction file(s) of the run" in w]
    edited, removed = sorted(recorded)[:2]
    file = run / "predictions" / f"{edited}.json"
    data = json.loads(file.read_text())
    data["score"] = 1.0 - data["score"]
    file.write_text(json.dumps(data))
    assert hashlib.sha256(file.read_bytes()).hexdigest() != recorded[edited][f"{edited}.json"]
    (run / "predictions" / f"{removed}.json").unlink()
    for given in (run, run / "predictions"):
        result = medeval.evaluate(path, given)
        assert result.warnings[0] == (
            "all cases: 2 prediction file(s) of the run differ from what its runner wrote "
            f"(the SHA-256 summary.json records) — changed: {edited} ({edited}.json); "
            f"removed: {removed} ({removed}.json): they are scored as they are now (a removed "
            "one as missing-output), not as the algorithm made them, while the outputs' "
            "SHA-256 the result carries is the run's; run those cases again (the command that "
            "made the run, again, runs a case whose prediction was removed or altered: "
            "medeval run PROTOCOL.toml --out OUT, or medeval predict ... --out RUN)")
        korean = warning_ko(result.warnings[0])
        assert korean is not None and f"변경: {edited}" in korean and f"삭제: {removed}" in korean
