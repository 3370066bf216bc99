"""Confidence intervals, DeLong, the bootstrap, paired tests and sample size.

Every interval is an :class:`Estimate` that carries its method and confidence level.

- :mod:`~medeval.stats.intervals`: a proportion's interval (Wilson, Clopper–Pearson,
  Jeffreys, Agresti–Coull, Wald), two- or one-sided.
- :mod:`~medeval.stats.delong`: the AUC with DeLong's, Obuchowski's (clustered) or
  Newcombe's interval; the paired DeLong (or Obuchowski) test.
- :mod:`~medeval.stats.clustered`: a proportion's interval over several cases per
  patient (design effect, effective sample size); Obuchowski's clustered AUC variance.
- :mod:`~medeval.stats.bootstrap`: percentile and BCa intervals, stratified, clustered;
  the named statistics are built from the metrics' own definitions.
- :mod:`~medeval.stats.ratios`: likelihood ratios with the log-method interval.
- :mod:`~medeval.stats.significance`: McNemar, a proportion against a performance goal,
  paired non-inferiority (Tango).
- :mod:`~medeval.stats.mrmc`: multi-reader multi-case ROC analysis (Obuchowski–Rockette
  with Hillis's df, Dorfman–Berbaum–Metz) of a reader study;
  :mod:`~medeval.stats.mrmc_sample_size`: readers and cases for a planned one.
- :mod:`~medeval.stats.sample_size`: cases needed for a target CI width (Buderer), or
  for a fair chance of passing a goal under the guarded rule (exact binomial).

The names load on first use: importing ``medeval.stats.estimate`` for
:class:`Estimate` does not bring scipy.stats or pandas in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy_exports import export_lazily

# name -> submodule defining it, imported on first access (PEP 562)
_LAZY = {
    "BOOTSTRAP_STATISTICS": "bootstrap",
    "bootstrap_ci": "bootstrap",
    "ece_statistic": "bootstrap",
    "pooled_ratio_cis": "bootstrap",
    "proportion_ci_clustered": "clustered",
    "DeLongTest": "delong",
    "auc_ci": "delong",
    "delong_test": "delong",
    "Estimate": "estimate",
    "PROPORTION_METHODS": "intervals",
    "proportion_ci": "intervals",
    "MRMCComparison": "mrmc",
    "MRMCResult": "mrmc",
    "MRMCTest": "mrmc",
    "MRMCTreatmentInterval": "mrmc",
    "mrmc": "mrmc",
    "MRMCPower": "mrmc_sample_size",
    "MRMCSampleSize": "mrmc_sample_size",
    "PilotComponents": "mrmc_sample_size",
    "mrmc_power": "mrmc_sample_size",
    "mrmc_sample_size": "mrmc_sample_size",
    "likelihood_ratio_ci": "ratios",
    "PassPlan": "sample_size",
    "SampleSize": "sample_size",
    "cases_to_pass": "sample_size",
    "sample_size": "sample_size",
    "TestResult": "significance",
    "mcnemar_test": "significance",
    "noninferiority_test": "significance",
    "proportion_goal_test": "significance",
}

__all__ = [
    "BOOTSTRAP_STATISTICS",
    "DeLongTest",
    "Estimate",
    "MRMCComparison",
    "MRMCPower",
    "MRMCResult",
    "MRMCSampleSize",
    "MRMCTest",
    "MRMCTreatmentInterval",
    "PROPORTION_METHODS",
    "PassPlan",
    "PilotComponents",
    "SampleSize",
    "TestResult",
    "auc_ci",
    "bootstrap_ci",
    "delong_test",
    "ece_statistic",
    "likelihood_ratio_ci",
    "mcnemar_test",
    "mrmc",
    "mrmc_power",
    "mrmc_sample_size",
    "noninferiority_test",
    "pooled_ratio_cis",
    "proportion_ci",
    "proportion_ci_clustered",
    "proportion_goal_test",
    "cases_to_pass",
    "sample_size",
]

export_lazily(__name__, _LAZY, __all__)

if TYPE_CHECKING:  # pragma: no cover
    from .bootstrap import BOOTSTRAP_STATISTICS, bootstrap_ci, ece_statistic, pooled_ratio_cis
    from .clustered import proportion_ci_clustered
    from .delong import DeLongTest, auc_ci, delong_test
    from .estimate import Estimate
    from .intervals import PROPORTION_METHODS, proportion_ci
    from .mrmc import MRMCComparison, MRMCResult, MRMCTest, MRMCTreatmentInterval, mrmc
    from .mrmc_sample_size import (
        MRMCPower,
        MRMCSampleSize,
        PilotComponents,
        mrmc_power,
        mrmc_sample_size,
    )
    from .ratios import likelihood_ratio_ci
    from .sample_size import PassPlan, SampleSize, cases_to_pass, sample_size
    from .significance import TestResult, mcnemar_test, noninferiority_test, proportion_goal_test
