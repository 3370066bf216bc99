"""Multi-reader multi-case ROC analysis: reader AUCs against scikit-learn, the jackknife
and the OR/DBM identity against their definitions (Hypothesis), properties, edge cases and
bad input. The figures the peers print on Van Dyke and Franken are checked in
test_mrmc_peers.py. Data read in place from ../shared/data/tables (GPL-3, not copied here).
"""

from __future__ import annotations

import json
import math
import re
import warnings
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu, norm
from sklearn.metrics import roc_auc_score

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics.ranking import roc_auc
from medeval.stats import Estimate, mrmc
from medeval.stats.mrmc import readers_below_chance


class TestReaderAUCs:
    def test_against_scikit_learn_and_roc_auc(self, vandyke_path, franken_path):
        for path in (vandyke_path, franken_path):
            table = pd.read_csv(path)
            result = mrmc(table)
            for (treatment, reader), auc in result.reader_auc.items():
                rows = table[(table["treatment"] == treatment) & (table["reader"] == reader)]
                assert auc == pytest.approx(roc_auc_score(rows["truth"], rows["rating"]),
                                            abs=1e-15)
                assert auc == pytest.approx(roc_auc(rows["truth"], rows["rating"]), abs=1e-15)

    def test_jackknife_covariance_equals_refitting(self, franken_path):
        # The rank shortcut against the definition: refit every AUC with case k left out.
        from medeval.stats._mrmc_auc import jackknife_aucs, placements

        table = pd.read_csv(franken_path).sort_values(["treatment", "reader", "case"])
        ratings = table["rating"].to_numpy(float).reshape(8, 100)
        truth = table["truth"].to_numpy()[:100].astype(bool)
        jack = jackknife_aucs(placements(ratings, truth), truth)
        keep = np.ones(100, dtype=bool)
        for k in (0, 1, 50, 99):
            keep[:] = True
            keep[k] = False
            for g in range(8):
                assert jack[g, k] == pytest.approx(
                    roc_auc_score(truth[keep], ratings[g, keep]), abs=1e-14)


