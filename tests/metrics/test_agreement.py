"""Agreement of measurements, checked against published tables, R output and pingouin.

* ICC: Shrout & Fleiss (1979) Table 2 data (their printed ICCs) and McGraw & Wong (1996)
  Table 6 data (R's printed output, all six forms with CIs); ``pingouin.intraclass_corr``
  (a test extra) on the same and on random tables, all six forms with CIs.
* Bland–Altman: the PEFR data of Bland & Altman (1986, Lancet, Table 1) against the
  numbers printed there; the exact (Carkeet) limits against their defining coverage
  probability, integrated numerically here.
* CCC, MAE, RMSE: hand computations with the arithmetic in comments.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics.agreement import (
    ICC_FORMS,
    BlandAltman,
    bland_altman,
    icc,
    lins_ccc,
    mae,
    rmse,
)

# Shrout & Fleiss 1979, Table 2: 6 targets (rows) rated by 4 judges (columns)
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
)
# McGraw & Wong 1996, Table 6: 10 targets x 2 raters
MCGRAW_WONG = np.array(
    [[103, 119], [82, 65], [116, 106], [102, 102], [99, 105], [98, 100], [104, 107],
     [62, 85], [97, 101], [107, 110]]
)
# Bland & Altman 1986, Table 1: first readings of the Wright and the mini Wright peak flow
# meters (l/min), 17 subjects
WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
MINI_WRIGHT = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350,
               451]


# --- ICC ------------------------------------------------------------------------------------


def test_icc_shrout_fleiss_table_2():
    # Shrout & Fleiss print ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71,
    # ICC(1,4) = .44, ICC(2,4) = .62, ICC(3,4) = .91
    printed = {"ICC(1,1)": 0.17, "ICC(A,1)": 0.29, "ICC(C,1)": 0.71,
               "ICC(1,k)": 0.44, "ICC(A,k)": 0.62, "ICC(C,k)": 0.91}
    for form, value in printed.items():
        assert round(icc(SHROUT_FLEISS, form=form).value, 2) == value, form


def test_icc_shrout_fleiss_against_r_psych():
    # R psych::ICC(ratings) on the Shrout & Fleiss data, as printed in a public R tutorial:
    # lower bound to 3 decimals, upper bound to 2
    printed = {
        "ICC(1,1)": (-0.133, 0.72), "ICC(A,1)": (0.019, 0.76), "ICC(C,1)": (0.342, 0.95),
        "ICC(1,k)": (-0.884, 0.91), "ICC(A,k)": (0.071, 0.93), "ICC(C,k)": (0.676, 0.99),
    }
    for form, (low, high) in printed.items():
        e = icc(SHROUT_FLEISS, form=form)
        assert (round(e.low, 3), round(e.high, 2)) == (low, high), form


def test_icc_mcgraw_wong_table_6_against_r():
    # R (DescTools/psych ICC) on McGraw & Wong's Table 6 data, as printed in the comment
    # of RPMatthew's f_ICC.m (2018): est, lwr.ci, upr.ci to 3 decimals
    printed = {
        "ICC(1,1)": (0.722, 0.241, 0.922), "ICC(A,1)": (0.720, 0.228, 0.922),
        "ICC(C,1)": (0.714, 0.197, 0.920), "ICC(1,k)": (0.838, 0.389, 0.959),
        "ICC(A,k)": (0.837, 0.371, 0.959), "ICC(C,k)": (0.833, 0.329, 0.959),
    }
    for form, expected in printed.items():
        e = icc(MCGRAW_WONG, form=form)
        assert tuple(round(x, 3) for x in (e.value, e.low, e.high)) == expected, form
        assert e.n == 10 and e.confidence == 0.95


def _pingouin(table, monkeypatch):
    import pandas as pd
    import pingouin as pg  # the ICC peer, in the test extra
    monkeypatch.setitem(pg.options, "round.column.CI95", None)  # its CIs print rounded
    n, k = table.shape
    long = pd.DataFrame(
        {"target": np.repeat(np.arange(n), k), "rater": np.tile(np.arange(k), n),
         "score": table.ravel()}
    )
    out = pg.intraclass_corr(long, targets="target", raters="rater", ratings="score")
    return {row.Type: (row.ICC, *row.CI95) for row in out.itertuples()}


@pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # pingouin under pandas 3
@pytest.mark.parametrize("seed", [None, 0, 1, 2, 3])
def test_icc_against_pingouin(seed, monkeypatch):
    if seed is None:
        table = SHROUT_FLEISS.astype(float)
    else:
        rng = np.random.default_rng(seed)
        n, k = rng.integers(3, 30), rng.integers(2, 6)
        table = rng.normal(size=(n, 1)) * 2 + rng.normal(size=(1, k)) + rng.normal(size=(n, k))
    peer = _pingouin(table, monkeypatch)
    assert set(peer) == set(ICC_FORMS)
    for form in ICC_FORMS:
        e = icc(table, form=form)
        np.testing.assert_allclose((e.value, e.low, e.high), peer[form], rtol=1e-9, atol=1e-12)
        assert e.method == ("mcgraw-wong-f-approx-df" if "A" in form else "mcgraw-wong-f")


def test_icc_confidence_level():
    # the F quantiles at 90%: the interval is inside the 95% one and contains the value
    for form in ICC_FORMS:
        wide, narrow = icc(SHROUT_FLEISS, form=form), icc(SHROUT_FLEISS, form=form,
                                                          confidence=0.90)
        assert wide.low < narrow.low <= narrow.value <= narrow.high < wide.high
        assert narrow.confidence == 0.90


def test_icc_c_1_by_hand():
    # Shrout & Fleiss Table 2 by hand: grand mean 127 / 24 = 5.2917; row means 6, 3, 6.5,
    # 4, 7.5, 4.75: SS_R = 4 x 14.0521 = 56.2083, MS_R = 11.2417; column means 7.6667, 2.5,
    # 4.3333, 6.6667: SS_C = 6 x 16.2431 = 97.4583; SS_total = 168.9583, so
    # SS_E = 168.9583 - 56.2083 - 97.4583 = 15.2917, MS_E = 15.2917 / 15 = 1.0194.
    # ICC(C,1) = (11.2417 - 1.0194) / (11.2417 + 3 x 1.0194) = 0.7148; F = 11.03 on (5, 15)
    msr, mse = 56.208333333 / 5, 15.291666667 / 15
    value = (msr - mse) / (msr + 3 * mse)
    fl = msr / mse / stats.f.ppf(0.975, 5, 15)
    fu = msr / mse * stats.f.ppf(0.975, 15, 5)
    e = icc(SHROUT_FLEISS, form="ICC(C,1)")
    assert e.value == pytest.approx(value, rel=1e-8)
    assert e.low == pytest.approx((fl - 1) / (fl + 3), rel=1e-8)
    assert e.high == pytest.approx((fu - 1) / (fu + 3), rel=1e-8)


def test_icc_perfect_agreement_and_consistency():
    table = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    for form in ICC_FORMS:
        e = icc(table, form=form)
        assert (e.value, e.low, e.high) == (1.0, 1.0, 1.0), form
    # constant offset between raters: consistency 1, absolute agreement below 1 with a CI
    shifted = np.column_stack([table[:, 0], table[:, 0] + 1])
    assert icc(shifted, form="ICC(C,1)").value == 1.0
    a = icc(shifted, form="ICC(A,1)")
    # MS_R = 2 * var(row means) = 2 * 2.3333 = 4.6667, MS_C = 3 * 0.5 = 1.5, MS_E = 0:
    # ICC(A,1) = 4.6667 / (4.6667 + 2 * 1.5 / 3) = 0.8235
    assert a.value == pytest.approx(4.6667 / 5.6667, rel=1e-4)
    assert a.low < a.value < a.high <= 1.0


def test_icc_negative_is_not_clipped():
    # subjects identical on average, raters disagreeing: ICC(1,1) = -1 / (k - 1)
    e = icc([[1, 3], [3, 1]], form="ICC(1,1)")
    assert e.value == pytest.approx(-1.0)


def test_icc_undefined():
    with pytest.warns(UndefinedMetricWarning, match="0/0"):
        e = icc(np.full((4, 3), 7.0), form="ICC(A,1)")
    assert not e.defined and math.isnan(e.value)
    with pytest.warns(UndefinedMetricWarning, match="0/0"):
        icc([[1, 3], [3, 1]], form="ICC(1,k)")  # MS_R = 0: (0 - MS_W) / 0


@pytest.mark.parametrize(
    "ratings, kwargs, message",
    [
        ([[1, 2]], {"form": "ICC(1,1)"}, "at least 2 subjects"),
        ([[1], [2], [3]], {"form": "ICC(1,1)"}, "2 raters"),
        ([1, 2, 3], {"form": "ICC(1,1)"}, "2-D"),
        ([[1, np.nan], [2, 3]], {"form": "ICC(C,1)"}, r"row\(s\) 0"),
        ([[1, 2], [2, np.inf]], {"form": "ICC(C,1)"}, "finite"),
        ([["a", "b"], ["c", "d"]], {"form": "ICC(C,1)"}, "numeric"),
        ([[1, 2], [2, 3]], {"form": "ICC(2,2)"}, "form must be one of"),
        ([[1, 2], [2, 3]], {"form": "ICC(C,1)", "confidence": 95}, "confidence"),
    ],
)
def test_icc_errors(ratings, kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        icc(ratings, **kwargs)


@pytest.mark.parametrize("theirs, ours", [
    ("ICC(2,1)", "ICC(A,1)"), ("ICC(3,1)", "ICC(C,1)"), ("ICC(2,k)", "ICC(A,k)"),
    ("ICC(3,k)", "ICC(C,k)"), ("ICC1", "ICC(1,1)"), ("ICC3k", "ICC(C,k)"),
])
def test_icc_a_shrout_fleiss_name_is_answered_with_ours(theirs, ours):
    # Found in the api pass: form="ICC(3,1)", as a statistician writes it after Shrout &
    # Fleiss, was refused only with the list of McGraw & Wong's names; the refusal now
    # names the form meant. The named form gives Shrout & Fleiss's printed value
    # (Table 2: ICC(2,1) = .29, ICC(3,1) = .71, ICC(1,1) = .17, ICC(3,4) = .91).
    with pytest.raises(InvalidInputError, match=(
            rf"form {re.escape(repr(theirs))} is Shrout & Fleiss's name; .* "
            rf"form={re.escape(repr(ours))} is the same ICC")):
        icc(SHROUT_FLEISS, form=theirs)
    printed = {"ICC(2,1)": 0.29, "ICC(3,1)": 0.71, "ICC1": 0.17, "ICC3k": 0.91}
    if theirs in printed:
        assert round(icc(SHROUT_FLEISS, form=ours).value, 2) == printed[theirs]


def test_icc_form_is_required():
    with pytest.raises(TypeError):
        icc(SHROUT_FLEISS)  # type: ignore[call-arg]


class TestIccDataFrame:
    """A DataFrame names its layout (subject=, or subject=/rater=/rating=). Before, every
    column was read as a rater: Shrout & Fleiss's table with its integer subject column
    gave ICC(C,1) 0.48 instead of 0.71, and its long form (24 rows x 3 columns) 0.02."""

    @staticmethod
    def _frames():
        import pandas as pd

        wide = pd.DataFrame(SHROUT_FLEISS, columns=[1, 2, 3, 4])  # judges numbered 1-4
        wide.insert(0, "subject", np.arange(1, 7))
        long = wide.melt(id_vars="subject", var_name="judge", value_name="rating")
        return wide, long.sample(frac=1.0, random_state=0)  # rows in no order

    @pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # pingouin, pandas 3
    def test_long_and_wide_equal_pingouin_on_the_long_table(self, monkeypatch):
        import pingouin as pg

        monkeypatch.setitem(pg.options, "round.column.CI95", None)
        wide, long = self._frames()
        out = pg.intraclass_corr(long, targets="subject", raters="judge", ratings="rating")
        peer = {row.Type: (row.ICC, *row.CI95) for row in out.itertuples()}
        for form in ICC_FORMS:
            for e in (icc(wide, form=form, subject="subject"),
                      icc(wide.set_index("subject"), form=form, subject="subject"),
                      icc(long, form=form, subject="subject", rater="judge", rating="rating")):
                np.testing.assert_allclose((e.value, e.low, e.high), peer[form], rtol=1e-9)
                assert e.n == 6
        # Shrout & Fleiss print ICC(3,1) = .71
        assert round(icc(wide, form="ICC(C,1)", subject="subject").value, 2) == 0.71

    def test_a_dataframe_without_its_layout_is_refused(self):
        wide, long = self._frames()
        for frame in (wide, long, wide.drop(columns="subject")):
            with pytest.raises(InvalidInputError, match="subject='<column>'"):
                icc(frame, form="ICC(C,1)")

    def test_bad_layouts_name_the_problem(self):
        wide, long = self._frames()
        cases = [
            (wide, {"subject": "patient"}, "neither a column nor the index"),
            (wide, {"subject": "subject", "rater": "judge"}, "subject=, rater= and rating="),
            (SHROUT_FLEISS, {"subject": "subject"}, "but ratings is a ndarray"),
            (long, {"subject": "subject", "rater": "reader", "rating": "rating"},
             "'reader'.* not in the DataFrame"),
            (wide.assign(subject=[1, 2, 3, 3, 5, 6]), {"subject": "subject"},
             "repeats subject.*3"),
            (wide.assign(note="x"), {"subject": "subject"}, "column 'note' is not numeric"),
            (long[~((long.subject == 4) & (long.judge == 2))],
             {"subject": "subject", "rater": "judge", "rating": "rating"},
             r"subject\(s\) 4 lack a rating from rater\(s\) 2"),
            (pd_concat(long, long.head(1)),
             {"subject": "subject", "rater": "judge", "rating": "rating"},
             "rate the same subject by the same rater"),
        ]
        for frame, layout, message in cases:
            with pytest.raises(InvalidInputError, match=message):
                icc(frame, form="ICC(A,1)", **layout)

    def test_ids_mixing_text_and_numbers_are_refused(self):
        # found in the tasks pass: subject ids 1, 'b', 3 (or raters 'x', 2) stopped the
        # ICC with pandas' bare "TypeError: '<' not supported between instances of 'str'
        # and 'int'" while sorting them; 1 and '1' would be two subjects
        _, long = self._frames()
        for column, value in (("subject", "b"), ("judge", "2")):
            mixed = long.astype({column: object})
            mixed.loc[mixed[column] == 2, column] = value
            with pytest.raises(InvalidInputError, match=(
                    rf"column '{column}' mixes text and numbers as ids \(e\.g\. \d and "
                    rf"'{value}'\)")):
                icc(mixed, form="ICC(A,1)", subject="subject", rater="judge",
                    rating="rating")
        # as text throughout, the same table gives the same ICC (Shrout & Fleiss .29)
        as_text = long.astype({"subject": str, "judge": str})
        assert round(icc(as_text, form="ICC(A,1)", subject="subject", rater="judge",
                         rating="rating").value, 2) == 0.29

    def test_a_repeated_rating_names_the_ids_as_written(self):
        # found in the api pass: "e.g. subject np.float64(4.0) by rater np.float64(2.0)"
        # for integer ids (the row of int ids and a float rating was read as floats)
        _, long = self._frames()
        first = long.head(1)
        subject, judge = int(first["subject"].iloc[0]), int(first["judge"].iloc[0])
        with pytest.raises(InvalidInputError, match=(
                rf"2 rows rate the same subject by the same rater, e\.g\. subject {subject} "
                rf"by rater {judge}; a long table")):
            icc(pd_concat(long, first), form="ICC(A,1)", subject="subject", rater="judge",
                rating="rating")

    def test_nullable_columns_are_read_as_numbers(self):
        # pandas' nullable dtypes (convert_dtypes(), read_csv(dtype_backend=
        # "numpy_nullable")): numpy reads Float64/Int64 columns side by side as objects,
        # and the ICC was refused as "ratings must be numeric, got dtype object". The
        # same numbers as plain columns give Shrout & Fleiss's ICC(3,1) = .71 (Table 2).
        wide, long = self._frames()
        plain = icc(wide, form="ICC(C,1)", subject="subject")
        nullable = icc(wide.astype({1: "Float64", 2: "Int64", 3: "Float64", 4: "Int64"}),
                       form="ICC(C,1)", subject="subject")
        from_long = icc(long.astype({"rating": "Float64"}), form="ICC(C,1)",
                        subject="subject", rater="judge", rating="rating")
        assert round(plain.value, 2) == 0.71
        for e in (nullable, from_long):
            assert (e.value, e.low, e.high) == pytest.approx(
                (plain.value, plain.low, plain.high), rel=1e-12)
        missing = wide.astype({1: "Float64", 2: "Float64"})
        missing.loc[3, 2] = None  # pd.NA: named as a missing rating, not a dtype
        with pytest.raises(InvalidInputError, match=r"NaN or inf in subject row\(s\) 3"):
            icc(missing, form="ICC(C,1)", subject="subject")


def pd_concat(*frames):
    import pandas as pd

    return pd.concat(frames)


# --- Bland–Altman ---------------------------------------------------------------------------


def test_bland_altman_1986_pefr():
    # Bland & Altman 1986 (Wright minus mini Wright): mean difference -2.1 l/min, SD 38.8,
    # limits -2.1 -/+ 2 x 38.8 = -79.7 and 75.5; CI of the bias -2.1 +/- 2.12 x 9.4 =
    # -22.0 to 17.8; SE of a limit sqrt(3 x 38.8^2 / 17) = 16.3, CIs -114.3 to -45.1 and
    # 40.9 to 110.1. The paper used 2 SD (coverage 2 Phi(2) - 1) and rounded
    # intermediates (-2.1, 38.8, 16.3, 2.12), hence a tolerance of 0.2 on its limits: the
    # largest gap is 109.93 against 110.1 (= 75.5 + 2.12 x 16.3, where unrounded
    # arithmetic gives 75.41 + 2.1199 x 16.284). The paper's own rounding of medeval's
    # intermediates reproduces every printed figure exactly (checked below).
    ba = bland_altman(MINI_WRIGHT, WRIGHT, loa_coverage=2 * stats.norm.cdf(2) - 1,
                      loa_method="approximate")
    assert isinstance(ba, BlandAltman) and ba.n == 17
    assert round(ba.bias.value, 1) == -2.1 and round(ba.sd, 1) == 38.8
    assert (round(ba.bias.low, 1), round(ba.bias.high, 1)) == (-22.0, 17.8)
    assert round(math.sqrt(3 * ba.sd**2 / 17), 1) == 16.3
    for got, printed in [
        (ba.lower_loa.value, -79.7), (ba.upper_loa.value, 75.5),
        (ba.lower_loa.low, -114.3), (ba.lower_loa.high, -45.1),
        (ba.upper_loa.low, 40.9), (ba.upper_loa.high, 110.1),
    ]:
        assert got == pytest.approx(printed, abs=0.2)
    bias, sd = round(ba.bias.value, 1), round(ba.sd, 1)
    se, t = round(math.sqrt(3 * ba.sd**2 / 17), 1), round(stats.t.ppf(0.975, 16), 2)
    assert (round(bias - 2 * sd, 1), round(bias + 2 * sd, 1)) == (-79.7, 75.5)
    assert [round(x, 1) for x in (bias - 2 * sd - t * se, bias - 2 * sd + t * se,
                                  bias + 2 * sd - t * se, bias + 2 * sd + t * se)] == [
        -114.3, -45.1, 40.9, 110.1]
    assert ba.upper_loa.method == "bland-altman-1986" and ba.bias.method == "t"


def test_bland_altman_by_hand():
    # differences 1, 0, 1, 2, 0: mean 0.8, SD sqrt(2.8 / 4) = 0.83666; t_.975(4) = 2.776445
    # bias CI 0.8 -/+ 2.776445 x 0.83666 / sqrt(5) = [-0.2389, 1.8389];
    # limits 0.8 -/+ 1.959964 x 0.83666 = [-0.8398, 2.4398]
    ba = bland_altman([10, 12, 14, 16, 18], [11, 12, 15, 18, 18])
    sd = math.sqrt(0.7)
    half = stats.t.ppf(0.975, 4) * sd / math.sqrt(5)
    assert ba.sd == pytest.approx(sd)
    assert (ba.bias.low, ba.bias.high) == pytest.approx((0.8 - half, 0.8 + half))
    assert ba.lower_loa.value == pytest.approx(0.8 - 1.959964 * sd, abs=1e-6)
    assert ba.upper_loa.value == pytest.approx(0.8 + 1.959964 * sd, abs=1e-6)
    approx = bland_altman([10, 12, 14, 16, 18], [11, 12, 15, 18, 18], loa_method="approximate")
    se = math.sqrt(3 * 0.7 / 5)
    assert approx.lower_loa.low == pytest.approx(ba.lower_loa.value - stats.t.ppf(0.975, 4) * se)


def _coverage(k, n, z):
    """P(dbar + k s <= mu + z sigma) for normal data, by integrating over s (chi-square)."""
    def integrand(w):
        return stats.norm.cdf(math.sqrt(n) * (z - k * math.sqrt(w / (n - 1)))) * stats.chi2.pdf(
            w, n - 1
        )
    return integrate.quad(integrand, 0, np.inf, limit=200)[0]


@pytest.mark.parametrize("n", [5, 17, 60])
def test_exact_limits_have_their_stated_coverage(n):
    # Carkeet's interval [dbar + k_lo s, dbar + k_hi s] for mu + z sigma: by definition
    # P(dbar + k_lo s <= theta) = 0.975 and P(dbar + k_hi s <= theta) = 0.025.
    rng = np.random.default_rng(n)
    ref = rng.normal(size=n)
    ba = bland_altman(ref, ref + rng.normal(0.3, 1.2, size=n))
    z = stats.norm.ppf(0.975)
    k_lo = (ba.upper_loa.low - ba.bias.value) / ba.sd
    k_hi = (ba.upper_loa.high - ba.bias.value) / ba.sd
    assert _coverage(k_lo, n, z) == pytest.approx(0.975, abs=1e-7)
    assert _coverage(k_hi, n, z) == pytest.approx(0.025, abs=1e-7)
    # the lower limit's interval is the mirror image
    assert ba.bias.value - ba.lower_loa.high == pytest.approx(k_lo * ba.sd)
    assert ba.bias.value - ba.lower_loa.low == pytest.approx(k_hi * ba.sd)
    assert ba.upper_loa.method == "carkeet-exact"


def test_exact_and_approximate_converge():
    rng = np.random.default_rng(5)
    ref = rng.normal(size=2000)
    meas = ref + rng.normal(size=2000)
    exact, approx = bland_altman(ref, meas), bland_altman(ref, meas, loa_method="approximate")
    # for z = 1.96 the approximate SE is sqrt(3/n) s vs sqrt(1/n + z^2 / (2n)) s: 2 % apart
    assert exact.upper_loa.width == pytest.approx(approx.upper_loa.width, rel=0.03)


def test_approximate_interval_is_refused_for_limits_other_than_the_95_percent_ones():
    # sqrt(3 s^2 / n) is s^2 (1/n + z^2 / (2 n)) at z = 2. For 90 % limits (z = 1.645)
    # the large-sample SE is s sqrt((1 + 1.645^2 / 2) / n) = s sqrt(2.353 / n), so
    # sqrt(3 / n) would be 13 % too wide: Carkeet's exact interval, at n = 2000, is
    # 0.886 of it (checked below), where at 95 % limits they agree within 3 %.
    from scipy.stats import norm

    rng = np.random.default_rng(5)
    ref = rng.normal(size=2000)
    meas = ref + rng.normal(size=2000)
    with pytest.raises(InvalidInputError, match=r"loa_coverage=0\.9 gives z = 1\.6449: use "
                       r"loa_method='exact'"):
        bland_altman(ref, meas, loa_coverage=0.9, loa_method="approximate")
    exact = bland_altman(ref, meas, loa_coverage=0.9)
    t = 1.961151  # t quantile, 1999 degrees of freedom, 0.975
    assert exact.upper_loa.width / (2 * t * np.sqrt(3 * exact.sd**2 / 2000)) == \
        pytest.approx(np.sqrt((1 + 1.6448536**2 / 2) / 3), rel=2e-3)
    # the 1986 paper's own limits (z = 2) and the 95 % ones are accepted
    for coverage in (0.95, 2 * norm.cdf(2) - 1):
        approx = bland_altman(ref, meas, loa_coverage=coverage, loa_method="approximate")
        assert approx.upper_loa.method == "bland-altman-1986"


def test_identical_differences_give_zero_width():
    ba = bland_altman([1, 2, 3], [2, 3, 4])
    assert ba.bias.value == 1.0 and ba.bias.width == 0.0 and ba.upper_loa.width == 0.0


# --- MAE, RMSE ------------------------------------------------------------------------------


def test_mae_rmse_by_hand():
    # errors 1, 0, -2, 1: |e| mean 1.0, SD of |e| sqrt(((0)+(1)+(1)+(0)) / 3) = 0.8165;
    # squares 1, 0, 4, 1: MSE 1.5, RMSE 1.2247, SD of squares sqrt((.25+2.25+6.25+.25)/3) = 1.7321
    t = stats.t.ppf(0.975, 3)
    e = mae([10, 12, 14, 16], [11, 12, 12, 17])
    assert e.value == 1.0 and e.high == pytest.approx(1 + t * math.sqrt(2 / 3) / 2)
    assert e.low == max(0.0, 1 - t * math.sqrt(2 / 3) / 2) and e.method == "t"
    r = rmse([10, 12, 14, 16], [11, 12, 12, 17])
    assert r.value == pytest.approx(math.sqrt(1.5))
    assert r.high == pytest.approx(math.sqrt(1.5 + t * math.sqrt(3) / 2))
    assert r.low == 0.0  # 1.5 - 3.18 x 0.866 < 0, clipped
    assert r.method == "t-mse-sqrt"
    # against numpy on random data
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=50), rng.normal(size=50)
    assert mae(a, b).value == pytest.approx(np.mean(np.abs(b - a)))
    assert rmse(a, b).value == pytest.approx(np.sqrt(np.mean((b - a) ** 2)))


@pytest.mark.parametrize("errors", [[0, 0, 0, 3], [1, 0, -2, 1], [1, -1.2, 0.9, 1.1, -1, 0.95]])
def test_rmse_interval_is_statsmodels_t_interval_of_the_mse_clipped_at_0(errors):
    # The t interval of the mean squared error (statsmodels' DescrStatsW.tconfint_mean),
    # square-rooted; its lower bound is 0 where that interval goes below 0 (kept: no MSE
    # is below 0, so the coverage is unchanged, and sqrt of a negative bound is NaN).
    # errors 0, 0, 0, 3 by hand: squares 0, 0, 0, 9, MSE 2.25, SD 4.5, t(3) 3.1824:
    # 2.25 -/+ 3.1824 x 4.5 / 2 = [-4.9105, 9.4105], so RMSE 1.5 in [0, 3.0677].
    from statsmodels.stats.weightstats import DescrStatsW

    errors = np.asarray(errors, dtype=float)
    low, high = DescrStatsW(errors**2).tconfint_mean(alpha=0.05)
    e = rmse(np.zeros(errors.size), errors)
    assert e.value == pytest.approx(math.sqrt(np.mean(errors**2)), rel=1e-12)
    assert e.high == pytest.approx(math.sqrt(high), rel=1e-12)
    assert e.low == (0.0 if low < 0 else pytest.approx(math.sqrt(low), rel=1e-12))
    if errors.tolist() == [0, 0, 0, 3]:
        assert (low, e.low, round(e.high, 4)) == (pytest.approx(-4.9105, abs=1e-4), 0.0, 3.0677)


# --- Lin's CCC ------------------------------------------------------------------------------


def _lin_z_interval(x, y, level=0.95):
    """DescTools::CCC's arithmetic (sep on the rho scale, divided by 1 - rho^2)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    k = len(x)
    sx2, sy2 = x.var(ddof=1) * (k - 1) / k, y.var(ddof=1) * (k - 1) / k
    r = np.corrcoef(x, y)[0, 1]
    p = 2 * r * math.sqrt(sx2 * sy2) / (sx2 + sy2 + (x.mean() - y.mean()) ** 2)
    u = (y.mean() - x.mean()) / (sx2 * sy2) ** 0.25
    sep = math.sqrt(((1 - r**2) * p**2 * (1 - p**2) / r**2 + 2 * p**3 * (1 - p) * u**2 / r
                     - 0.5 * p**4 * u**4 / r**2) / (k - 2))
    t = math.log((1 + p) / (1 - p)) / 2
    half = stats.norm.ppf(1 - (1 - level) / 2) * sep / (1 - p**2)
    return p, math.tanh(t - half), math.tanh(t + half)


