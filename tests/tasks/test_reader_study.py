"""The reader-study task: protocol -> readings -> MRMC analysis -> result -> certificate.

Checked against things the task did not compute:

- Van Dyke et al. (1995) read in place from ../shared/data/tables (GPL-3, not copied):
  the treatment difference, its RRRC interval, F, ddf and p that the Iowa OR-DBM MRMC
  program 2.51 prints in ``inst/Iowa/VanDyke.txt`` (as kept in github:dpc10ster/RJafroc,
  commit 44b0e39e; the citation of tests/stats/test_mrmc.py): trt1 - trt2 = -0.04380032,
  95% CI (-0.08796, 0.00036), F = 4.46 on 1 and 15.26 df, p = 0.0517; FRRC chi-square
  5.47595, p = 0.0193; RRFC F = 8.70 on 1 and 4 df, p = 0.0420;
- each reader's AUC against scikit-learn's ``roc_auc_score``;
- the guarded decision rule worked here from the interval's bounds;

and every figure of the evaluation equals :func:`medeval.stats.mrmc` called directly on
the same table (all cases and each subgroup).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from medeval import evaluate
from medeval.errors import InvalidInputError
from medeval.protocol import ProtocolError
from medeval.reader_study_table import ReaderStudyTable
from medeval.result import Result, read_result, write_result
from medeval.stats import mrmc


def printed(actual: float, text: str) -> None:
    """``actual`` equals the printed ``text`` to the printed number of decimals."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(actual - float(text)) <= 0.5 * 10.0**-decimals + 1e-12, (actual, text)


def simulate(seed: int, *, readers: int = 4, cases: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A binormal reader study with reader and case effects (Roe & Metz 1997 in spirit):
    ``x = d (mu + delta_t + r_j) + c_k + e``, rounded to a 0-100 scale (ties happen).
    Returns the manifest rows and the readings."""
    rng = np.random.default_rng(seed)
    truth = np.zeros(cases, dtype=int)
    truth[rng.permutation(cases)[: cases * 2 // 5]] = 1
    case_effect = rng.normal(0, 0.6, cases)
    reader_effect = rng.normal(0, 0.3, readers)
    rows = []
    for t, shift in (("without AI", 0.0), ("with AI", 0.35)):
        for j in range(readers):
            x = truth * (1.2 + shift + reader_effect[j]) + case_effect + rng.normal(0, 1, cases)
            rating = np.clip(np.round(50 + 15 * x), 0, 100).astype(int)
            rows += [(f"R{j + 1}", t, f"RS-{k + 1:03d}", int(rating[k])) for k in range(cases)]
    readings = pd.DataFrame(rows, columns=["reader", "treatment", "case", "rating"])
    manifest = pd.DataFrame({
        "case_id": [f"RS-{k + 1:03d}" for k in range(cases)],
        "patient_id": [f"P{k + 1:03d}" for k in range(cases)],
        "input": [f"images/RS-{k + 1:03d}.txt" for k in range(cases)],
        "reference": np.where(truth == 1, "malignant", "benign"),
        "density": np.where(np.arange(cases) % 3 == 0, "dense", "fatty"),
    })
    return manifest, readings


PROTOCOL = """\
[test]
id = "RS-TEST"
title = "Reader study"
mode = "{mode}"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "CADx"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "simulated"
[task]
type = "reader-study"
readings = "readings.csv"
test_treatment = "{test}"
reference_treatment = "{reference}"
positive_label = "{positive}"
negative_label = "{negative}"
{task_extra}
[statistics]
seed = 1
[subgroups]
columns = [{subgroups}]
[[criteria]]
metric = "auc_difference"
goal = {goal}
source = "study plan"
"""


def write_study(folder: Path, manifest: pd.DataFrame, readings: pd.DataFrame, *,
                test: str = "with AI", reference: str = "without AI",
                comparison: str = "non-inferiority", margin: float | None = 0.05,
                goal: float | None = None, subgroups: str = '"density"',
                positive: str = "malignant", negative: str = "benign",
                mode: str = "pre-check", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in manifest["input"]:
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(path, encoding="utf-8")
    manifest.to_csv(folder / "manifest.csv", index=False)
    readings.to_csv(folder / "readings.csv", index=False)
    task_extra = f'comparison = "{comparison}"\n'
    if margin is not None:
        task_extra += f"margin = {margin}\n"
    task_extra += extra
    if goal is None:
        goal = -margin if margin is not None else 0.0
    text = PROTOCOL.format(mode=mode, test=test, reference=reference, positive=positive,
                           negative=negative, task_extra=task_extra, goal=goal,
                           subgroups=subgroups)
    (folder / "protocol.toml").write_text(text, encoding="utf-8")
    return folder / "protocol.toml"


def mrmc_table(manifest: pd.DataFrame, readings: pd.DataFrame,
               positive: str = "malignant") -> pd.DataFrame:
    truth = dict(zip(manifest["case_id"], (manifest["reference"] == positive).astype(int)))
    return readings.assign(truth=readings["case"].map(truth))


@pytest.fixture(scope="module")
def study():
    return simulate(7)


@pytest.fixture(scope="module")
def evaluated(study, tmp_path_factory) -> Result:
    manifest, readings = study
    protocol = write_study(tmp_path_factory.mktemp("study"), manifest, readings)
    return evaluate(protocol)


@pytest.fixture(scope="module")
def vandyke_study(shared_data, tmp_path_factory):
    """Van Dyke's table as a manifest and a readings file (treatments "1", "2")."""
    table = pd.read_csv(shared_data / "tables" / "vandyke.csv")
    cases = table.drop_duplicates("case").sort_values("case")
    manifest = pd.DataFrame({
        "case_id": [f"C{c:03d}" for c in cases["case"]],
        "patient_id": [f"P{c:03d}" for c in cases["case"]],
        "input": [f"images/C{c:03d}.txt" for c in cases["case"]],
        "reference": cases["truth"].to_numpy(),
        "half": np.where(cases["case"].to_numpy() % 2 == 0, "even", "odd"),
    })
    readings = pd.DataFrame({"reader": table["reader"].astype(str),
                             "treatment": table["treatment"].astype(str),
                             "case": [f"C{c:03d}" for c in table["case"]],
                             "rating": table["rating"]})
    return manifest, readings, tmp_path_factory.mktemp("vandyke")


# ---------------------------------------------------------------- against the peers


def test_van_dyke_matches_the_iowa_program(vandyke_study):
    manifest, readings, folder = vandyke_study
    protocol = write_study(folder / "a", manifest, readings, test="1", reference="2",
                           comparison="superiority", margin=None, positive="1",
                           negative="0", subgroups="")
    result = evaluate(protocol)
    difference = result.metric("auc_difference").estimate
    printed(difference.value, "-0.04380032")
    printed(difference.low, "-0.08796")
    printed(difference.high, "0.00036")
    assert difference.method == "or-rrrc-jackknife"
    printed(result.metric("test_auc").estimate.value, "0.89703704")
    printed(result.metric("reference_auc").estimate.value, "0.94083736")
    study = ReaderStudyTable.from_tables(result.tables)
    assert study is not None
    rrrc, frrc, rrfc = (study.test(s) for s in ("RRRC", "FRRC", "RRFC"))
    printed(rrrc.statistic, "4.46")
    printed(rrrc.df_den, "15.26")
    printed(rrrc.p_value, "0.0517")
    printed(frrc.statistic, "5.47595")
    printed(frrc.p_value, "0.0193")
    printed(rrfc.statistic, "8.70")
    printed(rrfc.p_value, "0.0420")
    printed(dict(study.components)["var_r"], "0.00153500")
    printed(dict(study.components)["var_tr"], "0.00020040")
    # superiority of "1" over "2" is not shown (upper bound 0.00036 >= 0 > lower bound)
    assert [v.outcome for v in result.verdicts] == ["INCONCLUSIVE"]


def test_van_dyke_the_other_way_round(vandyke_study):
    # treatment 2 as the test: the difference and its interval mirrored, same p
    manifest, readings, folder = vandyke_study
    protocol = write_study(folder / "b", manifest, readings, test="2", reference="1",
                           comparison="superiority", margin=None, positive="1",
                           negative="0", subgroups="")
    result = evaluate(protocol)
    difference = result.metric("auc_difference").estimate
    printed(difference.value, "0.04380032")
    printed(difference.low, "-0.00036")
    printed(difference.high, "0.08796")
    study = ReaderStudyTable.from_tables(result.tables)
    assert study is not None
    printed(study.test("RRRC").p_value, "0.0517")
    printed(study.test("FRRC").difference.low, "0.00711")
    printed(study.test("FRRC").difference.high, "0.08049")
    # FRRC's interval excludes 0, RRRC's does not: the verdict follows the RRRC scope
    assert result.verdicts[0].outcome == "INCONCLUSIVE"


def test_reader_aucs_match_sklearn(evaluated, study):
    manifest, readings = study
    table = mrmc_table(manifest, readings)
    study_table = ReaderStudyTable.from_tables(evaluated.tables)
    assert study_table is not None
    assert [r.reader for r in study_table.readers] == ["R1", "R2", "R3", "R4"]
    for row in study_table.readers:
        for treatment, got in (("with AI", row.test), ("without AI", row.reference)):
            one = table[(table["reader"] == row.reader) & (table["treatment"] == treatment)]
            assert got == pytest.approx(roc_auc_score(one["truth"], one["rating"]), abs=1e-15)
    means = {t: np.mean([roc_auc_score(g["truth"], g["rating"])
                         for _, g in table[table["treatment"] == t].groupby("reader")])
             for t in ("with AI", "without AI")}
    assert evaluated.metric("test_auc").estimate.value == pytest.approx(means["with AI"])
    assert evaluated.metric("reference_auc").estimate.value == pytest.approx(
        means["without AI"])


# ------------------------------------------------- the same numbers as mrmc directly


def test_figures_equal_mrmc_called_directly(evaluated, study):
    manifest, readings = study
    direct = mrmc(mrmc_table(manifest, readings))
    assert direct.treatments == ("with AI", "without AI")
    comparison = direct.tests["RRRC"].comparisons[0]
    assert (comparison.first, comparison.second) == ("with AI", "without AI")
    assert evaluated.metric("auc_difference").estimate == comparison.difference
    intervals = direct.tests["RRRC"].treatment_intervals
    assert evaluated.metric("test_auc").estimate == intervals["with AI"].auc
    assert evaluated.metric("reference_auc").estimate == intervals["without AI"].auc
    table = ReaderStudyTable.from_tables(evaluated.tables)
    assert table is not None
    assert dict(table.components) == direct.variance_components.to_dict()
    assert [(a.source, a.ss, a.df, a.ms) for a in table.anova] == [
        (a.source, a.ss, a.df, a.ms) for a in direct.anova]
    for scope, found in direct.tests.items():
        mine = table.test(scope)
        assert (mine.statistic, mine.df_num, mine.df_den, mine.p_value, mine.distribution) \
            == (found.statistic, found.df_num, found.df_den, found.p_value,
                found.distribution)
        assert mine.difference == found.comparisons[0].difference
    # each subgroup is its own analysis of its cases
    for value in ("dense", "fatty"):
        cases = set(manifest.loc[manifest["density"] == value, "case_id"])
        sub = manifest[manifest["case_id"].isin(cases)]
        expected = mrmc(mrmc_table(sub, readings[readings["case"].isin(cases)]))
        (group,) = [g for g in evaluated.subgroups if g.value == value]
        assert group.n_cases == len(cases)
        got = {m.name: m.estimate for m in group.metrics}
        assert got["auc_difference"] == expected.tests["RRRC"].comparisons[0].difference


def test_dbm_and_delong_options_reach_the_analysis(study, tmp_path):
    manifest, readings = study
    table = mrmc_table(manifest, readings)
    for method, covariance in (("DBM", "jackknife"), ("OR", "delong"), ("OR", "unbiased")):
        protocol = write_study(tmp_path / f"{method}-{covariance}", manifest, readings,
                               subgroups="", extra=f'method = "{method}"\n'
                               f'covariance = "{covariance}"\n')
        result = evaluate(protocol)
        direct = mrmc(table, method=method, covariance=covariance)
        assert result.metric("auc_difference").estimate == \
            direct.tests["RRRC"].comparisons[0].difference
        study_table = ReaderStudyTable.from_tables(result.tables)
        assert study_table is not None and study_table.method == method
        assert dict(study_table.components) == direct.variance_components.to_dict()


def test_fixed_reader_scope_is_judged_when_asked(study, tmp_path):
    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings, subgroups="",
                           extra='scope = "FRRC"\n')
    result = evaluate(protocol)
    direct = mrmc(mrmc_table(manifest, readings))
    assert result.metric("auc_difference").estimate == \
        direct.tests["FRRC"].comparisons[0].difference


