"""A file plugin named as an installed module (numpy.py) is refused before the run.

The worker puts the plugin's folder first on ``sys.path``, so ``import numpy`` in the
plugin (or in any library) imported the plugin file itself, and every case failed with
``AttributeError: module 'numpy' has no attribute 'float64'``, which does not say why.
Where numpy lives is numpy's own ``__file__``, not medeval's finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest

from medeval.cli import main
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = '''
import numpy as np


class Quarter:
    def predict(self, case):
        return {"score": float(np.float64(0.25))}
'''


@needs_bwrap
def test_a_plugin_named_as_an_installed_module_is_refused_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN, name="numpy.py")
    assert main(["predict", "--algorithm", f"{plugin}:Quarter", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 2
    error = capsys.readouterr().err
    assert (f"the plugin file numpy.py has the name of the module 'numpy' installed in this "
            f"Python ({Path(numpy.__file__).parent})") in error
    assert "rename it (e.g. numpy_model.py)" in error
    assert not (tmp_path / "run" / "predictions").exists()

    renamed = plugin.rename(plugin.with_name("numpy_model.py"))  # the advice followed
    summary = run_algorithm(manifest, f"{renamed}:Quarter", tmp_path / "run2", progress=False,
                            isolation="bubblewrap")
    assert summary.done == 1, summary.failures
    assert json.loads((tmp_path / "run2" / "predictions" / "c1.json").read_text())["score"] \
        == 0.25


@needs_bwrap
def test_a_plugin_named_as_a_module_of_the_standard_library_still_runs(tmp_path: Path):
    """json.py: json is imported before the plugin, which keeps a private name and runs."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN, name="json.py")
    summary = run_algorithm(manifest, f"{plugin}:Quarter", tmp_path / "run", progress=False,
                            isolation="bubblewrap")
    assert summary.done == 1, summary.failures
