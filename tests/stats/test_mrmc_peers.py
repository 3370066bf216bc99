"""Multi-reader multi-case ROC analysis against what the peers print on Van Dyke and Franken.

The data sets are read in place from ../shared/data/tables (GPL-3, not copied here). The
expected figures are the ones the peers print, copied with the number of decimals printed
and compared to that precision (half a unit of the last printed digit):

- Iowa OR-DBM MRMC 2.51 (Build 20181028) output files, as kept in RJafroc
  (github:dpc10ster/RJafroc, commit 44b0e39e, 2025-04-18):
  ``inst/Iowa/VanDyke.txt`` (5 readers), ``inst/Iowa/VanDyke1R.txt`` (reader 1 only),
  ``tests/testthat/goodValues361/Iowa/Franken1.txt``.
- JAFROC 4.2.1 DBM output on Van Dyke: RJafroc ``inst/JAFROC/VanDykeROC.txt``.
- RJafroc ``R/UtilORVarComp.R`` (its comments print RJafroc's Var(T*R) and Var(R) on
  Franken, where it and the Iowa program differ).
- MRMCaov (github:brian-j-smith/MRMCaov, commit d79e49bc, 2023-01-18) ``docs/jss/MRMCaov.tex``:
  ``summary(mrmc(..., cov = DeLong))``, ``cov = unbiased`` and ``fixed(reader)`` on VanDyke.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from medeval.stats import MRMCResult, mrmc


def printed(actual: float, text: str) -> None:
    """``actual`` equals the printed ``text`` to the printed number of decimals."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(actual - float(text)) <= 0.5 * 10.0**-decimals + 1e-12, (actual, text)


def significant(actual: float, text: str) -> None:
    """``actual`` equals ``text`` (R's print: 7 significant digits) to its last digit."""
    mantissa = text.lower().split("e")[0].lstrip("-").lstrip("0.").replace(".", "")
    exponent = math.floor(math.log10(abs(float(text))))
    unit = 10.0 ** (exponent - len(mantissa) + 1)
    assert abs(actual - float(text)) <= 0.5 * unit + 1e-15, (actual, text)


def treatment_rows(intervals, rows) -> None:
    """Each printed row ``(treatment, std_err, [df,] low, high)`` of a treatment-interval
    table against ``intervals``."""
    for treatment, se, *rest in rows:
        ti = intervals[treatment]
        printed(ti.std_err, se)
        if len(rest) == 3:
            printed(ti.df, rest.pop(0))
        printed(ti.auc.low, rest[0])
        printed(ti.auc.high, rest[1])


def reader_rows(comparisons, expected) -> None:
    """Each reader's printed ``(difference, std_err, z, p, low, high)``."""
    assert sorted(c.reader for c in comparisons) == sorted(expected)
    for comp in comparisons:
        diff, se, z, p, low, high = expected[comp.reader]
        for got, text in ((comp.difference.value, diff), (comp.std_err, se),
                          (comp.statistic, z), (comp.p_value, p),
                          (comp.difference.low, low), (comp.difference.high, high)):
            printed(got, text)

