"""A memory failure says how many cases its worker had run since ``setup()``.

Found in the submission2 pass: a plugin keeping 150 MB per case (a leak) under
``--memory-mb 600`` failed F004 and F008 as ``memory``, each reading like a case too
large on its own; the worker, restarted after F004, had run three cases before each.
The detail now says so. Counted by hand: c1, c2, c3 done (150, 300, 450 MB kept), c4
reaches 600 MB after 3 earlier cases; c5, first of a new worker, is done.
"""

from __future__ import annotations

from pathlib import Path

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

LEAKS = """
class Leaks:
    def setup(self):
        self.kept = []

    def predict(self, case):
        block = bytearray(150 << 20)
        block[::4096] = b"1" * len(block[::4096])  # touched: resident, not only reserved
        self.kept.append(block)
        return float(len(self.kept))
"""


@needs_bwrap
def test_a_memory_failure_names_the_cases_its_worker_ran_before(tmp_path: Path):
    manifest = write_set(tmp_path, [f"c{n}" for n in range(1, 6)])
    plugin = write_algorithm(tmp_path, LEAKS)
    summary = run_algorithm(manifest, f"{plugin}:Leaks", tmp_path / "run", progress=False,
                            isolation="bubblewrap", memory_mb=600)
    assert set(summary.failures) == {"c4"} and summary.done == 4
    detail = summary.failures["c4"]["detail"]
    assert summary.failures["c4"]["reason"] == "memory"
    assert detail.endswith("; its worker had run 3 earlier case(s) since setup(): memory the "
                           "algorithm keeps from case to case (a leak) counts here too")
