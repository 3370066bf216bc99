"""A real (small) torch model at the runner's default limits, in the real sandbox.

torch maps about 1 GB of libraries and a process with 64 threads reserves gigabytes of
stacks: under the old address-space limit such a model failed before its first case.
Needs the CPU build of torch (the ``bench`` extra pins it); skipped without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

pytest.importorskip("torch", reason="torch is not installed (the CPU build: pip install "
                    "'medeval[bench]', or torch from the PyTorch CPU wheel index)")

NET = '''
import torch


class Net:
    def setup(self):
        torch.manual_seed(0)
        torch.set_num_threads(64)
        self.model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
            torch.nn.Flatten(), torch.nn.Linear(8, 1)).eval()

    def predict(self, case):
        if case.case_id.startswith("huge"):
            block = torch.ones(2 << 30, dtype=torch.uint8)  # 2 GB, touched
            return float(block.sum())
        with open(case.input_path) as handle:
            number = int(handle.read())
        with torch.no_grad():
            image = torch.full((1, 1, 64, 64), float(number))
            return {"score": float(torch.sigmoid(self.model(image))[0, 0]),
                    "threads": torch.get_num_threads()}
'''


@needs_bwrap
def test_a_torch_model_with_64_threads_runs_at_the_default_limits(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2", "c3"])
    plugin = write_algorithm(tmp_path, NET)
    summary = run_algorithm(manifest, f"{plugin}:Net", tmp_path / "run", timeout_s=120,
                            setup_timeout_s=300, mode="certificate", progress=False)
    assert summary.done == 3, summary.failures
    prediction = json.loads((tmp_path / "run" / "predictions" / "c2.json").read_text())
    assert 0 < prediction["score"] < 1 and prediction["threads"] == 64


@needs_bwrap
def test_a_torch_tensor_past_the_limit_fails_as_memory(tmp_path: Path):
    manifest = write_set(tmp_path, ["huge-1", "c1"])
    plugin = write_algorithm(tmp_path, NET)
    summary = run_algorithm(manifest, f"{plugin}:Net", tmp_path / "run", timeout_s=120,
                            setup_timeout_s=300, memory_mb=1024, progress=False)
    assert summary.reasons == {"memory": 1} and summary.done == 1
    assert "memory limit of 1024 MB" in summary.failures["huge-1"]["detail"]


@needs_bwrap
def test_torch_under_an_address_space_limit_fails_as_memory(tmp_path: Path):
    """What the old default did to a torch model: the failure now says memory."""
    manifest = write_set(tmp_path, ["huge-1", "c1"])
    plugin = write_algorithm(tmp_path, NET)
    summary = run_algorithm(manifest, f"{plugin}:Net", tmp_path / "run", timeout_s=120,
                            setup_timeout_s=300, memory_mb=None, address_space_mb=2048,
                            progress=False)
    assert summary.reasons == {"memory": 1}, summary.failures
    assert "allocate" in summary.failures["huge-1"]["detail"]
