"""Python's hash seed is fixed in the algorithm's processes, so that a run repeats.

The worker ran under ``python -I``, which ignores ``PYTHONHASHSEED``: each worker drew its
own seed, and a plugin iterating a set of strings summed them in another order on each
run (three runs of one plugin scored one case 0.15399999999999997, 0.154 and 0.154). The
order expected is the one CPython itself gives under ``PYTHONHASHSEED=0`` in a process of
its own, not medeval's; the worker keeps what ``-I`` gave besides (no user site-packages,
not the current folder on ``sys.path``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

NAMES = ["polyp", "adenoma", "normal", "bleeding", "ulcer", "erosion", "hyperplastic"]

PLUGIN = f'''
import sys

NAMES = {NAMES!r}


class Ordered:
    def predict(self, case):
        return {{"score": 0.5, "order": list(set(NAMES)), "no_user_site": sys.flags.no_user_site,
                "path": sys.path}}
'''


def _order_under_seed_0() -> list[str]:
    code = f"import json; print(json.dumps(list(set({NAMES!r}))))"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)
    return list(json.loads(done.stdout))


@needs_bwrap
def test_two_runs_iterate_a_set_of_strings_alike(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    found = []
    for run in ("run1", "run2"):
        summary = run_algorithm(manifest, f"{plugin}:Ordered", tmp_path / run, progress=False,
                                isolation="bubblewrap")
        assert summary.done == 1, summary.failures
        found.append(json.loads((tmp_path / run / "predictions" / "c1.json").read_text()))
    assert found[0]["order"] == found[1]["order"] == _order_under_seed_0()
    assert found[0]["no_user_site"] == 1
    assert "" not in found[0]["path"] and "." not in found[0]["path"]
