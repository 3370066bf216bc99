"""evaluate(): protocol -> manifest -> predictions -> result, checked against the metric
functions called directly, with failures counted and reported both ways."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import medeval
from medeval.errors import ManifestError
from medeval.protocol import ProtocolError
from medeval.result import verify_result, write_result
from medeval.stats import auc_ci

from .conftest import BROKEN_PREDICTIONS, binary_study

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "binary-classification"
PROTOCOL = (EXAMPLE / "protocol.toml").read_text(encoding="utf-8")

FAILED = BROKEN_PREDICTIONS


@pytest.fixture
def study(tmp_path):
    """A held-out set built from the shipped demo tables, with three broken predictions."""
    ref, pred = binary_study(tmp_path)
    return tmp_path, ref, pred


def protocol_file(folder, policy="worst-case"):
    path = folder / "protocol.toml"
    path.write_text(PROTOCOL.replace('policy = "worst-case"', f'policy = "{policy}"'))
    return path


def test_numbers_match_the_metric_functions(study):
    folder, ref, pred = study
    result = medeval.evaluate(protocol_file(folder), folder / "predictions")
    y = ref["label"].to_numpy()
    s = pred["score"].to_numpy().copy()
    failed = ref["case_id"].isin(list(FAILED)).to_numpy()
    decided = (s >= 0.5).astype(int)
    decided[failed] = 1 - y[failed]  # worst case: a failed case is a wrong answer
    tp = int(((decided == 1) & (y == 1)).sum())
    fn = int(((decided == 0) & (y == 1)).sum())
    sens = result.metric("sensitivity").estimate
    assert (sens.numerator, sens.n) == (tp, tp + fn)
    # Two cases per patient (P000, P000, P001 ...) and the patient as the unit: Wilson on
    # the effective sample size (Korn & Graubard 1998), the design effect by hand:
    # v = K/(K-1) sum_i (y_i - p m_i)^2 / n^2, d = v / (p(1-p)/(n-1)), n* = n / max(d, 1)
    patients = np.array([f"P{i // 2:03d}" for i in range(len(ref))])[y == 1]
    hits = (decided == 1)[y == 1]
    p, n = hits.mean(), hits.size
    ids = sorted(set(patients))
    y_i = np.array([hits[patients == k].sum() for k in ids])
    m_i = np.array([(patients == k).sum() for k in ids])
    v = len(ids) / (len(ids) - 1) * ((y_i - p * m_i) ** 2).sum() / n**2
    n_star = n / max(v / (p * (1 - p) / (n - 1)), 1.0)
    low, high = proportion_confint(p * n_star, n_star, method="wilson")
    assert sens.method == "wilson-clustered"
    assert (sens.low, sens.high) == pytest.approx((low, high), abs=1e-12)
    # AUC: failed positives rank below every score, failed negatives above.
    auc_scores = s.copy()
    ok = ~failed
    auc_scores[failed & (y == 1)] = s[ok].min() - 1
    auc_scores[failed & (y == 0)] = s[ok].max() + 1
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        auc_ci(y, auc_scores).value, abs=1e-12)


def test_failures_are_listed_and_reported_both_ways(study):
    folder, ref, _ = study
    result = medeval.evaluate(protocol_file(folder), folder / "predictions")
    data = json.loads(result.to_json())
    failures = data["failures"]
    assert failures["n_failed"] == 3
    reasons = {f["case_id"]: f["reason"] for f in failures["cases"]}
    assert reasons == {"WDBC-0001": "missing-output", "WDBC-0011": "invalid-output",
                       "WDBC-0020": "invalid-output"}
    assert data["flow"] == {"registered": 369, "scored": 366, "failed": 3, "analysed": 369}
    statuses = {row[0]: row[2] for row in data["cases"]}
    assert statuses["WDBC-0001"] == "failed"
    # WDBC-0001 and -0011 are malignant: counted as missed, they lower the sensitivity;
    # MONAI's rule (drop what is undefined) is the "exclude" analysis, which scores higher.
    worst = result.metric("sensitivity").estimate.value
    excluded = failures["alternative"]["metrics"]["sensitivity"]["value"]
    assert failures["alternative"]["policy"] == "exclude"
    assert excluded > worst


def test_exclude_policy_swaps_the_two(study):
    folder, _, _ = study
    worst = medeval.evaluate(protocol_file(folder), folder / "predictions")
    excl = medeval.evaluate(protocol_file(folder, "exclude"), folder / "predictions")
    assert excl.metric("sensitivity").estimate.value == \
        json.loads(worst.to_json())["failures"]["alternative"]["metrics"]["sensitivity"]["value"]
    assert json.loads(excl.to_json())["flow"]["analysed"] == 366


def test_verdicts_and_subgroups(study):
    folder, _, _ = study
    data = json.loads(medeval.evaluate(protocol_file(folder), folder / "predictions").to_json())
    outcomes = {v["metric"]: v["outcome"] for v in data["verdicts"]}
    assert outcomes["sensitivity"] == "PASS"  # lower bound well above 0.75
    assert outcomes["specificity"] in ("INCONCLUSIVE", "FAIL")
    assert data["overall"] != "PASS"
    assert set(data["subgroups"]["site"]) == {"A", "B"}
    assert sum(g["n_cases"] for g in data["subgroups"]["site"].values()) == 369


def test_same_run_twice_same_fingerprint(study, tmp_path):
    folder, _, _ = study
    a = medeval.evaluate(protocol_file(folder), folder / "predictions")
    b = medeval.evaluate(protocol_file(folder), folder / "predictions")
    assert a.fingerprint == b.fingerprint
    assert a.to_dict()["context"]["host"]
    path = write_result(a, tmp_path / "out" / "result.json")
    assert verify_result(path) == a.fingerprint


def test_fingerprint_does_not_depend_on_where_the_files_lie(study, tmp_path_factory):
    import shutil

    folder, _, _ = study
    a = medeval.evaluate(protocol_file(folder), folder / "predictions")
    moved = tmp_path_factory.mktemp("elsewhere") / "deeper"
    shutil.copytree(folder, moved)
    b = medeval.evaluate(protocol_file(moved), moved / "predictions")
    assert a.fingerprint == b.fingerprint
    assert "<predictions>" in json.loads(a.to_json())["failures"]["cases"][0]["detail"]


def test_changed_predictions_change_the_fingerprint(study):
    folder, _, _ = study
    a = medeval.evaluate(protocol_file(folder), folder / "predictions")
    (folder / "predictions" / "WDBC-0002.json").write_text('{"score": 0.01}')
    b = medeval.evaluate(protocol_file(folder), folder / "predictions")
    assert a.fingerprint != b.fingerprint


def test_wrong_fingerprint_is_refused(study):
    folder, _, _ = study
    path = protocol_file(folder)
    path.write_text(path.read_text().replace(
        'manifest = "manifest.csv"', 'manifest = "manifest.csv"\nfingerprint = "' + "0" * 64 + '"'))
    with pytest.raises(ProtocolError, match="not the registered set"):
        medeval.evaluate(path, folder / "predictions")


def test_undeclared_labels_are_all_listed(study):
    folder, _, _ = study
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest.loc[[0, 5], "reference"] = ["malignant", "2"]
    manifest.to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(ManifestError) as info:
        medeval.evaluate(protocol_file(folder), folder / "predictions")
    assert "2 reference problem(s)" in str(info.value)
    assert "'malignant'" in str(info.value) and "'2'" in str(info.value)


def test_runner_output_directory(study):
    # A runner's directory (predictions/ and summary.json): its recorded failures count.
    folder, _, _ = study
    (folder / "summary.json").write_text(json.dumps(
        {"failures": {"WDBC-0002": {"reason": "timeout", "detail": "30 s"}}}))
    data = json.loads(medeval.evaluate(protocol_file(folder), folder).to_json())
    reasons = {f["case_id"]: f["reason"] for f in data["failures"]["cases"]}
    assert reasons["WDBC-0002"] == "timeout" and data["algorithm"]["predictions"] == "runner"


def test_the_algorithm_runs_through_the_runner(study, tmp_path):
    # The protocol names a plugin; evaluate() runs it in the sandbox and scores its
    # output: the same numbers as evaluating the same scores supplied as files.
    folder, ref, pred = study
    scores = {cid: float(s) for cid, s in zip(pred["case_id"], pred["score"])
              if cid not in FAILED}
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "algo.py").write_text(
        "from pathlib import Path\n"
        f"SCORES = {scores!r}\n"
        "class Algo:\n"
        "    def predict(self, case):\n"
        "        cid = Path(case.input_path).read_text().strip()\n"
        "        if cid not in SCORES:\n"
        "            raise RuntimeError('no score for ' + cid)\n"
        "        return SCORES[cid]\n")
    path = protocol_file(folder)
    path.write_text(path.read_text().replace(
        'version = "1.0"', f'version = "1.0"\nplugin = "{plugin / "algo.py"}:Algo"'))
    ran = medeval.evaluate(path, run_dir=tmp_path / "run")
    supplied = medeval.evaluate(path, folder / "predictions")
    assert ran.metric("sensitivity").estimate == supplied.metric("sensitivity").estimate
    assert ran.metric("roc_auc").estimate == supplied.metric("roc_auc").estimate
    data = json.loads(ran.to_json())
    reasons = {f["case_id"]: f["reason"] for f in data["failures"]["cases"]}
    assert reasons == {cid: "exception" for cid in FAILED}
    assert data["algorithm"]["predictions"] == "runner"
    assert data["algorithm"]["run"]["isolation"] in ("bubblewrap", "none")
    assert len(data["context"]["run_log_sha256"]) == 64  # the log holds times: context
    assert len(data["algorithm"]["run"]["predictions_sha256"]) == 64
    again = medeval.evaluate(path, run_dir=tmp_path / "run-again")
    assert again.fingerprint == ran.fingerprint  # a second run measures the same


def test_no_predictions_needs_a_run_dir_and_an_algorithm(study, tmp_path):
    folder, _, _ = study
    with pytest.raises(ProtocolError, match="run_dir"):
        medeval.evaluate(protocol_file(folder))
    with pytest.raises(ProtocolError, match=r"its \[algorithm\] names no plugin or command to run"):
        medeval.evaluate(protocol_file(folder), run_dir=tmp_path / "run")


def test_monotone_in_failures(study):
    # Every extra failed positive case can only lower the worst-case sensitivity.
    folder, ref, _ = study
    base = medeval.evaluate(protocol_file(folder), folder / "predictions")
    positive = ref.loc[(ref["label"] == 1) & ~ref["case_id"].isin(list(FAILED)), "case_id"]
    (folder / "predictions" / f"{positive.iloc[0]}.json").unlink()
    fewer = medeval.evaluate(protocol_file(folder), folder / "predictions")
    assert fewer.metric("sensitivity").estimate.value < base.metric("sensitivity").estimate.value
    assert np.isfinite(fewer.metric("roc_auc").estimate.value)


def test_the_result_warnings_come_from_the_notes_and_the_task(study):
    """``_Figures.aggregate``: one warning per metric with a note, in the metrics' order,
    then the task's own texts, each with its scope; the statistics' undefined-metric
    warnings do not escape, other warnings pass through untouched."""
    import warnings

    from medeval.errors import UndefinedMetricWarning
    from medeval.evaluation import _Figures
    from medeval.protocol import load_protocol
    from medeval.stats import Estimate
    from medeval.tasks.base import Aggregate, CaseRow, metric_record

    class Task:
        def aggregate(self, rows, *, clusters):
            warnings.warn("proportion_ci: n = 0 ...", UndefinedMetricWarning, stacklevel=1)
            warnings.warn("something else", RuntimeWarning, stacklevel=1)
            nan = float("nan")
            return Aggregate(
                (metric_record("sensitivity", "sensitivity",
                               Estimate(nan, nan, nan, "wilson", 0.95, 0, note="why Se")),
                 metric_record("specificity", "specificity",
                               Estimate(0.9, 0.8, 0.95, "wilson", 0.95, 10)),
                 metric_record("accuracy", "accuracy",
                               Estimate(0.5, 0.4, 0.6, "wilson", 0.95, 10, note="why acc"))),
                {}, ("a text of the task",))

    folder, _, _ = study
    protocol = load_protocol(protocol_file(folder))
    row = CaseRow("c1", "p1", "ok", None, None, {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = _Figures(protocol, Task(), [row])  # type: ignore[arg-type]
    assert [w.category for w in caught] == [RuntimeWarning]
    assert str(caught[0].message) == "something else"
    assert figures.warnings == ["all cases: sensitivity: why Se", "all cases: accuracy: why acc",
                                "all cases: a text of the task"]


def test_a_certified_run_is_the_same_measurement_wherever_it_is_checked_out(tmp_path):
    """The breast-ultrasound example run from two folders and from outside its folder: the
    plugin is found beside the protocol, and the content fingerprints are equal (no path of
    this machine in what the fingerprint covers)."""
    import shutil
    import subprocess

    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (Debian package bubblewrap)")
    example = Path(__file__).resolve().parents[1] / "examples" / "breast-ultrasound"
    fingerprints = []
    for where in ("one", "two/deeper"):
        copy = shutil.copytree(example, tmp_path / where / "bus",
                               ignore=shutil.ignore_patterns("out", "__pycache__"))
        done = subprocess.run(["medeval", "run", str(copy / "protocol.toml"), "--out",
                               str(tmp_path / where / "out")], cwd=tmp_path,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        fingerprints.append(medeval.verify_result(tmp_path / where / "out" / "result.json"))
    assert fingerprints[0] == fingerprints[1]
    result = medeval.read_result(tmp_path / "one" / "out" / "result.json")
    assert str(tmp_path) not in json.dumps(result.to_dict()["algorithm"])


def test_a_run_out_folder_given_as_predictions_names_its_run_folder(tmp_path):
    """Found in the planning-pass: 'medeval evaluate P.toml --predictions out/' on the
    folder 'medeval run P.toml --out out/' wrote (its result beside its run folder
    out/run/, which holds the outputs) failed every case as missing-output, the warning
    naming result.json, run, ... as files that name no case and not where the outputs
    are. The warning now says --predictions out/run (by the folder's name only, as a run
    folder is named in a result). The layout is made here as medeval run writes it."""
    import shutil

    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder)
    out = folder / "out"
    shutil.copytree(folder / "predictions", out / "run" / "predictions")
    (out / "run" / "run.jsonl").write_text('{"event": "run-start"}\n', encoding="utf-8")
    (out / "result.json").write_text("{}", encoding="utf-8")
    result = medeval.evaluate(folder / "protocol.toml", out)
    assert {f.reason for f in result.failures.cases} == {"missing-output"}
    [named] = [w for w in result.warnings if "name no case" in w]
    assert named.endswith("; out is the folder medeval run --out wrote: the algorithm's "
                          "outputs are in its run folder, --predictions out/run")
    assert str(tmp_path) not in named


def test_prediction_files_that_name_no_case_are_named(study):
    """A file of the predictions folder that is no <case_id>.<suffix> is read by nothing:
    a misspelt case id leaves its case without prediction (missing-output). The result
    names such files; hidden files and the cases' own files are not named."""
    import shutil
    import unicodedata

    folder, _, _ = study
    missing = next(cid for cid, kind in BROKEN_PREDICTIONS.items() if kind == "missing")
    clean = medeval.evaluate(protocol_file(folder), folder / "predictions")
    assert not any("name no case" in w for w in clean.warnings)
    present = sorted((folder / "predictions").glob("*.json"))[0]
    shutil.copy(present, folder / "predictions" / f"{missing}_v2.json")  # missing, misspelt
    (folder / "predictions" / "notes.txt").write_text("run on 2026-12-01")
    (folder / "predictions" / ".DS_Store").write_bytes(b"\0")
    hangul = unicodedata.normalize("NFD", "판독.json")  # names no case in either form
    (folder / "predictions" / hangul).write_text("{}")
    # the missing case's file saved with a suffix Windows hides: read by nothing either
    # (before, its name starting '<case_id>.' kept it out of the warning)
    shutil.copy(present, folder / "predictions" / f"{missing}.json.txt")
    result = medeval.evaluate(protocol_file(folder), folder / "predictions")
    assert next(f for f in result.failures.cases if f.case_id == missing).reason == \
        "missing-output"
    named = [w for w in result.warnings if "the predictions folder holds" in w]
    assert named == [
        "all cases: the predictions folder holds 3 file(s) that name no case of the manifest: "
        f"{missing}_v2.json, notes.txt, {hangul}; a prediction is read only as <case_id> "
        "with its suffix",
        "all cases: the predictions folder holds 1 file(s) named for a case without "
        f"prediction, in a form this task does not read: {missing}.json.txt; those cases "
        "failed as missing-output (a prediction is read only as <case_id> with a suffix the "
        "task reads)"]
    # the figures are those of the clean run: the extra files are read by nothing
    assert [m.estimate for m in result.metrics] == [m.estimate for m in clean.metrics]



