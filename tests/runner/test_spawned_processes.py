"""A file plugin whose ``predict`` starts processes with multiprocessing's ``spawn``.

A spawned process imports again, by name, the module of every function or class it is
sent: the plugin was loaded as ``medeval_plugin_<stem>``, a name nothing can import, so
each process of the pool failed (``No module named 'medeval_plugin_plugin'``) and the
pool waited for them until the case's time limit: every case failed as ``timeout``. The
values expected below are worked out from the inputs by hand, not by medeval.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

POOL = '''
import multiprocessing


def square(number):
    return number * number


class Pooled:
    def predict(self, case):
        with open(case.input_path) as handle:
            number = int(handle.read())
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            return {"score": sum(pool.map(square, [number, number + 1])) / 100}
'''

LOADER = '''
import torch
from torch.utils.data import DataLoader, Dataset


class Frames(Dataset):
    def __init__(self, number):
        self.number = number

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return torch.tensor(float(self.number + index))


class Loaded:
    def predict(self, case):
        with open(case.input_path) as handle:
            number = int(handle.read())
        loader = DataLoader(Frames(number), batch_size=2, num_workers=2,
                            multiprocessing_context="spawn")
        return {"score": float(torch.cat(list(loader)).sum()) / 100}
'''


@needs_bwrap
def test_a_spawned_pool_imports_the_plugins_functions(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])  # inputs hold 0 and 1
    plugin = write_algorithm(tmp_path, POOL, name="plugin.py")
    summary = run_algorithm(manifest, f"{plugin}:Pooled", tmp_path / "run",
                            progress=False, isolation="bubblewrap", timeout_s=60)
    assert (summary.done, summary.failed) == (2, 0), summary.failures
    scores = [json.loads((tmp_path / "run" / "predictions" / f"{c}.json").read_text())["score"]
              for c in ("c1", "c2")]
    assert scores == [(0 + 1) / 100, (1 + 4) / 100]  # 0² + 1², 1² + 2²


@needs_bwrap
def test_a_torch_data_loader_with_spawned_workers_runs(tmp_path: Path):
    pytest.importorskip("torch", reason="torch is not installed (pip install "
                        "'medeval[submissions]')")
    manifest = write_set(tmp_path, ["c1"])  # its input holds 0
    plugin = write_algorithm(tmp_path, LOADER, name="model.py")
    summary = run_algorithm(manifest, f"{plugin}:Loaded", tmp_path / "run",
                            progress=False, isolation="bubblewrap", timeout_s=120)
    assert (summary.done, summary.failed) == (1, 0), summary.failures
    prediction = json.loads((tmp_path / "run" / "predictions" / "c1.json").read_text())
    assert prediction["score"] == (0 + 1 + 2 + 3) / 100


@needs_bwrap
def test_a_file_named_no_module_name_is_told_to_rename(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """``my-model.py`` is no module name, so it keeps medeval's private name, which a
    spawned process cannot import: the pool waits until the time limit, and the note
    said to install a package 'medeval_plugin_my-model'; it now says to rename the file."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, POOL, name="my-model.py")
    assert main(["predict", "--algorithm", f"{plugin}:Pooled", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress", "--timeout-s", "5"]) == 0
    out = capsys.readouterr().out
    assert "failed c1: timeout" in out
    [note] = [line for line in out.splitlines() if "note:" in line]
    assert "a process it started with spawn" in note and note.endswith("e.g. my_model.py")
    assert "install the package" not in note


@needs_bwrap
@pytest.mark.parametrize(("name", "advised"), [("json.py", "json_model.py"),
                                               ("class.py", "class_model.py")])
def test_a_file_named_as_a_taken_module_name_is_told_a_name_that_works(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, advised: str):
    """json.py (json is imported before the plugin) and class.py (a keyword) keep the
    private name too; d1ceafcc's note then read '(json.py, not json.py) ... rename the
    file' and '(class.py, not json.py)'. It now names a file name that works, and the
    plugin renamed so runs: 0² + 1² from the input 0, by hand."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, POOL, name=name)
    assert main(["predict", "--algorithm", f"{plugin}:Pooled", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress", "--timeout-s", "5"]) == 0
    [note] = [line for line in capsys.readouterr().out.splitlines() if "note:" in line]
    assert note.endswith(f"rename the file, e.g. {advised}"), note
    renamed = plugin.rename(plugin.with_name(advised))
    summary = run_algorithm(manifest, f"{renamed}:Pooled", tmp_path / "run2",
                            progress=False, isolation="bubblewrap", timeout_s=60)
    assert (summary.done, summary.failed) == (1, 0), summary.failures
    prediction = json.loads((tmp_path / "run2" / "predictions" / "c1.json").read_text())
    assert prediction["score"] == (0 + 1) / 100