# ------------------------------------------------------------------ the decision


def guarded(low: float, high: float, goal: float) -> str:
    """ILAC-G8 guarded acceptance worked here (higher is better)."""
    return "PASS" if low >= goal else "FAIL" if high < goal else "INCONCLUSIVE"


@pytest.mark.parametrize(("comparison", "margin"), [("superiority", None),
                                                    ("non-inferiority", 0.05),
                                                    ("non-inferiority", 0.2)])
def test_the_comparison_is_judged_on_the_interval(study, tmp_path, comparison, margin):
    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings, comparison=comparison,
                           margin=margin, subgroups="")
    result = evaluate(protocol)
    d = result.metric("auc_difference").estimate
    goal = -margin if margin else 0.0
    (verdict,) = result.verdicts
    assert verdict.goal == goal
    assert verdict.outcome == guarded(d.low, d.high, goal)


def test_the_result_round_trips_and_names_the_readings(evaluated, tmp_path):
    path = write_result(evaluated, tmp_path / "result.json")
    payload = path.read_bytes()
    assert Result.from_json(payload).to_json() == payload
    again = read_result(path)
    assert ReaderStudyTable.from_tables(again.tables) == ReaderStudyTable.from_tables(
        evaluated.tables)
    roles = {i.role: i for i in evaluated.inputs}
    assert roles["readings"].source == "readings.csv" and roles["readings"].rows == 480
    assert evaluated.algorithm.predictions == "reader-study"
    assert evaluated.flow.registered == evaluated.flow.analysed == 60
    # the per-case table holds every rating: R1..R4 in both treatments
    # and, after them, each case's subgroup value (the protocol's [subgroups] density)
    assert evaluated.case_columns[4:] == (
        "reference", *(f"{t}:R{j}" for t in ("with AI", "without AI") for j in range(1, 5)),
        "subgroup:density")


def test_the_certificate_shows_the_tables(evaluated):
    from medeval.report.catalogue import texts
    from medeval.report.content import Fields, Para, Table, build_certificate

    certificate = build_certificate(evaluated)
    cells = []
    for section in certificate.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                cells += [t for row in (block.header, *block.rows) for c in row
                          for t in texts(c, "en")]
            elif isinstance(block, Para):
                cells += list(texts(block.text, "en"))
            elif isinstance(block, Fields):
                cells += [t for row in block.rows for c in row for t in texts(c, "en")]
    text = "\n".join(cells)
    table = ReaderStudyTable.from_tables(evaluated.tables)
    assert table is not None
    for reader in table.readers:
        assert reader.reader in cells and f"{reader.test:.4f}" in cells
    assert "Random readers, random cases (RRRC)" in cells
    assert f"{table.test('RRRC').p_value:.4f}" in cells
    assert "Obuchowski–Rockette (1995)" in text and "Hillis" in text
    assert "Var(T*R)" in cells and "Cov1" in cells
    # the method section names the MRMC analysis, not the unused AUC/bootstrap settings
    assert "Reader-study analysis" in cells
    assert not any(c.startswith("proportions: ") for c in cells)