def test_ccc_by_hand():
    # x = 1..5, y = 2, 3, 3, 5, 6: means 3 and 3.8; variances (divisor n) 2 and 2.16;
    # covariance 10 / 5 = 2: rho_c = 2 x 2 / (2 + 2.16 + 0.8^2) = 4 / 4.8 = 0.8333
    x, y = [1, 2, 3, 4, 5], [2, 3, 3, 5, 6]
    e = lins_ccc(x, y)
    assert e.value == pytest.approx(4 / 4.8)
    p, low, high = _lin_z_interval(x, y)
    assert (e.value, e.low, e.high) == pytest.approx((p, low, high), rel=1e-12)
    assert e.method == "lin-z" and e.n == 5


@pytest.mark.parametrize("seed", range(4))
def test_ccc_against_desctools_arithmetic(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 80))
    x = rng.normal(10, 2, size=n)
    y = 0.9 * x + rng.normal(1, 1, size=n)
    e = lins_ccc(x, y, confidence=0.9)
    assert (e.value, e.low, e.high) == pytest.approx(_lin_z_interval(x, y, 0.9), rel=1e-10)


def _lin_z_60_digits(x, y, level=0.95):
    """Lin's rho_c and the ends of its interval on the z scale, z -/+ half (Lin 1989 as
    corrected 2000, DescTools' arithmetic), carried out with the standard library's
    decimal at 60 digits on the floats given."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        xs, ys = [Decimal(float(v)) for v in x], [Decimal(float(v)) for v in y]
        k = len(xs)
        mx, my = sum(xs) / k, sum(ys) / k
        sx2, sy2 = sum((a - mx) ** 2 for a in xs) / k, sum((b - my) ** 2 for b in ys) / k
        sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / k
        r, p = sxy / (sx2 * sy2).sqrt(), 2 * sxy / (sx2 + sy2 + (mx - my) ** 2)
        u = (my - mx) / (sx2 * sy2).sqrt().sqrt()
        sep = (((1 - r**2) * p**2 * (1 - p**2) / r**2 + 2 * p**3 * (1 - p) * u**2 / r
                - p**4 * u**4 / (2 * r**2)) / (k - 2)).sqrt()
        half = Decimal(float(stats.norm.ppf(1 - (1 - level) / 2))) * sep / (1 - p**2)
        z = ((1 + p) / (1 - p)).ln() / 2
        return p, z - half, z + half


def _tanh(t):
    """tanh of a Decimal, in its context's digits."""
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        e = (2 * t).exp()
        return (e - 1) / (e + 1)