class TestProperties:
    def test_row_order_does_not_matter(self, vandyke_path, vandyke):
        shuffled = pd.read_csv(vandyke_path).sample(frac=1.0, random_state=7)
        again = mrmc(shuffled)
        assert again.tests["RRRC"].p_value == pytest.approx(vandyke.tests["RRRC"].p_value,
                                                            rel=1e-12)

    def test_swapping_treatments_negates_the_difference(self, vandyke_path, vandyke):
        table = pd.read_csv(vandyke_path)
        table["treatment"] = table["treatment"].map({1: "b", 2: "a"})
        swapped = mrmc(table)
        assert swapped.treatments == ("a", "b")
        for scope in ("RRRC", "FRRC", "RRFC"):
            a, b = swapped.tests[scope].difference, vandyke.tests[scope].difference
            assert a.value == pytest.approx(-b.value, rel=1e-12)
            assert a.low == pytest.approx(-b.high, rel=1e-12)
            assert swapped.tests[scope].p_value == pytest.approx(vandyke.tests[scope].p_value)

    def test_three_treatments_give_every_pair(self, vandyke_path):
        # A third treatment: treatment 2 with every rating of 5 lowered to 4. Its pairs are
        # checked against two-treatment analyses of the same readings: in the fixed-reader
        # chi-square and the random-reader F, each pairwise difference is the same number
        # whatever the other treatments are.
        table = pd.read_csv(vandyke_path)
        third = table[table["treatment"] == 2].copy()
        third["treatment"] = 3
        third["rating"] = third["rating"].clip(upper=4)
        three = pd.concat([table, third])
        result = mrmc(three)
        for scope in ("RRRC", "FRRC", "RRFC"):
            pairs = [(c.first, c.second) for c in result.tests[scope].comparisons]
            assert pairs == list(combinations((1, 2, 3), 2))
            assert result.tests[scope].df_num == 2
        for first, second in combinations((1, 2, 3), 2):
            two = mrmc(three[three["treatment"].isin([first, second])])
            comp = next(c for c in result.tests["RRRC"].comparisons
                        if (c.first, c.second) == (first, second))
            assert comp.difference.value == pytest.approx(two.tests["RRRC"].difference.value)
        # OR and DBM agree on the global F and its ddf for three treatments too
        dbm = mrmc(three, method="DBM").tests["RRRC"]
        assert dbm.statistic == pytest.approx(result.tests["RRRC"].statistic, rel=1e-10)
        assert dbm.df_den == pytest.approx(result.tests["RRRC"].df_den, rel=1e-10)

    def test_zero_ms_tr_gives_infinite_ddf(self):
        # Both readers have the same AUCs (5/6 in A, 1 in B): MS(T*R) = 0, so Hillis's ddf
        # is infinite and the F(1, inf) p-value is the normal one of the difference's z.
        ratings = {("A", 1): [1, 2, 4, 3, 5, 4], ("A", 2): [2, 1, 3, 2, 4, 5],
                   ("B", 1): [1, 3, 2, 4, 5, 5], ("B", 2): [1, 2, 2, 5, 4, 3]}
        rows = [(r, t, c, int(c > 3), s) for (t, r), v in ratings.items()
                for c, s in enumerate(v, start=1)]
        table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
        test = mrmc(table).tests["RRRC"]
        assert math.isinf(test.df_den)
        z = test.comparisons[0].statistic
        assert test.p_value == pytest.approx(2 * norm.sf(abs(z)), rel=1e-12)
        assert test.statistic == pytest.approx(z**2, rel=1e-12)

    def test_identical_treatments_give_nan_not_a_p_value(self, vandyke_path):
        table = pd.read_csv(vandyke_path)
        table = table[table["treatment"] == 1]
        copy = table.assign(treatment=2)
        test = mrmc(pd.concat([table, copy])).tests["RRRC"]
        assert test.difference.value == 0
        assert math.isnan(test.statistic) and math.isnan(test.p_value)

    @pytest.mark.parametrize("method", ["OR", "DBM"])
    def test_identical_treatments_say_the_zero_width(self, vandyke_path, method):
        # Treatment 2 a copy of treatment 1: every reader's AUC and every case-deleted
        # AUC the same in both (Van Dyke reader 1 in treatment 1, by scikit-learn, both
        # times), so MS(T*R) = 0 and Cov2 = Cov3, Var = Cov1: each scope's standard error
        # of the difference is 0 and its interval [0, 0], as the formulas (and the peers)
        # give it; the note says that it shows no uncertainty, not certainty
        table = pd.read_csv(vandyke_path)
        table = table[table["treatment"] == 1]
        result = mrmc(pd.concat([table, table.assign(treatment=2)]), method=method)
        one = table[table["reader"] == 1]
        assert result.reader_auc[(2, 1)] == result.reader_auc[(1, 1)] == pytest.approx(
            roc_auc_score(one["truth"], one["rating"]), abs=1e-15)
        for test in result.tests.values():
            diff = test.comparisons[0]
            assert diff.std_err == 0 and diff.difference.low == diff.difference.high == 0
            assert diff.difference.note is not None
            assert "standard error 0, so the interval has zero width" in diff.difference.note
            assert "no uncertainty, not certainty" in diff.difference.note
        # the treatments' own intervals have a width, and no note
        for interval in result.tests["RRRC"].treatment_intervals.values():
            assert interval.auc.high - interval.auc.low > 0.05 and interval.auc.note is None

    def test_negative_variance_gives_nan_with_a_note(self):
        # One reader, 2 + 2 cases: the unbiased covariance puts Cov1 above Var, so
        # Var - Cov1 < 0 and the fixed-reader SE is undefined.
        ratings = [1, 3, 1, 2, 1, 3, 2, 3]
        rows = [(1, t, c, int(c < 2), ratings[4 * t + c]) for t in range(2) for c in range(4)]
        table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
        with pytest.warns(UndefinedMetricWarning, match="interval undefined"):
            result = mrmc(table, covariance="unbiased")
        assert result.variance_components.cov1 > result.variance_components.var_error
        test = result.tests["FRRC"]
        assert math.isnan(test.statistic) and math.isnan(test.difference.low)
        assert "negative" in test.difference.note

    def test_estimates_and_json(self, vandyke):
        diff = vandyke.tests["RRRC"].difference
        assert isinstance(diff, Estimate)
        assert diff.method == "or-rrrc-jackknife" and diff.confidence == 0.95
        assert diff.n == 114 and diff.contains(diff.value)
        data = json.loads(json.dumps(vandyke.to_dict()))
        assert data["tests"]["RRRC"]["comparisons"][0]["difference"]["value"] == diff.value
        assert data["variance_components"]["var_tr"] == vandyke.variance_components.var_tr

    def test_json_is_strict_with_undefined_figures(self, vandyke_path):
        # One reader (Van Dyke's reader 1): Var(R), Var(T*R), Cov2 and Cov3 are undefined
        # (NaN: no second reader), and the fixed-reader scope is a chi-square test whose
        # denominator df is infinite. JSON has no NaN or Infinity: json.dumps wrote the
        # bare tokens NaN/Infinity, which a strict parser (JavaScript's JSON.parse,
        # json.loads(parse_constant=...)) refuses. They are written as the result's
        # canonical JSON writes them, and Estimate's number() reads them back.
        from medeval.stats.estimate import number

        table = pd.read_csv(vandyke_path)
        result = mrmc(table[table["reader"] == 1])
        data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
        components = data["variance_components"]
        assert [components[k] for k in ("var_r", "var_tr", "cov2", "cov3")] == ["NaN"] * 4
        assert components["cov1"] == result.variance_components.cov1
        frrc = data["tests"]["FRRC"]
        assert frrc["df_den"] == "Infinity" and frrc["comparisons"][0]["df"] == "Infinity"
        assert number(frrc["df_den"]) == result.tests["FRRC"].df_den == math.inf
        assert frrc["statistic"] == result.tests["FRRC"].statistic

    def test_the_result_table_keeps_numbers_where_the_json_has_names(self, vandyke_path):
        # The reader-study table built from an analysis holds the components as floats:
        # after to_dict() wrote NaN as "NaN" (the strict JSON above), the table took its
        # components from it and correlations() divided the string "NaN" (TypeError).
        # Reader 1 alone: Cov1 / Var from the jackknife refitted with scikit-learn
        # (Cov1 the covariance of the two treatments' leave-one-out AUCs, Var their mean
        # variance, each (c - 1)/c * sum of products); Cov2 and Cov3 undefined.
        from types import SimpleNamespace

        from medeval.reader_study_table import ReaderStudyTable

        table = pd.read_csv(vandyke_path)
        one = table[table["reader"] == 1].sort_values(["treatment", "case"])
        spec = SimpleNamespace(comparison="superiority", margin=None, test_treatment=1,
                               reference_treatment=2)
        built = ReaderStudyTable.from_analysis(mrmc(one), spec, scope="FRRC")
        truth = one[one["treatment"] == 1]["truth"].to_numpy()
        c = len(truth)
        jack = np.array([[roc_auc_score(truth[np.arange(c) != k], ratings[np.arange(c) != k])
                          for k in range(c)]
                         for ratings in (one[one["treatment"] == t]["rating"].to_numpy()
                                         for t in (1, 2))])
        dev = jack - jack.mean(axis=1, keepdims=True)
        cov1 = (c - 1) / c * (dev[0] * dev[1]).sum()
        var = (c - 1) / c * (dev ** 2).sum(axis=1).mean()
        r1, r2, r3 = built.correlations()
        assert r1 == pytest.approx(cov1 / var, rel=1e-9)
        assert math.isnan(r2) and math.isnan(r3)
        assert all(isinstance(v, float) for _, v in built.components)

    def test_confidence_level_is_used(self, vandyke_path):
        wide = mrmc(vandyke_path, confidence=0.99).tests["RRRC"].difference
        narrow = mrmc(vandyke_path, confidence=0.90).tests["RRRC"].difference
        assert wide.low < narrow.low and wide.high > narrow.high and wide.confidence == 0.99

    def test_csv_path_and_dataframe_agree(self, vandyke_path, vandyke):
        assert mrmc(pd.read_csv(vandyke_path)).treatment_auc == vandyke.treatment_auc
        assert mrmc(str(vandyke_path)).treatment_auc == vandyke.treatment_auc

    def test_ids_in_a_file_are_read_without_the_spaces_around_them(self, tmp_path):
        # 'R1 ' typed in a spreadsheet beside 'R1' is one reader, as the reader-study task
        # and a manifest read it; it used to make a third reader (and a fourth treatment
        # ' A'), each then missing cases. Reader R1 in A, by hand: negatives (cases 1-3)
        # rate 2, 3, 4, positives (4-6) 5, 1, 2: 5 beats 3, 1 none, 2 ties the 2: 3.5 / 9.
        table = _small()
        spaced = table.assign(reader=np.where(table.index % 2 == 0, table["reader"] + " ",
                                              table["reader"]))
        spaced.loc[3, "treatment"] = " A"
        spaced.to_csv(tmp_path / "readings.csv", index=False)
        result = mrmc(tmp_path / "readings.csv")
        assert result.reader_auc[("A", "R1")] == pytest.approx(3.5 / 9, abs=1e-15)
        for (treatment, reader), auc in result.reader_auc.items():
            rows = table[(table["treatment"] == treatment) & (table["reader"] == reader)]
            assert auc == pytest.approx(roc_auc_score(rows["truth"], rows["rating"]),
                                        abs=1e-15)
        assert result.treatment_auc == mrmc(table).treatment_auc


def _small() -> pd.DataFrame:
    rows = [(r, t, c, int(c > 3), (c + i + j) % 5 + 1)
            for i, r in enumerate(("R1", "R2")) for j, t in enumerate(("A", "B"))
            for c in range(1, 7)]
    return pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])