def test_a_test_with_a_zero_error_term_is_said_to_be_no_evidence(study, tmp_path):
    # Found in the reader-study pass (hreader2): four copies of reader R1 (each reader's
    # AUCs R1's, by scikit-learn: every reader's difference the same, so MS(T*R) = 0)
    # printed RRFC as 'F ∞, p < 0.0001' with the interval of zero width, under no word:
    # a significant-looking test from the copies alone. A result made now says so under
    # the tests; one made by 0.11.0 re-renders as it was issued.
    import dataclasses

    from medeval.report.catalogue import texts
    from medeval.report.content import Para, build_certificate

    manifest, readings = study
    one = readings[readings["reader"] == "R1"]
    copies = pd.concat([one.assign(reader=f"R{k}") for k in range(1, 5)])
    truth = mrmc_table(manifest, one)
    aucs = {t: roc_auc_score(truth[truth["treatment"] == t]["truth"],
                             truth[truth["treatment"] == t]["rating"])
            for t in ("with AI", "without AI")}
    result = evaluate(write_study(tmp_path, manifest, copies, subgroups=""))
    table = ReaderStudyTable.from_tables(result.tables)
    assert table is not None
    assert all(r.test == pytest.approx(aucs["with AI"], abs=1e-15) for r in table.readers)
    assert math.isinf(table.test("RRFC").statistic)

    def notes(made: Result) -> list[str]:
        return [t for section in build_certificate(made).sections
                for block in section.blocks if isinstance(block, Para)
                for t in texts(block.text, "en") if t.startswith("∞")]

    assert notes(result) == [
        "∞: the error term of this scope is 0 in these readings (nothing varies to estimate "
        "it from, e.g. copies of one reader), so its statistic is infinite, its p-value 0 and "
        "its interval of zero width: they show no uncertainty, not certainty, and are no "
        "evidence of a difference."]
    issued = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    assert notes(issued) == []


def test_the_flow_of_cases_names_no_failure_policy_where_no_case_can_fail(evaluated):
    # Found in the reader-pass (pdftotext of a certificate): the flow of cases printed
    # "Analysed 80 | worst case" for a reader study, whose readings come with the protocol
    # so that no case can fail (its method section leaves the failure policy out). A
    # result made by 0.9.0 or before renders as issued.
    import dataclasses

    from medeval.report.catalogue import texts
    from medeval.report.content import Table, build_certificate

    def analysed(result: Result) -> tuple[str, ...]:
        rows = [row for section in build_certificate(result).sections
                for block in section.blocks if isinstance(block, Table)
                for row in block.rows if getattr(row[0], "key", "") == "flow.analysed"]
        assert len(rows) == 1
        return texts(rows[0][2], "ko+en") if rows[0][2] else ("", "")

    assert analysed(evaluated) == ("", "")
    old = dataclasses.replace(evaluated, parameters=dataclasses.replace(
        evaluated.parameters, medeval="0.9.0"))
    assert analysed(old) == ("최악의 결과", "worst case")


def test_the_certificate_lists_readers_by_their_numbers(tmp_path):
    # Eleven readers R1..R11: the AUC table reads R1, R2, ..., R9, R10, R11, then the
    # average (text order would put R10 and R11 after R1).
    from medeval.report.content import Table, build_certificate

    manifest, readings = simulate(3, readers=11, cases=40)
    result = evaluate(write_study(tmp_path, manifest, readings))
    tables = [block for section in build_certificate(result).sections
              for block in section.blocks if isinstance(block, Table)]
    first_cells = [[row[0] for row in table.rows] for table in tables]
    assert [f"R{j}" for j in range(1, 12)] in [cells[:11] for cells in first_cells]


# ------------------------------------------------------------------ bad input


def refused(folder: Path, manifest, readings, match: str, **options) -> None:
    protocol = write_study(folder, manifest, readings, **options)
    with pytest.raises(InvalidInputError, match=match) as caught:
        evaluate(protocol)
    assert "readings.csv" in str(caught.value)


def test_a_reader_missing_a_case_is_named(study, tmp_path):
    manifest, readings = study
    drop = (readings["reader"] == "R2") & (readings["treatment"] == "with AI") & (
        readings["case"] == "RS-007")
    refused(tmp_path, manifest, readings[~drop],
            r"not factorial.*reader 'R2' treatment 'with AI' case 'RS-007'")


def test_a_case_nobody_read_is_named(study, tmp_path):
    manifest, readings = study
    refused(tmp_path, manifest, readings[readings["case"] != "RS-009"],
            r"have no reading: RS-009")


def test_a_case_the_manifest_lacks_is_named(study, tmp_path):
    manifest, readings = study
    refused(tmp_path, manifest[manifest["case_id"] != "RS-010"], readings,
            r"not in the manifest: RS-010")


def test_a_case_with_two_truths_is_named(study, tmp_path):
    manifest, readings = study
    truth = mrmc_table(manifest, readings)["truth"]
    flip = (readings["case"] == "RS-004") & (readings["reader"] == "R3")
    line = int(np.flatnonzero(flip.to_numpy())[0]) + 2  # header on line 1
    label = manifest.set_index("case_id").loc["RS-004", "reference"]
    refused(tmp_path, manifest, readings.assign(truth=truth.where(~flip, 1 - truth)),
            rf"contradicts the manifest .* RS-004; e.g. line {line}: truth "
            rf"'{1 - int(label == 'malignant')}', the manifest's reference '{label}'")


@pytest.mark.parametrize("form", ["1.0/0.0", "labels"])
def test_a_truth_column_agreeing_in_another_form_is_accepted(study, tmp_path, form):
    # 1.0/0.0 (a spreadsheet's numbers) or the protocol's own labels agree with the
    # manifest; before, every case was 'contradicting the manifest'.
    manifest, readings = study
    truth = mrmc_table(manifest, readings)["truth"]
    written = (truth.map({1: "1.0", 0: "0.0"}) if form == "1.0/0.0"
               else truth.map({1: "malignant", 0: "benign"}))
    result = evaluate(write_study(tmp_path, manifest, readings.assign(truth=written)))
    table = mrmc_table(manifest, readings)
    with_ai = np.mean([roc_auc_score(g["truth"], g["rating"])
                       for _, g in table[table["treatment"] == "with AI"].groupby("reader")])
    assert result.metric("test_auc").estimate.value == pytest.approx(with_ai, abs=1e-15)


def test_a_truth_column_of_the_labels_in_nfd_is_accepted(study, tmp_path):
    # the protocol's and the manifest's labels typed on Windows (NFC), the readings' truth
    # column written on macOS (NFD, by unicodedata): one label each, as the manifest's
    # references are (7c7f69d); before, every line was 'must hold 1 or 0, or the
    # protocol's labels '악성' and '양성''.
    manifest, readings = study
    truth = mrmc_table(manifest, readings)["truth"]
    korean = manifest.assign(reference=manifest["reference"].map(
        {"malignant": "악성", "benign": "양성"}))
    written = truth.map({1: unicodedata.normalize("NFD", "악성"),
                         0: unicodedata.normalize("NFD", "양성")})
    result = evaluate(write_study(tmp_path, korean, readings.assign(truth=written),
                                  positive="악성", negative="양성"))
    table = mrmc_table(manifest, readings)
    with_ai = np.mean([roc_auc_score(g["truth"], g["rating"])
                       for _, g in table[table["treatment"] == "with AI"].groupby("reader")])
    assert result.metric("test_auc").estimate.value == pytest.approx(with_ai, abs=1e-15)


def test_a_truth_that_is_no_truth_is_named(study, tmp_path):
    manifest, readings = study
    truth = mrmc_table(manifest, readings)["truth"].astype(str)
    truth[(readings["case"] == "RS-004") & (readings["reader"] == "R3")] = "2"
    refused(tmp_path, manifest, readings.assign(truth=truth),
            r"column 'truth' must hold 1 \(condition present\) or 0, or the protocol's "
            r"labels 'malignant' and 'benign'; 2 value\(s\) do not: line \d+ \('2'\)")