def test_a_table_of_scores_given_as_its_folder_is_named_with_the_path_to_give(tmp_path):
    # a tester's scores as one case_id,score table in a folder, the folder given as
    # --predictions: every case failed as missing-output, the warning naming the CSV only
    # as a file of no case. It now says to give the file, and given so its sensitivity
    # is scikit-learn's recall at the protocol's threshold (0.5)
    from sklearn.metrics import recall_score

    folder, ref, pred = tmp_path, *binary_study(tmp_path)
    table = folder / "scores"
    table.mkdir()
    pred.to_csv(table / "all.csv", index=False)
    wrong = medeval.evaluate(protocol_file(folder), table)
    assert wrong.failures.n_failed == len(ref)
    assert [w for w in wrong.warnings if "name no case" in w] == [
        "all cases: the predictions folder holds 1 file(s) that name no case of the "
        "manifest: all.csv; a prediction is read only as <case_id> with its suffix; a "
        "binary-classification protocol reads one table of every case's predictions "
        "given as the file itself: --predictions scores/all.csv"]
    right = medeval.evaluate(protocol_file(folder), table / "all.csv")
    joined = ref.merge(pred, on="case_id")
    assert right.metric("sensitivity").estimate.value == pytest.approx(
        recall_score(joined["label"], joined["score"] >= 0.5), abs=1e-12)


