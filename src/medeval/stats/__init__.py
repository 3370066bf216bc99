"""Confidence intervals, DeLong, the bootstrap, paired tests and sample size.

Every interval is an :class:`Estimate` that carries its method and confidence level.
"""

from .bootstrap import BOOTSTRAP_STATISTICS, bootstrap_ci
from .delong import DeLongTest, auc_ci, delong_test
from .estimate import Estimate

__all__ = [
    "BOOTSTRAP_STATISTICS",
    "DeLongTest",
    "Estimate",
    "auc_ci",
    "bootstrap_ci",
    "delong_test",
]