class TestIdenticalReaders:
    """Five copies of Van Dyke's reader 1: the reader-to-reader variation is exactly 0.

    RRRC then reduces to the single-reader analysis, which the Iowa OR-DBM MRMC 2.51
    prints for reader 1 alone (RJafroc ``inst/Iowa/VanDyke1R.txt``, fixed readers):
    X2 = 1.22011 on 1 df, p = 0.2693, 1 - 2 = -0.02818, 95% CI (-0.07818, 0.02182).
    RRFC's error term MS(T*R) is 0: an infinite F and a zero-width interval (which the
    guarded rule does not pass). Before, rounding left MS(T*R) ~1e-34: F = 1.6e28,
    p = 2e-56 and an interval 1e-15 wide that a criterion could pass.
    """

    @pytest.mark.parametrize("method", ["OR", "DBM"])
    def test_copies_of_one_reader(self, vandyke_path, method):
        table = pd.read_csv(vandyke_path)
        one = table[table["reader"] == 1]
        copies = pd.concat([one.assign(reader=k) for k in range(1, 6)])
        result = mrmc(copies, method=method)
        rrrc = result.tests["RRRC"]
        assert math.isinf(rrrc.df_den)
        if method == "OR":  # DBM's random-reader F is the same; its df is inf as well
            printed_values = (rrrc.statistic, 1.22011), (rrrc.p_value, 0.2693)
            for actual, value in printed_values:
                assert actual == pytest.approx(value, abs=0.5 * 10.0 ** -(
                    len(str(value).split(".")[1])))
        diff = rrrc.difference
        assert diff.value == pytest.approx(-0.02818, abs=5e-6)
        assert (diff.low, diff.high) == pytest.approx((-0.07818, 0.02182), abs=5e-6)
        rrfc = result.tests["RRFC"]
        assert math.isinf(rrfc.statistic) and rrfc.p_value == 0.0
        assert rrfc.difference.low == rrfc.difference.high == rrfc.difference.value
        assert "standard error 0" in (rrfc.difference.note or "")

    @pytest.mark.parametrize("method", ["OR", "DBM"])
    def test_copies_give_each_treatment_a_zero_not_a_residue(self, vandyke_path, method):
        # Three copies of Van Dyke's reader 1: MS(R) of each treatment is 0, so RRFC's
        # treatment SE sqrt(MS(R)_i / r) is 0. OR took MS(R)_i as the variance of the
        # three equal AUCs, whose mean 0.919645732689211 is not exact in binary: 6e-33
        # and a standard error of 7.9e-17, an interval 1.3e-15 wide (not zero width, so a
        # criterion test_auc >= 0.9196457326892107 would have passed it); DBM's ANOVA
        # gave 0. Now both 0, the interval exactly the AUC, with the note
        table = pd.read_csv(vandyke_path)
        one = table[table["reader"] == 1]
        copies = pd.concat([one.assign(reader=k) for k in range(1, 4)])
        result = mrmc(copies, method=method)
        for treatment, interval in result.tests["RRFC"].treatment_intervals.items():
            rows = one[one["treatment"] == treatment]
            auc = roc_auc_score(rows["truth"], rows["rating"])
            assert interval.auc.value == pytest.approx(auc, abs=1e-15)
            assert interval.std_err == 0
            assert interval.auc.low == interval.auc.high == interval.auc.value
            assert "standard error 0" in (interval.auc.note or "")


