"""A real (small) torch CPU model at the runner's default limits, in the real sandbox.

torch maps about 1 GB of libraries and a process with 64 threads reserves gigabytes of
stacks: under the old address-space limit such a model failed before its first case.
Needs the CPU build of torch (the ``submissions`` extra pins it, as ``bench`` does);
skipped, with that reason, only where torch is not installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from medeval.runner import CaseInput, run_algorithm
from medeval.runner.algorithm import instantiate

from .conftest import needs_bwrap, write_algorithm, write_set

torch = pytest.importorskip(
    "torch", reason="torch is not installed (the CPU build: pip install "
    "'medeval[submissions]', or torch from the PyTorch CPU wheel index)")

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

#: A submission as a company would write it: a tiny conv net, weights fixed in code,
#: each case a 1 x 32 x 32 float32 image in a .npy file, three class probabilities out.
TINY_CONV = '''
import numpy as np
import torch


def build():
    """The net with its weights: drawn from a seeded generator, so fixed by this code."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    generator = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.5)
    return model.eval()


class TinyConv:
    def setup(self):
        # One intra-op thread: the sums of a convolution are then done in one fixed
        # order, so the scores do not depend on the host's core count, and a worker does
        # not compete with the other workers for cores (the run scales by --workers).
        torch.set_num_threads(1)
        self.model = build()

    def predict(self, case):
        image = torch.from_numpy(np.load(case.input_path))
        with torch.no_grad():
            probabilities = torch.softmax(self.model(image[None]), dim=1)[0]
        return {"score": probabilities.tolist(), "threads": torch.get_num_threads()}
'''

CASES = [f"img{n}" for n in range(6)]


def write_images(root: Path) -> Path:
    """Six 1 x 32 x 32 float32 images (seeded), label references, a manifest."""
    data = root / "data"
    (data / "inputs").mkdir(parents=True)
    rng = np.random.default_rng(7)
    rows = ["case_id,patient_id,input,reference"]
    for number, case_id in enumerate(CASES):
        image = rng.normal(size=(1, 32, 32)).astype(np.float32)
        np.save(data / "inputs" / f"{case_id}.npy", image)
        rows.append(f"{case_id},p{number},inputs/{case_id}.npy,{number % 3}")
    manifest = data / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest


@needs_bwrap
def test_a_torch_cpu_model_at_the_default_limits_equals_the_model_in_process(tmp_path: Path):
    manifest = write_images(tmp_path)
    plugin = write_algorithm(tmp_path, TINY_CONV, name="tiny_conv.py")
    # the default limits: 4096 MB of memory held on the worker's whole tree, no
    # address-space limit, 60 s per case, 120 s for loading torch and setup()
    summary = run_algorithm(manifest, f"{plugin}:TinyConv", tmp_path / "run",
                            mode="certificate", progress=False)
    assert summary.done == len(CASES), summary.failures
    assert summary.data["limits"]["memory_mb"] == 4096
    assert summary.data["limits"]["address_space_mb"] is None
    assert summary.data["isolation"] == "bubblewrap"

    # the same code in this process, on the same files, one thread as in the sandbox
    threads = torch.get_num_threads()
    try:
        model = instantiate(f"{plugin}:TinyConv")
        model.setup()  # type: ignore[attr-defined]
        expected = {}
        for case_id in CASES:
            path = str(manifest.parent / "inputs" / f"{case_id}.npy")
            expected[case_id] = model.predict(CaseInput(case_id, path, (path,), str(tmp_path)))
    finally:
        torch.set_num_threads(threads)
    for case_id in CASES:
        got = json.loads((tmp_path / "run" / "predictions" / f"{case_id}.json").read_text())
        assert got["threads"] == 1
        assert len(got["score"]) == 3 and abs(sum(got["score"]) - 1) < 1e-6
        # same build, same thread count, same order of sums: the same floats
        assert got["score"] == expected[case_id]["score"], case_id
    # not a constant model: the cases are told apart
    assert len({tuple(expected[c]["score"]) for c in CASES}) == len(CASES)


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