def test_a_stray_table_beside_per_case_predictions_is_not_offered_as_them(tmp_path):
    # A folder of per-case JSON files that holds a CSV of something else (a summary the
    # algorithm wrote): the CSV is named as a file of no case, but not offered as the
    # table of every case's predictions ('--predictions predictions/summary.csv'), which
    # it is not: the cases' own files were read (the example's 24 cases, 22 with a
    # readable prediction: 2 failed as shipped, counted from the files here).
    import shutil

    folder = tmp_path / "binary"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    (folder / "predictions" / "summary.csv").write_text("site,cases\nA,12\nB,12\n")
    readable = 0
    for file in (folder / "predictions").glob("*.json"):
        try:
            readable += isinstance(json.loads(file.read_text())["score"], (int, float))
        except (ValueError, KeyError, TypeError):
            pass
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert len(result.cases) - result.failures.n_failed == readable
    named = [w for w in result.warnings if "name no case" in w]
    assert len(named) == 1 and "summary.csv" in named[0]
    assert "--predictions" not in named[0] and "given as the file itself" not in named[0]


def test_predictions_that_are_no_path_are_refused_before_the_set_is_hashed():
    # Found in the tasks pass: medeval.evaluate(protocol, predictions_df) stopped with
    # Python's bare "TypeError: expected str, bytes or os.PathLike object, not DataFrame"
    # after hashing the set. The result records the predictions files' SHA-256, so a
    # table in memory is to be written first; the refusal says so. The protocol need not
    # even exist: nothing is read before the refusal.
    import pandas as pd

    from medeval.errors import InvalidInputError, MedevalError

    for given in (pd.DataFrame({"case_id": ["a"], "value": [5.4]}), {"a": 5.4}):
        with pytest.raises(InvalidInputError, match=(
                r"^evaluate: predictions must be the path of a predictions folder or of one "
                rf"table file \(CSV, JSON, Parquet\), got a {type(given).__name__}; .*"
                r"df\.to_csv\('predictions\.csv', index=False\)")) as caught:
            medeval.evaluate("no-such-protocol.toml", given)
        assert isinstance(caught.value, MedevalError)