class TestBadInput:
    def test_reader_missing_a_case_names_the_cells(self):
        table = _small()
        table = table[~((table["reader"] == "R2") & (table["case"].isin([2, 5]))
                        & (table["treatment"] == "B"))]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(table)
        message = str(info.value)
        assert "reader 'R2' treatment 'B' case 2" in message
        assert "reader 'R2' treatment 'B' case 5" in message and "2 reading(s)" in message

    def test_split_plot_is_named(self, vandyke_path):
        # Van Dyke's readers 1-2 keep cases 1-57 and readers 3-5 cases 58-114 (in both
        # treatments): the split-plot design of Obuchowski (2012), not a factorial one.
        table = pd.read_csv(vandyke_path)
        split = table[(table["reader"] <= 2) == (table["case"] <= 57)]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(split)
        assert ("groups that each read their own cases, the same ones in every treatment "
                "(1, 2 read 57 cases, 3, 4, 5 read 57 cases): a split-plot design"
                in str(info.value))
        # readers missing cases that others read too is no split-plot
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(table[~((table["reader"] == 2) & table["case"].isin([5, 7]))])
        assert "split-plot" not in str(info.value)

    def test_split_plot_with_a_skipped_reading_is_named(self, vandyke_path):
        # Found in the reader-pass: the split-plot above with reader 1 skipping cases 5
        # and 7 in treatment 2 (a real study's export) lost the hint, and the message
        # listed 1 + 570 missing readings, the first ten of them the other group's cases.
        # The groups are the readers joined by a shared case; the two skipped readings
        # are named apart (by hand: reader 1, treatment 2, cases 5 and 7).
        table = pd.read_csv(vandyke_path)
        split = table[(table["reader"] <= 2) == (table["case"] <= 57)]
        skipped = split[~((split["reader"] == 1) & (split["treatment"] == 2)
                          & split["case"].isin([5, 7]))]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(skipped)
        assert ("groups that each read their own cases (1, 2 read 57 cases, 3, 4, 5 read "
                "57 cases): a split-plot design, which this analysis does not support"
                in str(info.value))
        assert ("; within the groups 2 reading(s) are missing too: reader 1 treatment 2 "
                "case 5, reader 1 treatment 2 case 7; 572 reading(s) missing"
                in str(info.value))
        # groups of readers each reading their own cases in one treatment only (an
        # unpaired study) are no split-plot
        first = table["reader"] <= 2
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(table[(first == (table["case"] <= 57)) & (first == (table["treatment"] == 1))])
        assert "split-plot" not in str(info.value)

    def test_split_plot_with_a_case_every_reader_read_is_named(self, vandyke_path):
        # Found in the review of the reader-pass: the groups 1-2 (cases 1-57) and 3-5
        # (cases 58-114) with case 1 read by every reader too (a case read to calibrate)
        # were joined by it into one group, and the refusal listed 564 missing readings
        # without a word of the design. By hand: 57 cases for 1, 2; 57 + case 1 for 3-5.
        table = pd.read_csv(vandyke_path)
        calibrated = table[((table["reader"] <= 2) == (table["case"] <= 57))
                           | (table["case"] == 1)]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(calibrated)
        assert ("groups that each read their own cases, the same ones in every treatment "
                "(1, 2 read 57 cases, 3, 4, 5 read 58 cases), and 1 case(s) every reader "
                "read (1): a split-plot design" in str(info.value))
        # groups overlapping on more cases than either reads alone (1-2: 1-80, 3-5:
        # 35-114, 46 shared, 34 each alone) are no split-plot
        overlapping = table[np.where(table["reader"] <= 2, table["case"] <= 80,
                                     table["case"] >= 35)]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(overlapping)
        assert "split-plot" not in str(info.value)

    def test_split_plot_with_a_reader_of_every_case_is_named(self, vandyke_path):
        # Found in the review of the reader-pass: readers 1-2 on cases 1-57 and 3-4 on
        # 58-114, reader 5 on all 114 (the study's lead reading every case), were joined
        # by reader 5 into one group: no word of the design. By hand: 57 cases each.
        table = pd.read_csv(vandyke_path)
        lead = table[((table["reader"] <= 2) == (table["case"] <= 57))
                     | (table["reader"] == 5)]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(lead)
        assert ("groups that each read their own cases, the same ones in every treatment "
                "(1, 2 read 57 cases, 3, 4 read 57 cases), and reader(s) 5 read every case: "
                "a split-plot design" in str(info.value))
        # reader 5 skipping case 3 in treatment 2 is one of the readings named apart
        skipped = lead[~((lead["reader"] == 5) & (lead["treatment"] == 2)
                         & (lead["case"] == 3))]
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(skipped)
        assert ("; within the groups 1 reading(s) are missing too: reader 5 treatment 2 "
                "case 3; " in str(info.value))

    def test_ids_differing_in_leading_zeros_are_pointed_out(self, vandyke_path, tmp_path):
        # Found in the reader-pass: treatment 2 exported on another day by a spreadsheet
        # that read the reader ids '001'..'005' as numbers (1..5): ten readers, each
        # missing a treatment, and nothing said why. Cases 'C010' and 'C10' likewise;
        # '10.05' and '10.5' differ in more than zeros (not pointed out).
        table = pd.read_csv(vandyke_path)
        second = table["treatment"] == 2
        padded = table.assign(reader=np.where(second, table["reader"].astype(str),
                                              table["reader"].map("{:03d}".format)))
        path = tmp_path / "padded.csv"
        padded.to_csv(path, index=False)
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(path)
        assert ("readers '001' and '1', '002' and '2', '003' and '3', '004' and '4', '005' "
                "and '5' differ only in leading zeros (a spreadsheet drops them from a "
                "number); if they are one, write them one way; 1140 reading(s) missing"
                in str(info.value))
        cases = table.assign(case=np.where(second & (table["case"] == 10), "C10",
                                           table["case"].map("C{:03d}".format)))
        with pytest.raises(InvalidInputError, match=r"cases 'C010' and 'C10' differ only "
                           r"in leading zeros"):
            mrmc(cases)
        decimal = table.assign(case=np.where(second & (table["case"] == 10), "10.5",
                                             table["case"].map(lambda c: f"10.{c:02d}")))
        with pytest.raises(InvalidInputError, match="not factorial") as info:
            mrmc(decimal)
        assert "leading zeros" not in str(info.value)

    def test_ids_differing_in_leading_zeros_are_told_what_else_differs(self, vandyke_path):
        # Found in the review of the reader-pass: 'R001' and 'r1' were said to "differ
        # only in leading zeros (a spreadsheet drops them from a number)": they differ in
        # letter case too, and no spreadsheet drops the zeros of 'R001' (no number).
        table = pd.read_csv(vandyke_path)
        second = table["treatment"] == 2
        for padded, unpadded, said in (
                ("R{:03d}", "r{}", "readers 'R001' and 'r1', 'R002' and 'r2', 'R003' and 'r3', "
                 "'R004' and 'r4', 'R005' and 'r5' differ only in leading zeros and letter "
                 "case; if they are one, write them one way; "),
                ("R{:03d}", "R{}", "readers 'R001' and 'R1', 'R002' and 'R2', 'R003' and 'R3', "
                 "'R004' and 'R4', 'R005' and 'R5' differ only in leading zeros; if they are "
                 "one, write them one way; ")):
            readers = np.where(second, table["reader"].map(unpadded.format),
                               table["reader"].map(padded.format))
            with pytest.raises(InvalidInputError, match="not factorial") as info:
                mrmc(table.assign(reader=readers))
            assert said in str(info.value)
            assert "spreadsheet" not in str(info.value)

    def test_treatments_with_different_cases_are_named(self, vandyke_path):
        table = pd.read_csv(vandyke_path)
        with pytest.raises(InvalidInputError, match=(
                r"the treatments hold different cases \(case 5 read in 1 only, case 7 read "
                r"in 1 only\)")):
            mrmc(table[~((table["treatment"] == 2) & table["case"].isin([5, 7]))])

    def test_labels_differing_in_case_or_unicode_form(self):
        import unicodedata
        table = _small().assign(reader=lambda t: t["reader"].str.replace("R", "김"))
        nfd = unicodedata.normalize("NFD", "김1")
        one = (table["reader"] == "김1") & (table["treatment"] == "B")
        expected = f"readers {nfd!r} (NFD) and '김1' differ only in letter case or Unicode form"
        with pytest.raises(InvalidInputError, match=re.escape(expected)):
            mrmc(table.assign(reader=table["reader"].where(~one, nfd)))

    def test_a_cp949_file_says_so(self, vandyke_path, tmp_path):
        text = pd.read_csv(vandyke_path).assign(
            reader=lambda t: "판독의" + t["reader"].astype(str)).to_csv(index=False)
        (tmp_path / "vd.csv").write_bytes(text.encode("cp949"))
        offset = len(text[:text.index("판")].encode("cp949"))  # header and "1," are ASCII
        column = offset - len(text.split("\n")[0]) - 1 + 1  # after the header's newline
        with pytest.raises(InvalidInputError, match=re.escape(
                f"not UTF-8 text (line 2, byte {column} of the line, file offset {offset}); "
                "Excel's plain 'CSV'")):
            mrmc(tmp_path / "vd.csv")

    def test_case_with_two_truths(self):
        table = _small()
        table.loc[(table["case"] == 4) & (table["reader"] == "R2"), "truth"] = 0
        with pytest.raises(InvalidInputError, match="two truths.*4"):
            mrmc(table)

    def test_ratings_not_numbers(self):
        table = _small()
        table["rating"] = table["rating"].astype(object)
        table.loc[3, "rating"] = "high"
        with pytest.raises(InvalidInputError, match="not finite numbers.*'high'"):
            mrmc(table)

    def test_empty_rating(self):
        table = _small()
        table.loc[5, "rating"] = np.nan
        with pytest.raises(InvalidInputError, match="reader 'R1' treatment 'A' case 6"):
            mrmc(table)

    def test_one_treatment_only(self):
        table = _small()
        with pytest.raises(InvalidInputError, match="one treatment only"):
            mrmc(table[table["treatment"] == "A"])

    def test_every_case_one_class(self):
        table = _small()
        table["truth"] = 1
        with pytest.raises(InvalidInputError, match="every case has truth 1"):
            mrmc(table)

    def test_truth_not_binary(self):
        table = _small()
        table["truth"] = table["truth"] * 2
        with pytest.raises(InvalidInputError, match="truth.*1.*0.*got 2"):
            mrmc(table)

    def test_reading_twice(self):
        table = _small()
        with pytest.raises(InvalidInputError, match="more than once"):
            mrmc(pd.concat([table, table.iloc[[0]]]))

    def test_missing_column(self):
        with pytest.raises(InvalidInputError, match="lacks column.*'rating'"):
            mrmc(_small().drop(columns="rating"))

    @pytest.mark.parametrize("sep, name", [(";", "semicolons"), ("\t", "tabs")])
    def test_file_separated_otherwise_names_the_file_and_the_separator(self, tmp_path, sep,
                                                                       name):
        # Excel's ';' export (decimal commas) and a TSV: the whole header is one column.
        # Before: 'mrmc: the table lacks column(s) 'reader', ...' without the file or why.
        path = tmp_path / "readings.csv"
        path.write_text(_small().to_csv(index=False, sep=sep).replace(".", ","),
                        encoding="utf-8-sig")
        with pytest.raises(InvalidInputError) as info:
            mrmc(path)
        message = str(info.value)
        assert message.startswith(f"mrmc: {path}: the table lacks column(s) 'reader'")
        assert f"its fields are separated by {name}: the table is a CSV with commas" \
            in message

    def test_file_missing_a_column_says_what_it_has(self, tmp_path):
        path = tmp_path / "readings.csv"
        _small().rename(columns={"rating": "score"}).to_csv(path, index=False)
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {path}: the table lacks column(s) 'rating'") + ".*it has 'reader', "
                "'treatment', 'case', 'truth', 'score'"):
            mrmc(path)

    def test_a_reader_study_readings_file_is_told_where_the_truth_is(self, tmp_path):
        # Found in the second reader-study pass (hreader3): protocol check sends a reader
        # study's planner to mrmc(pilot_readings), and the task's readings file (reader,
        # treatment, case, rating: the truth is the manifest's) was refused as lacking
        # 'truth' with no word of where it is. The truth added from a manifest as the
        # message says gives each reader's AUC as scikit-learn's roc_auc_score.
        path = tmp_path / "readings.csv"
        table = _small()
        table.drop(columns="truth").to_csv(path, index=False)
        with pytest.raises(InvalidInputError, match=re.escape(
                "lacks column(s) 'truth'") + ".*" + re.escape(
                "a reader-study readings file has no truth (the task takes it from the "
                "manifest's reference): add a column truth, 1 for a case with the condition "
                "and 0 for one without")):
            mrmc(path)
        manifest = pd.DataFrame({"case_id": range(1, 7),
                                 "reference": ["benign"] * 3 + ["malignant"] * 3})
        readings = pd.read_csv(path)
        truth = dict(zip(manifest["case_id"], manifest["reference"] == "malignant"))
        readings.assign(truth=readings["case"].map(truth).astype(int)).to_csv(
            path, index=False)
        result = mrmc(path)
        for (reader, treatment), rows in table.groupby(["reader", "treatment"]):
            assert result.reader_auc[(treatment, reader)] == pytest.approx(
                roc_auc_score(rows["truth"], rows["rating"]), abs=1e-12)

    @pytest.mark.parametrize("text", ["", "\n\n"])
    def test_an_empty_file_is_called_empty(self, tmp_path, text):
        # Found in the second reader-study pass (hreader3): a file of no bytes (or blank
        # lines only: pandas' EmptyDataError, below) was told 'cannot read ... as CSV: No
        # columns to parse from file', where a manifest is told it is empty. Both the
        # table and a reader-study task's readings file now say so, naming the header
        from medeval.tasks.reader_study import read_readings

        path = tmp_path / "readings.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(pd.errors.EmptyDataError):
            pd.read_csv(path)
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {path} is empty (no header line, only blank lines or none): the "
                "table's first line is its header, reader,treatment,case,truth,rating")):
            mrmc(path)
        with pytest.raises(InvalidInputError, match=re.escape(
                f"readings {path}: is empty (no header line, only blank lines or none): the "
                "readings' first line is their header, reader,treatment,case,rating")):
            read_readings(path)

    def test_file_with_an_empty_reader_names_its_line(self, tmp_path):
        # the 4th data row is line 5 of the file (line 1 the header)
        path = tmp_path / "readings.csv"
        lines = _small().to_csv(index=False).splitlines()
        lines[4] = "," + lines[4].split(",", 1)[1]
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {path}: column 'reader' is empty on line(s) 5")):
            mrmc(path)

    def test_file_with_a_reader_of_spaces_names_its_line_as_empty(self, tmp_path):
        # Ids are read without the spaces around them (0d063858): a cell of spaces became
        # reader '' who "read no case in some treatment", 6 readings "missing", instead
        # of an empty cell. The 4th data row is line 5 of the file (line 1 the header).
        path = tmp_path / "readings.csv"
        lines = _small().to_csv(index=False).splitlines()
        lines[4] = "  ," + lines[4].split(",", 1)[1]
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {path}: column 'reader' is empty on line(s) 5")):
            mrmc(path)

    def test_file_rows_wider_than_the_header(self, tmp_path):
        # Treatment 'B, aided' unquoted: its rows have 6 fields under a 5-field header.
        # Rows sorted so those come first: pandas took the reader for an index and moved
        # every value one column left; now line 2 (the first reading) is named. A trailing
        # comma on every row (an empty sixth field) loses nothing and is read as written.
        table = _small().sort_values("treatment", ascending=False, kind="stable")
        path = tmp_path / "readings.csv"
        lines = ["reader,treatment,case,truth,rating"] + [
            f"{r.reader},{'B, aided' if r.treatment == 'B' else r.treatment},{r.case},"
            f"{r.truth},{r.rating}" for r in table.itertuples()]
        path.write_text("\n".join(lines) + "\n")
        first = table.iloc[0]
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: cannot read {path} as CSV: line 2 has 6 fields, the header 5 "
                f"('{first.reader}', 'B', ' aided', '{first.case}', '{first.truth}', "
                f"'{first.rating}'): a value holding a comma must be in double quotes")):
            mrmc(path)
        lines = ["reader,treatment,case,truth,rating"] + [
            f"{r.reader},{r.treatment},{r.case},{r.truth},{r.rating}," for r in
            table.itertuples()]
        path.write_text("\n".join(lines) + "\n")
        assert mrmc(path).treatment_auc == mrmc(table).treatment_auc

    def test_file_messages_name_the_file_and_its_lines(self, tmp_path):
        # Before, only the column checks named the file: a rating, a truth, a reading
        # given twice, a design not factorial were 'mrmc: ...' alone, and an empty truth
        # named no row at all. _small() to CSV: line 1 the header, row k on line k + 2;
        # a blank line inserted after line 3 (pandas skips it) moves rows 2.. one down.
        path = tmp_path / "readings.csv"

        def refused(lines: list[str], message: str) -> None:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            with pytest.raises(InvalidInputError) as info:
                mrmc(path)
            assert str(info.value).startswith(f"mrmc: {path}: "), str(info.value)
            assert message in str(info.value), str(info.value)

        lines = _small().to_csv(index=False).splitlines()  # row 2: R1,A,3,0,...
        blank = lines[:3] + [""] + lines[3:]  # row 2 now on line 5
        refused(blank[:4] + [blank[4].rsplit(",", 1)[0] + ",high"] + blank[5:],
                "1 rating(s) are not finite numbers: line 5 (reader 'R1' treatment 'A' "
                "case 3): 'high'")
        refused(blank[:4] + [blank[4].replace(",0,", ",,")] + blank[5:],
                "column 'truth' is empty on 1 row(s) (line 5)")
        refused(blank[:4] + [blank[4].replace(",0,", ",2,")] + blank[5:],
                "column 'truth' must hold 1 (condition present) or 0 (absent), got 2 "
                "(line 5)")
        refused(blank + [lines[3]], "1 reading(s) appear more than once: reader 'R1' "
                "treatment 'A' case 3 (line 5, line 27)")  # 25 lines + the copy
        refused(blank[:4] + blank[5:], "the design is not factorial")
        refused(blank[:4] + [blank[4].replace(",0,", ",1,")] + blank[5:], "two truths")

    def test_ids_written_as_pandas_missing_values_are_names(self, vandyke_path, tmp_path):
        # A reader 'NA' (initials), a case 'None', a treatment 'null': pandas' default
        # missing-value tokens. Read from a file they were empty cells ('column 'reader'
        # is empty on line(s) ...') where the reader-study task, reading the same file,
        # took them as names. The reader AUCs are scikit-learn's on each reader's rows.
        table = pd.read_csv(vandyke_path)
        named = table.assign(reader=table["reader"].map({1: "NA", 2: "N/A", 3: "3", 4: "4",
                                                         5: "5"}),
                             treatment=table["treatment"].map({1: "null", 2: "2"}),
                             case=table["case"].map(lambda c: "None" if c == 1 else str(c)))
        path = tmp_path / "named.csv"
        named.to_csv(path, index=False)
        result = mrmc(path)
        assert sorted({reader for _, reader in result.reader_auc}) == ["3", "4", "5", "N/A",
                                                                    "NA"]
        for (treatment, reader), auc in result.reader_auc.items():
            rows = named[(named["reader"] == reader) & (named["treatment"] == treatment)]
            assert auc == pytest.approx(roc_auc_score(rows["truth"], rows["rating"]),
                                        abs=1e-12)
        assert result.n_cases == 114 and sorted(result.treatment_auc) == ["2", "null"]
        # an empty cell is still empty, and named by its line
        path.write_text(named.to_csv(index=False).replace("\nNA,", "\n,", 1))
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {path}: column 'reader' is empty on line(s) 2")):
            mrmc(path)

    def test_file_saved_as_a_workbook_or_unicode_text(self, tmp_path):
        # Before: both 'is not UTF-8 text (line 1, byte ...); Excel's plain 'CSV' on
        # Korean Windows writes CP949'. A ZIP archive (stdlib zipfile: 'PK\x03\x04', as
        # an .xlsx is) and UTF-16 with a byte order mark (Python's utf-16 codec).
        import zipfile

        xlsx, text = tmp_path / "readings.xlsx", tmp_path / "readings.txt"
        with zipfile.ZipFile(xlsx, "w") as archive:
            archive.writestr("xl/worksheets/sheet1.xml", _small().to_csv(index=False))
        _small().to_csv(text, index=False, sep="\t", encoding="utf-16")
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {xlsx} is a ZIP archive (an Excel .xlsx workbook?), not CSV text; "
                "save it as 'CSV UTF-8'")):
            mrmc(xlsx)
        with pytest.raises(InvalidInputError, match=re.escape(
                f"mrmc: {text} is UTF-16 text (Excel's 'Unicode Text'), not UTF-8; save it "
                "as 'CSV UTF-8'")):
            mrmc(text)

    def test_one_positive_case_cannot_be_jackknifed(self):
        table = _small()
        table["truth"] = (table["case"] == 6).astype(int)
        with pytest.raises(InvalidInputError, match="two cases of each class"):
            mrmc(table)

    def test_options(self, tmp_path):
        with pytest.raises(InvalidInputError, match="method"):
            mrmc(_small(), method="ANOVA")  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="jackknife pseudovalues"):
            mrmc(_small(), method="DBM", covariance="delong")
        with pytest.raises(InvalidInputError, match="confidence"):
            mrmc(_small(), confidence=95)
        with pytest.raises(InvalidInputError, match="no such table file"):
            mrmc(tmp_path / "absent.csv")
        with pytest.raises(InvalidInputError, match="DataFrame or the path"):
            mrmc([1, 2, 3])  # type: ignore[arg-type]