def test_ccc_near_perfect_agreement_against_60_digits():
    # Found in the api pass: with 1 - rho_c ~ 5e-13 the difference 1 - rho_c^2 of two
    # numbers near 1 lost three digits, so 1 - lower bound was 3.2312e-12 where DescTools'
    # arithmetic carried out with 60 digits (decimal) gives 3.2292e-12. Formed from the
    # pairs, it agrees to 1e-5 (the point estimate itself, 2 s_xy / denominator, holds
    # 1 - rho_c to about 5e-4 only: its rounding near 1).
    x = np.array([100.0, 200.0, 300.0, 400.0, 500.0, 600.0])
    y = x + np.array([3e-4, -1e-4, 2e-4, 0.0, -2e-4, 1e-4])
    p, low, high = _lin_z_60_digits(x, y)
    # 1 - tanh(t) = 2 / (exp(2 t) + 1)
    expected = [float(1 - p)] + [float(2 / ((2 * t).exp() + 1)) for t in (low, high)]
    e = lins_ccc(x, y)
    # abs=0: pytest.approx's default absolute tolerance (1e-12) would pass anything here
    assert 1 - e.low == pytest.approx(expected[1], rel=1e-4, abs=0)
    assert 1 - e.high == pytest.approx(expected[2], rel=1e-4, abs=0)
    assert 1 - e.value == pytest.approx(expected[0], rel=1e-3, abs=0)


