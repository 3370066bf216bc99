"""Naming an algorithm: module:Class, file.py:Class, entry points, commands; nothing imported."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import Algorithm, AlgorithmSpec, CaseInput, resolve_algorithm, run_algorithm
from medeval.runner.algorithm import instantiate

from .conftest import needs_bwrap, write_set

MODEL = """
import pathlib
pathlib.Path({marker!r}).write_text("imported")

class Model:
    def setup(self):
        self.offset = 0.25

    def predict(self, case):
        return {{"score": self.offset, "case": case.case_id}}
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed distribution ``acme-algo`` 1.2.3 with an entry point ``acme``."""
    site = tmp_path / "site"
    package = site / "acme_algo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "model.py").write_text(MODEL.format(marker=str(tmp_path / "imported.txt")))
    info = site / "acme_algo-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-algo\nVersion: 1.2.3\n")
    (info / "top_level.txt").write_text("acme_algo\n")
    (info / "entry_points.txt").write_text("[medeval.algorithms]\nacme = acme_algo.model:Model\n")
    monkeypatch.syspath_prepend(str(site))
    return site


def test_module_plugin_is_identified_without_being_imported(site: Path, tmp_path: Path):
    spec = resolve_algorithm("acme_algo.model:Model")
    assert spec.kind == "python" and spec.target == "acme_algo.model:Model"
    assert (spec.distribution, spec.version) == ("acme-algo", "1.2.3")
    assert set(spec.files) == {"__init__.py", "model.py"} and len(spec.sha256) == 64
    assert spec.binds == (str(site / "acme_algo"),)
    assert not (tmp_path / "imported.txt").exists() and "acme_algo" not in sys.modules


def test_entry_point_is_found_by_name(site: Path):
    spec = resolve_algorithm("acme")
    assert spec.target == "acme_algo.model:Model" and spec.version == "1.2.3"
    with pytest.raises(RunnerError, match=r"no entry point.*installed: .*acme"):
        resolve_algorithm("acme-typo")


def test_file_plugin_hashes_its_folder(tmp_path: Path):
    folder = tmp_path / "algo"
    folder.mkdir()
    (folder / "model.py").write_text("class M:\n    def predict(self, case):\n        return 1\n")
    (folder / "weights.bin").write_bytes(b"\x00" * 10)
    spec = resolve_algorithm(f"{folder / 'model.py'}:M")
    assert set(spec.files) == {"model.py", "weights.bin"}
    before = spec.sha256
    (folder / "weights.bin").write_bytes(b"\x01" * 10)
    assert resolve_algorithm(f"{folder / 'model.py'}:M").sha256 != before


def test_bad_names_are_refused_with_advice(tmp_path: Path):
    with pytest.raises(RunnerError, match="no such file"):
        resolve_algorithm(f"{tmp_path / 'missing.py'}:A")
    with pytest.raises(RunnerError, match="not installed"):
        resolve_algorithm("no_such_package_xyz.mod:A")
    with pytest.raises(RunnerError, match="not a Python name"):
        resolve_algorithm("os.path:1abc")
    with pytest.raises(RunnerError, match="exactly one"):
        resolve_algorithm()
    with pytest.raises(RunnerError, match="not found"):
        resolve_algorithm(command="no-such-program-xyz --flag")


def test_command_spec_binds_the_script_folder(tmp_path: Path):
    script = tmp_path / "tool" / "run.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\necho 1\n")
    spec = resolve_algorithm(command=f"/bin/sh {script} --fast")
    assert spec.kind == "command" and spec.argv == ("/bin/sh", str(script), "--fast")
    assert spec.binds == (str(script.parent),) and "tool/run.sh" in spec.files
    assert isinstance(spec, AlgorithmSpec) and spec.to_dict()["sha256"] == spec.sha256


def test_instantiate_checks_the_protocol(tmp_path: Path):
    good = tmp_path / "good.py"
    good.write_text("class G:\n    def predict(self, case):\n        return case.case_id\n")
    algorithm = instantiate(f"{good}:G")
    assert isinstance(algorithm, Algorithm)
    assert algorithm.predict(CaseInput("c9", "/input/x", ("/input/x",), "/output")) == "c9"
    two = tmp_path / "two.py"
    two.write_text("class T:\n    def predict(self, case, extra):\n        return 1\n")
    with pytest.raises(RunnerError, match="one argument"):
        instantiate(f"{two}:T")


@needs_bwrap
def test_entry_point_plugin_runs_in_the_sandbox_and_is_recorded(site: Path, tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])
    summary = run_algorithm(manifest, "acme", tmp_path / "run", progress=False, timeout_s=20)
    assert summary.done == 2
    data = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert data["algorithm"]["distribution"] == "acme-algo"
    assert data["algorithm"]["version"] == "1.2.3"
    assert json.loads((tmp_path / "run" / "predictions" / "c2.json").read_text()) == {
        "case": "c2", "case_id": "c2", "score": 0.25}
    assert "acme_algo" not in sys.modules  # imported in the sandbox only


def test_a_file_plugin_is_the_same_algorithm_wherever_it_lies(tmp_path):
    # The same file in two folders: one SHA-256, and no absolute path in the record (the
    # result's fingerprint covers the record); a changed byte is another algorithm.
    source = "class Model:\n    def predict(self, case):\n        return 0.5\n"
    specs = []
    for where in ("a", "b/c"):
        folder = tmp_path / where
        folder.mkdir(parents=True)
        (folder / "model.py").write_text(source)
        specs.append(resolve_algorithm(f"{folder / 'model.py'}:Model"))
    first, second = specs
    assert first.target != second.target  # each loads its own file
    assert first.sha256 == second.sha256 and first.to_dict() != {}
    assert first.to_dict()["target"] == second.to_dict()["target"] == "model.py:Model"
    assert str(tmp_path) not in json.dumps(first.to_dict())
    (tmp_path / "b" / "c" / "model.py").write_text(source.replace("0.5", "0.6"))
    assert resolve_algorithm(f"{tmp_path / 'b/c/model.py'}:Model").sha256 != first.sha256


def test_an_algorithms_weights_are_hashed_with_a_progress_bar(tmp_path: Path, capfd):
    """A submitter's model folder with weights of a few GB was hashed without a word
    (3.2 GB: 12 s of silence before the set's own 'hashing' bar). The hashing of the
    algorithm's files now shows its own bar on stderr, as the set's does, and
    --no-progress silences it; the digests are hashlib's of the files' bytes."""
    import hashlib

    from medeval.cli import main

    manifest = write_set(tmp_path, ["c1"])
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "algo.py").write_text(
        "class A:\n    def predict(self, case):\n        return 0.5\n")
    weights = bytes(range(256)) * (3 * 4096)  # 3 MiB
    (folder / "weights.bin").write_bytes(weights)
    spec = resolve_algorithm(f"{folder / 'algo.py'}:A", progress=True)
    assert spec.files["weights.bin"] == hashlib.sha256(weights).hexdigest()
    assert spec.files["algo.py"] == hashlib.sha256((folder / "algo.py").read_bytes()).hexdigest()
    assert "hashing the algorithm" in capfd.readouterr().err
    for flag, shown in (([], True), (["--no-progress"], False)):
        run = tmp_path / f"run{len(flag)}"
        assert main(["predict", "--algorithm", f"{folder / 'algo.py'}:A", "--manifest",
                     str(manifest), "--out", str(run), "--isolation", "none", *flag]) == 0
        err = capfd.readouterr().err
        assert ("hashing the algorithm" in err) is shown
        assert ("3.1/3.1 MB" in err) is shown  # rich's decimal megabytes of 3 MiB
        start = json.loads((run / "run.jsonl").read_text().splitlines()[0])
        assert start["algorithm"]["files"] == spec.files


def test_a_command_folder_named_twice_is_hashed_once(tmp_path: Path, capfd):
    """``python3 model/predict.py model/weights.bin``, the script and its weights in one
    folder as a submitter ships them, hashed that folder twice (two 'hashing the
    algorithm' bars, a 3 GB model read as 6 GB). Now once, with the same digests
    (hashlib's)."""
    import hashlib

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "predict.py").write_text("print(1)\n")
    weights = bytes(range(256)) * 4096  # 1 MiB
    (folder / "weights.bin").write_bytes(weights)
    spec = resolve_algorithm(
        command=f"python3 {folder / 'predict.py'} {folder / 'weights.bin'}", progress=True)
    assert capfd.readouterr().err.count("hashing the algorithm") == 1
    assert spec.files == {
        "model/predict.py": hashlib.sha256(b"print(1)\n").hexdigest(),
        "model/weights.bin": hashlib.sha256(weights).hexdigest()}
    assert spec.binds.count(str(folder)) == 1


@needs_bwrap
def test_a_package_module_named_as_a_file_is_told_to_be_named_as_a_module(
        tmp_path: Path, monkeypatch):
    """A submitter's package (``acme/__init__.py``, ``acme/model.py`` doing ``from .net
    import Net``) named as ``acme/model.py:Model`` stopped the run with Python's words
    alone: "ImportError: attempted relative import with no known parent package". The
    message now says to name it as a module, ``acme.model:Model``; done so, it runs."""
    package = tmp_path / "src" / "acme"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "net.py").write_text("WEIGHT = 0.375\n")
    (package / "model.py").write_text(
        "from .net import WEIGHT\n"
        "class Model:\n"
        "    def predict(self, case):\n"
        "        return WEIGHT\n")
    manifest = write_set(tmp_path, ["c1"])
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{package / 'model.py'}:Model", tmp_path / "run1",
                      progress=False, isolation="bubblewrap")
    message = str(caught.value)
    assert "attempted relative import with no known parent package" in message
    assert (f"model.py is a module of the package 'acme' and imports relatively: name it "
            f"as a module, acme.model:Model, with the package installed (pip install -e) "
            f"or {tmp_path / 'src'} on PYTHONPATH") in message
    monkeypatch.syspath_prepend(str(tmp_path / "src"))  # the advice followed
    summary = run_algorithm(manifest, "acme.model:Model", tmp_path / "run2",
                            progress=False, isolation="bubblewrap")
    assert summary.done == 1
    assert json.loads((tmp_path / "run2" / "predictions" / "c1.json").read_text()) == {
        "case_id": "c1", "score": 0.375}


