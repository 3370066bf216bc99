"""The sandbox hides the reference data medeval itself ships (its demo sets)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from medeval.runner import bubblewrap_available, run_algorithm

pytestmark = pytest.mark.skipif(bubblewrap_available() is not None,
                                reason="bubblewrap (bwrap) is not installed")


def test_demo_references_are_not_readable(tmp_path):
    shipped = resources.files("medeval") / "demo" / "references.csv"
    assert shipped.is_file() and shipped.read_text().startswith("case_id")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "c1.txt").write_text("x")
    (tmp_path / "data" / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,c1.txt,1\n")
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "peek.py").write_text(
        "class Peek:\n"
        "    def predict(self, case):\n"
        f"        text = open({str(shipped)!r}).read()\n"
        "        return {'score': float(len(text))}\n")
    run_algorithm(tmp_path / "data" / "manifest.csv", f"{plugin / 'peek.py'}:Peek",
                  tmp_path / "run", progress=False, mode="certificate")
    written = tmp_path / "run" / "predictions" / "c1.json"
    if written.is_file():  # covered by /dev/null: nothing to read
        assert json.loads(written.read_text())["score"] == 0.0
    else:  # or not even openable by the sandbox's unprivileged user
        summary = json.loads((tmp_path / "run" / "summary.json").read_text())
        assert "PermissionError" in summary["failures"]["c1"]["detail"]