def test_an_empty_truth_is_named_as_empty(study, tmp_path):
    # Found in the reader-pass: a truth column left blank (a PACS template's, or rows of
    # one treatment the truth was not copied to) was refused as "must hold 1 ... or 0 ...;
    # 120 value(s) do not: line 2 (''), ...", not saying the column may be left out.
    manifest, readings = study
    truth = mrmc_table(manifest, readings)["truth"].astype(str)
    aided = (readings["treatment"] == "with AI").to_numpy()
    first = int(np.flatnonzero(aided)[0]) + 2  # the file's line (header = line 1)
    refused(tmp_path / "a", manifest, readings.assign(truth=truth.where(~aided, "")),
            rf"column 'truth' is empty on {aided.sum()} of {len(readings)} line\(s\): "
            rf"line {first}, line {first + 1}, .*; the column is optional \(the manifest "
            r"holds each case's truth, which it is checked against\): give 1 or 0 \(or "
            r"'malignant', 'benign'\) on every line, or leave the column out")
    # a column without any value is named the same
    refused(tmp_path / "b", manifest, readings.assign(truth=""),
            rf"column 'truth' is empty on {len(readings)} of {len(readings)} line\(s\)")


def test_ratings_that_are_not_numbers_are_named(study, tmp_path):
    manifest, readings = study
    bad = readings.astype({"rating": object})
    bad.loc[5, "rating"] = "high"
    refused(tmp_path, manifest, bad, r"not finite numbers: line 7 .*'high'")


def test_one_treatment_only_is_refused(study, tmp_path):
    manifest, readings = study
    refused(tmp_path, manifest, readings[readings["treatment"] == "with AI"],
            r"holds 'with AI' \('without AI' missing\)")


def test_a_treatment_the_protocol_does_not_name_is_refused(study, tmp_path):
    manifest, readings = study
    renamed = readings.replace({"treatment": {"with AI": "AI"}})
    refused(tmp_path, manifest, renamed, r"compares treatments 'with AI'")


def test_every_case_of_one_class_is_refused(study, tmp_path):
    manifest, readings = study
    refused(tmp_path, manifest.assign(reference="benign"), readings,
            r"every case has truth 0")


def test_a_subgroup_of_one_class_is_undefined_with_the_reason(study, tmp_path):
    manifest, readings = study
    one_class = manifest.assign(density=np.where(manifest["reference"] == "malignant",
                                                 "dense", "fatty"))
    result = evaluate(write_study(tmp_path, one_class, readings))
    dense = {m.name: m.estimate for g in result.subgroups if g.value == "dense"
             for m in g.metrics}
    assert math.isnan(dense["auc_difference"].value)
    assert "every case has truth 1" in dense["auc_difference"].note
    assert any(w.startswith("density=dense: ") and "auc_difference" in
               w.split(": ")[1].split(" (")[0].split(", ") for w in result.warnings)


def test_the_protocol_states_a_consistent_comparison(study, tmp_path):
    manifest, readings = study
    with pytest.raises(ProtocolError, match=r"criteria.0.goal: -0.1 does not test"):
        evaluate(write_study(tmp_path / "a", manifest, readings, goal=-0.1))
    with pytest.raises(ProtocolError, match=r"needs margin"):
        evaluate(write_study(tmp_path / "b", manifest, readings, margin=None, goal=0.0))
    with pytest.raises(ProtocolError, match=r"task.readings_sha256: required"):
        evaluate(write_study(tmp_path / "c", manifest, readings, mode="certificate"))


def test_readings_other_than_the_pinned_ones_are_refused(study, tmp_path):
    manifest, readings = study
    extra = 'readings_sha256 = "' + "0" * 64 + '"\n'
    refused(tmp_path, manifest, readings, r"differs from the protocol's", extra=extra)


def test_the_command_line_needs_no_predictions(study, tmp_path):
    from medeval.cli import main

    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings, subgroups="")
    assert main(["evaluate", str(protocol), "--out", str(tmp_path / "out")]) == 0
    written = json.loads((tmp_path / "out" / "result.json").read_bytes())
    assert written["task"] == "reader-study"
    with pytest.raises(ProtocolError, match="give no predictions"):
        evaluate(protocol, tmp_path)


def test_a_certified_study_pins_the_set_and_the_readings(study, tmp_path):
    import hashlib

    from medeval.manifest import Manifest

    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings, subgroups="", mode="certificate")
    digest = hashlib.sha256((tmp_path / "readings.csv").read_bytes()).hexdigest()
    fingerprint = Manifest.from_csv(tmp_path / "manifest.csv",
                                    reference_kind="label").fingerprint()
    text = protocol.read_text(encoding="utf-8").replace(
        'selection = "simulated"', f'selection = "simulated"\nfingerprint = "{fingerprint}"'
    ).replace("[statistics]", f'readings_sha256 = "sha256:{digest}"\n[statistics]')
    protocol.write_text(text, encoding="utf-8")
    result = evaluate(protocol)
    assert result.mode == "certificate" and not result.precheck
    assert {i.role: i.sha256 for i in result.inputs}["readings"] == digest
    # a pre-check stays a pre-check
    assert evaluate(write_study(tmp_path / "pre", manifest, readings,
                                subgroups="")).precheck


def test_one_reader_under_a_declared_rrrc_has_no_interval_to_judge(study, tmp_path):
    # The protocol declares random readers (RRRC); one reader cannot estimate the readers'
    # variance. The point estimates are the fixed-reader analysis' (the same in every
    # analysis), the intervals undefined, naming FRRC's, and each criterion INCONCLUSIVE:
    # judged on FRRC's narrower interval it would certify a claim about readers from one.
    manifest, readings = study
    one = readings[readings["reader"] == "R3"]
    result = evaluate(write_study(tmp_path, manifest, one, subgroups=""))
    direct = mrmc(mrmc_table(manifest, one))
    assert set(direct.tests) == {"FRRC"}
    fixed = direct.tests["FRRC"]
    test, reference = ("with AI", "without AI")
    for name, expected in (("auc_difference", fixed.comparisons[0].difference),
                           ("test_auc", fixed.treatment_intervals[test].auc),
                           ("reference_auc", fixed.treatment_intervals[reference].auc)):
        estimate = result.metric(name).estimate
        assert estimate.value == expected.value and expected.low < expected.high
        assert math.isnan(estimate.low) and math.isnan(estimate.high)
        assert (estimate.method, expected.method) == ("or-rrrc-jackknife", "or-frrc-jackknife")
        assert estimate.note == (
            "one reader only: the RRRC interval needs several readers and is undefined; the "
            f"fixed-reader (FRRC) interval is [{expected.low:.4g}, {expected.high:.4g}]")
    assert [(v.metric, v.outcome, v.reason) for v in result.verdicts] == [
        (v.metric, "INCONCLUSIVE", "the confidence interval is undefined")
        for v in result.verdicts] and result.verdicts
    assert result.overall == "INCONCLUSIVE"
    table = ReaderStudyTable.from_tables(result.tables)
    assert table is not None and table.scope == "RRRC"  # what the criteria judge
    assert [t.scope for t in table.tests] == ["FRRC"]


# ------------------------------------------------ labels in two Unicode forms (macOS)


def test_labels_in_another_unicode_form_are_the_same_labels(study, tmp_path):
    # A Hangul reader name typed on macOS (NFD) in one session and on Windows (NFC) in
    # the other, case ids and a treatment written in NFD against the manifest's and
    # protocol's NFC: the same study. Before, the reader counted as two readers (160
    # readings 'missing' under a name that printed alike) and the NFD case ids as
    # cases the manifest lacks. Checked against scikit-learn on the NFC table.
    import unicodedata

    manifest, readings = study
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    manifest = manifest.assign(case_id="검사-" + manifest["case_id"])
    readings = readings.assign(case="검사-" + readings["case"],
                               treatment=readings["treatment"].str.replace("AI", "인공지능"),
                               reader=readings["reader"].str.replace("R", "판독의"))
    nfc_table = mrmc_table(manifest.assign(case_id=manifest["case_id"]), readings)
    one = (readings["reader"] == "판독의1") & (readings["treatment"] == "with 인공지능")
    written = readings.assign(reader=readings["reader"].where(~one, nfd("판독의1")),
                              case=readings["case"].map(nfd),
                              treatment=readings["treatment"].map(nfd))
    assert written["reader"].nunique() == 5 and written["case"][0] != readings["case"][0]
    protocol = write_study(tmp_path, manifest, written, test="with 인공지능",
                           reference="without 인공지능")
    result = evaluate(protocol)
    table = ReaderStudyTable.from_tables(result.tables)
    assert table is not None
    assert [r.reader for r in table.readers] == [f"판독의{j}" for j in range(1, 5)]
    for row in table.readers:
        for treatment, got in (("with 인공지능", row.test), ("without 인공지능", row.reference)):
            cells = nfc_table[(nfc_table["reader"] == row.reader)
                              & (nfc_table["treatment"] == treatment)]
            assert got == pytest.approx(roc_auc_score(cells["truth"], cells["rating"]),
                                        abs=1e-15)


