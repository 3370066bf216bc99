"""Runs that cannot be mixed: a run directory is resumed only by the same run.

Another algorithm, other limits, another held-out set or another medeval version is
refused, each difference named with its old and new value; ``fresh`` starts over after
saying so. Real runs (no sandbox, for speed: resume does not depend on it).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import write_algorithm, write_set

PLUGIN = "class A:\n    def predict(self, case):\n        return 0.5\n"


def _run(manifest: Path, plugin: Path, out: Path, **options):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IsolationWarning: no sandbox asked for
        return run_algorithm(manifest, f"{plugin}:A", out, isolation="none", progress=False,
                             **options)


@pytest.fixture
def first_run(tmp_path: Path) -> tuple[Path, Path, Path]:
    manifest = write_set(tmp_path, ["c1", "c2", "c3"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    out = tmp_path / "run"
    assert _run(manifest, plugin, out, timeout_s=10).done == 3
    return manifest, plugin, out


def test_the_same_run_resumes_everything(first_run):
    manifest, plugin, out = first_run
    again = _run(manifest, plugin, out, timeout_s=10)
    assert again.resumed == 3 and again.done == 3


def test_other_limits_and_algorithm_are_refused_naming_each_difference(first_run):
    manifest, plugin, out = first_run
    before = json.loads((out / "summary.json").read_text())["algorithm"]["sha256"]
    plugin.write_text(PLUGIN.replace("0.5", "0.7"))
    with pytest.raises(RunnerError) as info:
        _run(manifest, plugin, out, timeout_s=20, memory_mb=2048, output_limit_mb=8)
    message = str(info.value)
    assert "cannot be mixed" in message
    assert f"algorithm SHA-256: {before} -> " in message
    assert "timeout_s: 10 -> 20" in message and "memory_mb: 4096 -> 2048" in message
    assert "output_limit_mb: 64.0 -> 8" in message and "--fresh" in message
    assert "manifest fingerprint" not in message and "medeval version" not in message
    assert len(list((out / "predictions").iterdir())) == 3  # nothing touched


def test_another_set_is_refused(first_run):
    manifest, plugin, out = first_run
    (manifest.parent / "inputs" / "c2.txt").write_text("42\n")
    with pytest.raises(RunnerError, match=r"manifest fingerprint: sha256:[0-9a-f]{64} -> "
                                          r"sha256:[0-9a-f]{64}"):
        _run(manifest, plugin, out, timeout_s=10)


def test_another_medeval_version_is_refused(first_run):
    manifest, plugin, out = first_run
    log = out / "run.jsonl"
    lines = log.read_text().splitlines()
    start = json.loads(lines[0])
    start["medeval"] = "0.0.1"
    log.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n")
    from medeval._version import __version__

    with pytest.raises(RunnerError, match=f"medeval version: 0.0.1 -> {__version__}"):
        _run(manifest, plugin, out, timeout_s=10)


def test_fresh_starts_over_after_saying_so(first_run, capsys):
    manifest, plugin, out = first_run
    plugin.write_text(PLUGIN.replace("0.5", "0.75"))  # another size: no stale .pyc
    (out / "predictions" / "stray.tmp").write_text("x")
    summary = _run(manifest, plugin, out, timeout_s=10, fresh=True)
    err = capsys.readouterr().err
    assert "starting over" in err and "4 prediction file(s)" in err and "algorithm SHA-256" in err
    assert summary.resumed == 0 and summary.done == 3
    assert json.loads((out / "predictions" / "c1.json").read_text())["score"] == 0.75
    events = [json.loads(x) for x in (out / "run.jsonl").read_text().splitlines()]
    assert [e["event"] for e in events].count("run-start") == 1 and events[0]["fresh"]


def test_predictions_no_log_records_are_not_adopted(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    (tmp_path / "run" / "predictions").mkdir(parents=True)
    (tmp_path / "run" / "predictions" / "c1.json").write_text('{"score": 1}')
    with pytest.raises(RunnerError, match=r"no run log records \(c1\.json\)"):
        _run(manifest, plugin, tmp_path / "run")


def test_cli_says_how_many_cases_it_resumed_and_refuses_or_starts_over(tmp_path: Path,
                                                                       capsys):
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, PLUGIN)
    base = ["predict", "--algorithm", f"{plugin}:A", "--manifest", str(manifest), "--out",
            str(tmp_path / "run"), "--isolation", "none", "--no-progress"]
    assert main(base) == 0
    assert "ran 2 case(s); nothing to resume" in capsys.readouterr().out
    assert main(base) == 0
    assert "resumed 2 case(s)" in capsys.readouterr().out
    assert main([*base, "--timeout-s", "5"]) == 2
    assert "timeout_s: 60.0 -> 5.0" in capsys.readouterr().err
    assert main([*base, "--timeout-s", "5", "--fresh"]) == 0
    captured = capsys.readouterr()
    assert "starting over" in captured.err and "started over (--fresh): ran 2" in captured.out


def test_a_run_that_ended_no_case_is_not_said_to_hold_predictions(tmp_path: Path):
    """A submitter's first run stopped at setup (its weights file missing, a
    FileNotFoundError); with the file added, the same command was refused with "holds
    predictions of another run, which cannot be mixed" while predictions/ was empty and
    the log held no case's end. The refusal stands (the log records another algorithm);
    its words now say that the earlier run wrote no prediction, and that --fresh removes
    none."""
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, (
        "from pathlib import Path\n"
        "class A:\n"
        "    def setup(self):\n"
        "        self.w = Path(__file__).with_name('weights.txt').read_text()\n"
        "    def predict(self, case):\n"
        "        return float(self.w)\n"))
    out = tmp_path / "run"
    with pytest.raises(RunnerError, match="weights.txt"):
        _run(manifest, plugin, out, timeout_s=10)
    assert list((out / "predictions").iterdir()) == []
    events = [json.loads(line) for line in (out / "run.jsonl").read_text().splitlines()]
    assert [e["event"] for e in events if e["event"] == "end"] == []
    (plugin.parent / "weights.txt").write_text("0.25")
    with pytest.raises(RunnerError) as refused:
        _run(manifest, plugin, out, timeout_s=10)
    message = str(refused.value)
    assert "holds predictions" not in message
    assert "ended no case and wrote no prediction" in message
    assert "algorithm SHA-256" in message and "--fresh" in message
    assert _run(manifest, plugin, out, timeout_s=10, fresh=True).done == 2
    assert json.loads((out / "predictions" / "c1.json").read_text())["score"] == 0.25
