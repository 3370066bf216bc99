"""The measurement task end to end, against the agreement functions called directly."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.metrics import bland_altman, lins_ccc, mae, rmse
from medeval.stats import proportion_ci

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "measurement"


@pytest.fixture
def study(tmp_path):
    rng = np.random.default_rng(9)
    reference = np.round(rng.uniform(2, 15, 40), 1)
    measured = np.round(reference + rng.normal(0.3, 0.8, 40), 2)
    (tmp_path / "in").mkdir()
    (tmp_path / "pred").mkdir()
    rows = []
    for i, (r, m) in enumerate(zip(reference, measured)):
        (tmp_path / "in" / f"s{i:02d}.txt").write_text("x")
        rows.append({"case_id": f"s{i:02d}", "patient_id": f"p{i}", "input": f"in/s{i:02d}.txt",
                     "reference": str(r)})
        if i != 3:  # s03 fails
            (tmp_path / "pred" / f"s{i:02d}.json").write_text(json.dumps({"value": m}))
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    return tmp_path, reference, measured


def test_matches_the_agreement_functions(study):
    folder, reference, measured = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    keep = np.arange(40) != 3
    r, m = reference[keep], measured[keep]
    ba = bland_altman(r, m)
    assert result.metric("bias").estimate == ba.bias
    assert result.metric("lower_loa").estimate == ba.lower_loa
    assert result.metric("upper_loa").estimate == ba.upper_loa
    assert result.metric("mae").estimate == mae(r, m)
    assert result.metric("rmse").estimate == rmse(r, m)
    assert result.metric("lins_ccc").estimate == lins_ccc(r, m)
    # 39 of 40 measured; Wilson interval as statsmodels/medeval compute it.
    assert result.metric("completion_rate").estimate == proportion_ci(39, 40, method="wilson")
    data = json.loads(result.to_json())
    assert data["failures"]["cases"][0]["case_id"] == "s03"
    assert result.metric("bias").unit == "mm"


def test_non_numeric_reference_listed(study):
    folder, _, _ = study
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest.loc[1, "reference"] = "n/a"
    manifest.to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(medeval.ManifestError, match="'n/a' is not a finite number"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_measurement_or_reference_too_large_for_the_figures_is_refused_naming_the_case(
        study):
    # A prediction of 1e200 (a sentinel, an overflowed number) made the whole evaluation
    # end in a traceback (OverflowError in Lin's CCC). It is now s07's invalid output;
    # the figures are those of the 38 others, as bland_altman computes them, and the
    # completion rate 38/40 (statsmodels' Wilson interval). A reference of -1e80 is a
    # manifest problem naming the case and its line.
    from statsmodels.stats.proportion import proportion_confint

    folder, reference, measured = study
    (folder / "pred" / "s07.json").write_text('{"value": 1e200}')
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failed = {c.case_id: c for c in result.failures.cases}
    assert set(failed) == {"s03", "s07"} and failed["s07"].reason == "invalid-output"
    assert failed["s07"].detail.startswith(
        "case s07: the measurement 1e+200 is beyond 1e+75 in magnitude")
    keep = ~np.isin(np.arange(40), [3, 7])
    assert result.metric("upper_loa").estimate == bland_altman(
        reference[keep], measured[keep]).upper_loa
    rate = result.metric("completion_rate").estimate
    assert (rate.numerator, rate.n) == (38, 40)
    assert (rate.low, rate.high) == pytest.approx(proportion_confint(38, 40, method="wilson"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest.loc[1, "reference"] = "-1e80"
    manifest.to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(medeval.ManifestError, match=r"case s01 \(line 3\): reference "
                       r"'-1e80' is beyond 1e\+75 in magnitude"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_reference_with_thousands_separators_or_a_unit_says_how_to_write_it(study):
    # Excel's number format '#,##0.0' writes 1,005.7 (quoted in the CSV); a unit typed
    # in the cell; both refused (as before), now saying what to write
    folder, _, _ = study
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest.loc[1, "reference"] = "1,005.7"
    manifest.loc[2, "reference"] = "5.4 mm"
    manifest.loc[3, "reference"] = "85%"
    # a decimal comma; and '_', which Python's float() reads as digit grouping (float('5_4')
    # is 54.0, by hand), pandas' to_numeric not at all
    manifest.loc[4, "reference"] = "5,4"
    manifest.loc[5, "reference"] = "5_4"
    assert float("5_4") == 54.0 and np.isnan(pd.to_numeric(pd.Series(["5_4"]),
                                                           errors="coerce")[0])
    manifest.to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(medeval.ManifestError) as caught:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    message = str(caught.value)
    assert "'1,005.7' is not a finite number; a thousands separator? write 1005.7" in message
    assert ("'5.4 mm' is not a finite number; write the number alone, in the protocol's "
            "unit (mm)") in message
    assert "'5,4' is not a finite number; a decimal comma? write 5.4" in message
    assert "reference '5_4' is not a finite number" in message
    assert ("'85%' is not a finite number; a percentage (Excel's % format)? write the number "
            "in the protocol's unit (mm), 85% as 85 or 0.85 as the unit says") in message


def test_undefined_agreement_figures_say_why_in_the_warnings(tmp_path):
    # Every reference 5.0 and every measurement 5.5: Lin's CCC has a constant series (its
    # interval undefined); one of three cases failed, and a subgroup holds a single
    # measured case (no agreement figure at all).
    (tmp_path / "in").mkdir()
    (tmp_path / "pred").mkdir()
    rows = []
    for i in range(4):
        (tmp_path / "in" / f"s{i}.txt").write_text("x")
        rows.append({"case_id": f"s{i}", "patient_id": f"p{i}", "input": f"in/s{i}.txt",
                     "reference": "5.0", "site": "A" if i == 0 else "B"})
        if i != 3:
            (tmp_path / "pred" / f"s{i}.json").write_text(json.dumps({"value": 5.5}))
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    protocol = (EXAMPLE / "protocol.toml").read_text() + '[subgroups]\ncolumns = ["site"]\n'
    (tmp_path / "protocol.toml").write_text(protocol)
    with warnings.catch_warnings():
        warnings.simplefilter("error", medeval.UndefinedMetricWarning)
        result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    ccc = result.metric("lins_ccc").estimate
    assert ccc.value == 0.0 and np.isnan(ccc.low)
    assert ccc.note == ("lins_ccc: the confidence interval is undefined: both series are "
                        "constant, at different values, and r and u are undefined; NaN")
    assert f"all cases: lins_ccc: {ccc.note}" in result.warnings
    assert ("site=A: 1 measured case(s) of 1: agreement needs at least 2, so bias, limits of "
            "agreement, MAE, RMSE and Lin's CCC are not reported") in result.warnings


def test_a_stated_unit_other_than_the_protocols_fails_the_case(study):
    # The protocol measures in mm. s00 says {"value": <m / 10>, "unit": "cm"}: before, it
    # was scored as that many mm (ten times too small, silently). Now it fails as
    # invalid-output naming both units; s01 states "MM" (the protocol's unit in other
    # letters) and is scored as written. The agreement figures are those of the other
    # 38 cases, from medeval's bland_altman called directly.
    folder, reference, measured = study
    (folder / "pred" / "s00.json").write_text(json.dumps({"value": measured[0] / 10,
                                                          "unit": "cm"}))
    (folder / "pred" / "s01.json").write_text(json.dumps({"value": measured[1], "unit": "MM"}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failures = {f["case_id"]: f for f in json.loads(result.to_json())["failures"]["cases"]}
    assert failures["s00"]["reason"] == "invalid-output"
    assert 'unit "cm"' in failures["s00"]["detail"]
    assert 'measures in "mm"' in failures["s00"]["detail"]
    keep = ~np.isin(np.arange(40), [0, 3])
    assert result.metric("bias").estimate == bland_altman(reference[keep], measured[keep]).bias


def test_a_unit_under_another_name_fails_the_case(study):
    # Found in the tasks pass: {"value": 0.6, "units": "cm"} (a plural, or "Unit", or
    # "unit " with a space) was left unread and scored as 0.6 mm, ten times too small,
    # while a predictions table's 'units' column is refused. Now each fails as
    # invalid-output naming the key; the agreement figures are those of the other cases,
    # from medeval's bland_altman called directly (itself checked against Bland & Altman
    # 1986 in tests/metrics/test_agreement.py).
    folder, reference, measured = study
    for number, key in enumerate(("units", "Unit", "unit ")):
        (folder / "pred" / f"s{number:02d}.json").write_text(json.dumps(
            {"value": measured[number] / 10, key: "cm"}))
    (folder / "pred" / "s04.json").write_text(json.dumps({"value": measured[4], "unit": "mm",
                                                          "united": "x"}))  # not a unit key
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    details = {c.case_id: c.detail for c in result.failures.cases}
    assert set(details) == {"s00", "s01", "s02", "s03"}
    assert details["s00"] == (
        'case s00: the prediction names its unit "units", which is not read: the unit '
        'beside the value is named exactly "unit" ({"value": number, "unit": "cm"}), and a '
        "unit other than the protocol's fails the case")
    assert all(c.reason == "invalid-output" for c in result.failures.cases if c.case_id != "s03")
    keep = ~np.isin(np.arange(40), [0, 1, 2, 3])
    assert result.metric("bias").estimate == bland_altman(reference[keep], measured[keep]).bias


@pytest.mark.parametrize(("written", "hint"), [
    ("45,2", "; a decimal comma? write 45.2"),
    ("\u22125.4", "; a minus sign '\u2212' (U+2212)? write -5.4"),
    ("45.2 %", "; a percentage (Excel's % format)? write the number in the protocol's unit"),
    ("45.2mm", "; write the number alone, in the protocol's unit (mm)"),
    ("", "no measurement (an empty cell of the predictions table, or NaN)")])
def test_a_table_cell_that_is_no_number_says_what_to_write(study, written, hint):
    # Found in the tasks pass: a predictions table's cell '45,2' (Excel's decimal comma),
    # '−5.4' (a word processor's minus sign) or an empty cell failed its case as "got
    # '45,2'" or "got nan" only, where a reference cell so written is told what to write.
    # The figures are those of the other cases (bland_altman on them, as above).
    folder, reference, measured = study
    rows = [f"s{i:02d},{float(m)!r}" for i, m in enumerate(measured) if i != 3]
    rows[0] = f"s00,\"{written}\""
    (folder / "pred.csv").write_text("case_id,value\n" + "\n".join(rows) + "\n",
                                     encoding="utf-8")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    details = {c.case_id: c.detail for c in result.failures.cases}
    assert set(details) == {"s00", "s03"}
    assert hint in details["s00"] and "(pred.csv, line 2)" in details["s00"]
    keep = ~np.isin(np.arange(40), [0, 3])
    assert result.metric("bias").estimate == bland_altman(reference[keep], measured[keep]).bias


def test_a_number_in_quotes_says_so(study):
    folder, _, _ = study
    (folder / "pred" / "s00.json").write_text('{"value": "5.4"}')
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert {c.case_id: c.detail for c in result.failures.cases}["s00"] == (
        "case s00: the measurement must be a finite number or {\"value\": number}, got '5.4'; "
        "a number in quotes is text in JSON: write it without them")


def test_a_unit_in_its_one_character_form_is_the_unit(study):
    # "㎜" (U+339C, typed by a Korean or Japanese keyboard's unit key) is Unicode's
    # compatibility form of "mm" (its decomposition, below): every case stating it failed,
    # and the message printed it as "\u339c". Now it is the protocol's mm; "㎝" still
    # fails, named as written. Found in the review-measure pass.
    import unicodedata

    assert unicodedata.decomposition("㎜") == "<square> 006D 006D"
    folder, reference, measured = study
    for number in (0, 1):
        (folder / "pred" / f"s{number:02d}.json").write_text(json.dumps(
            {"value": measured[number] / (10 if number else 1), "unit": "㎝㎜"[1 - number]},
            ensure_ascii=False))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert {c.case_id: c.detail for c in result.failures.cases} == {
        "s01": 'case s01: the prediction states unit "㎝", and the protocol measures in "mm": '
               "write the value in mm (nothing is converted)",
        "s03": "case s03: no prediction file s03{.json} in <predictions>"}
    keep = ~np.isin(np.arange(40), [1, 3])
    assert result.metric("bias").estimate == bland_altman(reference[keep], measured[keep]).bias


def test_under_exclude_the_completion_rate_is_still_over_every_case(study):
    # s03 failed. Under policy "exclude" the completion rate was 39/39 = 1 (the failed
    # case left out of its own denominator), so a criterion on it passed whatever failed;
    # its definition is "cases with a valid output / all cases of the held-out set".
    # Now 39/40 under either policy, with the Wilson interval statsmodels gives; the
    # agreement figures are those of the 39 measured, as bland_altman computes them, and
    # no "other way" is reported (it would be the same rows and figures).
    from statsmodels.stats.proportion import proportion_confint

    folder, reference, measured = study
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text() + '[failures]\npolicy = "exclude"\n'
                        '[subgroups]\ncolumns = ["site"]\n')
    (folder / "manifest.csv").write_text(
        (folder / "manifest.csv").read_text().replace("\n", ",A\n").replace(
            "reference,A\n", "reference,site\n", 1))
    result = medeval.evaluate(protocol, folder / "pred")
    rate = result.metric("completion_rate").estimate
    assert (rate.value, rate.numerator, rate.n) == (39 / 40, 39, 40)
    assert (rate.low, rate.high) == pytest.approx(proportion_confint(39, 40, method="wilson"))
    keep = np.arange(40) != 3
    assert result.metric("bias").estimate == bland_altman(reference[keep], measured[keep]).bias
    assert (result.flow.analysed, result.failures.n_failed) == (40, 1)
    assert result.failures.alternative is None
    # the certificate counts its subgroups' cases as "Cases", not "Cases analysed" (all 40
    # are: in the completion rate)
    from medeval.report import build_certificate
    from medeval.report.blocks import Table
    from medeval.report.catalogue import Msg

    headers = [b.header for s in build_certificate(result).sections for b in s.blocks
               if isinstance(b, Table)]
    assert Msg("column.count_analysed") not in [h for header in headers for h in header]
    dataset, results = [header[1] for header in headers if "site" in str(header[0])]
    assert dataset == Msg("column.count")  # the dataset's table by site
    # the results' table by site names its numbers: the cases (all 40), their patients,
    # and of them the failed one (among the cases, not left out)
    assert results == Msg("column.subgroup_counts_3", (
        ("first", Msg("column.count")), ("second", Msg("column.subgroup_patients")),
        ("third", Msg("column.subgroup_failed_among"))))


def test_the_certificate_gives_the_reference_range_and_how_failures_count(study):
    # The dataset section listed every distinct reference value as a "class" (40 rows of
    # one case each); it now gives their number, range and median (numpy's below), and
    # the flow says a failed case counts in the completion rate only, where it said
    # "worst case", which the section on failures explained as "a wrong answer, Dice 0".
    from medeval.report import build_certificate
    from medeval.report.catalogue import Msg, texts

    folder, reference, _ = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    certificate = build_certificate(result)
    blocks = [b for s in certificate.sections for b in s.blocks]
    printed = [" ".join(texts(cell, "en")) for b in blocks for row in getattr(b, "rows", ())
               for cell in row]
    expected = (f"40 values from {reference.min():g} to {reference.max():g} mm, "
                f"median {np.median(reference):g}")
    assert expected in printed
    headers = [h for b in blocks for h in getattr(b, "header", ()) if isinstance(h, Msg)]
    assert Msg("field.composition") not in headers
    assert any("counted as not completed in the completion rate" in p for p in printed)
    assert not any("Dice 0" in " ".join(texts(getattr(b, "text", ""), "en"))
                   for b in blocks)
    # the methods named are those of the figures (they said "AUC: delong; bootstrap:
    # percentile", which no figure here uses, and not Carkeet's)
    [methods] = [p for p in printed if p.startswith("proportions")]
    assert "Carkeet's exact interval" in methods and "AUC" not in methods


def test_references_in_cm_against_measurements_in_mm_are_named_in_the_warnings(study):
    # The manifest's references written in cm (a hospital's export) while the algorithm
    # measures in mm, the protocol's unit: the figures are computed as written (a bias of
    # about 9/10 of the sizes, a failing MAE) and, before, nothing said why. The medians
    # (numpy's) and their ratio, 10, are now named; on the true data, no such warning.
    folder, reference, measured = study
    before = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert not any("times the references" in w for w in before.warnings)
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest["reference"] = [f"{r / 10:g}" for r in reference]
    manifest.to_csv(folder / "manifest.csv", index=False)
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    keep = np.arange(40) != 3
    medians = (np.median(measured[keep]), np.median(np.round(reference[keep] / 10, 6)))
    assert (f"all cases: the measurements are about 10 times the references (medians "
            f"{medians[0]:g} and {medians[1]:g} mm): is one side in another unit (cm or m "
            "against mm, mL against mm³)? Both are read as mm; nothing is converted"
            ) in result.warnings


@pytest.mark.parametrize("reference, measured", [
    # a signed quantity (a midline shift, mm) measured with an offset of 0.5: the medians,
    # 0.05 and 0.5, are 10 times apart by chance (numpy below), while 10 x the references
    # lies far from the measurements
    ([-4.1, -2.0, -0.9, 0.05, 0.05, 1.2, 2.9, 4.4, 6.0],
     [-3.4, -1.6, -0.2, 0.5, 0.4, 1.9, 3.1, 5.1, 6.3]),
    # a residual volume (mL), 0 in most cases, the algorithm finding a little everywhere
    ([0, 0, 0, 0.1, 0.1, 1.2, 2.0, 3.1, 4.0], [0.3, 0.5, 0.2, 0.8, 1.0, 1.3, 2.1, 3.0, 4.1]),
])
def test_no_unit_warning_where_only_the_medians_are_ten_times_apart(reference, measured):
    # 2f5f3c5 warned of cm against mm on the medians' ratio alone; found in the
    # review-measure pass. The warning now needs the pairs to agree better so scaled.
    from medeval.tasks.measurement import _unit_slip

    reference, measured = np.array(reference, float), np.array(measured, float)
    assert np.median(measured) / np.median(reference) == pytest.approx(10)
    assert np.median(np.abs(measured - 10 * reference)) > np.median(
        np.abs(measured - reference))
    assert _unit_slip(reference, measured, "mm") == ()


def test_a_quantity_below_zero_in_cm_against_mm_is_named_too():
    # The warning looked only at positive medians, so a quantity below zero on both sides
    # (an offset, mm) written in cm went unnamed. By hand: measured medians -5.3 (numpy's
    # median of -5.3, -6.0, -4.9 is -5.3), references -52.2; ratio 0.1015, within 25 %
    # of 10**-1, and 0.1 x the references ([-5.22, -6.01, -4.83]) lie within 0.08 of the
    # measurements where unscaled they are 46.9 apart. Medians of opposite signs: none.
    from medeval.tasks.measurement import _unit_slip

    reference, measured = np.array([-52.2, -60.1, -48.3]), np.array([-5.3, -6.0, -4.9])
    assert np.median(measured) == -5.3 and np.median(reference) == -52.2
    [warning] = _unit_slip(reference, measured, "mm")
    assert warning.startswith("the measurements are about 0.1 times the references "
                              "(medians -5.3 and -52.2 mm)")
    assert _unit_slip(reference, -measured, "mm") == ()


def test_with_one_case_measured_the_methods_line_names_the_proportion_only(study):
    # 3398eee's measurement line names the t, Carkeet, t-of-MSE and Fisher z intervals;
    # with one case measured there is no agreement figure (the completion rate alone), and
    # the line named them still. Found in the review-measure pass.
    from medeval.report import build_certificate
    from medeval.report.blocks import Fields
    from medeval.report.catalogue import Msg, texts

    folder, _, _ = study
    for path in sorted((folder / "pred").iterdir())[1:]:
        path.unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert [(m.name, m.estimate.method) for m in result.metrics] == [
        ("completion_rate", "wilson")]  # one patient per case: not clustered
    [methods] = [texts(value, "en") for s in build_certificate(result).sections
                 for b in s.blocks if isinstance(b, Fields) for key, value in b.rows
                 if key == Msg("field.ci_methods")]
    assert methods == ("proportions: Wilson score",)  # named after 0.10.0 (korean2-pass)