@needs_bwrap
def test_a_subpackages_module_named_as_a_file_is_told_its_full_module_name(
        tmp_path: Path, monkeypatch):
    """8411238's advice for a module of a package named as a file took the module's own
    folder for the package: ``acme/models/model.py`` (``from ..net import WEIGHT``) was
    told to be named ``models.model:Model`` with ``src/acme`` on PYTHONPATH, which fails
    again ('attempted relative import beyond top-level package'). The advice now names
    the module from its top package, ``acme.models.model:Model``, with ``src`` on
    PYTHONPATH; followed, the run is done with its value."""
    package = tmp_path / "src" / "acme"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "net.py").write_text("WEIGHT = 0.625\n")
    (package / "models" / "__init__.py").write_text("")
    (package / "models" / "model.py").write_text(
        "from ..net import WEIGHT\n"
        "class Model:\n"
        "    def predict(self, case):\n"
        "        return WEIGHT\n")
    manifest = write_set(tmp_path, ["c1"])
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{package / 'models' / 'model.py'}:Model",
                      tmp_path / "run1", progress=False, isolation="bubblewrap")
    assert (f"model.py is a module of the package 'acme.models' and imports relatively: "
            f"name it as a module, acme.models.model:Model, with the package installed "
            f"(pip install -e) or {tmp_path / 'src'} on PYTHONPATH") in str(caught.value)
    # nor the sandbox's guess, in the message or in the stderr it quotes
    assert "models.model:Model" not in str(caught.value).replace("acme.models.model", "")
    assert f"{package} on PYTHONPATH" not in str(caught.value)
    monkeypatch.syspath_prepend(str(tmp_path / "src"))  # the advice followed
    summary = run_algorithm(manifest, "acme.models.model:Model", tmp_path / "run2",
                            progress=False, isolation="bubblewrap")
    assert summary.done == 1
    assert json.loads((tmp_path / "run2" / "predictions" / "c1.json").read_text()) == {
        "case_id": "c1", "score": 0.625}


