"""Subgroups as a reviewer checks them: which case counted in which subgroup (the result's
per-case rows carry each subgroup column's value as the manifest has it), each
subgroup's cases analysed, patients and failed cases, and the order the values are
listed in (numbers as numbers, else the manifest's order, never sorted as text: "10"
came before "9"). Every figure is checked against scikit-learn's confusion matrix and
statsmodels' Wilson interval on the same cases, counts by hand (pandas)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix
from statsmodels.stats.proportion import proportion_confint

import medeval
from medeval._canonical import canonical_json
from medeval.result import Result, metrics_table, read_result, verify_result, write_result

SITES = ("서울", "부산", "대구")  # the manifest lists them in this order
AGES = ("≥65", "<50", "50-64")


def _study(root: Path) -> pd.DataFrame:
    """40 cases of 20 patients over 3 sites, 3 age bands and devices "9", "10", "11";
    one case of site 광주 alone; 3 cases of device "12" and C005, C017 without output."""
    rows = []
    for i in range(40):
        rows.append({"case_id": f"C{i:03d}", "patient_id": f"P{i // 2:02d}",
                     "input": f"in/C{i:03d}.json", "reference": str((i * 7) % 3 % 2),
                     "site": SITES[(i // 2) % 3], "age_band": AGES[(i // 4) % 3],
                     "device": ("9", "10", "11")[(i // 3) % 3]})
    rows.append({"case_id": "C100", "patient_id": "P99", "input": "in/C100.json",
                 "reference": "1", "site": "광주", "age_band": "<50", "device": "9"})
    rows += [{"case_id": f"C2{j:02d}", "patient_id": f"P8{j}", "input": f"in/C2{j:02d}.json",
              "reference": str(j % 2), "site": "서울", "age_band": "50-64", "device": "12"}
             for j in range(3)]
    table = pd.DataFrame(rows)
    table.to_csv(root / "manifest.csv", index=False)
    (root / "in").mkdir()
    (root / "pred").mkdir()
    for k, row in enumerate(rows):
        (root / row["input"]).write_text("{}")
        if row["device"] == "12" or row["case_id"] in ("C005", "C017"):
            continue  # failed: missing output
        score = (0.3 + 0.5 * int(row["reference"]) + 0.3 * ((k * 5) % 4 == 0)) % 1.0
        (root / "pred" / f"{row['case_id']}.json").write_text(json.dumps({"score": score}))
    (root / "protocol.toml").write_text("""
