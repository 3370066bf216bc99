"""Canonical JSON, fingerprints, atomic writes and verification."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medeval.errors import ResultError
from medeval.result import (
    InputRecord,
    MetricRecord,
    Result,
    canonical_json,
    read_result,
    verify_result,
    write_result,
)
from medeval.stats import Estimate


def make_result(**overrides):
    fields = dict(
        task="binary-classification",
        mode="pre-check",
        inputs=(InputRecord("reference", "ref.csv", "ab" * 32, 3),),
        parameters={"threshold": 0.5, "confidence": 0.95},
        metrics=(
            MetricRecord("sensitivity", "sensitivity",
                         Estimate(2 / 3, 0.2, 0.9, "wilson", 0.95, 3, 2), True),
            MetricRecord("auc", "roc_auc",
                         Estimate(math.nan, math.nan, math.nan, "delong", 0.95, 3), True),
        ),
        tables={"confusion": {"tp": 2, "fn": 1}},
        case_columns=("case_id", "label", "score"),
        cases=({"case_id": "b", "label": 1, "score": 0.1},
               {"case_id": "a", "label": 0, "score": float("inf")}),
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
    assert json.loads(a.to_json())["cases"] == [["a", 0, "Infinity"], ["b", 1, 0.1]]


def test_context_changes_the_file_but_not_the_fingerprint(tmp_path):
    a = make_result(context={"started": "2026-11-27T10:00:00Z", "host": "lab-1"})
    b = make_result(context={"started": "2026-11-28T09:00:00Z", "host": "lab-2"})
    assert a.fingerprint == b.fingerprint
    assert a.to_json() != b.to_json()
    path = write_result(a, tmp_path / "result.json")
    path.write_text(path.read_text().replace("2026-11-27", "2026-11-29"))
    with pytest.raises(ResultError, match="differs from the recorded"):
        verify_result(path)  # a changed date is detected by the file hash


def test_fingerprint_changes_with_any_number():
    changed = make_result(parameters={"threshold": 0.5000001, "confidence": 0.95})
    assert changed.fingerprint != make_result().fingerprint


def test_write_then_verify_with_sha256sum(tmp_path):
    path = write_result(make_result(), tmp_path / "out" / "result.json")
    assert verify_result(path) == make_result().fingerprint
    assert (tmp_path / "out" / "result.cases.csv").read_text() == (
        "case_id,label,score\na,0,Infinity\nb,1,0.1\n"
    )
    # The .sha256 file is in sha256sum's format: the coreutils tool checks it.
    done = subprocess.run(["sha256sum", "-c", "result.json.sha256"], cwd=path.parent,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert read_result(path)["metrics"]["sensitivity"]["numerator"] == 2
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