@st.composite
def factorial_studies(draw):  # type: ignore[no-untyped-def]
    """A small factorial study: 2-3 treatments, 2-4 readers, 2-5 cases of each class,
    ratings 1-5 (many ties)."""
    t = draw(st.integers(2, 3))
    r = draw(st.integers(2, 4))
    n1, n0 = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    truth = [1] * n1 + [0] * n0
    ratings = draw(st.lists(st.integers(1, 5), min_size=t * r * (n1 + n0),
                            max_size=t * r * (n1 + n0)))
    rows, it = [], iter(ratings)
    for i in range(t):
        for j in range(r):
            for k, y in enumerate(truth):
                rows.append((j, i, k, y, next(it)))
    return pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])


class TestAgainstDefinitions:
    # random readers may rate every case alike: warned of, not the point here
    @pytest.mark.filterwarnings("ignore:.*gave every case the same rating:UserWarning")
    @settings(max_examples=40, deadline=None)
    @given(factorial_studies())
    def test_or_jackknife_and_dbm_agree(self, table):
        # Hillis et al. (2005): OR with jackknife covariances and DBM on normalized
        # pseudovalues give the same RRRC F and ddf (two different computations here).
        ors = mrmc(table).tests["RRRC"]
        dbm = mrmc(table, method="DBM").tests["RRRC"]
        if math.isnan(ors.statistic):
            assert math.isnan(dbm.statistic)
            return
        assert dbm.statistic == pytest.approx(ors.statistic, rel=1e-9, abs=1e-12)
        assert dbm.df_den == pytest.approx(ors.df_den, rel=1e-9)

    # random readers may rate every case alike: warned of, not the point here
    @pytest.mark.filterwarnings("ignore:.*gave every case the same rating:UserWarning")
    @settings(max_examples=25, deadline=None)
    @given(factorial_studies())
    def test_jackknife_components_equal_refitting(self, table):
        # Var, Cov1, Cov2, Cov3 from the definition: refit every AUC without case k with
        # scikit-learn, then (c-1)/c times the sum of products of deviations, averaged.
        result = mrmc(table)
        table = table.sort_values(["treatment", "reader", "case"])
        t, r = len(result.treatments), len(result.readers)
        c = result.n_cases
        ratings = table["rating"].to_numpy(float).reshape(t * r, c)
        truth = table["truth"].to_numpy()[:c]
        jack = np.array([[roc_auc_score(np.delete(truth, k), np.delete(ratings[g], k))
                          for k in range(c)] for g in range(t * r)])
        dev = jack - jack.mean(axis=1, keepdims=True)
        cov = (c - 1) / c * dev @ dev.T
        same_t = np.repeat(np.arange(t), r)[:, None] == np.repeat(np.arange(t), r)[None, :]
        same_r = np.tile(np.arange(r), t)[:, None] == np.tile(np.arange(r), t)[None, :]
        vc = result.variance_components
        assert vc.var_error == pytest.approx(np.diag(cov).mean(), abs=1e-14)
        assert vc.cov1 == pytest.approx(cov[~same_t & same_r].mean(), abs=1e-14)
        assert vc.cov2 == pytest.approx(cov[same_t & ~same_r].mean(), abs=1e-14)
        assert vc.cov3 == pytest.approx(cov[~same_t & ~same_r].mean(), abs=1e-14)


