"""A real ONNX model run by onnxruntime, as a plugin and as a command, in the real sandbox.

The model is built here with ``onnx.helper``: ``sigmoid(x @ W + b)`` on a 4-feature input
(MatMul, Add, Sigmoid; float32 weights fixed below), saved beside the algorithm as
``model.onnx``. Each case's input is a ``.npy`` file of four float32 features. Both forms
run at the runner's default limits (4096 MB on the worker's whole process tree, no
address-space limit, 60 s per case) and their scores must equal numpy's computation of the
same formula to 1e-6. Needs onnx and onnxruntime (the ``submissions`` extra); skipped, with
that reason, only where they are not installed.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest

from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_algorithm

REASON = "onnx and onnxruntime are not installed (pip install 'medeval[submissions]')"
onnx = pytest.importorskip("onnx", reason=REASON)
pytest.importorskip("onnxruntime", reason=REASON)

W = np.array([[0.8], [-1.2], [0.5], [2.0]], dtype=np.float32)
B = np.array([-0.3], dtype=np.float32)
CASES = [f"x{n}" for n in range(8)]

PLUGIN = '''
from pathlib import Path

import numpy as np
import onnxruntime


class OnnxScorer:
    def setup(self):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one thread per worker: the run scales by workers
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(Path(__file__).with_name("model.onnx")), options,
            providers=["CPUExecutionProvider"])

    def predict(self, case):
        x = np.load(case.input_path).reshape(1, 4)
        (y,) = self.session.run(["y"], {"x": x})
        return {"score": float(y[0, 0]), "providers": self.session.get_providers()}
'''

#: The command form: run once per case, reads /input/case.json, writes
#: /output/prediction.json (docs/runner.md, "Package your algorithm as a command").
COMMAND = '''
import json
import sys

import numpy as np
import onnxruntime

case = json.load(open("/input/case.json"))
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(sys.argv[1], options,
                                       providers=["CPUExecutionProvider"])
x = np.load(case["inputs"][0]["path"]).reshape(1, 4)
(y,) = session.run(["y"], {"x": x})
with open(case["prediction_file"], "w") as handle:
    json.dump({"score": float(y[0, 0])}, handle)
'''


def build_model(path: Path) -> None:
    """y = sigmoid(x @ W + b), x of shape (N, 4) float32, as an ONNX file (opset 17)."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["z"]),
         helper.make_node("Sigmoid", ["z"], ["y"])],
        "logistic",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
        initializer=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="medeval-tests")
    model.ir_version = 8  # read by every onnxruntime since 1.10
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def write_features(root: Path) -> tuple[Path, dict[str, np.ndarray]]:
    """Eight cases of four float32 features (seeded, spread so the scores span (0, 1))."""
    data = root / "data"
    (data / "inputs").mkdir(parents=True)
    rng = np.random.default_rng(11)
    rows = ["case_id,patient_id,input,reference"]
    features = {}
    for number, case_id in enumerate(CASES):
        x = rng.normal(scale=1.5, size=4).astype(np.float32)
        np.save(data / "inputs" / f"{case_id}.npy", x)
        features[case_id] = x
        rows.append(f"{case_id},p{number},inputs/{case_id}.npy,{number % 2}")
    manifest = data / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest, features


def expected_score(x: np.ndarray) -> float:
    """numpy's sigmoid(x @ W + b), in float64 on the float32 values."""
    z = x.astype(np.float64) @ W.astype(np.float64)[:, 0] + float(B[0])
    return float(1.0 / (1.0 + np.exp(-z)))


def check_scores(run_dir: Path, features: dict[str, np.ndarray]) -> list[float]:
    scores = []
    for case_id, x in features.items():
        got = json.loads((run_dir / "predictions" / f"{case_id}.json").read_text())
        assert got["score"] == pytest.approx(expected_score(x), abs=1e-6), case_id
        scores.append(got["score"])
    assert min(scores) < 0.2 and max(scores) > 0.8  # not a constant model
    return scores


def check_default_limits(summary) -> None:  # type: ignore[no-untyped-def]
    assert summary.done == len(CASES), summary.failures
    assert summary.data["limits"]["memory_mb"] == 4096
    assert summary.data["limits"]["address_space_mb"] is None
    assert summary.data["isolation"] == "bubblewrap"


@needs_bwrap
def test_an_onnxruntime_plugin_at_the_default_limits_equals_numpy(tmp_path: Path):
    manifest, features = write_features(tmp_path)
    plugin = write_algorithm(tmp_path, PLUGIN, name="onnx_scorer.py")
    build_model(plugin.with_name("model.onnx"))
    summary = run_algorithm(manifest, f"{plugin}:OnnxScorer", tmp_path / "run",
                            mode="certificate", progress=False)
    check_default_limits(summary)
    check_scores(tmp_path / "run", features)
    first = json.loads((tmp_path / "run" / "predictions" / "x0.json").read_text())
    assert first["providers"] == ["CPUExecutionProvider"]
    # the model is one of the algorithm's hashed files
    assert "model.onnx" in summary.data["algorithm"]["files"]


@needs_bwrap
def test_an_onnxruntime_command_at_the_default_limits_equals_numpy(tmp_path: Path):
    manifest, features = write_features(tmp_path)
    script = write_algorithm(tmp_path, COMMAND, name="predict_onnx.py")
    model = script.with_name("model.onnx")
    build_model(model)
    command = f"{shlex.quote(sys.executable)} {script} {model}"
    summary = run_algorithm(manifest, resolve_algorithm(command=command), tmp_path / "run",
                            mode="certificate", progress=False)
    check_default_limits(summary)
    assert summary.data["algorithm"]["kind"] == "command"
    assert "algo/model.onnx" in summary.data["algorithm"]["files"]  # the model is hashed
    check_scores(tmp_path / "run", features)


@needs_bwrap
def test_a_plugin_asking_for_cuda_runs_on_the_cpu_without_failing(tmp_path: Path):
    # docs/runner.md (GPUs): onnxruntime, unlike torch, does not fail when asked for
    # CUDAExecutionProvider where its build has none: it warns and runs on the CPU, and
    # every case is done. The scores are still numpy's; get_providers() says where it ran.
    # Found in the onnx-pass, where the docs said such an algorithm fails.
    manifest, features = write_features(tmp_path)
    plugin = write_algorithm(tmp_path, PLUGIN.replace(
        'providers=["CPUExecutionProvider"]', 'providers=["CUDAExecutionProvider"]'),
        name="onnx_scorer.py")
    build_model(plugin.with_name("model.onnx"))
    summary = run_algorithm(manifest, f"{plugin}:OnnxScorer", tmp_path / "run",
                            gpus="none", progress=False)
    assert summary.done == len(CASES) and summary.failed == 0, summary.failures
    check_scores(tmp_path / "run", features)
    first = json.loads((tmp_path / "run" / "predictions" / "x0.json").read_text())
    assert first["providers"] == ["CPUExecutionProvider"]
