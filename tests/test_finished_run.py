"""``medeval run PROTOCOL.toml --out OUT`` given again on a finished, evaluated OUT.

Found pre-checking a model: the same command again resumed the run in full (nothing
ran), appended to its log, rewrote its summary and wrote OUT/result.json again with new
times, so a certificate rendered before no longer verified against OUT/result.json
("another run of the same evaluation"). Now the result, the run log and the summary are
left byte for byte as they were (their SHA-256 by hashlib), and the certificate verifies;
anything changed (here the protocol file) is evaluated again as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from medeval.cli import main
from medeval.result import read_result, verify_result, write_result

from .test_cli import measurement_study


def _digests(out: Path) -> dict[str, str]:
    names = ("result.json", "result.json.sha256", "result.cases.csv", "run/run.jsonl",
             "run/summary.json")
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names}


def _with_plugin(tmp_path: Path) -> Path:
    path = measurement_study(tmp_path)
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "algo.py").write_text(
        "class Measure:\n    def predict(self, case):\n        return {'value': 7.5}\n")
    path.write_text(path.read_text().replace(
        'version = "1"', f'version = "1"\nplugin = "{plugin / "algo.py"}:Measure"'))
    return path


def test_a_finished_run_given_again_is_left_as_it_was(tmp_path, capsys):
    path = _with_plugin(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    certificate = tmp_path / "certificate.pdf"
    assert main(["report", str(out / "result.json"), "--out", str(certificate)]) == 0
    before = _digests(out)
    capsys.readouterr()

    assert main(["run", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (f"  note: {out / 'result.json'} is already this run's result: the run in "
            f"{out / 'run'} finished and is unchanged since") in printed
    assert "left as it was, byte for byte" in printed
    assert _digests(out) == before
    assert main(["verify", str(out / "result.json"), str(certificate)]) == 0

    # the protocol file edited (a comment): evaluated again, under the file given
    path.write_text(path.read_text() + "# reviewed\n")
    assert main(["run", str(path), "--out", str(out)]) == 0
    assert "is already this run's result" not in capsys.readouterr().out
    assert _digests(out)["result.json"] != before["result.json"]
    [protocol] = [i for i in read_result(out / "result.json").inputs if i.role == "protocol"]
    assert protocol.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_case_whose_worker_was_killed_is_run_again(tmp_path, capsys):
    # a case whose worker was killed from outside (SIGKILL: the host's OOM killer, an
    # operator) ends as an 'infrastructure' failure, which a resumed run runs again
    # (docs/runner.md). The finished run's result was kept instead, that failure in it,
    # and nothing ran (found in review). Here the algorithm kills its own worker on s3
    # while a file outside the set exists (unsandboxed, so that it can look)
    path = _with_plugin(tmp_path)
    marker = tmp_path / "kill-s3"
    marker.write_text("")
    (tmp_path / "plugin" / "algo.py").write_text(
        "import os, signal\nfrom pathlib import Path\n\nclass Measure:\n"
        "    def predict(self, case):\n"
        f"        if case.case_id == 's3' and Path({str(marker)!r}).exists():\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "        return {'value': 7.5}\n")
    path.write_text(path.read_text() + '[runner]\nisolation = "none"\nretries = 0\n')
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    failed = [(c.case_id, c.reason) for c in read_result(out / "result.json").failures.cases]
    assert failed == [("s3", "infrastructure")]
    marker.unlink()
    capsys.readouterr()

    assert main(["run", str(path), "--out", str(out)]) == 0
    assert "is already this run's result" not in capsys.readouterr().out
    assert read_result(out / "result.json").failures.cases == ()


def test_a_result_edited_and_its_digest_written_again_is_evaluated_again(tmp_path, capsys):
    # a result whose content is not what the run gives now (edited, its .sha256 written
    # again; or made by other code under the same development version, 0.12.0.dev0, or
    # under another NumPy: the result names it) verifies, and was kept with the note that
    # it is already this run's result (found in review). Now the run is evaluated again
    # and the result written where its content differs. The plugin says 7.5 for every
    # case, the references are 5..16: the mean absolute error is
    # (2.5+1.5+0.5+0.5+1.5+2.5+3.5+4.5+5.5+6.5+7.5+8.5)/12 = 45/12 = 3.75 mm
    path = _with_plugin(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    result = read_result(out / "result.json")
    [mae] = [m for m in result.metrics if m.name == "mae"]
    assert mae.estimate.value == 3.75
    edited = dataclasses.replace(mae, estimate=dataclasses.replace(mae.estimate, value=1.0))
    write_result(dataclasses.replace(result, metrics=tuple(
        edited if m.name == "mae" else m for m in result.metrics)), out / "result.json")
    verify_result(out / "result.json")  # intact by its digests
    capsys.readouterr()

    assert main(["run", str(path), "--out", str(out)]) == 0
    assert "is already this run's result" not in capsys.readouterr().out
    [mae] = [m for m in read_result(out / "result.json").metrics if m.name == "mae"]
    assert mae.estimate.value == 3.75