def test_ids_in_a_csv_file_are_read_as_written(vandyke_path, tmp_path):
    """Van Dyke with reader 1 renamed '01' and reader 2 renamed '1' in the file: two
    readers, not one (pandas' guess read both as the number 1, and the study then had
    reader 1 reading every case twice); cases zero-padded keep their zeros. The reader
    AUCs are scikit-learn's on each reader's own rows."""
    table = pd.read_csv(vandyke_path)
    renamed = table.assign(
        reader=table["reader"].map({1: "01", 2: "1", 3: "3", 4: "4", 5: "5"}),
        case=table["case"].map(lambda c: f"{c:03d}"))
    path = tmp_path / "padded.csv"
    renamed.to_csv(path, index=False)
    result = mrmc(path)
    assert sorted({reader for _, reader in result.reader_auc}) == ["01", "1", "3", "4", "5"]
    for name, original in (("01", 1), ("1", 2)):
        rows = table[(table["reader"] == original) & (table["treatment"] == 1)]
        assert result.reader_auc[(1, name)] == pytest.approx(
            roc_auc_score(rows["truth"], rows["rating"]), abs=1e-12)
    # the plain numbers of the shared file stay numbers (treatments 1 and 2)
    assert sorted(mrmc(vandyke_path).treatment_auc) == [1, 2]


def test_case_ids_beyond_64_bits_are_read_as_text(vandyke_path, tmp_path):
    """Cases numbered by 20-digit accession numbers (beyond int64): read as text, not
    refused with a bare OverflowError ('Python int too large to convert to C long').
    The reader AUCs are scikit-learn's on each reader's own rows."""
    table = pd.read_csv(vandyke_path)
    path = tmp_path / "accession.csv"
    table.assign(case=table["case"].map(lambda c: str(12345678901234567000 + c))).to_csv(
        path, index=False)
    result = mrmc(path)
    for (treatment, reader), auc in result.reader_auc.items():
        rows = table[(table["reader"] == reader) & (table["treatment"] == treatment)]
        assert auc == pytest.approx(roc_auc_score(rows["truth"], rows["rating"]), abs=1e-12)
    assert len(result.reader_auc) == 10


@pytest.mark.parametrize("written", ["3,5", "1,250"])
def test_ratings_with_a_comma_say_so(tmp_path, written):
    # '3,5' (a decimal comma, quoted in a comma-separated file as LibreOffice writes it)
    # or '1,250' (grouped thousands): pandas reads neither as a number. Before, the
    # message listed the values only; now it says what they have in common.
    table = _small().astype({"rating": object})
    table.loc[2, "rating"] = written
    path = tmp_path / "readings.csv"
    table.to_csv(path, index=False)
    assert f'"{written}"' in path.read_text()  # quoted by pandas, as a comma needs
    with pytest.raises(InvalidInputError, match=re.escape(
            f"line 4 (reader 'R1' treatment 'A' case 3): '{written}'; '{written}' holds a "
            "comma (a decimal comma, or one grouping thousands): a rating is a plain "
            "number, with a decimal point and no grouping")):
        mrmc(path)


