"""An algorithm that asks for a GPU in a run that gives it none is told so.

Before, the message was torch's alone ("Torch not compiled with CUDA enabled"): a company
that tested on its GPU machine did not learn that the laboratory's run (or this host)
gives no GPU, nor what to do. The runner's tests run on hosts without a GPU; torch's own
CUDA call fails here as it would on any such host.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

torch = pytest.importorskip(
    "torch", reason="torch is not installed (the CPU build: pip install "
    "'medeval[submissions]')")

CUDA = '''
import torch


class InSetup:
    def setup(self):
        self.model = torch.nn.Linear(2, 1).to("cuda:0")

    def predict(self, case):
        return 0.5


class InPredict:
    def predict(self, case):
        return float(torch.ones(1, device="cuda").sum())
'''


def _torch_without_gpu() -> str:
    """torch's own error on this host when asked for CUDA."""
    try:
        torch.zeros(1, device="cuda")
    except (AssertionError, RuntimeError) as exc:
        return str(exc)
    pytest.skip("this host has a CUDA GPU")  # pragma: no cover


@needs_bwrap
def test_a_plugin_asking_for_cuda_in_setup_is_told_the_run_has_no_gpu(tmp_path: Path):
    said = _torch_without_gpu()
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, CUDA)
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:InSetup", tmp_path / "run", progress=False,
                      gpus="none")
    message = str(caught.value)
    assert said in message  # torch's words, and the advice
    assert "this run gives it none" in message and "run on the CPU" in message


@needs_bwrap
def test_cases_asking_for_cuda_get_one_note(tmp_path: Path, capsys):
    said = _torch_without_gpu()
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, CUDA)
    assert main(["predict", "--algorithm", f"{plugin}:InPredict", "--manifest",
                 str(manifest), "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.count(said) == 2  # each case's line: torch's words
    notes = [line for line in out.splitlines() if line.startswith("  note: ")]
    assert len(notes) == 1 and notes[0].startswith("  note: 2 failed case(s) (c1, c2): "
                                                   "it asks for a GPU (CUDA)")
