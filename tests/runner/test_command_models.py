"""A torch model submitted as a command, run by ``medeval predict --command`` at the defaults.

The company's script (``predict.py``) and its weights (``model.pt``, a state dict saved
by this test) lie in one folder; the script is run once per case in the sandbox, reads
``/input/case.json`` and the case's ``.npy`` image, and writes
``/output/prediction.json`` (docs/runner.md, "Package your algorithm as a command"). No
limit is given on the command line: 4096 MB on the worker's whole process tree, no
address-space limit, 60 s per case (torch is imported anew for every case). The scores
must be those of the same script's model run in this process. Skipped, with the reason,
only where torch is not installed (the ``submissions`` extra installs it).
"""

from __future__ import annotations

import importlib.util
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest

from medeval.cli import main

from .conftest import needs_bwrap, write_algorithm

torch = pytest.importorskip(
    "torch", reason="torch is not installed (the CPU build: pip install "
    "'medeval[submissions]', or torch from the PyTorch CPU wheel index)")

PREDICT = '''
import json
import sys

import numpy as np
import torch


def build():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(), torch.nn.Linear(4, 1))


def score(model, path):
    image = torch.from_numpy(np.load(path))
    with torch.no_grad():
        return float(torch.sigmoid(model(image[None]))[0, 0])


def main(weights):
    torch.set_num_threads(1)  # one thread: sums in one order, whatever the host's cores
    model = build()
    model.load_state_dict(torch.load(weights, weights_only=True))
    model.eval()
    case = json.load(open("/input/case.json"))
    with open(case["prediction_file"], "w") as handle:
        json.dump({"score": score(model, case["inputs"][0]["path"])}, handle)


if __name__ == "__main__":
    main(sys.argv[1])
'''

CASES = ["s1", "s2", "s3"]


def load_script(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("medeval_test_predict_torch", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_bwrap
def test_a_torch_command_at_the_default_limits_equals_the_model_in_process(
        tmp_path: Path, capsys):
    data = tmp_path / "data"
    (data / "inputs").mkdir(parents=True)
    rng = np.random.default_rng(3)
    rows = ["case_id,patient_id,input,reference"]
    for number, case_id in enumerate(CASES):
        np.save(data / "inputs" / f"{case_id}.npy",
                rng.normal(size=(1, 24, 24)).astype(np.float32))
        rows.append(f"{case_id},p{number},inputs/{case_id}.npy,{number % 2}")
    (data / "manifest.csv").write_text("\n".join(rows) + "\n")

    script = write_algorithm(tmp_path, PREDICT, name="predict.py")
    module = load_script(script)
    torch.manual_seed(5)
    model = module.build().eval()
    weights = script.with_name("model.pt")
    torch.save(model.state_dict(), weights)

    command = f"{shlex.quote(sys.executable)} {script} {weights}"
    code = main(["predict", "--command", command, "--manifest", str(data / "manifest.csv"),
                 "--out", str(tmp_path / "run"), "--mode", "certificate", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "cases 3: done 3, failed 0" in out and "isolation: bubblewrap" in out
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["limits"]["memory_mb"] == 4096
    assert summary["limits"]["address_space_mb"] is None
    assert summary["algorithm"]["kind"] == "command"
    # the script and the weights are hashed, as the algorithm's own files
    assert {"algo/predict.py", "algo/model.pt"} <= set(summary["algorithm"]["files"])

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        expected = {c: module.score(model, str(data / "inputs" / f"{c}.npy")) for c in CASES}
    finally:
        torch.set_num_threads(threads)
    for case_id in CASES:
        got = json.loads((tmp_path / "run" / "predictions" / f"{case_id}.json").read_text())
        assert got["score"] == pytest.approx(expected[case_id], abs=1e-6), case_id
    assert len(set(expected.values())) == len(CASES)
