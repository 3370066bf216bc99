"""The interval of an AUC over the protocol's unit, as binary classification takes it
(private to the task modules that report an AUC besides binary classification's own:
:mod:`medeval.tasks.detection`'s ``case_auc``, :mod:`medeval.tasks._class_aucs`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..stats.delong import auc_ci
from ..stats.estimate import Estimate
from .base import several_per_patient
from .binary_classification import _newcombe_unclustered  # the one wording (notes_ko)

__all__ = ["auc_over_unit"]


def auc_over_unit(y: NDArray[Any], s: NDArray[np.float64], clusters: Sequence[str] | None,
                  st: Any) -> Estimate:
    """The AUC with the protocol's ``auc_method`` (``st``: its ``[statistics]``): with
    several cases per patient, DeLong's becomes Obuchowski's over patients and the
    bootstrap resamples patients; Newcombe's, which has no form over patients, says in
    its note that it takes the cases as independent."""
    method = st.auc_method
    clustered = several_per_patient(None if clusters is None else list(clusters))
    if clustered and method == "delong":
        method = "obuchowski"
    estimate = auc_ci(y, s, method=method, confidence=st.confidence, seed=st.seed,
                      n_resamples=st.n_resamples, bootstrap_method=st.bootstrap_method,
                      stratified=clusters is None,
                      clusters=None if clusters is None else np.asarray(clusters))
    if clustered and method == "newcombe" and estimate.note is None:  # as binary's says
        estimate = replace(estimate, note=_newcombe_unclustered(list(clusters or ())))
    return estimate