[test]
id = "T-SUB"
title = "subgroups"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "A"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "made up"
[task]
type = "binary-classification"
threshold = 0.5
[statistics]
seed = 1
resampling_unit = "case"
n_resamples = 200
[subgroups]
columns = ["site", "age_band", "device"]
[failures]
policy = "exclude"
[[criteria]]
metric = "sensitivity"
goal = 0.5
source = "test"
""", encoding="utf-8")
    table["failed"] = [r["device"] == "12" or r["case_id"] in ("C005", "C017") for r in rows]
    return table


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, Result]:
    root = tmp_path_factory.mktemp("subgroups")
    table = _study(root)
    return root, table, medeval.evaluate(root / "protocol.toml", root / "pred")


def test_each_subgroup_is_counted_and_its_figures_are_sklearns(evaluated):
    root, table, result = evaluated
    scores = {p.stem: json.loads(p.read_text())["score"] for p in (root / "pred").iterdir()}
    for group in result.subgroups:
        members = table[table[group.column] == group.value]
        analysed = members[~members["failed"]]
        assert (group.n_cases, group.n_patients, group.n_failed) == (
            len(analysed), analysed["patient_id"].nunique(), int(members["failed"].sum()))
        if analysed.empty:
            continue  # device 12: every case failed
        y_true = analysed["reference"].astype(int).to_numpy()
        y_pred = [int(scores[c] >= 0.5) for c in analysed["case_id"]]
        tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
        figures = {m.name: m.estimate for m in group.metrics}
        for name, k, n in (("sensitivity", tp, tp + fn), ("specificity", tn, tn + fp)):
            estimate = figures[name]
            assert (estimate.numerator, estimate.n) == (k, n), (group.value, name)
            if n:
                low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
                assert estimate.low == pytest.approx(low, abs=1e-12)
                assert estimate.high == pytest.approx(high, abs=1e-12)


def test_values_in_the_manifests_order_or_as_numbers(evaluated):
    _, _, result = evaluated
    order = [(g.column, g.value) for g in result.subgroups]
    # the protocol's column order; sites and age bands as the manifest first lists them
    # (광주 last: its one case is at the end); devices as numbers (as text "10" < "9")
    assert order == [("site", v) for v in ("서울", "부산", "대구", "광주")] + [
        ("age_band", v) for v in AGES] + [("device", v) for v in ("9", "10", "11", "12")]


def test_the_cases_csv_says_which_subgroup_counted_a_case(evaluated, tmp_path):
    _, table, result = evaluated
    path = write_result(result, tmp_path / "result.json")
    with open(tmp_path / "result.cases.csv", encoding="utf-8", newline="") as handle:
        rows = {r["case_id"]: r for r in csv.DictReader(handle)}
    assert len(rows) == len(table)
    for _, case in table.iterrows():
        row = rows[case["case_id"]]
        assert [row[f"subgroup:{c}"] for c in ("site", "age_band", "device")] == [
            case["site"], case["age_band"], case["device"]]
        assert row["status"] == ("failed" if case["failed"] else "ok")
    # read back: the values stay text ("10" not 10.0), the order is kept, and it verifies
    again = read_result(path)
    assert again.to_json() == result.to_json()  # (NaN figures: not ==)
    assert [g.value for g in again.subgroups if g.column == "device"] == ["9", "10", "11", "12"]
    verify_result(path)


def test_a_result_without_the_counts_still_reads(evaluated):
    """A result made before the counts and order were recorded: read as it was."""
    _, _, result = evaluated
    data = json.loads(result.to_json())
    for groups in data["subgroups"].values():
        for group in groups.values():
            for key in ("n_patients", "n_failed", "position"):
                del group[key]
    old = Result.from_dict(data)
    assert all(g.n_patients is None and g.position is None for g in old.subgroups)
    # in the JSON's order (its keys sorted), as before
    assert [g.value for g in old.subgroups if g.column == "device"] == ["10", "11", "12", "9"]
    assert json.loads(old.to_json())["subgroups"] == data["subgroups"]


def _with_order(root: Path, order: str) -> Path:
    text = (root / "protocol.toml").read_text(encoding="utf-8")
    path = root / "ordered.toml"
    path.write_text(text.replace('columns = ["site", "age_band", "device"]',
                                 f'columns = ["site", "age_band", "device"]\norder = {order}'),
                    encoding="utf-8")
    return path


def test_the_protocols_declared_order_comes_first(evaluated):
    root, _, result = evaluated
    again = medeval.evaluate(_with_order(root, '{ age_band = ["<50", "50-64", "≥65"], '
                                               'site = ["광주"] }'), root / "pred")
    assert [(g.column, g.value) for g in again.subgroups] == [
        ("site", v) for v in ("광주", "서울", "부산", "대구")] + [
        ("age_band", v) for v in ("<50", "50-64", "≥65")] + [
        ("device", v) for v in ("9", "10", "11", "12")]
    # the same figures, in another order (compared as the JSON writes them: NaN != NaN)
    def figures(res: Result) -> dict[tuple[str, str], bytes]:
        return {(g.column, g.value): canonical_json(metrics_table(g.metrics))
                for g in res.subgroups}

    assert figures(again) == figures(result)


def test_an_order_the_manifest_does_not_hold_is_refused(evaluated):
    from medeval.protocol import ProtocolError, load_protocol

    root, _, _ = evaluated
    with pytest.raises(ProtocolError) as caught:
        load_protocol(_with_order(root, '{ age_band = ["<50", "<50", "≥ 65"], sex = ["F"] }'))
    assert set(caught.value.problems) == {
        "subgroups.order: 'sex' is not one of subgroups.columns ('site', 'age_band', "
        "'device'); list it there too or leave its order out",
        "subgroups.order.age_band: '<50' is listed 2 times",
        "subgroups.order.age_band: '≥ 65' is not a value of the column in the manifest "
        "manifest.csv (its values: '≥65', '<50', '50-64')"}