def test_predictions_that_name_nothing_are_refused_before_the_set_is_hashed(
        tmp_path, monkeypatch):
    # The example's command typed from the repository's root (the README shows it run
    # from the example's folder): --predictions predictions/ named nothing there, and the
    # refusal, "no such directory", came after every file of the set had been hashed,
    # without saying that the path is the working folder's, nor that the folder meant
    # lies beside the protocol.
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "segmentation",
                    tmp_path / "segmentation")
    cache = tmp_path / "cache"
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(cache))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProtocolError) as info:
        medeval.evaluate("segmentation/protocol.toml", predictions="predictions/")
    assert str(info.value) == (
        f"predictions predictions: no such file or folder in the working folder {tmp_path} "
        "(a relative path is the working folder's, not the protocol's); "
        "segmentation/predictions is beside the protocol: give that")
    assert not cache.exists()  # no file of the set was hashed (the digest cache's folder)
    with pytest.raises(ProtocolError, match=r"predictons: no such file or folder in the "
                       r"working folder [^;]*\)$"):  # nothing of that name beside it either
        medeval.evaluate("segmentation/protocol.toml", predictions="segmentation/predictons")
    medeval.evaluate("segmentation/protocol.toml", predictions="segmentation/predictions")
    assert (cache / "sha256.sqlite").is_file()  # the same set, hashed once its outputs exist