def test_a_reader_named_otherwise_in_one_treatment_is_pointed_out(vandyke_path):
    # Van Dyke with reader 3 written 'R 3' in treatment 1 and 'R3'
    # in treatment 2 (two sessions, two spellings). Before, the message listed the 228
    # missing readings, the first ten all "reader 'R 3' treatment 2 case ...", and left
    # the two names to be found; now both are named with the treatment each read.
    table = pd.read_csv(vandyke_path)
    table["reader"] = table["reader"].map("R{}".format)
    one = (table["reader"] == "R3") & (table["treatment"] == 1)
    table.loc[one, "reader"] = "R 3"
    with pytest.raises(InvalidInputError, match=re.escape(
            "the design is not factorial: reader(s) read no case in some treatment: 'R 3' "
            "in 1 only, 'R3' in 2 only; if a reader's name is written otherwise in one "
            "treatment, write it one way, else add the readings of the treatment missing; "
            "228 reading(s) missing")):  # 2 readers x 114 cases (Van Dyke's 114)
        mrmc(table)
    # a reader who skipped one treatment altogether is named the same way
    with pytest.raises(InvalidInputError, match=re.escape(
            "reader(s) read no case in some treatment: 'R 3' in 1 only;")):
        mrmc(table[table["reader"] != "R3"])


