"""Canonical JSON, fingerprints, atomic writes and verification."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medeval import __version__
from medeval.decision import Verdict
from medeval.errors import ResultError
from medeval.result import (
    AlgorithmSection,
    Alternative,
    Context,
    Criterion,
    DatasetSection,
    FailedCase,
    Failures,
    Flow,
    InputRecord,
    MetricRecord,
    Parameters,
    Party,
    ProtocolSection,
    Result,
    StatisticsSection,
    Subgroup,
    canonical_json,
    read_result,
    verify_result,
    write_result,
)
from medeval.stats import Estimate


def make_result(**overrides):
    """A hand-built result with every section, NaN and infinity among its numbers."""
    sens = MetricRecord("sensitivity", "sensitivity",
                        Estimate(2 / 3, 0.2, 0.9, "wilson", 0.95, 3, 2), True)
    auc = MetricRecord("auc", "roc_auc",
                       Estimate(math.nan, math.nan, math.nan, "delong", 0.95, 3,
                                note="one class only"), True)
    fields = dict(
        task="binary-classification",
        mode="pre-check",
        inputs=(InputRecord("reference", "ref.csv", "ab" * 32, 3),),
        parameters=Parameters(
            task={"type": "binary-classification", "threshold": 0.5},
            statistics=StatisticsSection(0.95, "wilson", "delong", "percentile", 200,
                                         "case", 1),
            failures={"policy": "worst-case"}, medeval="test"),
        protocol=ProtocolSection("T-1", "a test", "1", "cd" * 32, Party("Lab", "Seoul"),
                                 Party("Customer"),
                                 (Criterion("sensitivity", 0.5, "guarded", "a paper"),)),
        dataset=DatasetSection("manifest.csv", "ef" * 32, 3, 2, "all cases"),
        algorithm=AlgorithmSection("algo", "1.0", None, "a.py:A", None, "runner",
                                   {"isolation": "bubblewrap"}),
        flow=Flow(3, 2, 1, 3),
        failures=Failures("worst-case", 1, {"timeout": 1},
                          (FailedCase("c", "timeout", "60 s"),),
                          Alternative("exclude", 2, (sens,))),
        metrics=(sens, auc),
        tables={"confusion": {"tp": 2, "fn": 1}, "curve": [0.5, math.inf, -math.inf]},
        subgroups=(Subgroup("site", "A", 2, (sens,)), Subgroup("site", "B", 1, (auc,))),
        verdicts=(Verdict("sensitivity", 0.5, "guarded", "INCONCLUSIVE", "goal inside"),),
        overall="INCONCLUSIVE",
        case_columns=("case_id", "patient_id", "status", "reason", "label", "score"),
        cases=({"case_id": "b", "patient_id": "p1", "status": "ok", "reason": None,
                "label": 1, "score": 0.1},
               {"case_id": "a", "patient_id": "p1", "status": "ok", "reason": None,
                "label": 0, "score": float("inf")},
               {"case_id": "c", "patient_id": "p2", "status": "failed", "reason": "timeout",
                "label": 0, "score": math.nan}),
        software={"medeval": "test"},
    )
    fields.update(overrides)
    return Result(**fields)


SCALARS = (st.none() | st.booleans() | st.integers()
           | st.floats(allow_nan=False, allow_infinity=False) | st.text())


@given(st.lists(SCALARS, min_size=1))
def test_canonical_scalars_are_written_as_json_dumps_writes_them(values):
    # The reference is the standard library: json.dumps of each scalar, text for text
    # (float repr, big integers, escapes of control characters, non-ASCII kept).
    expected = ", ".join(json.dumps(v, ensure_ascii=False, allow_nan=False) for v in values)
    assert canonical_json(values).decode("utf-8") == f"[{expected}]\n"


@given(st.recursive(SCALARS, lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=5), children, max_size=4),
                    max_leaves=20))
def test_canonical_json_reads_back_to_the_same_data(data):
    assert json.loads(canonical_json(data)) == data


def test_canonical_json_is_sorted_exact_and_names_non_finite():
    data = json.loads(canonical_json({"z": 0.1 + 0.2, "a": [math.nan, -math.inf]}))
    assert list(data) == ["a", "z"]
    assert data["z"] == 0.30000000000000004  # the exact double, not a rounded text
    assert data["a"] == ["NaN", "-Infinity"]


def test_cases_sorted_and_bytes_stable():
    a = make_result()
    b = make_result(cases=tuple(reversed(make_result().cases)))
    assert a.to_json() == b.to_json()
    # The content fingerprint is the hash of the canonical JSON without "context".
    content = {k: v for k, v in json.loads(a.to_json()).items() if k != "context"}
    assert a.fingerprint == hashlib.sha256(canonical_json(content)).hexdigest()
    assert json.loads(a.to_json())["cases"] == [["a", "p1", "ok", None, 0, "Infinity"],
                                                ["b", "p1", "ok", None, 1, 0.1],
                                                ["c", "p2", "failed", "timeout", 0, "NaN"]]


def test_context_changes_the_file_but_not_the_fingerprint(tmp_path):
    a = make_result(context=Context(started="2026-11-27T10:00:00Z", host="lab-1"))
    b = make_result(context=Context(started="2026-11-28T09:00:00Z", host="lab-2"))
    assert a.fingerprint == b.fingerprint
    assert a.to_json() != b.to_json()
    path = write_result(a, tmp_path / "result.json")
    path.write_text(path.read_text().replace("2026-11-27", "2026-11-29"))
    with pytest.raises(ResultError, match="differs from the recorded"):
        verify_result(path)  # a changed date is detected by the file hash


def test_fingerprint_changes_with_any_number():
    original = make_result().parameters
    changed = make_result(parameters=Parameters(
        {**original.task, "threshold": 0.5000001}, original.statistics, original.failures,
        original.medeval))
    assert changed.fingerprint != make_result().fingerprint


def test_write_then_verify_with_sha256sum(tmp_path):
    path = write_result(make_result(), tmp_path / "out" / "result.json")
    assert verify_result(path) == make_result().fingerprint
    assert (tmp_path / "out" / "result.cases.csv").read_text() == (
        "case_id,patient_id,status,reason,label,score\na,p1,ok,,0,Infinity\n"
        "b,p1,ok,,1,0.1\nc,p2,failed,timeout,0,NaN\n"
    )
    # The .sha256 file is in sha256sum's format: the coreutils tool checks it.
    done = subprocess.run(["sha256sum", "-c", "result.json.sha256"], cwd=path.parent,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert read_result(path).metric("sensitivity").estimate.numerator == 2
    assert not list(path.parent.glob(".*"))  # no temporary file left behind


def test_tampering_is_detected(tmp_path):
    path = write_result(make_result(), tmp_path / "result.json")
    text = path.read_text().replace('"threshold": 0.5', '"threshold": 0.4')
    path.write_text(text)
    with pytest.raises(ResultError, match="differs from the recorded"):
        verify_result(path)


def test_edited_csv_is_detected(tmp_path):
    path = write_result(make_result(), tmp_path / "result.json")
    csv_path = tmp_path / "result.cases.csv"
    csv_path.write_text(csv_path.read_text().replace("0.1", "0.2"))
    with pytest.raises(ResultError, match="result.cases.csv"):
        verify_result(path)


def test_non_canonical_json_is_detected(tmp_path):
    path = write_result(make_result(), tmp_path / "result.json")
    path.write_text(json.dumps(json.loads(path.read_text())))
    with pytest.raises(ResultError, match="canonical"):
        verify_result(path)


def test_missing_fingerprint_file(tmp_path):
    path = write_result(make_result(), tmp_path / "result.json")
    (tmp_path / "result.json.sha256").unlink()
    with pytest.raises(ResultError, match="fingerprint file"):
        verify_result(path)


@pytest.mark.parametrize("content", [b"{not json", b'{"schema": "other"}'])
def test_read_rejects_non_results(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(ResultError):
        read_result(path)


def test_metric_lookup():
    r = make_result()
    assert r.metric("sensitivity").estimate.numerator == 2
    with pytest.raises(KeyError, match="sensitivity"):
        r.metric("f1")


# ------------------------------------------------------------------ the typed result


def test_from_json_gives_the_same_bytes_and_typed_numbers():
    original = make_result(context=Context(started="2026-12-03T10:00:00+00:00", cpu_count=2))
    payload = original.to_json()
    back = Result.from_json(payload)
    assert back.to_json() == payload
    # Non-finite numbers are floats in the model, strings only in the JSON.
    assert math.isinf(back.cases[0]["score"]) and math.isnan(back.cases[2]["score"])
    assert back.tables["curve"][1:] == [math.inf, -math.inf]
    assert math.isnan(back.metric("auc").estimate.value)
    assert back.metric("auc").estimate.note == "one class only"
    # Every section is a record, read back field for field.
    assert back.protocol == original.protocol and back.dataset == original.dataset
    assert back.failures.alternative.metrics[0] == original.metric("sensitivity")
    assert back.subgroups[0] == original.subgroups[0] and back.verdicts == original.verdicts
    assert back.context == original.context and back.fingerprint == original.fingerprint
    assert back.confidence == 0.95


def test_the_records_are_frozen():
    result = make_result()
    for record in (result, result.protocol, result.flow, result.metrics[0].estimate):
        with pytest.raises(AttributeError):
            record.__setattr__("task" if record is result else "id", "x")


def test_verify_refuses_fields_the_model_does_not_know(tmp_path):
    path = write_result(make_result(), tmp_path / "result.json")
    data = json.loads(path.read_bytes())
    data["dataset"]["operator"] = "someone"
    payload = canonical_json(data)
    path.write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    (tmp_path / "result.json.sha256").write_text(
        (tmp_path / "result.json.sha256").read_text().splitlines()[1] + "\n"
        + f"{digest}  result.json\n")
    with pytest.raises(ResultError, match="does not\\s+know|lacks"):
        verify_result(path)


def test_a_missing_result_says_no_such_file(tmp_path):
    with pytest.raises(ResultError, match="no such file"):
        read_result(tmp_path / "missing.json")


# ------------------------------------------------------- results written by medeval 0.1

OLD = Path(__file__).parent / "data" / "results-0.1"


def _raw(name):
    return json.loads((OLD / f"{name}.json").read_bytes())


def test_an_old_protocol_result_is_read_with_its_fingerprint():
    raw = _raw("v1-protocol")
    result = read_result(OLD / "v1-protocol.json")
    # Its certificate carries the fingerprint of the file as written: sha256 of the
    # canonical JSON without "context" (recomputed here with hashlib alone).
    content = {k: v for k, v in raw.items() if k != "context"}
    assert result.fingerprint == hashlib.sha256(canonical_json(content)).hexdigest()
    assert verify_result(OLD / "v1-protocol.json") == result.fingerprint
    assert result.overall == raw["overall"] == "INCONCLUSIVE"
    assert result.flow.failed == raw["flow"]["failed"] == 2
    assert {m.name for m in result.metrics} == set(raw["metrics"])
    for m in result.metrics:
        for key in ("value", "low", "high"):
            number = raw["metrics"][m.name][key]
            assert (math.isnan(getattr(m.estimate, key)) if number == "NaN"
                    else getattr(m.estimate, key) == number)
    assert [(g.column, g.value, g.n_cases) for g in result.subgroups] == [
        ("site", value, group["n_cases"]) for value, group in raw["subgroups"]["site"].items()]
    assert result.confidence == raw["parameters"]["statistics"]["confidence"]
    # Converted to this layout, it reads back to the same bytes.
    assert Result.from_json(result.to_json()).to_json() == result.to_json()


def test_an_old_two_table_result_is_read_into_the_one_layout():
    raw = _raw("v1-tables")
    result = read_result(OLD / "v1-tables.json")
    assert result.overall is None and result.verdicts == ()
    assert result.confidence == raw["parameters"]["confidence"]
    assert result.parameters.statistics.seed == raw["parameters"]["bootstrap"]["seed"] == 3
    assert result.parameters.statistics.resampling_unit == "patient"
    assert result.tables["confusion_matrix"] == raw["tables"]["confusion_matrix"]
    assert result.dataset.n_cases == raw["tables"]["n_cases"] == 40
    assert result.dataset.n_patients == raw["tables"]["n_patients"] == 20
    raw_rows = {row[0]: dict(zip(raw["case_columns"], row)) for row in raw["cases"]}
    for case in result.cases:
        old = raw_rows[case["case_id"]]
        assert (case["patient_id"], case["score"], case["outcome"]) == (
            old["patient_id"], old["score"], old["outcome"])
    assert result.metric("sensitivity").estimate.numerator == \
        raw["metrics"]["sensitivity"]["numerator"]
    assert result.algorithm.predictions == "supplied-table" and result.precheck


def test_a_result_named_in_hangul_is_written_and_checked_by_sha256sum(tmp_path: Path) -> None:
    # Found in the review of the lifecycle-pass: write_result('결과.json') wrote the JSON
    # and the CSV, then stopped with "'ascii' codec can't encode characters" writing the
    # .sha256 file, and verify said the fingerprint file was missing. The names are now
    # written as the file system holds them (UTF-8), as GNU sha256sum -c reads them.
    import shutil

    target = write_result(make_result(), tmp_path / "결과.json")
    verify_result(target)
    csv_path = tmp_path / "결과.cases.csv"
    assert (tmp_path / "결과.json.sha256").read_bytes() == (
        f"{hashlib.sha256(target.read_bytes()).hexdigest()}  결과.json\n"
        f"{hashlib.sha256(csv_path.read_bytes()).hexdigest()}  결과.cases.csv\n"
    ).encode()
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "-c", "결과.json.sha256"], cwd=tmp_path,
                              capture_output=True, text=True)
        assert (done.returncode, done.stdout) == (0, "결과.json: OK\n결과.cases.csv: OK\n")


def _forged(path: Path, edit) -> None:
    """Edit a written result as a forger would: the JSON changed and written again in
    canonical form, its .sha256 file rewritten with hashlib (as sha256sum writes it)."""
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_bytes(canonical_json(data))
    csv_path = path.with_name(path.name.replace(".json", ".cases.csv"))
    path.with_name(path.name + ".sha256").write_text(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        f"{hashlib.sha256(csv_path.read_bytes()).hexdigest()}  {csv_path.name}\n")


@pytest.mark.parametrize("made_by", ["0.12.0", "0.11.0"])
def test_verdicts_edited_and_hashed_again_are_detected(tmp_path: Path, made_by: str) -> None:
    # Found in the new-tester pass: a result whose "overall" was edited to PASS (its
    # verdict still INCONCLUSIVE) and its .sha256 written again verified, and its
    # certificate printed PASS. By hand: sensitivity 2/3 with the interval [0.2, 0.9]
    # against the goal 0.5 under the guarded rule: the interval holds the goal, so the
    # verdict is INCONCLUSIVE, and with one criterion so is the whole test.
    from dataclasses import replace

    from medeval.decision import judge

    base = make_result()
    base = replace(base, parameters=replace(base.parameters, medeval=made_by),
                   verdicts=judge(base.protocol.criteria, base.metrics))
    assert [v.outcome for v in base.verdicts] == ["INCONCLUSIVE"]
    path = write_result(base, tmp_path / "result.json")
    verify_result(path)

    def overall_only(data):
        data["overall"] = "PASS"

    _forged(path, overall_only)
    with pytest.raises(ResultError, match="its overall outcome is PASS, but its verdicts "
                                          "give INCONCLUSIVE"):
        verify_result(path)

    def verdict_too(data):
        data["overall"] = "PASS"
        data["verdicts"][0]["outcome"] = "PASS"

    write_result(base, path)
    _forged(path, verdict_too)
    if made_by == "0.11.0":  # its reasons were worded otherwise: not judged again
        verify_result(path)
        return
    with pytest.raises(ResultError, match=r"the verdict on sensitivity is PASS \(.*\), but "
                                          r"its figure judged again by the rule gives "
                                          r"INCONCLUSIVE"):
        verify_result(path)


@pytest.mark.parametrize("made_by", [__version__, "0.12.1"])
def test_a_reason_worded_otherwise_is_checked_only_for_this_release(tmp_path: Path,
                                                                   made_by: str) -> None:
    # the review of 3a4a3264: a verdict's reason was compared with this release's wording
    # for every release after 0.11.0, so that a later release wording a reason otherwise
    # would refuse genuine results of this one. The outcome is the rule's for any release;
    # the reason is checked where this release made the result
    from dataclasses import replace

    from medeval.decision import judge

    base = make_result()
    base = replace(base, parameters=replace(base.parameters, medeval=made_by),
                   verdicts=judge(base.protocol.criteria, base.metrics))
    path = write_result(base, tmp_path / "result.json")

    def reworded(data):
        data["verdicts"][0]["reason"] = "worded by another release"

    _forged(path, reworded)
    if made_by != __version__:
        verify_result(path)
        return
    with pytest.raises(ResultError, match=r"the verdict on sensitivity is INCONCLUSIVE "
                                          r"\(worded by another release\)"):
        verify_result(path)