def test_running_a_protocol_that_names_no_algorithm_says_how_to_evaluate_instead(
        tmp_path, monkeypatch):
    # 'medeval run protocol.toml --out out/' on an example's pre-check protocol (its
    # [algorithm] names neither plugin nor command) hashed the set and checked every
    # reference, then said "algorithm: name a plugin or a command to run, or evaluate
    # existing predictions", naming neither the protocol nor the command.
    import shutil

    example = tmp_path / "segmentation"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "segmentation",
                    example)
    cache = tmp_path / "cache"
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(cache))
    with pytest.raises(ProtocolError) as info:
        medeval.evaluate(example / "protocol.toml", run_dir=tmp_path / "out" / "run")
    assert str(info.value) == (
        f"protocol {(example / 'protocol.toml').resolve()}: its [algorithm] names no plugin "
        'or command to run: add plugin = "path/to/file.py:Class" or command = "..." there, '
        "or evaluate predictions already written: medeval evaluate protocol.toml "
        "--predictions DIR --out OUT/")
    assert not cache.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_workers_below_one_are_refused_not_read_as_every_core_or_one(workers, tmp_path):
    # evaluate(workers=0) scored on every core and workers=-1 on one, unsaid (the
    # runner's run_algorithm refuses 0); both are refused before anything is read.
    example = Path(__file__).resolve().parents[1] / "examples" / "segmentation"
    with pytest.raises(medeval.errors.InvalidInputError,
                       match=r"evaluate: workers must be a whole number at least 1 "
                             r"\(or None: one per core\), got "):
        medeval.evaluate(example / "protocol.toml", example / "predictions", workers=workers)


def test_the_command_line_refuses_workers_below_one(capsys):
    from medeval.cli import main

    example = Path(__file__).resolve().parents[1] / "examples" / "segmentation"
    for command in (["evaluate", str(example / "protocol.toml"), "--predictions",
                     str(example / "predictions")], ["run", str(example / "protocol.toml")]):
        with pytest.raises(SystemExit) as exited:
            main([*command, "--out", "never-written/", "--workers", "0"])
        assert exited.value.code == 2
        assert ("argument --workers: at least 1, not 0 (leave --workers out for one per "
                "core)") in capsys.readouterr().err
    assert not Path("never-written").exists()