def test_a_misnamed_class_is_refused_naming_the_classes_the_file_defines(tmp_path: Path):
    """A plugin ``m.py`` defining ``Model``, named ``m.py:M``, was refused with Python's
    words on medeval's internal module name ("module 'medeval_plugin_m' has no attribute
    'M'"). The message now names the file and the class it does define."""
    plugin = tmp_path / "m.py"
    plugin.write_text("class Helper:\n    pass\n"
                      "class Model:\n    def predict(self, case):\n        return 0.5\n")
    with pytest.raises(RunnerError) as caught:
        instantiate(f"{plugin}:M")
    assert str(caught.value) == (
        f"algorithm {plugin}:M: m.py defines no 'M'; the class(es) with a predict method "
        f"it defines: Model (name one: {plugin}:Model)")
    assert "medeval_plugin_" not in str(caught.value)
    bare = tmp_path / "bare.py"
    bare.write_text("x = 1\n")
    with pytest.raises(RunnerError, match=r"bare.py defines no 'M'; it defines no class"):
        instantiate(f"{bare}:M")


def test_a_class_that_needs_arguments_is_told_the_runner_gives_none(tmp_path: Path):
    plugin = tmp_path / "m.py"
    plugin.write_text("class M:\n    def __init__(self, weights):\n        pass\n"
                      "    def predict(self, case):\n        return 0.5\n")
    with pytest.raises(RunnerError, match=re.escape(
            "the runner makes M without arguments, and its signature is (weights)")):
        instantiate(f"{plugin}:M")


@needs_bwrap
def test_medevals_own_diagnosis_of_a_plugin_shows_no_traceback(tmp_path: Path):
    """A misnamed class stopped the run with "its stderr ends with: Traceback ..." holding
    medeval's frames only (_child.py, algorithm.py). Its message is now the diagnosis
    alone; the plugin's own exception in setup() keeps its traceback, which names the
    plugin's line."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = tmp_path / "algo" / "m.py"
    plugin.parent.mkdir()
    plugin.write_text("class Model:\n    def setup(self):\n        raise ValueError('no w')\n"
                      "    def predict(self, case):\n        return 0.5\n")
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:M", tmp_path / "run1", progress=False,
                      isolation="bubblewrap")
    message = str(caught.value)
    assert "m.py defines no 'M'" in message and f"{plugin}:Model" in message
    assert "Traceback" not in message and "stderr ends with" not in message
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Model", tmp_path / "run2", progress=False,
                      isolation="bubblewrap")
    assert "ValueError: no w; its stderr ends with:\nTraceback" in str(caught.value)
    assert f'File "{plugin}", line 3, in setup' in str(caught.value)