def test_a_split_plot_design_is_refused_as_such(study, tmp_path):
    # Readers R1, R2 read the first 30 cases, R3, R4 the last 30, in both treatments.
    manifest, readings = study
    first = readings["case"].str[3:].astype(int) <= 30
    split = readings[readings["reader"].isin(["R1", "R2"]) == first]
    refused(tmp_path, manifest, split,
            r"'R1', 'R2' read 30 cases.*'R3', 'R4' read 30 cases\): a split-plot design, "
            r"which this analysis does not support")


def test_a_reader_whose_zeros_one_export_dropped_is_pointed_out(study, tmp_path):
    # Found in the reader-pass: reader '005' read both treatments on different days, and
    # the aided day's export wrote him as 5 (Excel took the id for a number).
    manifest, readings = study
    padded = readings.assign(reader=readings["reader"].str.replace("R", "00"))
    aided = (padded["reader"] == "001") & (padded["treatment"] == "with AI")
    refused(tmp_path, manifest, padded.assign(reader=padded["reader"].where(~aided, "1")),
            r"readers '001' and '1' differ only in leading zeros \(a spreadsheet drops "
            r"them from a number\); if they are one, write them one way")


def test_readers_differing_in_letter_case_are_pointed_out(study, tmp_path):
    manifest, readings = study
    one = (readings["reader"] == "R1") & (readings["treatment"] == "with AI")
    refused(tmp_path, manifest, readings.assign(reader=readings["reader"].where(~one, "r1")),
            r"readers 'R1' and 'r1' differ only in letter case or Unicode form")


def test_readings_saved_as_cp949_say_so(study, tmp_path):
    # Excel's plain 'CSV' on Korean Windows: Hangul reader names in CP949. Before, the
    # message was pandas' "'utf-8' codec can't decode byte 0xb1 in position 0".
    manifest, readings = study
    protocol = write_study(tmp_path, manifest,
                           readings.assign(reader=readings["reader"].str.replace("R", "판독의")))
    text = (tmp_path / "readings.csv").read_text(encoding="utf-8")
    raw = text.encode("cp949")
    (tmp_path / "readings.csv").write_bytes(raw)
    first = len(text[:text.index("판")].encode("cp949"))  # the first non-ASCII byte
    line = raw.count(b"\n", 0, first) + 1
    column = first - (raw.rfind(b"\n", 0, first) + 1) + 1  # 1-based, within its line
    with pytest.raises(InvalidInputError) as caught:
        evaluate(protocol)
    assert str(caught.value) == (
        f"readings {tmp_path / 'readings.csv'}: not UTF-8 text (line {line}, byte {column} "
        f"of the line, file offset {first}); "
        "Excel's plain 'CSV' on Korean Windows writes CP949 (EUC-KR): save it as 'CSV UTF-8' "
        "(a byte order mark is fine)")


def test_cases_sharing_a_patient_are_warned(study, tmp_path):
    # Two views per patient read as two cases: the OR analysis takes the cases as
    # independent (too narrow an interval if they are alike); before, nothing said so.
    manifest, readings = study
    paired = manifest.assign(patient_id=[f"P{k // 2:03d}" for k in range(len(manifest))])
    n_cases, n_patients = len(paired), paired["patient_id"].nunique()
    result = evaluate(write_study(tmp_path / "a", paired, readings, subgroups=""))
    assert [w for w in result.warnings if "share a patient" in w] == [
        f"all cases: {n_cases} cases of {n_patients} patients ({n_cases} case(s) "
        "share a patient): the MRMC analysis takes cases as independent, so its intervals "
        "are too narrow if a patient's cases are alike (a clustered analysis is not "
        "implemented; one case per patient avoids it)"]
    alone = evaluate(write_study(tmp_path / "b", manifest, readings, subgroups=""))
    assert not [w for w in alone.warnings if "share a patient" in w]
    assert result.metric("auc_difference").estimate == alone.metric("auc_difference").estimate


def test_a_reader_rating_every_case_alike_is_warned(study, tmp_path):
    # Found in the reader-pass: reader R3 rating every case 50 without AI (an export that
    # filled the column, or a reader who did not rate) has AUC 1/2 (scikit-learn's for a
    # constant score), which pulls the reference average down by (AUC - 1/2)/4, and
    # nothing said so. Now a warning per treatment names the reader and the rating.
    manifest, readings = study
    constant = (readings["reader"] == "R3") & (readings["treatment"] == "without AI")
    with warnings.catch_warnings():  # said in the result, not also as mrmc()'s warning
        warnings.simplefilter("error", UserWarning)
        result = evaluate(write_study(
            tmp_path / "a", manifest,
            readings.assign(rating=readings["rating"].where(~constant, 50)), subgroups=""))
    table = ReaderStudyTable.from_tables(result.tables)
    truth = (manifest["reference"] == "malignant").astype(int)
    assert roc_auc_score(truth, np.full(len(truth), 50)) == 0.5
    assert [r.reference for r in table.readers if r.reader == "R3"] == [0.5]
    assert [w for w in result.warnings if "same rating" in w] == [
        "all cases: reader(s) 'R3' (50) gave every case the same rating in the reference "
        "treatment: the AUC of such a reading is 0.5 by definition (every pair a tie, "
        "counted one half), not a measure of what the reader can tell, and it counts in the "
        "reader average: check these readings"]
    alone = evaluate(write_study(tmp_path / "b", manifest, readings, subgroups=""))
    assert not [w for w in alone.warnings if "same rating" in w]


def test_readings_copied_across_treatments_or_readers_are_named(study, tmp_path):
    # Found in the reader-pass (hreader2): the reference treatment's readings written
    # again as the test treatment's (an export writing one column twice) gave a
    # difference of 0 with the interval [0, 0] and no word why; one reader's readings
    # saved under a second name neither. Each is now named (the copies found here by
    # pandas on the table the test built); the zero-width interval carries its note
    manifest, readings = study
    unaided = readings[readings["treatment"] == "without AI"]
    twice = pd.concat([unaided, unaided.assign(treatment="with AI")])
    grid = twice.pivot(index="case", columns=["treatment", "reader"], values="rating")
    assert all((grid[("with AI", r)] == grid[("without AI", r)]).all()
               for r in ("R1", "R2", "R3", "R4"))
    result = evaluate(write_study(tmp_path / "a", manifest, twice, subgroups="",
                                  comparison="superiority", margin=None))
    difference = result.metric("auc_difference").estimate
    assert difference.value == difference.low == difference.high == 0
    assert result.verdicts[0].outcome == "INCONCLUSIVE"
    assert [w for w in result.warnings if "rating in both treatments" in w] == [
        "all cases: reader(s) 'R1', 'R2', 'R3', 'R4' gave every case the same rating in "
        "both treatments (a treatment's readings written twice?): such a reader's "
        "difference is 0 by construction; check these readings"]
    assert any(w.startswith("all cases: auc_difference: mrmc (or-rrrc-jackknife): standard "
                            "error 0, so the interval has zero width") for w in result.warnings)
    # reader R2's readings, in both treatments, saved again as R4's
    copied = pd.concat([readings[readings["reader"] != "R4"],
                        readings[readings["reader"] == "R2"].assign(reader="R4")])
    result = evaluate(write_study(tmp_path / "b", manifest, copied, subgroups=""))
    assert [w.split(" (")[0] for w in result.warnings if "several names" in w] == [
        "all cases: readers 'R2', 'R4' gave every case the same ratings in the test treatment",
        "all cases: readers 'R2', 'R4' gave every case the same ratings in the reference "
        "treatment"]
    alone = evaluate(write_study(tmp_path / "c", manifest, readings, subgroups=""))
    assert not [w for w in alone.warnings if "same rating" in w or "standard error 0" in w]