@pytest.mark.parametrize(("x", "y", "rel"), [
    # Found in the review-api pass: 6bd0f68 took z = atanh(rho_c) as log((2 - gap) / gap)
    # / 2 everywhere; at rho_c = 4.4e-4 (a shift of 100 on a spread of 1.4) the ratio is
    # near 1 and its log lost three digits: the lower bound was 3.4e-13 off in relative
    # terms, where atanh(rho_c) holds it to 1e-15.
    pytest.param([1.0, 2.0, 3.0, 4.0, 5.0], [101.0, 102.0, 103.0, 104.0, 105.5], 1e-14,
                 id="near zero"),
    # Found in the review-api pass: x.mean() - y.mean() of values near 1e8 lost the
    # shift's digits (each mean ~1e-8 off, the shift 0.16), so rho_c was 0.99053956625
    # where 60 digits give 0.99053956634; the mean of the differences keeps them.
    pytest.param(1e8 + np.arange(10.0), 1e8 + np.arange(10.0) + np.array(
        [0.31, -0.05, 0.42, 0.12, -0.27, 0.08, 0.36, -0.11, 0.5, 0.29]), 1e-13,
        id="far from zero"),
])
def test_ccc_against_60_digits(x, y, rel):
    p, low, high = _lin_z_60_digits(x, y)
    e = lins_ccc(x, y)
    assert e.value == pytest.approx(float(p), rel=1e-14, abs=0)
    assert e.low == pytest.approx(float(_tanh(low)), rel=rel, abs=0)
    assert e.high == pytest.approx(float(_tanh(high)), rel=rel, abs=0)


