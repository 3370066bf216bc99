"""Weights linked into the submission from outside its folder are named when they fail.

Found in the submission2 pass: ``model.pt -> /data/weights/model.pt`` beside the plugin
(a company's weight store linked in). The runner hashes the link's target, but the sandbox
shows the plugin's folder only: ``torch.load`` failed with "No such file or directory:
'<folder>/model.pt'", a file that ``ls`` shows there, and nothing said why. Now the
message (a plugin loading in ``setup()``) or a ``note:`` (a command) names the link and
its target. The expected names are the links this test makes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

LOADS = """
from pathlib import Path

class Loads:
    def setup(self):
        self.weights = Path(__file__).with_name("weights.bin").read_bytes()

    def predict(self, case):
        return float(len(self.weights))
"""


def _store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    store.mkdir()
    (store / "weights.bin").write_bytes(b"\0" * 64)
    return store


@needs_bwrap
def test_a_plugin_loading_a_link_to_outside_is_told_why(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, LOADS)
    (plugin.parent / "weights.bin").symlink_to(_store(tmp_path) / "weights.bin")
    with pytest.raises(RunnerError) as info:
        run_algorithm(manifest, f"{plugin}:Loads", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    target = os.path.realpath(tmp_path / "store" / "weights.bin")
    assert f"weights.bin is a symbolic link to {target}, outside the folders the sandbox " \
           "shows" in str(info.value)
    assert "FileNotFoundError" in str(info.value)  # the loader's own words stay


@needs_bwrap
def test_a_link_inside_the_folder_loads_and_is_not_named(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, LOADS)
    (plugin.parent / "real.bin").write_bytes(b"\0" * 64)
    (plugin.parent / "weights.bin").symlink_to("real.bin")
    summary = run_algorithm(manifest, f"{plugin}:Loads", tmp_path / "run", progress=False,
                            isolation="bubblewrap")
    assert summary.done == 1


@needs_bwrap
def test_a_command_reading_a_link_to_outside_gets_a_note(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1", "c2"])
    script = write_algorithm(tmp_path, "open(__file__[:-10] + 'weights.bin').read()\n",
                             name="predict.py")
    (script.parent / "weights.bin").symlink_to(_store(tmp_path) / "weights.bin")
    assert main(["predict", "--command", f"python3 {script}", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    target = os.path.realpath(tmp_path / "store" / "weights.bin")
    assert (f"  note: 2 failed case(s) (c1, c2): weights.bin is a symbolic link to {target}, "
            "outside the folders the sandbox shows") in out, out


LOADS_BELOW = LOADS.replace('Path(__file__).with_name("weights.bin")',
                            '(Path(__file__).parent / "weights" / "weights.bin")')


@needs_bwrap
def test_a_plugin_loading_through_a_linked_folder_is_told_the_link(tmp_path: Path):
    # weights/ -> store/: the file's own name is no link, the folder above it is. Before,
    # the message also said the file was "a file of this host that the sandbox does not
    # show" and to copy it beside the plugin, where ls shows it already.
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, LOADS_BELOW)
    (plugin.parent / "weights").symlink_to(_store(tmp_path))
    with pytest.raises(RunnerError) as info:
        run_algorithm(manifest, f"{plugin}:Loads", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    target = os.path.realpath(tmp_path / "store")
    message = str(info.value)
    assert f"weights is a symbolic link to {target}, outside the folders" in message
    assert "copy the file (or folder) itself in place of the link" in message
    assert "a file of this host that the sandbox does not show" not in message
    assert "FileNotFoundError" in message


@needs_bwrap
def test_a_command_reading_through_a_linked_folder_gets_one_note_naming_it(
        tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1", "c2"])
    script = write_algorithm(
        tmp_path, "open(__file__[:-10] + 'weights/weights.bin').read()\n", name="predict.py")
    (script.parent / "weights").symlink_to(_store(tmp_path))
    assert main(["predict", "--command", f"python3 {script}", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if "note:" in line]
    target = os.path.realpath(tmp_path / "store")
    assert notes == [f"  note: 2 failed case(s) (c1, c2): weights is a symbolic link to "
                     f"{target}, outside the folders the sandbox shows (the target is "
                     "hashed, but the algorithm cannot open it there): copy the file (or "
                     "folder) itself in place of the link"], notes


def test_a_path_through_a_linked_folder_is_named_with_its_link(tmp_path: Path):
    from medeval.runner._outside_files import outside_file_hint

    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "weights").symlink_to(_store(tmp_path))
    path = plugin / "weights" / "weights.bin"
    said = f"FileNotFoundError: [Errno 2] No such file or directory: '{path}'"
    # medeval run's notes (no folders given): the link and its target are named
    assert outside_file_hint(said) == (
        f"it opens {path}, a file of this host that the sandbox does not show: its path "
        f"goes through the symbolic link {plugin / 'weights'} to "
        f"{os.path.realpath(tmp_path / 'store')}, whose target the sandbox does not show "
        "(it shows the plugin's or command's own folder, read-only, the Python environment, "
        "the system's folders and the case's /input): copy the file beside the plugin and "
        "load it from there (Path(__file__).with_name(...)), or name it on the command's "
        "line")
    # the plugin's folder given: the links' own advice names it, this one says nothing
    assert outside_file_hint(said, shown=[plugin]) == ""
    # a folder of the host linked above a folder that is not shown is named still
    assert outside_file_hint(said, shown=[tmp_path / "elsewhere"]).startswith(
        f"it opens {path}, ")