def test_a_reader_unchanged_on_a_subgroups_cases_is_no_copy(study, tmp_path):
    # Found in the second reader-study pass (hreader3): copies were looked for in each
    # subgroup too, so a reader who kept every rating with the AI on the few cases of a
    # subgroup (aided reading changes a minority of ratings) was told of on the
    # certificate as "a treatment's readings written twice?", though the study's readings
    # differ. Copies are a fault of the file, named on the whole study only.
    manifest, readings = study
    dense = set(manifest.loc[manifest["density"] == "dense", "case_id"])
    aided = readings["treatment"] == "with AI"
    unaided = readings[~aided].set_index(["reader", "case"])["rating"]
    kept = readings.copy()
    on_dense = aided & (kept["reader"] == "R2") & kept["case"].isin(dense)
    kept.loc[on_dense, "rating"] = [unaided[("R2", c)] for c in kept.loc[on_dense, "case"]]
    grid = kept.pivot(index="case", columns=["treatment", "reader"], values="rating")
    same = grid[("with AI", "R2")] == grid[("without AI", "R2")]
    assert same[sorted(dense)].all() and not same.all()  # unchanged on dense cases only
    table = mrmc_table(manifest, kept)
    truth = table.drop_duplicates("case").set_index("case")["truth"]
    cases = sorted(dense)
    # on the dense cases R2's two treatments have one AUC (scikit-learn's)
    assert roc_auc_score(truth[cases], grid.loc[cases, ("with AI", "R2")]) == \
        roc_auc_score(truth[cases], grid.loc[cases, ("without AI", "R2")])
    result = evaluate(write_study(tmp_path / "a", manifest, kept))
    assert not [w for w in result.warnings if "both treatments" in w or "names" in w]
    assert {g.value for g in result.subgroups} == {"dense", "fatty"}  # both analysed
    # the same reader unchanged on every case is still named, once, for all cases
    everywhere = readings.copy()
    mine = aided & (everywhere["reader"] == "R2")
    everywhere.loc[mine, "rating"] = [unaided[("R2", c)]
                                      for c in everywhere.loc[mine, "case"]]
    result = evaluate(write_study(tmp_path / "b", manifest, everywhere))
    assert [w.split(" (")[0] for w in result.warnings if "both treatments" in w] == [
        "all cases: reader(s) 'R2' gave every case the same rating in both treatments"]


def test_a_constant_rating_is_named_as_the_file_writes_it(study, tmp_path):
    # Found in the review of the reader-pass: the warning printed the rating with :g, so a
    # reader whose raw score 1234567 filled the column was named '(1.23457e+06)' and one
    # at 0.123456789 '(0.123457)', numbers the readings file does not hold. Written here
    # as the file writes them (by hand).
    manifest, readings = study
    aided = readings["treatment"] == "with AI"
    readings = readings.astype({"rating": object})
    readings.loc[aided & (readings["reader"] == "R2"), "rating"] = "0.123456789"
    readings.loc[aided & (readings["reader"] == "R3"), "rating"] = "1234567"
    result = evaluate(write_study(tmp_path, manifest, readings, subgroups=""))
    assert [w.split(" gave ")[0] for w in result.warnings if "same rating" in w] == [
        "all cases: reader(s) 'R2' (0.123456789), 'R3' (1234567)"]


def test_the_cases_sharing_a_patient_are_counted_in_full(study, tmp_path):
    # Patient A has three cases, B two, every other patient one: five cases share a
    # patient (counted by hand), not 3 (cases less patients), and n - 3 patients.
    manifest, readings = study
    n = len(manifest)
    ids = ["A", "A", "A", "B", "B"] + [f"P{k:03d}" for k in range(5, n)]
    result = evaluate(write_study(tmp_path, manifest.assign(patient_id=ids), readings,
                                  subgroups=""))
    assert [w for w in result.warnings if "share a patient" in w] == [
        f"all cases: {n} cases of {n - 3} patients (5 case(s) share a patient): the MRMC "
        "analysis takes cases as independent, so its intervals are too narrow if a "
        "patient's cases are alike (a clustered analysis is not implemented; one case per "
        "patient avoids it)"]


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_readings_separated_otherwise_say_so(study, tmp_path, sep, name):
    # A European Excel writes ';' (a 'CSV' with decimal commas); before, only "lacks
    # column(s) 'reader', 'treatment', 'case', 'rating'" for a file that has them all.
    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings)
    readings.to_csv(tmp_path / "readings.csv", index=False, sep=sep)
    with pytest.raises(InvalidInputError, match=f"its fields are separated by {name}: the "
                       "readings are a CSV with commas"):
        evaluate(protocol)


def test_one_reader_figures_under_rrrc_name_the_fixed_reader_interval_or_keep_why(
        study, tmp_path):
    # one reader reading both treatments alike: FRRC's difference is 0 in [0, 0], which
    # the note names; a figure undefined for fixed readers too keeps its own note (why),
    # not "the FRRC interval is [nan, nan]"
    from medeval.stats.estimate import Estimate

    manifest, readings = study
    one = readings[readings["reader"] == "R3"]
    first = one[one["treatment"] == "with AI"].set_index("case")["rating"]
    one = one.assign(rating=one["case"].map(first))
    protocol = write_study(tmp_path, manifest, one, subgroups="")
    result = evaluate(protocol)
    estimate = result.metric("auc_difference").estimate
    assert (estimate.value, estimate.method) == (0.0, "or-rrrc-jackknife")
    assert estimate.note.endswith("the fixed-reader (FRRC) interval is [0, 0]")
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    task = make_task(load_protocol(protocol))
    why = "the difference and its variance are both 0"
    kept = task._without_readers(Estimate(0.0, math.nan, math.nan, "or-frrc-jackknife",
                                          0.95, 60, note=why))
    assert (kept.note, kept.method, math.isnan(kept.low)) == (why, "or-rrrc-jackknife", True)


def test_a_treatment_name_with_an_unquoted_comma_names_the_line(study, tmp_path):
    # A treatment written 'with AI (v2.1, no threshold)' without quotes gives its rows 5
    # fields under a 4-field header. Where those rows come first, pandas took the reader
    # for an unnamed index and shifted every value one column left (the reader read as
    # 'with AI (v2.1', the case as the rating ...); otherwise it said only 'Expected 4
    # fields in line N, saw 5'. Now the first such line is named with its fields: the
    # header is line 1, so the k-th reading (0-based) is line k + 2.
    manifest, readings = study
    wide = "with AI (v2.1, no threshold)"
    # 'with AI' sorts before 'without AI': its rows first (line 2), then last
    for ascending in (True, False):
        folder = tmp_path / str(ascending)
        rows = readings.sort_values("treatment", ascending=ascending, kind="stable")
        rows = rows.reset_index(drop=True)
        protocol = write_study(folder, manifest, rows, test=wide)
        lines = ["reader,treatment,case,rating"] + [
            f"{r.reader},{wide if r.treatment == 'with AI' else r.treatment},{r.case},"
            f"{r.rating}" for r in rows.itertuples()]
        (folder / "readings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        k = int((rows["treatment"] == "with AI").to_numpy().argmax())
        assert (k == 0) == ascending
        first = rows.iloc[k]
        with pytest.raises(InvalidInputError) as caught:
            evaluate(protocol)
        assert str(caught.value) == (
            f"readings {folder / 'readings.csv'}: cannot be read as CSV: line {k + 2} has 5 "
            f"fields, the header 4 ('{first['reader']}', 'with AI (v2.1', ' no threshold)', "
            f"'{first['case']}', '{first['rating']}'): a value holding a comma must be in "
            'double quotes ("...")')


def test_readings_with_a_trailing_comma_are_read_as_written(study, tmp_path, evaluated):
    # Every row ending in a comma (an empty fifth field): before, the reader became the
    # index and every value moved one column left; the empty field holds nothing, so the
    # readings are those of the study and the figures the same.
    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings)
    text = (tmp_path / "readings.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    (tmp_path / "readings.csv").write_text(
        "\n".join([lines[0]] + [line + "," for line in lines[1:]]) + "\n", encoding="utf-8")
    result = evaluate(protocol)
    assert result.metric("auc_difference").estimate == \
        evaluated.metric("auc_difference").estimate