def test_delong_with_one_case_of_a_class_warns_in_medeval_words_only(vandyke_path):
    # Van Dyke with one abnormal case kept: DeLong's S10, a sample covariance over the
    # positives (divided by n1 - 1 = 0), is undefined. The analysis said so with its own
    # UndefinedMetricWarning, but numpy's 'RuntimeWarning: invalid value encountered in
    # divide' (pointing into _mrmc_auc.py) came first. The AUCs themselves are defined:
    # each reader's is scikit-learn's on that reader's rows.
    import warnings

    table = pd.read_csv(vandyke_path)
    first = table.loc[table["truth"] == 1, "case"].min()
    table = table[(table["truth"] == 0) | (table["case"] == first)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mrmc(table, covariance="delong")
    kinds = {type(w.message) for w in caught}
    assert kinds == {UndefinedMetricWarning}, [str(w.message) for w in caught]
    assert math.isnan(result.tests["RRRC"].difference.low)
    for (treatment, reader), auc in result.reader_auc.items():
        rows = table[(table["reader"] == reader) & (table["treatment"] == treatment)]
        assert auc == pytest.approx(roc_auc_score(rows["truth"], rows["rating"]), abs=1e-12)


def test_a_table_read_as_text_is_analysed_as_its_numbers(vandyke_path):
    # pd.read_csv(..., dtype=str), as one reads a table to keep ids like '007': the
    # ratings were taken as the numbers they spell, but the truths were refused with
    # "column 'truth' must hold 1 (condition present) or 0 (absent), got '0', '1'".
    # The figures are the Iowa OR-DBM MRMC 2.51 output on Van Dyke (RJafroc
    # inst/Iowa/VanDyke.txt): F = 4.46 on 1 and 15.26 df, p = 0.0517.
    result = mrmc(pd.read_csv(vandyke_path, dtype=str))
    rrrc = result.tests["RRRC"]
    assert round(rrrc.statistic, 2) == 4.46 and round(rrrc.df_den, 2) == 15.26
    assert round(rrrc.p_value, 4) == 0.0517
    table = pd.read_csv(vandyke_path, dtype=str)
    table.loc[3, "truth"] = "yes"
    with pytest.raises(InvalidInputError, match=r"got 'yes' \(row 3\)"):
        mrmc(table)


def test_columns_written_otherwise_are_named(tmp_path):
    # A header typed 'Reader,Treatment,Case,Truth,Rating' (or with a space after each
    # comma): before, the columns missing and those present were listed side by side
    # with nothing said; now each is paired with the name it stands for, as the
    # manifest's message does.
    path = tmp_path / "readings.csv"
    _small().rename(columns=str.title).to_csv(path, index=False)
    with pytest.raises(InvalidInputError, match=re.escape(
            "(written otherwise: 'Reader' for 'reader', 'Treatment' for 'treatment', 'Case' "
            "for 'case', 'Truth' for 'truth', 'Rating' for 'rating'; column names are read "
            "exactly, in lower case without spaces: rename them)")):
        mrmc(path)


def test_a_reader_giving_every_case_one_rating_is_warned_of():
    # Reader 2 rates all six cases 3 under treatment A: every positive-negative pair a
    # tie, AUC 1/2 (scikit-learn's roc_auc_score on a constant score), which counts in
    # A's reader average: (5/6 + 1/2) / 2 = 2/3. Warned as the reader-study task warns
    # in its result; the task itself says it in the result only, not as a Python warning.
    ratings = {("A", 1): [1, 2, 4, 3, 5, 4], ("A", 2): [3, 3, 3, 3, 3, 3],
               ("B", 1): [1, 3, 2, 4, 5, 5], ("B", 2): [1, 2, 2, 5, 4, 3]}
    rows = [(r, t, c, int(c > 3), s) for (t, r), v in ratings.items()
            for c, s in enumerate(v, start=1)]
    table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
    with pytest.warns(UserWarning, match=r"reader\(s\) 2 \(3\) gave every case the same "
                      r"rating in treatment 'A'"):
        result = mrmc(table)
    assert result.reader_auc[("A", 2)] == roc_auc_score([0, 0, 0, 1, 1, 1], [3] * 6) == 0.5
    assert result.treatment_auc["A"] == pytest.approx((5 / 6 + 0.5) / 2, abs=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mrmc(table.assign(rating=table["rating"].where(table["reader"] != 2, table["case"])))


def test_a_reader_below_chance_is_named(vandyke_path):
    # Van Dyke's reader 3 in treatment 2 with the 1-5 scale reversed (6 - rating: 1 for
    # the most suspicious where 5 was meant). Its AUC is 1 - 0.92174 (scikit-learn on
    # the ratings as given) and the result took it without a word. Its interval is the
    # AUC ± z sqrt(jackknife variance), the variance refitted here with scikit-learn,
    # leaving out each case: (c - 1)/c * sum (AUC_(k) - mean)^2 (Efron 1982; the Iowa
    # program's error variance). The whole interval lies below 0.5: named, with both.
    table = pd.read_csv(vandyke_path)
    flip = (table["reader"] == 3) & (table["treatment"] == 2)
    reversed_table = table.assign(rating=table["rating"].where(~flip, 6 - table["rating"]))
    rows = table[flip].sort_values("case")
    truth, given = rows["truth"].to_numpy(), 6 - rows["rating"].to_numpy()
    auc = roc_auc_score(truth, given)
    assert auc == pytest.approx(1 - roc_auc_score(truth, rows["rating"]), abs=1e-15)
    c = len(truth)
    keep = [np.arange(c) != k for k in range(c)]
    left_out = np.array([roc_auc_score(truth[m], given[m]) for m in keep])
    variance = (c - 1) / c * ((left_out - left_out.mean()) ** 2).sum()
    half = norm.ppf(0.975) * math.sqrt(variance)
    with pytest.warns(UserWarning) as caught:
        result = mrmc(reversed_table)
    assert [str(w.message) for w in caught] == [
        f"mrmc: reader(s) 3 (AUC {auc:.4g} [{auc - half:.4g}, {auc + half:.4g}]) in treatment "
        "2: the AUC and its whole 95% interval lie below 0.5, so the reader ranked the cases "
        "without the condition above those with it: were the ratings given on a reversed "
        "scale (1 for the most suspicious where 5 was meant)? The AUC is not flipped and "
        "counts in the reader average: check these readings"]
    assert auc + half < 0.5
    below = readers_below_chance(result)
    assert list(below) == [2] and [r for r, _ in below[2]] == [3]
    assert below[2][0][1].high == pytest.approx(auc + half, abs=1e-12)
    assert result.reader_auc[(2, 3)] == pytest.approx(auc, abs=1e-15)  # not flipped
    with warnings.catch_warnings():  # the readings as published: no reader below chance
        warnings.simplefilter("error")
        mrmc(table)


def test_a_reader_near_chance_is_not_named():
    # A reader whose AUC is below 0.5 but whose interval reaches above it is not named.
    # Reader 2 in B, by hand: negatives (cases 1-3) rate 2, 3, 2, positives (4-6) 1, 3, 2;
    # positive 1 beats none (0), 3 beats both 2s and ties the 3 (2.5), 2 ties both 2s
    # and loses to the 3 (1): 3.5 / 9 = 0.389 (scikit-learn agrees below). On six cases
    # its interval is wide and reaches 0.5: no warning.
    ratings = {("A", 1): [1, 2, 4, 3, 5, 4], ("A", 2): [2, 3, 1, 1, 2, 3],
               ("B", 1): [1, 3, 2, 4, 5, 5], ("B", 2): [2, 3, 2, 1, 3, 2]}
    rows = [(r, t, c, int(c > 3), s) for (t, r), v in ratings.items()
            for c, s in enumerate(v, start=1)]
    table = pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = mrmc(table)
    assert result.reader_auc[("B", 2)] == pytest.approx(
        roc_auc_score([0, 0, 0, 1, 1, 1], [2, 3, 2, 1, 3, 2]), abs=1e-15)
    assert result.reader_auc[("B", 2)] == pytest.approx(3.5 / 9, abs=1e-15)
    assert result.reader_intervals[("B", 2)].high > 0.5
    assert readers_below_chance(result) == {}


@pytest.mark.parametrize("name", ["readings.zip", "readings.tar", "readings.tar.gz"])
def test_a_table_in_an_archive_is_refused_as_a_manifest_is(vandyke_path, tmp_path, name):
    # Van Dyke's table packed by the standard library's zipfile / tarfile: pandas opens
    # such a file as the one CSV inside (shown here), so mrmc analysed it under the
    # archive's name, while a manifest given as a .zip was refused. Now refused alike,
    # naming the file; its one CSV extracted is what to give.
    import tarfile
    import zipfile

    path = tmp_path / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as packed:
            packed.write(vandyke_path, "vandyke.csv")
    else:
        with tarfile.open(path, "w:gz" if name.endswith(".gz") else "w") as packed:
            packed.add(vandyke_path, "vandyke.csv")
    assert pd.read_csv(path).equals(pd.read_csv(vandyke_path))  # what pandas does
    kind = "ZIP" if name.endswith(".zip") else "TAR"
    with pytest.raises(InvalidInputError, match=re.escape(
            f"mrmc: {path} is a {kind} archive, not CSV text: extract it and give the "
            "table's CSV file inside")):
        mrmc(path)


def test_ratings_written_as_words_of_a_scale_say_to_code_them(vandyke_path, tmp_path):
    # Van Dyke's 1-5 confidence ratings written as the words of the scale, as a reading
    # form exports them: each was refused as 'not a finite number' and nothing said what
    # to do. Now the message lists the scale's words (in the order pandas' unique() finds
    # them in the file) and says to code them as numbers in the order of suspicion;
    # which order is the study's, so none is guessed.
    table = pd.read_csv(vandyke_path)
    scale = {1: "definitely normal", 2: "probably normal", 3: "possibly abnormal",
             4: "probably abnormal", 5: "definitely abnormal"}
    path = tmp_path / "words.csv"
    table.assign(rating=table["rating"].map(scale)).to_csv(path, index=False)
    words = ", ".join(map(repr, table["rating"].map(scale).unique()))
    with pytest.raises(InvalidInputError, match=re.escape(
            f"; the ratings are words of a scale (5: {words}): the analysis ranks numbers, so "
            "code each word as a number in the order of suspicion, higher meaning more "
            "suspicious (1 for the least suspicious to 5 for the most)")):
        mrmc(path)
    # a lone word among numbers is a reading to mend, not a scale: no such note
    table = table.astype({"rating": object})
    table.loc[3, "rating"] = "skipped"
    with pytest.raises(InvalidInputError, match=r"1 rating\(s\) are not finite") as caught:
        mrmc(table)
    assert "words of a scale" not in str(caught.value)


def test_a_reader_of_too_few_cases_to_show_it_is_not_named_below_chance():
    # Three cases with the condition and three without, reader B in treatment 1 rating
    # them exactly the wrong way round: AUC 0 (scikit-learn), and every leave-one-out
    # AUC is 0 too, so the jackknife interval is [0, 0] and the interval rule named the
    # reader. But a reader who tells nothing puts the six cases in that order once in
    # C(6, 3) = 20 orders: P = 0.05 (scipy's exact Mann-Whitney test agrees), not below
    # the 0.025 the rule claims. Simulated readers who tell nothing on 3 + 3 cases were
    # named 9 % of the time, on 2 + 2 15 %. A reader is now named only where the exact
    # rank test also rejects; with four of each (1 / C(8, 4) = 1/70) the reader is named.
    def study(n):
        rows = [(r, t, c, int(c < n), float(-c if (r, t) != ("B", 1) else c))
                for r in "AB" for t in (1, 2) for c in range(2 * n)]
        return pd.DataFrame(rows, columns=["reader", "treatment", "case", "truth", "rating"])

    for n, named in ((3, False), (4, True)):
        table = study(n)
        b1 = table[(table["reader"] == "B") & (table["treatment"] == 1)]
        assert roc_auc_score(b1["truth"], b1["rating"]) == 0.0
        p = mannwhitneyu(b1.loc[b1["truth"] == 1, "rating"], b1.loc[b1["truth"] == 0, "rating"],
                         alternative="less", method="exact").pvalue
        assert p == pytest.approx(1 / math.comb(2 * n, n), rel=1e-12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = mrmc(table)
        assert result.reader_intervals[(1, "B")].high == 0.0  # the interval alone: named
        assert bool(p < 0.025) is named
        assert readers_below_chance(result) == ({1: (("B", result.reader_intervals[(1, "B")]),)}
                                                if named else {})


def test_scale_words_among_numbers_are_not_coded_as_a_scale_of_their_own(vandyke_path):
    # Van Dyke's ratings 4 written as BI-RADS subcategories 4a / 4b / 4c (by case number
    # mod 3), the other ratings numbers 1, 2, 3, 5. The words note said "the ratings are
    # words of a scale (3: ...): code each word ... 1 for the least suspicious to 3 for
    # the most", which, followed, ranks every 4x below the 1s. Now it counts the numbers
    # (pandas below) and says to place the words among them; 'NA' and 'missing' among
    # numbers are readings to mend: no note.
    table = pd.read_csv(vandyke_path).astype({"rating": object})
    fours = table["rating"] == 4
    table.loc[fours, "rating"] = table.loc[fours, "case"].map(lambda c: "4" + "abc"[c % 3])
    numbers = int((~fours).sum())
    words = ", ".join(map(repr, table.loc[fours, "rating"].unique()))
    assert len(table.loc[fours, "rating"].unique()) == 3
    with pytest.raises(InvalidInputError) as caught:
        mrmc(table)
    message = str(caught.value)
    assert "words of a scale" not in message
    assert message.endswith(
        f"; {numbers} rating(s) are numbers and these are words (3: {words}): the analysis "
        "ranks numbers, so code each word as a number that lies where the word lies among "
        "the numbers in the order of suspicion (BI-RADS 4a, 4b, 4c as 4.1, 4.2, 4.3, say: "
        "only the order counts)")
    table.loc[fours, "rating"] = np.where(table.loc[fours, "case"] % 2, "NA", "missing")
    with pytest.raises(InvalidInputError) as caught:
        mrmc(table)
    assert "are words" not in str(caught.value) and "order counts" not in str(caught.value)