class TestIowaVanDyke:
    """inst/Iowa/VanDyke.txt: 2 treatments, 5 readers, 114 cases (69 normal, 45 abnormal),
    trapezoidal/Wilcoxon AUC, jackknife covariance."""

    def test_design(self, vandyke):
        assert vandyke.treatments == (1, 2) and vandyke.readers == (1, 2, 3, 4, 5)
        assert (vandyke.n_cases, vandyke.n_negative, vandyke.n_positive) == (114, 69, 45)

    def test_reader_auc(self, vandyke):
        table = {1: ("0.91964573", "0.94782609"), 2: ("0.85877617", "0.90531401"),
                 3: ("0.90386473", "0.92173913"), 4: ("0.97310789", "0.99935588"),
                 5: ("0.82979066", "0.92995169")}
        for reader, (t1, t2) in table.items():
            printed(vandyke.reader_auc[(1, reader)], t1)
            printed(vandyke.reader_auc[(2, reader)], t2)

    def test_treatment_means_and_difference(self, vandyke):
        printed(vandyke.treatment_auc[1], "0.89703704")
        printed(vandyke.treatment_auc[2], "0.94083736")
        printed(vandyke.tests["RRRC"].difference.value, "-0.04380032")

    def test_anova_of_aucs(self, vandyke):
        rows = {row.source: row for row in vandyke.anova}
        for source, ss, df, ms in (("T", "0.00479617", 1, "0.00479617"),
                                   ("R", "0.01534480", 4, "0.00383620"),
                                   ("T*R", "0.00220412", 4, "0.00055103")):
            printed(rows[source].ss, ss)
            printed(rows[source].ms, ms)
            assert rows[source].df == df
        # READER ANOVAs for each treatment: MS(R) 0.00308263 and 0.00130460, seen through
        # the random-case-fixed SE sqrt(MS(R)/r) printed in Analysis 3 (c)
        rrfc = vandyke.tests["RRFC"].treatment_intervals
        printed(rrfc[1].std_err**2 * 5, "0.00308263")
        printed(rrfc[2].std_err**2 * 5, "0.00130460")

    def test_or_variance_components(self, vandyke):
        vc = vandyke.variance_components
        printed(vc.var_r, "0.00153500")
        printed(vc.var_tr, "0.00020040")
        printed(vc.cov1, "0.00034661")
        printed(vc.cov2, "0.00034407")
        printed(vc.cov3, "0.00023903")
        printed(vc.var_error, "0.00080229")
        for got, text in zip(vc.correlations, ("0.43203138", "0.42886683", "0.29793328")):
            printed(got, text)

    def test_dbm_variance_components(self, vandyke_path):
        vc = mrmc(vandyke_path, method="DBM").variance_components
        printed(vc.var_r, "0.00153500")
        printed(vc.var_c, "0.02724923")
        printed(vc.var_tr, "0.00020040")
        printed(vc.var_tc, "0.01197530")
        printed(vc.var_rc, "0.01226473")
        printed(vc.var_error, "0.03997160")

    def test_rrrc(self, vandyke):
        test = vandyke.tests["RRRC"]
        assert test.distribution == "F" and test.df_num == 1
        printed(test.error_term, "0.00107626")
        printed(test.statistic, "4.46")
        printed(test.df_den, "15.26")
        printed(test.p_value, "0.0517")
        (comp,) = test.comparisons
        assert (comp.first, comp.second) == (1, 2)
        printed(comp.std_err, "0.02075")
        printed(comp.statistic, "-2.11")
        printed(comp.df, "15.26")
        printed(comp.p_value, "0.0517")
        printed(comp.difference.low, "-0.08796")
        printed(comp.difference.high, "0.00036")
        treatment_rows(test.treatment_intervals, (
                (1, "0.03317360", "12.74", "0.82522360", "0.96885048"),
                (2, "0.02156637", "12.71", "0.89413783", "0.98753689")))

    def test_frrc(self, vandyke):
        test = vandyke.tests["FRRC"]
        assert test.distribution == "chi-square" and test.df_num == 1
        assert math.isinf(test.df_den)
        printed(test.statistic, "5.47595")
        printed(test.p_value, "0.0193")
        comp = test.comparisons[0]
        printed(comp.std_err, "0.01872")
        printed(comp.statistic, "-2.34")
        printed(comp.difference.low, "-0.08049")
        printed(comp.difference.high, "-0.00711")
        treatment_rows(test.treatment_intervals, (
                (1, "0.02428971", "0.84943008", "0.94464399"),
                (2, "0.01677632", "0.90795637", "0.97371835")))
        # d) single-reader differences: difference, StdErr, z, p, 95% CI
        expected = {1: ("-0.02818", "0.02551", "-1.10", "0.2693", "-0.07818", "0.02182"),
                    2: ("-0.04654", "0.02630", "-1.77", "0.0768", "-0.09809", "0.00501"),
                    3: ("-0.01787", "0.03121", "-0.57", "0.5668", "-0.07904", "0.04330"),
                    4: ("-0.02625", "0.01729", "-1.52", "0.1290", "-0.06014", "0.00764"),
                    5: ("-0.10016", "0.04406", "-2.27", "0.0230", "-0.18651", "-0.01381")}
        assert [c.reader for c in test.reader_comparisons] == [1, 2, 3, 4, 5]
        reader_rows(test.reader_comparisons, expected)

    def test_rrfc(self, vandyke):
        test = vandyke.tests["RRFC"]
        printed(test.statistic, "8.70")
        assert (test.df_num, test.df_den) == (1, 4)
        printed(test.p_value, "0.0420")
        printed(test.error_term, "0.00055103")
        comp = test.comparisons[0]
        printed(comp.std_err, "0.01485")
        printed(comp.statistic, "-2.95")
        printed(comp.difference.low, "-0.08502")
        printed(comp.difference.high, "-0.00258")
        treatment_rows(test.treatment_intervals, (
                (1, "0.02482994", "4", "0.82809808", "0.96597599"),
                (2, "0.01615303", "4", "0.89598936", "0.98568536")))

    def test_dbm_tests_equal_or_with_the_jackknife(self, vandyke, vandyke_path):
        # Hillis et al. (2005): with jackknife covariances DBM's RRRC test is OR's.
        dbm = mrmc(vandyke_path, method="DBM").tests["RRRC"]
        ors = vandyke.tests["RRRC"]
        for attr in ("statistic", "df_den", "p_value"):
            assert getattr(dbm, attr) == pytest.approx(getattr(ors, attr), rel=1e-10)
        assert dbm.difference.low == pytest.approx(ors.difference.low, rel=1e-10)