def test_the_definition_states_the_dbm_fixed_reader_interval(vandyke_study):
    # DBM with fixed readers: JAFROC 4.2.1 prints Van Dyke's difference -0.04380 with
    # (-0.08088, -0.00672) on 113 df (RJafroc inst/JAFROC/VanDykeROC.txt): t(0.975, 113)
    # = 1.98118 times SE 0.01872, where z = 1.95996 would give (-0.08049, -0.00711). The
    # certificate's definition of auc_difference said 'z for fixed readers' for every
    # method; it now names DBM's t on (t-1)(c-1) = 113 df, OR's z beside it.
    from scipy.stats import norm
    from scipy.stats import t as t_dist

    from medeval.definitions import definition

    manifest, readings, folder = vandyke_study
    protocol = write_study(folder / "dbm-frrc", manifest, readings, test="1", reference="2",
                           comparison="superiority", margin=None, positive="1",
                           negative="0", subgroups="",
                           extra='method = "DBM"\nscope = "FRRC"\n')
    difference = evaluate(protocol).metric("auc_difference").estimate
    printed(difference.low, "-0.08088")
    printed(difference.high, "-0.00672")
    half = (difference.high - difference.low) / 2
    se = half / t_dist.ppf(0.975, 113)
    assert se == pytest.approx(0.01872, abs=5e-6)
    assert abs(half - norm.ppf(0.975) * se) > 3e-4  # not a normal interval
    formula = definition("mrmc_auc_difference").formula
    assert "z (Obuchowski-Rockette) or t((t-1)(c-1)) (DBM" in formula
    assert "z for fixed readers" not in formula


@pytest.mark.parametrize("form", ["xlsx", "utf-16"])
def test_readings_saved_as_a_workbook_or_unicode_text_say_so(study, tmp_path, form):
    # The readings named as Excel left them: a workbook (.xlsx, a ZIP archive: stdlib
    # zipfile writes the 'PK\x03\x04' signature) or 'Unicode Text' (UTF-16 with its byte
    # order mark, as Python's utf-16 codec writes it). Before, both were called CP949 CSV
    # ('not UTF-8 text (line 1, byte 11); Excel's plain 'CSV' on Korean Windows writes
    # CP949').
    import zipfile

    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings)
    path = tmp_path / "readings.csv"
    if form == "xlsx":
        text = path.read_text(encoding="utf-8")
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xl/worksheets/sheet1.xml", text)
        kind = "a ZIP archive (an Excel .xlsx workbook?), not CSV text"
    else:
        readings.to_csv(path, index=False, sep="\t", encoding="utf-16")
        kind = "UTF-16 text (Excel's 'Unicode Text'), not UTF-8"
    with pytest.raises(InvalidInputError) as caught:
        evaluate(protocol)
    assert str(caught.value) == f"readings {path}: is {kind}; save it as 'CSV UTF-8'"


def test_lines_are_counted_across_blank_lines(study, tmp_path):
    # Two exports pasted into one file leave a blank line (and one of spaces) between
    # them; pandas skips both, so "row + 2" named the line before the one at fault. Here
    # the file is: line 1 the header, lines 2-4 readings 0-2, line 5 empty, line 6 two
    # spaces, lines 7.. readings 3.. : reading 5 is on line 7 + 2 = 9 (counted by hand).
    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings)
    lines = (tmp_path / "readings.csv").read_text(encoding="utf-8").splitlines()
    assert lines[6].endswith(f",{readings.loc[5, 'rating']}")  # reading 5, line 7 now
    lines[6] = lines[6].rsplit(",", 1)[0] + ",high"
    lines[4:4] = ["", "  "]
    (tmp_path / "readings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"not finite numbers: line 9 .*'high'"):
        evaluate(protocol)
    # a truth contradicting the manifest and an empty reader, named on their lines too
    path = tmp_path / "readings.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[8] = text[8].rsplit(",", 1)[0] + ",50"
    truth = {"malignant": "1", "benign": "0"}
    known = dict(zip(manifest["case_id"], manifest["reference"]))
    rows = [text[0] + ",truth"] + [
        line + ("," + truth[known[line.split(",")[2]]] if line.strip() else "")
        for line in text[1:]]
    flipped = rows[8].rsplit(",", 1)[0] + ("," + ("0" if rows[8].endswith("1") else "1"))
    rows[8] = flipped
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"contradicts the manifest.*e\.g\. line 9:"):
        evaluate(protocol)
    rows[8] = "," + flipped.split(",", 1)[1]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"column 'reader' is empty on line\(s\) 9$"):
        evaluate(protocol)


def test_ratings_with_a_decimal_comma_say_so(study, tmp_path):
    # 0-100 ratings given to one decimal with a comma ("62,5", quoted in a comma file):
    # each was listed as not a number, with nothing said of the comma.
    manifest, readings = study
    bad = readings.astype({"rating": object})
    bad.loc[5, "rating"] = "62,5"
    refused(tmp_path, manifest, bad, r"not finite numbers: line 7 .*'62,5'; '62,5' holds "
            r"a comma \(a decimal comma, or one grouping thousands\)")


def test_a_reading_given_twice_is_named_with_its_lines_and_ratings(study, tmp_path):
    # One reading copied to the end of the file with another rating (a case read again).
    # Before: "1 reading(s) appear more than once: reader 'R1' treatment 'without AI'
    # case 'RS-004'", neither copy's line nor its rating said. The readings are written
    # one per line after the header: reading 3 on line 5, the copy (the 481st row: 4
    # readers x 2 treatments x 60 cases = 480, then the copy) on line 482.
    manifest, readings = study
    assert len(readings) == 480
    copy = readings.iloc[[3]].assign(rating=readings.loc[3, "rating"] + 7)
    first = readings.iloc[3]
    refused(tmp_path, manifest, pd.concat([readings, copy]), re.escape(
        f"1 reading(s) appear more than once: reader {first['reader']!r}, treatment "
        f"{first['treatment']!r}, case {first['case']!r} on lines 5 ({first['rating']}), "
        f"482 ({first['rating'] + 7}); give one rating per reader"))


def test_cases_a_spreadsheet_wrote_otherwise_are_paired_with_the_manifests(study, tmp_path):
    # The manifest numbers its cases '001'..'060'; the readings were opened and saved in
    # a spreadsheet, which took the ids for numbers: '1'..'60'. Before: "60 case(s) are
    # not in the manifest: 1, 10, 11, ..." and nothing of the manifest's '001'. One more
    # case is written in lower case with spaces: 'rs - 007' for 'RS-007'.
    manifest, readings = study
    manifest = manifest.assign(case_id=manifest["case_id"].str.removeprefix("RS-"))
    unpadded = readings.assign(case=readings["case"].str.removeprefix("RS-").astype(int)
                               .astype(str))
    refused(tmp_path / "zeros", manifest, unpadded, re.escape(
        "60 case(s) are not in the manifest: 1, 10, 11, 12, 13, 14, 15, 16, 17, 18 ... and "
        "50 more; 60 of them are the manifest's cases written otherwise (letter case, "
        "spaces or leading zeros): '1' for '001', '10' for '010', '11' for '011'")
        + ".*; a spreadsheet that took the ids for numbers dropped their zeros: write them "
        "as the manifest does$")
    manifest = manifest.assign(case_id="RS-" + manifest["case_id"])
    cased = readings.assign(case=readings["case"].replace({"RS-007": "rs - 007"}))
    refused(tmp_path / "cased", manifest, cased, re.escape(
        "1 case(s) are not in the manifest: rs - 007; 1 of them are the manifest's cases "
        "written otherwise (letter case, spaces or leading zeros): 'rs - 007' for 'RS-007': "
        "write them as the manifest does"))


def test_lines_of_commas_only_are_named_as_such(study, tmp_path):
    # A spreadsheet saves rows that were cleared but not deleted as ',,,'. Before:
    # "column 'reader' is empty on line(s) 482, 483", as if a name were missing. The
    # 480 readings are lines 2-481 (4 readers x 2 treatments x 60 cases), then the two.
    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings)
    with open(tmp_path / "readings.csv", "a", encoding="utf-8") as handle:
        handle.write(",,,\n,,,\n")
    with pytest.raises(InvalidInputError, match=re.escape(
            "line(s) 482, 483 hold no value at all (only commas, as a spreadsheet writes "
            "rows that were cleared but not deleted): delete them")):
        evaluate(protocol)


