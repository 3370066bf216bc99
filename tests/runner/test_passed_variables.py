"""The variables the sandbox passes on to the algorithm are recorded, and a run resumes
only under the same ones.

``OMP_NUM_THREADS`` in the operator's shell reached the algorithm (the sandbox passes it
on) and set torch's thread count where the plugin set none, and so the order of its
sums: the same plugin, the same SHA-256 and limits, scored one case 0.2796078515625 with
``OMP_NUM_THREADS=1`` and 0.279607890625 without (two cores), and nothing in
``run.jsonl``, ``summary.json`` or the result said which; a resumed run mixed the two.
The thread count is read inside the sandbox by torch itself, not by medeval.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

THREADS = '''
import torch


class Threads:
    def predict(self, case):
        return {"score": 0.5, "threads": torch.get_num_threads()}
'''


def _start(run: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((run / "run.jsonl").read_text().splitlines()[0])


@needs_bwrap
def test_omp_num_threads_is_recorded_and_a_resume_under_another_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("torch", reason="torch is not installed (pip install "
                        "'medeval[submissions]')")
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, THREADS)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    run = tmp_path / "run"
    summary = run_algorithm(manifest, f"{plugin}:Threads", run, progress=False,
                            isolation="bubblewrap")
    assert summary.done == 1
    assert json.loads((run / "predictions" / "c1.json").read_text())["threads"] == 1
    assert _start(run)["environment"]["variables"]["OMP_NUM_THREADS"] == "1"
    recorded = json.loads((run / "summary.json").read_text())["environment"]["variables"]
    assert recorded["OMP_NUM_THREADS"] == "1"

    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the same run, resumed from another shell
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Threads", run, progress=False,
                      isolation="bubblewrap")
    assert "variables passed to the algorithm: " in str(caught.value)
    assert "'OMP_NUM_THREADS': '1'" in str(caught.value)
    assert "'OMP_NUM_THREADS': '2'" in str(caught.value)

    again = tmp_path / "run2"
    run_algorithm(manifest, f"{plugin}:Threads", again, progress=False, isolation="bubblewrap")
    assert json.loads((again / "predictions" / "c1.json").read_text())["threads"] == 2
    assert _start(again)["environment"]["variables"]["OMP_NUM_THREADS"] == "2"


PLAIN = '''
class Plain:
    def predict(self, case):
        return {"score": 0.5}
'''


@needs_bwrap
def test_a_resume_refused_for_its_variables_says_which_to_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """After a reboot only TZ and LANG differ, and OMP_NUM_THREADS is set where the run had
    none: the refusal said what differs but not how to resume. It now gives the shell line;
    bash runs it, and the run resumes under the environment bash leaves."""
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, PLAIN)
    for name in ("LC_ALL", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "Asia/Seoul")
    monkeypatch.setenv("LANG", "C.UTF-8")
    run = tmp_path / "run"
    assert run_algorithm(manifest, f"{plugin}:Plain", run, progress=False,
                         isolation="bubblewrap").done == 2

    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Plain", run, progress=False, isolation="bubblewrap")
    line = str(caught.value).split("run it again under the variables it started with (the "
                                   "sandbox passes them on from this shell): ")[1]
    line = line.splitlines()[0]
    assert line == "export LANG=C.UTF-8 TZ=Asia/Seoul; unset OMP_NUM_THREADS"
    done = subprocess.run(["bash", "-c", f"{line}; env -0"], capture_output=True, check=True)
    shell = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if item)
    for name in ("TZ", "LANG", "OMP_NUM_THREADS"):
        if name in shell:
            monkeypatch.setenv(name, shell[name])
        else:
            monkeypatch.delenv(name)
    summary = run_algorithm(manifest, f"{plugin}:Plain", run, progress=False,
                            isolation="bubblewrap")
    assert summary.done == 2
