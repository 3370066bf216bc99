"""executor="dask": the same isolation, results and resume on a Dask LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = """
class Half:
    def predict(self, case):
        if case.case_id == "c3":
            raise ValueError("c3 is unreadable")
        with open(case.input_path) as handle:
            return int(handle.read()) / 2
"""


@needs_bwrap
def test_dask_run_matches_the_local_run(tmp_path: Path):
    pytest.importorskip("dask.distributed", reason="the optional extra medeval[dask]")
    manifest = write_set(tmp_path, [f"c{n}" for n in range(8)])
    plugin = write_algorithm(tmp_path, PLUGIN)
    local = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "local", workers=2,
                          timeout_s=20, progress=False)
    dask = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "dask", workers=2,
                         timeout_s=20, progress=False, executor="dask", mode="certificate")
    assert (dask.done, dask.failed, dask.isolation) == (local.done, local.failed, "bubblewrap")
    assert dask.failures["c3"]["reason"] == "exception"
    for path in sorted((tmp_path / "local" / "predictions").iterdir()):
        assert (tmp_path / "dask" / "predictions" / path.name).read_bytes() == path.read_bytes()
    events = [json.loads(x) for x in (tmp_path / "dask" / "run.jsonl").read_text().splitlines()]
    assert sorted(e["case_id"] for e in events if e["event"] == "end") == [
        f"c{n}" for n in range(8)]
    again = run_algorithm(manifest, f"{plugin}:Half", tmp_path / "dask", workers=2,
                          timeout_s=20, progress=False, executor="dask")
    assert again.resumed == 8 and again.done == 7