def test_readings_columns_written_otherwise_are_named(study, tmp_path):
    # 'Reader,Treatment,Case,Rating': paired with the names they stand for.
    manifest, readings = study
    refused(tmp_path, manifest, readings.rename(columns={"reader": "Reader",
                                                         "rating": "RATING"}), re.escape(
        "it has 'Reader', 'treatment', 'case', 'RATING' (written otherwise: 'Reader' for "
        "'reader', 'RATING' for 'rating'; column names are read exactly, in lower case "
        "without spaces: rename them)"))


def test_a_reader_on_a_reversed_scale_is_warned(study, tmp_path):
    # Reader R2 with AI wrote 100 - rating (the 0-100 scale read the other way round): its
    # AUC is 1 - its AUC as simulated (scikit-learn below), about 0.2, and the result said
    # nothing. Now the result names the reader, its AUC and its interval (the reader's
    # jackknife interval, mrmc's reader_intervals: checked against refits in
    # tests/stats/test_mrmc.py); the task says it in the result only, not as a Python
    # warning. The readings as simulated give no such warning.
    manifest, readings = study
    flip = (readings["reader"] == "R2") & (readings["treatment"] == "with AI")
    turned = readings.assign(rating=readings["rating"].where(~flip, 100 - readings["rating"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        result = evaluate(write_study(tmp_path / "a", manifest, turned, subgroups=""))
    rows = turned[flip].set_index("case").loc[manifest["case_id"]]
    truth = (manifest["reference"] == "malignant").astype(int).to_numpy()
    auc = roc_auc_score(truth, rows["rating"])
    assert auc == pytest.approx(1 - roc_auc_score(truth, 100 - rows["rating"]), abs=1e-15)
    with pytest.warns(UserWarning, match="below 0.5"):  # mrmc() called directly warns
        interval = mrmc(mrmc_table(manifest, turned)).reader_intervals[("with AI", "R2")]
    assert interval.value == pytest.approx(auc, abs=1e-15) and interval.high < 0.5
    assert [w for w in result.warnings if "below 0.5" in w] == [
        f"all cases: reader(s) 'R2' (AUC {auc:.4g} [{interval.low:.4g}, "
        f"{interval.high:.4g}]) in the test treatment: the AUC and its whole 95% interval "
        "lie below 0.5, so the reader ranked the cases without the condition above those "
        "with it: were the ratings given on a reversed scale (1 for the most suspicious "
        "where 5 was meant)? The AUC is not flipped and counts in the reader average: check "
        "these readings"]
    table = ReaderStudyTable.from_tables(result.tables)
    assert [r.test for r in table.readers if r.reader == "R2"] == [pytest.approx(auc)]
    alone = evaluate(write_study(tmp_path / "b", manifest, readings, subgroups=""))
    assert not [w for w in alone.warnings if "below 0.5" in w]


@pytest.mark.parametrize("packing", ["zip", "tar"])
def test_readings_in_an_archive_are_refused_as_a_manifest_is(study, tmp_path, packing):
    # readings.csv packed by the standard library's zipfile / tarfile and the protocol
    # naming the archive: pandas reads its one file, and the study was analysed (its
    # hash the archive's) while a manifest .zip was refused. Now refused, naming it.
    import tarfile
    import zipfile

    manifest, readings = study
    protocol = write_study(tmp_path, manifest, readings)
    path = tmp_path / f"readings.{packing}"
    if packing == "zip":
        with zipfile.ZipFile(path, "w") as packed:
            packed.write(tmp_path / "readings.csv", "readings.csv")
    else:
        with tarfile.open(path, "w") as packed:
            packed.add(tmp_path / "readings.csv", "readings.csv")
    assert pd.read_csv(path).equals(readings)  # what pandas does with it
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'readings = "readings.csv"', f'readings = "readings.{packing}"'), encoding="utf-8")
    with pytest.raises(InvalidInputError, match=re.escape(
            f"readings {path}: is a {packing.upper()} archive, not CSV text: extract it and "
            "give the readings CSV inside")):
        evaluate(protocol)


def test_readings_rated_in_words_say_to_code_them(study, tmp_path):
    # the readings' 0-100 ratings written as three words of a scale: refused, with the
    # words and what to do (the order is the study's to give)
    manifest, readings = study
    worded = readings.assign(rating=pd.cut(readings["rating"], [-1, 40, 60, 100],
                                           labels=["low", "mid", "high"]).astype(str))
    words = ", ".join(map(repr, worded["rating"].unique()))
    with pytest.raises(InvalidInputError, match=re.escape(
            f"; the ratings are words of a scale (3: {words}): the analysis ranks numbers")):
        evaluate(write_study(tmp_path, manifest, worded))


def test_a_reader_below_chance_is_named_once_and_in_the_subgroup_where_only_it_is(
        study, tmp_path):
    # R2 with AI on a reversed scale in every case: named for all cases, and not again
    # in each density subgroup (it was, three times, found in the user pass on Van Dyke).
    # R3 without AI reversed on the dense cases only (one session's scale read the other
    # way round): its AUC over all cases reaches 0.5, so it is named for the dense
    # subgroup alone. The AUCs by scikit-learn, the intervals mrmc's on the same rows.
    manifest, readings = study
    dense = readings["case"].isin(manifest.loc[manifest["density"] == "dense", "case_id"])
    flip = ((readings["reader"] == "R2") & (readings["treatment"] == "with AI")) | (
        (readings["reader"] == "R3") & (readings["treatment"] == "without AI") & dense)
    turned = readings.assign(rating=readings["rating"].where(~flip, 100 - readings["rating"]))
    result = evaluate(write_study(tmp_path, manifest, turned))
    warned = [w for w in result.warnings if "below 0.5" in w]
    assert [w.split(" (AUC")[0] for w in warned] == [
        "all cases: reader(s) 'R2'", "density=dense: reader(s) 'R3'"]
    table = mrmc_table(manifest, turned)
    with pytest.warns(UserWarning, match="below 0.5"):
        whole = mrmc(table)
    assert whole.reader_intervals[("without AI", "R3")].high >= 0.5
    with pytest.warns(UserWarning, match="below 0.5"):
        part = mrmc(table[table["case"].isin(manifest.loc[manifest["density"] == "dense",
                                                           "case_id"])])
    r3 = part.reader_intervals[("without AI", "R3")]
    rows = table[(table["reader"] == "R3") & (table["treatment"] == "without AI")
                 & table["case"].isin(part_cases := set(manifest.loc[
                     manifest["density"] == "dense", "case_id"]))]
    assert len(rows) == len(part_cases)
    assert r3.value == pytest.approx(roc_auc_score(rows["truth"], rows["rating"]), abs=1e-15)
    assert f"(AUC {r3.value:.4g} [{r3.low:.4g}, {r3.high:.4g}]) in the reference treatment" \
        in warned[1]


def test_scale_words_among_numbered_readings_say_to_place_them(study, tmp_path):
    # the readings' ratings above 90 written '4a', '4b', '4c' (by the rating's last digit
    # mod 3), the others kept as numbers: the words note told to code the three words
    # 1 to 3, below every number; now it counts the numbers (pandas) and says to place
    # the words among them
    manifest, readings = study
    high = readings["rating"] > 90
    assert high.any() and not high.all()
    worded = readings.assign(rating=readings["rating"].astype(object))
    worded.loc[high, "rating"] = [f"4{'abc'[int(v) % 3]}" for v in readings.loc[high, "rating"]]
    words = worded.loc[high, "rating"].unique()
    assert 2 <= len(words) <= 3
    with pytest.raises(InvalidInputError, match=re.escape(
            f"; {int((~high).sum())} rating(s) are numbers and these are words ({len(words)}: "
            f"{', '.join(map(repr, words))}): the analysis ranks numbers, so code each word as "
            "a number that lies where the word lies among the numbers")):
        evaluate(write_study(tmp_path, manifest, worded))
