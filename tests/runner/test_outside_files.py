"""Weights loaded from an absolute path of the host are named as outside the sandbox.

Found submitting an ONNX model as a company would: a plugin whose ``setup()`` loads
``/home/acme/models/model.onnx`` (here a folder of the test's own) stopped the run with
onnxruntime's "Load model from ... failed. File doesn't exist", and one loading it in
``predict`` failed every case with "No such file or directory": the file is there on the
host, outside the folders the sandbox shows, and nothing said so. The expected path is
the file this test writes; that the sandbox does not show it is the failure itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import run_algorithm
from medeval.runner._outside_files import outside_file_hint

from .conftest import needs_bwrap, write_algorithm, write_set

LOADS = """
class InSetup:
    def setup(self):
        self.weights = open({path!r}, "rb").read()

    def predict(self, case):
        return float(len(self.weights))


class InPredict:
    def predict(self, case):
        return float(len(open({path!r}, "rb").read()))
"""


def _weights(tmp_path: Path) -> Path:
    store = tmp_path / "home" / "acme" / "models"
    store.mkdir(parents=True)
    (store / "model.onnx").write_bytes(b"\0" * 64)
    return store / "model.onnx"


@needs_bwrap
def test_a_plugin_loading_weights_by_a_host_path_is_told_the_sandbox_does_not_show_it(
        tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1", "c2"])
    weights = _weights(tmp_path)
    plugin = write_algorithm(tmp_path, LOADS.format(path=str(weights)))
    advice = (f"it opens {weights}, a file of this host that the sandbox does not show")
    with pytest.raises(RunnerError) as info:
        run_algorithm(manifest, f"{plugin}:InSetup", tmp_path / "run1", progress=False,
                      isolation="bubblewrap")
    assert advice in str(info.value) and "copy the file beside the plugin" in str(info.value)
    assert "FileNotFoundError" in str(info.value)  # the loader's own words stay
    assert main(["predict", "--algorithm", f"{plugin}:InPredict", "--manifest",
                 str(manifest), "--out", str(tmp_path / "run2"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert f"  note: 2 failed case(s) (c1, c2): {advice}" in out
    # done as advised: the file beside the plugin, loaded from there
    (plugin.parent / "model.onnx").write_bytes(weights.read_bytes())
    plugin.write_text(LOADS.format(path="/dev/null").replace(
        "open('/dev/null', \"rb\")",
        "open(__import__('pathlib').Path(__file__).with_name('model.onnx'), 'rb')"))
    summary = run_algorithm(manifest, f"{plugin}:InPredict", tmp_path / "run3",
                            progress=False, isolation="bubblewrap")
    assert summary.done == 2
    stored = (tmp_path / "run3" / "predictions" / "c1.json").read_text()
    assert json.loads(stored)["score"] == 64.0  # the 64 bytes written above


def test_only_a_file_that_exists_here_and_is_no_link_is_named(tmp_path: Path):
    weights = _weights(tmp_path)
    said = f"FileNotFoundError: [Errno 2] No such file or directory: '{weights}'"
    assert outside_file_hint(said).startswith(f"it opens {weights}, ")
    assert outside_file_hint(said.replace("model.onnx", "missing.onnx")) == ""
    link = tmp_path / "link.onnx"
    link.symlink_to(weights)  # a link's own advice names its target (test_links_outside)
    assert outside_file_hint(said.replace(str(weights), str(link)), shown=[tmp_path]) == ""
    assert f"through the symbolic link {link} to {weights}" in outside_file_hint(
        said.replace(str(weights), str(link)))  # medeval run's notes: no folders given
    assert outside_file_hint("No such file or directory: '/input/c1.png'") == ""
    loader = f"[ONNXRuntimeError] : 3 : NO_SUCHFILE : Load model from {weights} failed:"
    assert outside_file_hint(loader).startswith(f"it opens {weights}, ")


RELATIVE = """
class InSetup:
    def setup(self):
        self.weights = open("model.onnx", "rb").read()

    def predict(self, case):
        return 0.5


class InPredict:
    def predict(self, case):
        return float(len(open("model.onnx", "rb").read()) > 0)
"""


@needs_bwrap
def test_weights_opened_by_a_relative_path_are_told_where_the_sandbox_reads(
        tmp_path: Path, capsys):
    """The new tester's pass: a plugin loading "model.onnx" beside it by a relative path
    (as it ran from its own folder) failed in the sandbox, which starts in /tmp, with
    "No such file or directory: 'model.onnx'", and nothing said the file was there, in
    the plugin's folder. The run now says so, in setup's refusal, predict's note line and
    under ``medeval run``'s result (the plugin named from the protocol's folder)."""
    from .conftest import write_protocol

    protocol = write_protocol(tmp_path, ["c1", "c2"], RELATIVE, "InPredict")
    plugin = tmp_path / "algo" / "algo.py"
    (plugin.parent / "model.onnx").write_bytes(b"\0" * 64)
    advice = ("it opens 'model.onnx' by a relative path, which the sandbox reads from its "
              f"working folder /tmp, not from the algorithm's folder, which holds "
              f"{plugin.parent / 'model.onnx'}: load it by its place beside the plugin "
              "(Path(__file__).with_name('model.onnx')")
    manifest = protocol.parent / "manifest.csv"
    with pytest.raises(RunnerError) as info:
        run_algorithm(manifest, f"{plugin}:InSetup", tmp_path / "run1", progress=False,
                      isolation="bubblewrap")
    assert advice in str(info.value)
    assert main(["predict", "--algorithm", f"{plugin}:InPredict", "--manifest",
                 str(manifest), "--out", str(tmp_path / "run2"), "--no-progress"]) == 0
    assert f"  note: 2 failed case(s) (c1, c2): {advice}" in capsys.readouterr().out
    # medeval run with the plugin written relative to the protocol's folder (data/)
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace(f'plugin = "{plugin}:', 'plugin = "../algo/algo.py:'),
                        encoding="utf-8")
    assert main(["run", str(protocol), "--out", str(tmp_path / "out")]) == 3  # all failed
    assert f"  note: 2 failed case(s) (c1, c2): {advice}" in capsys.readouterr().out
    # a relative name of no file beside the plugin is not pointed there
    assert outside_file_hint("No such file or directory: 'other.onnx'",
                             shown=[str(plugin.parent)]) == ""
