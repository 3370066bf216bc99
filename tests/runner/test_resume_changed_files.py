"""A run refused for another algorithm names which of its files changed.

Found in the submission2 pass: one byte changed in 220 MB of weights beside a plugin, and
the same command refused to resume saying only "algorithm SHA-256: a1d3... -> 6ae9...",
leaving the company to find which of its files it was. The run log records each file's
SHA-256, so the refusal names the files changed, added and removed. Expected names: the
files this test changes. Real runs, no sandbox (resume does not depend on it).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import write_algorithm, write_set

PLUGIN = "class A:\n    def predict(self, case):\n        return 0.5\n"


def _run(manifest: Path, plugin: Path, out: Path):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IsolationWarning: no sandbox asked for
        return run_algorithm(manifest, f"{plugin}:A", out, isolation="none", progress=False)


def test_the_refusal_names_the_files_that_changed(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    (plugin.parent / "weights.bin").write_bytes(b"\0" * 1000)
    (plugin.parent / "notes.txt").write_text("v1\n")
    assert _run(manifest, plugin, tmp_path / "run").done == 1
    (plugin.parent / "weights.bin").write_bytes(b"\0" * 999 + b"\1")
    (plugin.parent / "notes.txt").unlink()
    (plugin.parent / "labels.txt").write_text("benign\nmalignant\n")
    with pytest.raises(RunnerError) as info:
        _run(manifest, plugin, tmp_path / "run")
    assert ("(files changed: weights.bin; added: labels.txt; removed: notes.txt)"
            in str(info.value))


def test_the_same_files_name_none(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    assert _run(manifest, plugin, tmp_path / "run").done == 1
    with pytest.raises(RunnerError) as info:  # the limits differ, the files do not
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_algorithm(manifest, f"{plugin}:A", tmp_path / "run", isolation="none",
                          progress=False, timeout_s=7)
    assert "timeout_s" in str(info.value) and "files " not in str(info.value)


def test_the_refusal_names_another_class_of_the_same_file(tmp_path: Path):
    """Found in the review-submission2 pass: the same plugin file run as ``ok.py:B`` where
    ``ok.py:A`` ran was refused with the two SHA-256 alone, no file having changed: the
    algorithm's SHA-256 covers its target (the class, a command's line) too, and the
    refusal now names it. Expected: the two targets this test gives."""
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN + "\n\nclass B(A):\n    pass\n")
    assert _run(manifest, plugin, tmp_path / "run").done == 1
    with pytest.raises(RunnerError) as info:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_algorithm(manifest, f"{plugin}:B", tmp_path / "run", isolation="none",
                          progress=False)
    assert f"(target '{plugin.name}:A' -> '{plugin.name}:B')" in str(info.value)
    assert "files " not in str(info.value)
