"""A multi-label algorithm run by the runner, end to end: a plugin whose ``predict``
returns ``{"scores": {<label>: numpy float, ...}}`` and a command writing the same dict to
``/output/prediction.json``, each run in the sandbox on a copy of
examples/multilabel-classification (``medeval.evaluate`` with ``run_dir``, as ``medeval
run`` does), give the figures scikit-learn computes from the same model's scores taken
outside the sandbox. Real subprocesses in the real bubblewrap sandbox."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import hamming_loss, roc_auc_score

import medeval

from ..runner.conftest import needs_bwrap

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multilabel-classification"
LABELS = ["NORM", "MI", "STTC", "CD", "HYP"]
CUTS = np.array([0.5, 0.35, 0.4, 0.4, 0.3])

#: A model of the example's measurements: one logistic score per label (the plugin's and
#: the command's code, and this test's own scores, are this text).
MODEL = '''
import json
import numpy as np

LABELS = ["NORM", "MI", "STTC", "CD", "HYP"]


def scores(path):
    with open(path, encoding="utf-8") as handle:
        x = json.load(handle)
    z = np.array([
        2.0 - 0.04 * (x["qrs_ms"] - 92) - 20 * abs(x["st_deviation_mv"])
        - 2 * (x["sokolow_lyon_mv"] > 3.3) - 2 * x["pathological_q"],
        -1.5 + 3.0 * x["pathological_q"],
        -1.0 - 20 * x["st_deviation_mv"],
        -2.0 + 0.06 * (x["qrs_ms"] - 100),
        -1.2 + 2.0 * (x["sokolow_lyon_mv"] - 3.3),
    ])
    return dict(zip(LABELS, 1 / (1 + np.exp(-z))))  # numpy float64 values
'''

PLUGIN = MODEL + '''

class Superclasses:
    def predict(self, case):
        return {"scores": scores(case.input_path)}
'''

COMMAND = MODEL + '''

import os

case = json.load(open(os.path.join(os.environ.get("MEDEVAL_INPUT_DIR", "/input"),
                                   "case.json")))
with open(case["prediction_file"], "w", encoding="utf-8") as out:
    json.dump({"scores": {k: float(v) for k, v in scores(case["inputs"][0]["path"]).items()}},
              out)
'''


def _set(tmp_path: Path, algorithm: str) -> Path:
    """A copy of the example (without its predictions) whose protocol names the
    algorithm; the protocol's path."""
    folder = tmp_path / "set"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(
        "result", "predictions", "predictions.csv", "__pycache__"))
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'version = "1"', f'version = "1"\n{algorithm}', 1), encoding="utf-8")
    return protocol


def _expected() -> tuple[np.ndarray, np.ndarray]:
    """The references and the model's scores of every case, outside the sandbox."""
    namespace: dict = {}
    exec(MODEL, namespace)
    rows = (EXAMPLE / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    truth, scores = [], []
    for row in rows:
        case, _, path, reference, _ = row.split(",")
        truth.append([label in reference.split(";") for label in LABELS])
        given = namespace["scores"](EXAMPLE / path)
        scores.append([given[label] for label in LABELS])
    return np.array(truth), np.array(scores)


def _check(result: medeval.Result) -> None:
    truth, scores = _expected()
    assert result.failures.cases == ()
    for k, label in enumerate(LABELS):
        assert result.metric(f"auc@{label}").estimate.value == pytest.approx(
            roc_auc_score(truth[:, k], scores[:, k]))
    assert result.metric("auc@macro").estimate.value == pytest.approx(
        roc_auc_score(truth, scores, average="macro"))
    assert result.metric("hamming_loss").estimate.value == pytest.approx(
        hamming_loss(truth, scores >= CUTS))


@needs_bwrap
def test_a_plugin_returning_label_scores_is_evaluated(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "superclasses.py").write_text(PLUGIN, encoding="utf-8")
    protocol = _set(tmp_path, f'plugin = "{plugin / "superclasses.py"}:Superclasses"')
    result = medeval.evaluate(protocol, run_dir=tmp_path / "run")
    stored = json.loads((tmp_path / "run" / "predictions" / "ECG-001.json").read_text())
    assert sorted(stored["scores"]) == sorted(LABELS)  # numpy floats stored as numbers
    _check(result)


@needs_bwrap
def test_a_command_writing_label_scores_is_evaluated(tmp_path: Path) -> None:
    command = tmp_path / "command"
    command.mkdir()
    (command / "predict.py").write_text(COMMAND, encoding="utf-8")
    protocol = _set(tmp_path, f'command = "python3 {command / "predict.py"}"')
    _check(medeval.evaluate(protocol, run_dir=tmp_path / "run"))