def test_ccc_near_perfect_agreement_is_at_most_one_and_inside_its_interval():
    # Found in the review-api pass: after 6bd0f68 the interval was formed from the gap
    # 1 - rho_c = mean((x - y)^2) / denominator, but the value stayed 2 s_xy /
    # denominator, which rounds to a few units in the last place of 1: here it was
    # 1.0000000000000002, a concordance above 1, outside its own interval [1.0, 1.0].
    # 60 digits give 1 - rho_c ~ 1e-28, whose nearest double is 1.0.
    x = np.array([7.0, -11.8, -6.6, -4.4, -11.7, 17.4, -5.0])
    y = x - np.array([1e-13, 1e-13, 1e-13, 1e-13, 0.0, 0.0, 0.0])
    p, low, high = _lin_z_60_digits(x, y)
    e = lins_ccc(x, y)
    assert e.value == float(p) == 1.0
    assert e.low <= e.value <= e.high
    assert (e.low, e.high) == (float(_tanh(low)), float(_tanh(high)))


def test_ccc_uncorrelated_has_an_interval():
    # r = 0 exactly: rho_c = 0, and with C_b = rho_c / r the variance stays defined
    x, y = [1, 2, 3, 4], [1, -1, -1, 1]
    e = lins_ccc(x, y)
    assert e.value == 0.0 and e.low < 0 < e.high