class TestIowaVanDykeOneReader:
    """inst/Iowa/VanDyke1R.txt: reader 1 alone; the program prints Analysis 2 only."""

    def test_fixed_reader_analysis_only(self, vandyke_path):
        table = pd.read_csv(vandyke_path)
        result = mrmc(table[table["reader"] == 1])
        assert list(result.tests) == ["FRRC"]
        test = result.tests["FRRC"]
        printed(result.treatment_auc[1], "0.91964573")
        printed(result.treatment_auc[2], "0.94782609")
        printed(test.statistic, "1.22011")
        printed(test.p_value, "0.2693")
        comp = test.comparisons[0]
        printed(comp.difference.value, "-0.02818035")
        printed(comp.std_err, "0.02551")
        printed(comp.difference.low, "-0.07818")
        printed(comp.difference.high, "0.02182")
        treatment_rows(result.treatment_intervals, (
                (1, "0.03012552", "0.86060081", "0.97869066"),
                (2, "0.02214169", "0.90442917", "0.99122300")))
        vc = result.variance_components
        printed(vc.var_error, "0.00069890")  # "Reader Var(Error)" of part (d)
        printed(vc.cov1, "0.00037347")
        assert math.isnan(vc.var_r) and math.isnan(vc.cov2)


class TestIowaFranken:
    """tests/testthat/goodValues361/Iowa/Franken1.txt: 2 treatments, 4 readers, 100 cases
    (33 normal, 67 abnormal). Cov2 < Cov3 here, so the max() in the error term bites and
    Var(T*R) is negative."""

    def test_aucs(self, franken):
        assert (franken.n_cases, franken.n_negative, franken.n_positive) == (100, 33, 67)
        table = {1: ("0.85345997", "0.84961556"), 2: ("0.86499322", "0.84350972"),
                 3: ("0.85730439", "0.84011759"), 4: ("0.81524197", "0.81433740")}
        for reader, (t1, t2) in table.items():
            printed(franken.reader_auc[(1, reader)], t1)
            printed(franken.reader_auc[(2, reader)], t2)
        printed(franken.treatment_auc[1], "0.84774989")
        printed(franken.treatment_auc[2], "0.83689507")
        printed(franken.tests["RRRC"].difference.value, "0.01085482")

    def test_anova_and_components(self, franken, franken_path):
        rows = {row.source: row for row in franken.anova}
        printed(rows["T"].ss, "0.00023565")
        printed(rows["R"].ss, "0.00205218")
        printed(rows["R"].ms, "0.00068406")
        printed(rows["T*R"].ss, "0.00015061")
        printed(rows["T*R"].ms, "0.00005020")
        vc = franken.variance_components
        printed(vc.var_r, "0.00003776")
        printed(vc.var_tr, "-0.00071276")
        printed(vc.cov1, "0.00079168")
        printed(vc.cov2, "0.00048364")
        printed(vc.cov3, "0.00051251")
        printed(vc.var_error, "0.00152578")
        for got, text in zip(vc.correlations, ("0.51887172", "0.31697811", "0.33590059")):
            printed(got, text)
        dbm = mrmc(franken_path, method="DBM").variance_components
        for got, text in ((dbm.var_r, "0.00003776"), (dbm.var_c, "0.05125091"),
                          (dbm.var_tr, "-0.00071276"), (dbm.var_tc, "-0.00288715"),
                          (dbm.var_rc, "0.02791730"), (dbm.var_error, "0.07629656")):
            printed(got, text)

    def test_rjafroc_var_tr_by_name(self, franken_path):
        # RJafroc R/UtilORVarComp.R, comments beside its Var(T*R) line: "my code reports
        # VarTR = -0.00068389146" and "my code reports: VarR = 2.3319942e-05".
        vc = mrmc(franken_path, var_tr="rjafroc").variance_components
        significant(vc.var_tr, "-0.00068389146")
        significant(vc.var_r, "2.3319942e-05")

    def test_rrrc(self, franken):
        test = franken.tests["RRRC"]
        printed(test.statistic, "4.69")
        printed(test.df_den, "3.00")
        printed(test.p_value, "0.1188")
        printed(test.error_term, "0.00005020")
        comp = test.comparisons[0]
        printed(comp.std_err, "0.00501")
        printed(comp.statistic, "2.17")
        printed(comp.difference.low, "-0.00509")
        printed(comp.difference.high, "0.02680")
        treatment_rows(test.treatment_intervals, (
                (1, "0.02440215", "70.12", "0.79908282", "0.89641696"),
                (2, "0.02356642", "253.64", "0.79048429", "0.88330585")))

    def test_frrc(self, franken):
        test = franken.tests["FRRC"]
        printed(test.statistic, "0.32101")
        printed(test.p_value, "0.5710")
        comp = test.comparisons[0]
        printed(comp.std_err, "0.01916")
        printed(comp.statistic, "0.57")
        printed(comp.difference.low, "-0.02670")
        printed(comp.difference.high, "0.04840")
        treatment_rows(test.treatment_intervals, (
                (1, "0.02710939", "0.79461647", "0.90088331"),
                (2, "0.02744860", "0.78309680", "0.89069334")))
        expected = {1: ("0.00384", "0.04279", "0.09", "0.9284", "-0.08003", "0.08772"),
                    2: ("0.02148", "0.04007", "0.54", "0.5919", "-0.05705", "0.10002"),
                    3: ("0.01719", "0.03499", "0.49", "0.6233", "-0.05140", "0.08577"),
                    4: ("0.00090", "0.03481", "0.03", "0.9793", "-0.06731", "0.06912")}
        reader_rows(test.reader_comparisons, expected)

    def test_rrfc(self, franken):
        test = franken.tests["RRFC"]
        printed(test.statistic, "4.69")
        assert test.df_den == 3
        printed(test.p_value, "0.1188")
        printed(test.comparisons[0].std_err, "0.00501")
        treatment_rows(test.treatment_intervals, (
                (1, "0.01109801", "0.81243106", "0.88306871"),
                (2, "0.00777173", "0.81216196", "0.86162818")))


