"""A model pickled whole by a training script run as ``__main__`` is told why it cannot
be loaded.

``torch.save(model)`` in ``train.py``, which defines ``Net``, writes the class as
``__main__.Net``; in the runner's worker ``__main__`` is medeval's, so loading stopped
the run with pickle's words alone, "Can't get attribute 'Net' on <module '__main__'
(built-in)>", though the plugin defined ``Net`` itself. The model here is a real torch
module, saved by a real script run by Python as ``__main__``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

torch = pytest.importorskip("torch", reason="torch is not installed (pip install "
                            "'medeval[submissions]')")

TRAIN = '''
import sys
import torch


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)


torch.save(Net(), sys.argv[1])
'''

PLUGIN = '''
from pathlib import Path

import torch


class Net(torch.nn.Module):  # the same class, defined here too: pickle does not look here
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)


def load():
    return torch.load(Path(__file__).with_name("model.pt"), weights_only=False)


class AtSetup:
    def setup(self):
        self.model = load()

    def predict(self, case):
        return 0.5


class AtPredict:
    def predict(self, case):
        load()
        return 0.5
'''


def _algorithm(tmp_path: Path) -> Path:
    plugin = write_algorithm(tmp_path, PLUGIN)
    train = tmp_path / "train.py"
    train.write_text(TRAIN)
    subprocess.run([sys.executable, str(train), str(plugin.with_name("model.pt"))], check=True)
    return plugin


@needs_bwrap
def test_loading_it_in_setup_stops_the_run_saying_why(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = _algorithm(tmp_path)
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:AtSetup", tmp_path / "run", progress=False)
    message = str(caught.value)
    assert "Can't get attribute 'Net' on <module '__main__'" in message  # pickle's words
    assert "pickled whole by a script run as __main__" in message
    assert "the file names the class __main__.Net" in message
    assert "torch.save(model.state_dict())" in message


@needs_bwrap
def test_loading_it_in_predict_gets_a_note_under_the_failed_cases(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = _algorithm(tmp_path)
    assert main(["predict", "--algorithm", f"{plugin}:AtPredict", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "failed c1: exception: AttributeError: Can't get attribute 'Net'" in out
    [note] = [line for line in out.splitlines() if "note:" in line]
    assert "2 failed case(s) (c1, c2): it loads an object pickled whole" in note