def test_ccc_undefined():
    with pytest.warns(UndefinedMetricWarning, match="constant and equal"):
        e = lins_ccc([2, 2, 2], [2, 2, 2])
    assert math.isnan(e.value)
    with pytest.warns(UndefinedMetricWarning, match="the measurement is constant"):
        e = lins_ccc([1, 2, 3], [2, 2, 2])
    assert e.value == 0.0 and math.isnan(e.low)
    # A phantom of one known size (reference 10 mm every time), measured within 0.1 mm:
    # s_x^2 = 0, so s_xy = 0 and rho_c = 2 s_xy / (...) = 0 (Lin 1989) however close the
    # measurements; the note said "a series is constant" and now names the reference
    # and says that the 0 is no verdict on the measurements.
    with pytest.warns(UndefinedMetricWarning, match=r"the reference is constant, so the "
                      r"concordance is 0 whatever the measurements, and r and u are"):
        e = lins_ccc([10.0, 10.0, 10.0, 10.0], [9.9, 10.0, 10.1, 10.0])
    assert e.value == 0.0 and math.isnan(e.low)
    with pytest.warns(UndefinedMetricWarning, match="both series are constant, at different"):
        lins_ccc([1, 1, 1], [2, 2, 2])
    with pytest.warns(UndefinedMetricWarning, match="= 1"):
        e = lins_ccc([1, 2, 3], [1, 2, 3])
    assert e.value == 1.0 and math.isnan(e.high)
    with pytest.warns(UndefinedMetricWarning, match="n = 2"):
        e = lins_ccc([1, 2], [1, 3])
    # means 1.5 and 2, variances 0.25 and 1, covariance 0.5: 1 / (1.25 + 0.25) = 2 / 3
    assert e.value == pytest.approx(2 / 3) and math.isnan(e.low)