class TestJafrocVanDyke:
    """inst/JAFROC/VanDykeROC.txt: JAFROC 4.2.1's DBM analysis. JAFROC computes in single
    precision (its AUC 0.85877615 is 0.85877617 = 5335/6212... to double precision), so its
    8-decimal figures are compared to 1e-5 relative; its 2- to 5-decimal figures to the
    printed precision."""

    @pytest.fixture(scope="class")
    @classmethod
    def dbm(cls, vandyke_path) -> MRMCResult:
        return mrmc(vandyke_path, method="DBM")

    def test_pseudovalue_anova(self, dbm):
        rows = {row.source: row for row in dbm.anova}
        expected = {"T": ("0.54676316", 1, "0.54676316"), "R": ("1.74930715", 4, "0.43732679"),
                    "C": ("44.84618708", 113, "0.39686891"),
                    "TR": ("0.25127013", 4, "0.06281753"),
                    "TC": ("11.28283814", 113, "0.09984813"),
                    "RC": ("29.15444801", 452, "0.06450099"),
                    "TRC": ("18.06719311", 452, "0.03997167")}
        for source, (ss, df, ms) in expected.items():
            assert rows[source].df == df
            assert rows[source].ss == pytest.approx(float(ss), rel=1e-5)
            assert rows[source].ms == pytest.approx(float(ms), rel=1e-5)

    def test_rrrc(self, dbm):
        test = dbm.tests["RRRC"]
        printed(test.statistic, "4.46")
        printed(test.df_den, "15.26")
        printed(test.p_value, "0.0517")
        assert test.error_term == pytest.approx(0.12269399, rel=1e-5)
        printed(test.comparisons[0].std_err, "0.02075")
        printed(test.difference.low, "-0.08796")
        printed(test.difference.high, "0.00036")
        for treatment, se, df in ((1, "0.03317359", "12.74"), (2, "0.02156635", "12.71")):
            ti = test.treatment_intervals[treatment]
            assert ti.std_err == pytest.approx(float(se), rel=1e-5)
            printed(ti.df, df)

    def test_frrc_is_an_f_test_on_ms_tc(self, dbm):
        test = dbm.tests["FRRC"]
        assert test.distribution == "F" and (test.df_num, test.df_den) == (1, 113)
        printed(test.statistic, "5.48")
        printed(test.p_value, "0.0210")
        comp = test.comparisons[0]
        printed(comp.std_err, "0.01872")
        printed(comp.difference.low, "-0.08088")
        printed(comp.difference.high, "-0.00672")
        for treatment, se, low, high in ((1, "0.02428969", "0.84891477", "0.94515930"),
                                         (2, "0.01677630", "0.90760047", "0.97407422")):
            ti = test.treatment_intervals[treatment]
            assert ti.df == 113
            assert ti.std_err == pytest.approx(float(se), rel=1e-5)
            assert ti.auc.low == pytest.approx(float(low), rel=1e-6)
            assert ti.auc.high == pytest.approx(float(high), rel=1e-6)
        expected = {1: ("0.02551", "0.2717", "-0.07872", "0.02236"),
                    2: ("0.02630", "0.0795", "-0.09865", "0.00557"),
                    3: ("0.03121", "0.5680", "-0.07971", "0.04396"),
                    4: ("0.01729", "0.1318", "-0.06051", "0.00801"),
                    5: ("0.04406", "0.0249", "-0.18745", "-0.01288")}
        for comp in test.reader_comparisons:
            se, p, low, high = expected[comp.reader]
            assert comp.df == 113
            printed(comp.std_err, se)
            printed(comp.p_value, p)
            printed(comp.difference.low, low)
            printed(comp.difference.high, high)

    def test_rrfc(self, dbm):
        test = dbm.tests["RRFC"]
        printed(test.statistic, "8.70")
        printed(test.p_value, "0.0420")
        printed(test.comparisons[0].std_err, "0.01485")
        printed(test.difference.low, "-0.08502")
        printed(test.difference.high, "-0.00258")


