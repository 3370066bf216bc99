"""Power and sample size of a planned reader study against RJafroc's documented outputs.

The expected values are those RJafroc's own tests assert for its implementation of Hillis,
Obuchowski & Berbaum (2011): github:dpc10ster/RJafroc (commit 44b0e39e, 2025-04-18),
``tests/testthat/test-SsSampleSizeRoc.R``, on ``dataset02`` (Van Dyke) and ``dataset03``
(Franken), which are ../shared/data/tables/vandyke.csv and franken.csv (read in place).
RJafroc's pilot components are its ``St(dataset, FOM = "Wilcoxon", method = "OR")``
jackknife estimates, which ``mrmc`` reproduces (tests/stats/test_mrmc_peers.py).
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy.stats import chi2, ncf
from scipy.stats import f as f_dist

from medeval.errors import InvalidInputError
from medeval.stats import PilotComponents, mrmc, mrmc_power, mrmc_sample_size


@pytest.fixture(scope="module")
def vandyke(shared_data):
    return mrmc(shared_data / "tables" / "vandyke.csv")


@pytest.fixture(scope="module")
def franken(shared_data):
    return mrmc(shared_data / "tables" / "franken.csv")


class TestRJafrocVanDyke:
    # SsPowerGivenJK(dataset02, FOM = "Wilcoxon", method = "OR", effectSize = -0.043800322,
    #   J = 10, K = 165)$powerRRRC: 0.80541995 (tolerance 1e-8);
    # ... K = 131, analysisOption = "FRRC": 0.80091813; K = 53, "RRFC": 0.80496663.
    @pytest.mark.parametrize("scope, cases, expected", [
        ("RRRC", 165, 0.80541995), ("FRRC", 131, 0.80091813), ("RRFC", 53, 0.80496663)])
    def test_power_given_readers_and_cases(self, vandyke, scope, cases, expected):
        result = mrmc_power(vandyke, readers=10, cases=cases, effect_size=-0.043800322,
                            scope=scope)
        assert result.power == pytest.approx(expected, abs=1e-8)
        assert (result.readers, result.cases, result.scope) == (10, cases, scope)

    # SsPowerGivenJK(dataset02, FOM = "Wilcoxon", J = 6, K = 111, method = "OR")$powerRRRC
    # with the observed effect size: 0.5526116 (tolerance 5e-8).
    def test_power_at_the_observed_effect(self, vandyke):
        observed = vandyke.tests["RRRC"].difference.value
        result = mrmc_power(vandyke, readers=6, cases=111, effect_size=observed)
        assert result.power == pytest.approx(0.5526116, abs=5e-8)

    # SsSampleSizeKGivenJ(dataset02, J = 6, FOM = "Wilcoxon", method = "OR")$KRRRC: 251;
    # SsPowerTable(dataset02, FOM = "Wilcoxon")$powerTableRRRC row for 6 readers:
    # numCases 251, power 0.801 (signif(power, 3)).
    def test_cases_for_six_readers(self, vandyke):
        observed = vandyke.tests["RRRC"].difference.value
        result = mrmc_sample_size(vandyke, readers=6, effect_size=observed)
        assert result.cases == 251
        assert round(result.power, 3) == 0.801
        below = mrmc_power(vandyke, readers=6, cases=250, effect_size=observed)
        assert below.power < 0.8 <= result.power


class TestRJafrocFranken:
    # SsSampleSizeKGivenJ(dataset03, FOM = "Wilcoxon", effectSize = 0.05, J = 6,
    #   method = "OR")$powerRRRC: 0.8004469 (tolerance 1e-8). Franken's Var(T*R) is
    # negative (-0.00068389 by eq. 9), so this is the power with Var(T*R) set to 0.
    def test_power_reached_with_negative_var_tr(self, franken):
        pilot = PilotComponents.from_result(franken)
        assert pilot.var_tr == pytest.approx(-0.00068389146, abs=5e-12)
        result = mrmc_sample_size(franken, readers=6, effect_size=0.05)
        assert result.power == pytest.approx(0.8004469, abs=1e-7)
        # RJafroc's next check runs SsPowerGivenJK on dataset03 with K = 121
        assert result.cases == 121


class TestFormula:
    def test_fixed_reader_power_by_hand(self):
        # FRRC: D = (K*/K)(Var - Cov1 + (J-1) max(Cov2 - Cov3, 0)), lambda = J d^2 / (2D),
        # power = P(noncentral chi2(1, lambda) > 3.841459). With K* = K = 100, Var = 0.001,
        # Cov1 = 0.0005, Cov2 = 0.0004, Cov3 = 0.0003, J = 5: D = 0.0005 + 4(0.0001) =
        # 0.0009; d = 0.03: lambda = 5 * 0.0009 / 0.0018 = 2.5; P(chi2'(1, 2.5) > 3.8415)
        # = P(|Z + sqrt(2.5)| > 1.95996) = Phi(1.58114 - 1.95996) + Phi(-1.58114 - 1.95996)
        # = Phi(-0.37882) + Phi(-3.54110) = 0.35241 + 0.00020 = 0.35261.
        pilot = PilotComponents(0.0, 0.001, 0.0005, 0.0004, 0.0003, 100)
        result = mrmc_power(pilot, readers=5, cases=100, effect_size=0.03, scope="FRRC")
        assert result.noncentrality == pytest.approx(2.5)
        assert result.power == pytest.approx(0.35261, abs=2e-5)

    def test_fixed_reader_power_is_strict_json(self):
        # the chi-square test has no denominator df: df_den is infinite, written
        # "Infinity" as the result's canonical JSON writes it (json.dumps wrote a bare
        # Infinity token, which is not JSON); the power is the by-hand case above
        pilot = PilotComponents(0.0, 0.001, 0.0005, 0.0004, 0.0003, 100)
        result = mrmc_power(pilot, readers=5, cases=100, effect_size=0.03, scope="FRRC")
        data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
        assert data["df_den"] == "Infinity" and result.df_den == math.inf
        assert data["power"] == pytest.approx(0.35261, abs=2e-5)

    def test_power_rises_with_cases_and_readers(self, vandyke):
        powers = [mrmc_power(vandyke, readers=5, cases=k, effect_size=0.05).power
                  for k in (50, 100, 200, 400)]
        assert powers == sorted(powers)
        more = mrmc_power(vandyke, readers=8, cases=100, effect_size=0.05).power
        assert more > powers[1]

    def test_unreachable_power_says_so(self):
        # Var(T*R) large: random readers cap the power below 0.8 with two readers
        pilot = PilotComponents(0.01, 0.001, 0.0005, 0.0004, 0.0003, 100)
        result = mrmc_sample_size(pilot, readers=2, effect_size=0.05, max_cases=300)
        assert result.cases is None and result.power < 0.8

    @pytest.mark.parametrize("scope", ["RRRC", "FRRC", "RRFC"])
    def test_no_effect_has_power_alpha(self, scope):
        # With effect size 0 the test statistic has its null distribution, so the power
        # is the level itself: P(F(1, ddf) > F(1 - alpha; 1, ddf)) = alpha (scipy's
        # central f.sf, chi2.sf for fixed readers, give 0.05 to 1e-12). Before, RRRC and
        # RRFC read scipy's ncf.sf at noncentrality 0, which gave -0.95.
        pilot = PilotComponents(0.0002004, 0.00080229, 0.00034661, 0.00034407,
                                0.00023903, 114)
        result = mrmc_power(pilot, readers=6, cases=100, effect_size=0.0, scope=scope)
        assert result.noncentrality == 0.0
        assert result.power == pytest.approx(0.05, abs=1e-9)
        central = (chi2.sf(result.critical_value, 1) if result.df_den == float("inf")
                   else f_dist.sf(result.critical_value, 1, result.df_den))
        assert result.power == pytest.approx(central, abs=1e-12)
        planned = mrmc_sample_size(pilot, readers=6, effect_size=0.0, max_cases=50,
                                   scope=scope)
        assert planned.cases is None and planned.power == pytest.approx(0.05, abs=1e-9)

    def test_reachable_beyond_max_cases_is_not_called_unreachable(self):
        # Van Dyke's components (Var(T*R) = 0.0002004), 20 readers, d = 0.015. As the
        # cases grow, D -> Var(T*R) and ddf -> J - 1 = 19, so lambda -> 20 * 0.015^2 /
        # (2 * 0.0002004) = 11.2275 and the power -> P(F'(1, 19, 11.2275) > F(0.95; 1, 19))
        # = 0.888 (scipy's ncf below): 0.8 is reachable, but not with 2000 cases. Before,
        # cases=None, which the docs read as 'the readers are too few for any number of
        # cases'.
        pilot = PilotComponents(0.0002004, 0.00080229, 0.00034661, 0.00034407,
                                0.00023903, 114)
        lam = 20 * 0.015**2 / (2 * 0.0002004)
        limit = ncf.sf(f_dist.ppf(0.95, 1, 19), 1, 19, lam)
        assert limit == pytest.approx(0.888, abs=5e-4)
        with pytest.raises(InvalidInputError, match=r"2000 cases \(max_cases\) give power "
                           r"0\.71\d\d, short of 0\.8, but more cases reach it .*0\.888"
                           r"\d.*raise max_cases"):
            mrmc_sample_size(pilot, readers=20, effect_size=0.015)
        planned = mrmc_sample_size(pilot, readers=20, effect_size=0.015, max_cases=5000)
        assert planned.cases is not None and planned.cases > 2000
        assert mrmc_power(pilot, readers=20, cases=planned.cases - 1,
                          effect_size=0.015).power < 0.8 <= planned.power

    def test_negative_var_tr_counts_as_zero(self, franken):
        pilot = PilotComponents.from_result(franken)
        zero = dataclasses.replace(pilot, var_tr=0.0)
        assert (mrmc_power(pilot, readers=6, cases=121, effect_size=0.05)
                == mrmc_power(zero, readers=6, cases=121, effect_size=0.05))


class TestBadInput:
    def test_dbm_or_single_reader_pilot(self, shared_data):
        dbm = mrmc(shared_data / "tables" / "vandyke.csv", method="DBM")
        with pytest.raises(InvalidInputError, match="Obuchowski-Rockette"):
            mrmc_power(dbm, readers=5, cases=100, effect_size=0.05)

    def test_degenerate_components(self):
        # Var = Cov1 and Cov2 = Cov3: no case variance left; with Var(T*R) = 0 too the
        # error variance is 0 and the power undefined
        flat = PilotComponents(0.0, 0.0005, 0.0005, 0.0003, 0.0003, 100)
        with pytest.raises(InvalidInputError, match="error variance of 0.0"):
            mrmc_power(flat, readers=5, cases=100, effect_size=0.05)
        # Var(T*R) = 0 and Var - Cov1 = Cov2 - Cov3 = 0.0001: the fixed-case part of the
        # error is 0, so ddf is infinite (chi-square limit); D = 0.0001 + 4(0.0001) =
        # 0.0005, lambda = 5 * 0.05^2 / (2 * 0.0005) = 12.5, power = P(|Z + 3.53553| >
        # 1.95996) = Phi(1.57557) + Phi(-5.49549) = 0.94244 + 0.00000
        edge = PilotComponents(0.0, 0.0006, 0.0005, 0.0004, 0.0003, 100)
        result = mrmc_power(edge, readers=5, cases=100, effect_size=0.05)
        assert result.df_den == float("inf") and result.noncentrality == pytest.approx(12.5)
        assert result.power == pytest.approx(0.94244, abs=1e-5)

    def test_arguments(self, vandyke):
        with pytest.raises(InvalidInputError, match="readers"):
            mrmc_power(vandyke, readers=1, cases=100, effect_size=0.05)
        with pytest.raises(InvalidInputError, match="scope"):
            mrmc_power(vandyke, readers=5, cases=100, effect_size=0.05, scope="ALL")  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="power"):
            mrmc_sample_size(vandyke, readers=5, effect_size=0.05, power=80)
        with pytest.raises(InvalidInputError, match="pilot"):
            mrmc_power({"var_tr": 0.0}, readers=5, cases=100, effect_size=0.05)  # type: ignore[arg-type]

    def test_numpy_integers_are_integers(self, vandyke):
        # found in the review-api pass: readers=np.int64(10) (a loop over np.arange) was
        # refused as "readers must be an integer of at least 2, got np.int64(10)"; the
        # RJafroc values above (J = 10, K = 165: 0.80541995; J = 6: 251 cases)
        result = mrmc_power(vandyke, readers=np.int64(10), cases=np.int32(165),
                            effect_size=-0.043800322)
        assert result.power == pytest.approx(0.80541995, abs=1e-8)
        assert type(result.readers) is int and type(result.cases) is int
        observed = vandyke.tests["RRRC"].difference.value
        assert mrmc_sample_size(vandyke, readers=np.int64(6), effect_size=observed,
                                max_cases=np.uint16(400)).cases == 251
        with pytest.raises(InvalidInputError, match="readers must be an integer"):
            mrmc_power(vandyke, readers=np.True_, cases=100, effect_size=0.05)

    def test_the_sample_size_refuses_in_its_own_name(self, vandyke, shared_data):
        # found in the api pass: mrmc_sample_size's pilot, readers, alpha and effect size
        # were refused as "mrmc_power: ...", a function the user never called; alpha or an
        # effect size given as text raised float()'s bare ValueError
        dbm = mrmc(shared_data / "tables" / "vandyke.csv", method="DBM")
        cases = [
            ({"pilot": None}, "pilot must be an MRMCResult or PilotComponents, got NoneType"),
            ({"pilot": dbm}, "the pilot must be an Obuchowski-Rockette analysis"),
            ({"readers": 1}, "readers must be an integer of at least 2, got 1"),
            ({"alpha": "0.05"}, "alpha must be a finite number, got '0.05'"),
            ({"alpha": 1.5}, r"alpha must be in \(0, 1\), got 1.5"),
            ({"effect_size": "0.05"}, "effect_size must be a finite number, got '0.05'"),
            ({"power": "0.8"}, "power must be a finite number, got '0.8'"),
            ({"scope": "ALL"}, "scope must be one of"),
        ]
        for change, message in cases:
            args = {"pilot": vandyke, "readers": 5, "effect_size": 0.05, **change}
            pilot = args.pop("pilot")
            with pytest.raises(InvalidInputError, match=rf"^mrmc_sample_size: {message}"):
                mrmc_sample_size(pilot, **args)
        with pytest.raises(InvalidInputError, match=r"^mrmc_power: alpha must be a finite"):
            mrmc_power(vandyke, readers=5, cases=100, effect_size=0.05, alpha="0.05")  # type: ignore[arg-type]


def test_non_inferiority_power_is_the_test_of_the_shifted_difference(vandyke):
    """docs/mrmc.md: a non-inferiority study with margin delta is planned with effect size
    d + delta. It passes when the lower bound of the two-sided interval clears -delta, i.e.
    when T = (d_hat + delta)/SE exceeds t(1 - alpha/2; ddf), T being noncentral t with
    noncentrality sqrt(lambda) (lambda = J (d + delta)^2 / (2 D)): scipy's nct.sf gives
    that one-sided power, which mrmc_power's two-sided F power exceeds by P(T < -q) only.
    Found in the reader-pass (the planner said nothing of non-inferiority)."""
    from scipy.stats import nct
    from scipy.stats import t as t_dist

    for readers, cases, expected_d, margin in ((8, 200, 0.0, 0.05), (5, 100, 0.01, 0.05)):
        planned = mrmc_power(vandyke, readers=readers, cases=cases,
                             effect_size=expected_d + margin)
        q = t_dist.ppf(0.975, planned.df_den)
        one_sided = nct.sf(q, planned.df_den, np.sqrt(planned.noncentrality))
        wrong_tail = nct.cdf(-q, planned.df_den, np.sqrt(planned.noncentrality))
        assert planned.power == pytest.approx(one_sided + wrong_tail, abs=1e-9)
        assert 0 < planned.power - one_sided < 1e-5


class TestPilotComponentsByHand:
    # Found in the review-stats pass: PilotComponents written by hand were used unchecked.
    # pilot_cases=0 scaled the pilot's case variance by 0/cases and gave a power of 0.99998
    # for Van Dyke's components (10 readers, 165 cases: RJafroc's 0.80541995); '114' or
    # None raised Python's TypeError. Now each component must be a finite number and
    # pilot_cases a count of at least 2 (an integer, as readers and cases; numpy's too).
    def test_numpy_numbers_give_rjafrocs_power(self, vandyke):
        comps = PilotComponents.from_result(vandyke)
        assert comps.pilot_cases == 114
        typed = PilotComponents(*(np.float64(v) for v in dataclasses.astuple(comps)[:5]),
                                np.int64(114))
        result = mrmc_power(typed, readers=10, cases=165, effect_size=-0.043800322)
        assert result.power == pytest.approx(0.80541995, abs=1e-8)

    @pytest.mark.parametrize(("field", "bad", "match"), [
        ("pilot_cases", 0, "the pilot's pilot_cases must be an integer of at least 2, got 0"),
        ("pilot_cases", 114.0, "pilot_cases must be an integer of at least 2, got 114.0"),
        ("pilot_cases", "114", "pilot_cases must be an integer"),
        ("var_tr", float("nan"), "the pilot's var_tr must be a finite number, got nan"),
        ("cov2", "0.0003", "the pilot's cov2 must be a finite number"),
    ])
    def test_refused(self, vandyke, field, bad, match):
        comps = dataclasses.replace(PilotComponents.from_result(vandyke), **{field: bad})
        for call in (lambda: mrmc_power(comps, readers=10, cases=165, effect_size=0.04),
                     lambda: mrmc_sample_size(comps, readers=10, effect_size=0.04)):
            with pytest.raises(InvalidInputError, match=match):
                call()
