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