class TestMRMCaovCovariances:
    """MRMCaov docs/jss/MRMCaov.tex, summary() of mrmc(empirical_auc(truth, rating),
    treatment, reader, case, data = VanDyke, cov = DeLong | unbiased); R prints 7
    significant digits."""

    @pytest.mark.parametrize("covariance, expected", [
        ("delong", {
            "var_r": "0.0015364254", "var_tr": "0.0002045840", "var_error": "0.0007921325",
            "cov1": "0.0003420090", "cov2": "0.0003395265", "cov3": "0.0002358497",
            "den": "0.001069415", "F": "4.484854", "df2": "15.06611", "p": "0.05123303",
            "se": "0.0206825", "low": "-0.0878671960", "high": "0.0002665519",
            "t": "-2.117747",
            "single": [("0.03307642", "12.59597", "0.8253461", "0.9687280"),
                       ("0.02150464", "12.56530", "0.8942155", "0.9874592")]}),
        ("unbiased", {
            "var_r": "0.0015365290", "var_tr": "0.0002077588", "var_error": "0.0007883925",
            "cov1": "0.0003416706", "cov2": "0.0003390650", "cov3": "0.0002356148",
            "den": "0.001068281", "F": "4.489614", "df2": "15.03418", "p": "0.0511618",
            "se": "0.02067154", "low": "-0.0878519409", "high": "0.0002512968",
            "t": "-2.118871",
            "single": [("0.0330712", "12.58802", "0.8253526", "0.9687214"),
                       ("0.0214912", "12.53391", "0.8942323", "0.9874424")]}),
    ])
    def test_vandyke(self, vandyke_path, covariance, expected):
        result = mrmc(vandyke_path, covariance=covariance)
        vc = result.variance_components
        for name in ("var_r", "var_tr", "var_error", "cov1", "cov2", "cov3"):
            # the 10-decimal columns of a data frame: compare to 7 significant digits
            significant(getattr(vc, name), f"{float(expected[name]):.7g}")
        test = result.tests["RRRC"]
        significant(test.error_term, expected["den"])
        significant(test.statistic, expected["F"])
        significant(test.df_den, expected["df2"])
        significant(test.p_value, expected["p"])
        comp = test.comparisons[0]
        significant(comp.std_err, expected["se"])
        significant(comp.statistic, expected["t"])
        significant(comp.difference.low, f"{float(expected['low']):.7g}")
        significant(comp.difference.high, f"{float(expected['high']):.7g}")
        for treatment, (se, df, low, high) in zip((1, 2), expected["single"]):
            ti = test.treatment_intervals[treatment]
            significant(ti.std_err, se)
            significant(ti.df, df)
            significant(ti.auc.low, low)
            significant(ti.auc.high, high)


class TestMRMCaovSingleReaders:
    """MRMCaov docs/jss/MRMCaov.tex, summary(mrmc(..., fixed(reader), case, data =
    VanDyke)), "Single reader 95% CIs" (jackknife; upper bounds clipped at 1)."""

    def test_vandyke(self, vandyke):
        rows = [(1, 1, "0.8606008", "0.9786907"), (1, 2, "0.7874818", "0.9300705"),
                (1, 3, "0.8484773", "0.9592522"), (1, 4, "0.9391244", "1.0000000"),
                (1, 5, "0.7480206", "0.9115607"), (2, 1, "0.9044292", "0.9912230"),
                (2, 2, "0.8468775", "0.9637506"), (2, 3, "0.8633963", "0.9800820"),
                (2, 4, "0.9979421", "1.0000000"), (2, 5, "0.8785961", "0.9813073")]
        assert len(vandyke.reader_intervals) == len(rows)
        for treatment, reader, low, high in rows:
            interval = vandyke.reader_intervals[(treatment, reader)]
            assert interval.value == vandyke.reader_auc[(treatment, reader)]
            assert interval.method == "jackknife" and interval.n == 114
            printed(interval.low, low)
            printed(interval.high, high)