@pytest.mark.parametrize("compute", [
    lambda: lins_ccc([2, 2, 2], [2, 2, 2]),
    lambda: lins_ccc([1, 2, 3], [2, 2, 2]),
    lambda: lins_ccc([1, 2], [1, 3]),
    lambda: icc(np.full((4, 3), 7.0), form="ICC(A,1)"),
    lambda: icc([[1, 3], [3, 1]], form="ICC(1,k)"),
])
def test_an_undefined_figure_carries_the_warned_text_as_its_note(compute):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e = compute()
    assert [str(w.message) for w in caught] == [e.note]
    assert e.note.startswith(("lins_ccc: ", "icc: "))


def test_defined_agreement_figures_have_no_note():
    ba = bland_altman([10, 12, 14, 16, 18], [11, 12, 15, 18, 18])
    x, y = [1, 2, 3, 4, 5], [1.1, 2.3, 2.9, 4.2, 5.4]
    for e in (ba.bias, ba.lower_loa, ba.upper_loa, mae(x, y), rmse(x, y), lins_ccc(x, y),
              icc([[9, 2, 5], [6, 1, 3], [8, 4, 6], [7, 1, 2]], form="ICC(C,1)")):
        assert e.note is None


# --- errors of the paired functions ---------------------------------------------------------


@pytest.mark.parametrize("func", [bland_altman, mae, rmse, lins_ccc])
@pytest.mark.parametrize(
    "reference, measurement, message",
    [
        ([1, 2, np.nan], [1, 2, 3], "reference must be finite"),
        ([1, 2, 3], [1, np.inf, 3], "measurement must be finite"),
        ([1, 2, 3], [1, 2], "differ in length"),
        ([1], [1], "at least 2 pairs"),
        ([], [], "at least 2 pairs"),
        ([[1, 2], [3, 4]], [1, 2], "one-dimensional"),
        (["a", "b"], [1, 2], "numeric"),
    ],
)
def test_paired_errors(func, reference, measurement, message):
    with pytest.raises(InvalidInputError, match=message):
        func(reference, measurement)


