"""Planning with several cases per patient: sample_size and cases_to_pass with a design
effect (or an ICC and the cases per patient, Kish's 1 + (m - 1) rho)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from medeval.errors import InvalidInputError
from medeval.stats import cases_to_pass, sample_size
from medeval.stats.intervals import bounds

Z95 = 1.959963984540054


class TestSampleSize:
    @pytest.mark.parametrize("deff", [1.0, 1.6, 2.8, 5.75])
    def test_buderer_times_the_design_effect(self, deff):
        s = sample_size(0.9, half_width=0.05, prevalence=0.25, design_effect=deff)
        group = deff * Z95**2 * 0.9 * 0.1 / 0.05**2
        assert s.n_group == math.ceil(round(group, 9))
        assert s.total == math.ceil(round(group / 0.25, 9))
        assert s.design_effect == deff and s.patients is None

    def test_icc_and_cases_per_patient(self):
        # Four views per exam, rho 0.2: d = 1 + 3 * 0.2 = 1.6.
        by_icc = sample_size(0.85, half_width=0.05, prevalence=0.3, measure="specificity",
                             icc=0.2, cases_per_patient=4)
        direct = sample_size(0.85, half_width=0.05, prevalence=0.3, measure="specificity",
                             design_effect=1.6)
        assert by_icc.design_effect == pytest.approx(1.6)
        assert (by_icc.n_group, by_icc.total) == (direct.n_group, direct.total)
        assert by_icc.patients == math.ceil(by_icc.total / 4)

    def test_no_clustering_is_unchanged(self):
        assert sample_size(0.9, half_width=0.05, prevalence=0.2) == sample_size(
            0.9, half_width=0.05, prevalence=0.2, design_effect=1)

    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"design_effect": 0.5}, ">= 1"),
        ({"design_effect": 2, "icc": 0.1, "cases_per_patient": 3}, "not both"),
        ({"icc": 0.1}, "go together"),
        ({"icc": 1.5, "cases_per_patient": 3}, "icc"),
        ({"icc": 0.1, "cases_per_patient": 0}, "cases_per_patient"),
    ])
    def test_invalid(self, kwargs, match):
        with pytest.raises(InvalidInputError, match=match):
            sample_size(0.9, half_width=0.05, prevalence=0.2, **kwargs)


class TestCasesToPass:
    @pytest.mark.parametrize("method", ["wilson", "clopper-pearson"])
    def test_effective_plan_scaled_by_the_design_effect(self, method):
        plain = cases_to_pass(0.95, 0.9, method=method)
        plan = cases_to_pass(0.95, 0.9, method=method, design_effect=2.5)
        assert plan.effective_n == plain.n_group
        assert plan.n_group == math.ceil(2.5 * plain.n_group)
        assert plan.pass_probability == plain.pass_probability
        # The least passing count passes the clustered interval on n* = n / d.
        n_eff = plan.n_group / 2.5
        low, _ = bounds(np.array([plan.least_successes / plan.n_group * n_eff]), n_eff,
                        0.025, method)
        assert low[0] >= 0.9

    def test_patients(self):
        plan = cases_to_pass(0.97, 0.9, method="wilson", icc=0.3, cases_per_patient=10,
                             prevalence=0.5)
        assert plan.design_effect == pytest.approx(3.7)
        assert plan.patients == math.ceil(plan.n_group / 10)
        assert plan.total == math.ceil(plan.n_group / 0.5)

    def test_no_clustering_is_unchanged(self):
        plain = cases_to_pass(0.95, 0.9, method="wilson")
        assert plain.design_effect == 1.0 and plain.effective_n == plain.n_group


class TestNumpyNumbers:
    # Found in the review-stats pass: a statistician's loop over np.arange(2, 6) cases per
    # patient, or icc from np.linspace, was refused with a message that contradicts itself
    # ('cases_per_patient (cases per cluster) must be a number >= 1, got np.int64(3)'), as
    # were numpy design effects; 798e4bd took numpy integers for readers and max_n, not
    # these. By hand: d = 1 + (4 - 1) x 0.25 = 1.75 and 1.75 x 1.96^2 x 0.9 x 0.1 / 0.05^2
    # = 242.0 -> 243 positives (1.959964^2 = 3.841459: 242.01), / 0.2 -> 1211 cases,
    # / 4 -> 303 patients; 0.25 and 1.75 are exact in binary, so numpy's float32 gives
    # the same numbers.
    def test_sample_size(self):
        group = 1.75 * Z95**2 * 0.9 * 0.1 / 0.05**2
        assert (math.ceil(group), math.ceil(group / 0.2)) == (243, 1211)
        for icc, per in [(np.float64(0.25), np.int64(4)), (np.float32(0.25), np.int32(4)),
                         (0.25, np.uint8(4)), (np.float32(0.25), 4.0)]:
            s = sample_size(0.9, half_width=0.05, prevalence=0.2, icc=icc,
                            cases_per_patient=per)
            assert (s.design_effect, s.n_group, s.total, s.patients) == (1.75, 243, 1211, 303)
            assert type(s.design_effect) is float and type(s.cases_per_patient) is float
        for deff in (np.float32(1.75), np.float64(1.75)):
            s = sample_size(0.9, half_width=0.05, prevalence=0.2, design_effect=deff)
            assert (s.n_group, s.total) == (243, 1211) and type(s.design_effect) is float
        assert sample_size(0.9, half_width=0.05, prevalence=0.2,
                           design_effect=np.int64(2)).design_effect == 2.0

    def test_cases_to_pass(self):
        # the independent plan is 254 (the brute force of test_cases_to_pass): 2.5 x 254
        # = 635 cases of 159 patients (ceil(635 / 4)), d = 1 + 3 x 0.5
        for icc, per in [(np.float64(0.5), np.int64(4)), (np.float32(0.5), np.int16(4))]:
            plan = cases_to_pass(0.95, 0.9, method="wilson", icc=icc, cases_per_patient=per)
            assert (plan.design_effect, plan.n_group, plan.patients) == (2.5, 635, 159)
        assert cases_to_pass(0.95, 0.9, method="wilson",
                             design_effect=np.float32(2.5)).n_group == 635

    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"icc": np.True_, "cases_per_patient": 4}, "icc must be a number in"),
        ({"icc": 0.2, "cases_per_patient": np.True_}, "cases_per_patient .* must be"),
        ({"design_effect": np.True_}, "design_effect must be a number"),
        ({"icc": np.float64(1.5), "cases_per_patient": 4}, "icc must be a number in"),
        ({"icc": 0.2, "cases_per_patient": np.float64(np.nan)}, "cases_per_patient"),
        ({"design_effect": np.float32(0.5)}, "design_effect must be a number >= 1"),
    ])
    def test_still_refused(self, kwargs, match):
        with pytest.raises(InvalidInputError, match=match):
            sample_size(0.9, half_width=0.05, prevalence=0.2, **kwargs)
