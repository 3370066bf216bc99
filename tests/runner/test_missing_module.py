"""An algorithm that imports a package its sandbox does not have is told where to
install it. A plugin importing a package missing from the runner's Python environment
stopped the run with Python's words alone ("ModuleNotFoundError: No module named ..."),
and one importing a module the runner's own process finds (on its PYTHONPATH, a user's
site folder) but the sandbox does not show read as a fault of the sandbox. The runner now
names the environment the sandbox shows and, in the second case, where its own process
found the module. Found in the onnx-pass (a plugin importing torch's companions)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PLUGIN = '''
import {module}


class Model:
    def predict(self, case):
        return 0.5
'''


@needs_bwrap
def test_a_package_missing_from_the_environment_is_named(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN.format(module="acme_missing_pkg.layers"))
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Model", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    message = str(caught.value)
    assert "No module named 'acme_missing_pkg'" in message  # Python's own words
    assert (f"it imports 'acme_missing_pkg', which the Python environment the runner runs "
            f"in ({sys.prefix}) does not have; the sandbox shows that environment only: "
            "install the package there") in message


@needs_bwrap
def test_a_module_only_the_runner_finds_is_said_to_lie_outside(tmp_path: Path,
                                                               monkeypatch):
    # on the runner's sys.path (as PYTHONPATH puts it), which the sandbox does not get
    extra = tmp_path / "elsewhere"
    extra.mkdir()
    (extra / "acme_here_only.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(extra))
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN.format(module="acme_here_only"))
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Model", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    assert (f"though the runner's own process finds it at {extra / 'acme_here_only.py'}: "
            "that lies outside the environment the sandbox shows") in str(caught.value)


def test_a_module_missing_from_an_installed_package_is_no_missing_package():
    # numpy is installed where the sandbox shows it; 'numpy.no_such_module' is not in it
    # (as 'sklearn.externals.joblib' is not in scikit-learn since 0.23). Before, the hint
    # said the environment lacked 'numpy' and that numpy/__init__.py lay outside it.
    import os

    import numpy

    from medeval.runner.sandbox import missing_module_hint

    hint = missing_module_hint("ModuleNotFoundError: No module named 'numpy.no_such_module'")
    assert hint == (
        "it imports 'numpy.no_such_module', which the 'numpy' installed in the Python "
        f"environment the runner runs in ({os.path.dirname(numpy.__file__)}) does not hold: "
        "the plugin, or a file it loads (a pickled model), expects another version of "
        "'numpy' (or misspells the module); install the version it needs there (the run "
        "records every installed package)")