@pytest.mark.parametrize("func", [bland_altman, mae, rmse, lins_ccc])
def test_values_whose_powers_overflow_are_refused_naming_them(func):
    # A measurement of 1e200 (a sentinel, an overflowed number): lins_ccc raised
    # OverflowError (a Python float squared), the others returned inf or NaN with numpy's
    # overflow warnings. Refused, naming the side, the value and its position.
    with pytest.raises(InvalidInputError, match=rf"^{func.__name__}: measurement holds 1 "
                       r"value\(s\) beyond 1e\+75 in magnitude \(1e\+200 at position 0\)"):
        func([0.0, 1.0, 2.0], [1e200, 1.0, 2.0])
    with pytest.raises(InvalidInputError, match=r"reference holds 2 value\(s\)"):
        func([-1e80, 1.0, 1e76], [0.0, 1.0, 2.0])


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no overflow on the way
def test_values_at_the_bound_give_finite_figures():
    # d = (1e75, 0, -1e75) against a reference of 0, by hand: bias 0, s = 1e75 (the
    # squares 1e150 + 0 + 1e150 over n - 1 = 2, square-rooted), the upper limit
    # 1.959964 s; MAE 2/3 1e75; RMSE sqrt(2/3) 1e75 and its upper bound
    # sqrt(MSE + t s_sq / sqrt 3) with the squared errors' SD s_sq = sqrt(1/3) 1e150.
    reference, measurement = [0.0, 0.0, 0.0], [1e75, 0.0, -1e75]
    ba = bland_altman(reference, measurement)
    assert (ba.bias.value, ba.sd) == (0.0, pytest.approx(1e75, rel=1e-15))
    assert ba.upper_loa.value == pytest.approx(stats.norm.ppf(0.975) * 1e75, rel=1e-15)
    assert mae(reference, measurement).value == pytest.approx(2e75 / 3, rel=1e-15)
    e = rmse(reference, measurement)
    t = stats.t.ppf(0.975, 2)
    assert e.value == pytest.approx(math.sqrt(2 / 3) * 1e75, rel=1e-15)
    assert e.high == pytest.approx(
        math.sqrt(2 / 3 + t * math.sqrt(1 / 3) / math.sqrt(3)) * 1e75, rel=1e-12)


@pytest.mark.parametrize("func", [bland_altman, mae, rmse, lins_ccc])
def test_confidence_errors(func):
    with pytest.raises(InvalidInputError, match="confidence"):
        func([1, 2, 3], [1, 2, 4], confidence=1.0)


def test_bland_altman_option_errors():
    with pytest.raises(InvalidInputError, match="loa_method"):
        bland_altman([1, 2, 3], [1, 2, 4], loa_method="bootstrap")  # type: ignore[arg-type]
    # named as itself (found in the api pass: it said "confidence must be in (0, 1)",
    # an argument that was right)
    with pytest.raises(InvalidInputError, match=r"^bland_altman: loa_coverage must be in "
                       r"\(0, 1\), e\.g\. 0\.95, got 0$"):
        bland_altman([1, 2, 3], [1, 2, 4], loa_coverage=0)


# --- properties -----------------------------------------------------------------------------

pairs = st.integers(3, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n),
        st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(data=pairs, seed=st.integers(0, 2**16))
# Found by Hypothesis: a subnormal variance overflowed u^4 in Lin's CCC variance.
@example(data=([0.0, 0.0, 1.0], [0.0, 0.0, 3.3449409406238384e-161]), seed=0)
# Found by Hypothesis in the api pass: near perfect agreement, 1 - rho_c^2 cancelled, so
# one order of the pairs gave a variance of -2.87 (NaN interval), another a defined one;
# or rho_c rounded to 1.0 (NaN) in one order and not in another; or 1 - rho_c^2 squared
# underflowed to 0 (ZeroDivisionError).
@example(data=([0.0, 0.0, 695.75], [1e-05, 1e-05, 695.75]), seed=0)
@example(data=([0.0, 1e-05, 696.0], [1e-05, 1e-05, 696.0]), seed=0)
@example(data=([1.0] + [0.0] * 8, [1.0] + [0.0] * 7 + [6.527210251451772e-108]), seed=0)
def test_intervals_contain_estimates_and_ignore_order(data, seed):
    ref, meas = np.array(data[0]), np.array(data[1])
    order = np.random.default_rng(seed).permutation(len(ref))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)  # constant draws
        for func in (bland_altman, mae, rmse, lins_ccc):
            a, b = func(ref, meas), func(ref[order], meas[order])
            for ea, eb in ([(a.bias, b.bias), (a.lower_loa, b.lower_loa)]
                           if isinstance(a, BlandAltman) else [(a, b)]):
                np.testing.assert_allclose((ea.value, ea.low, ea.high),
                                           (eb.value, eb.low, eb.high), rtol=1e-9, atol=1e-9)
                if ea.defined:
                    assert ea.low - 1e-9 <= ea.value <= ea.high + 1e-9
        table = np.column_stack([ref, meas])
        for form in ("ICC(1,1)", "ICC(C,1)", "ICC(1,k)", "ICC(C,k)"):
            e = icc(table, form=form)
            if e.defined:
                assert e.low - 1e-9 <= e.value <= e.high + 1e-9
                assert icc(table[order], form=form).value == pytest.approx(e.value, abs=1e-9)
