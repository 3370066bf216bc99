"""The records a multi-reader multi-case analysis returns (:func:`medeval.stats.mrmc`).

Frozen dataclasses, each with ``to_dict`` for strict JSON: NaN and infinities written as
the result's canonical JSON writes them (``"NaN"``, ``"Infinity"``, ``"-Infinity"``; read
back with :func:`medeval.stats.estimate.number`). Labels (treatments, readers) are kept as
the table gave them (ints stay ints, strings stay strings).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .._canonical import json_data
from .estimate import Estimate

__all__ = [
    "AnovaRow",
    "DBMComponents",
    "MRMCComparison",
    "MRMCResult",
    "MRMCTest",
    "MRMCTreatmentInterval",
    "ORComponents",
]

Scope = Literal["RRRC", "FRRC", "RRFC"]


def _plain(value: Any) -> Any:
    """A label or number as plain JSON data (tuples become lists)."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


@dataclass(frozen=True)
class AnovaRow:
    """One source of an analysis-of-variance table: sum of squares, df, mean square."""

    source: str
    ss: float
    df: int
    ms: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return json_data({"source": self.source, "ss": self.ss, "df": self.df, "ms": self.ms})


@dataclass(frozen=True)
class ORComponents:
    """Obuchowski–Rockette variance components and error covariances of the reader AUCs.

    Parameters
    ----------
    var_r, var_tr : float
        Reader and treatment × reader variance components (ANOVA estimates: may be
        negative; NaN with one reader).
    cov1, cov2, cov3 : float
        Error covariances of two AUCs on the same cases: same reader, different treatment
        (``cov1``); different reader, same treatment (``cov2``); different reader and
        treatment (``cov3``). NaN where the design has no such pair.
    var_error : float
        The error variance: the mean variance of one reader's AUC in one treatment over
        samples of cases.
    """

    var_r: float
    var_tr: float
    cov1: float
    cov2: float
    cov3: float
    var_error: float

    @property
    def correlations(self) -> tuple[float, float, float]:
        """``(cov1, cov2, cov3) / var_error`` (the Iowa program's "Correlation" column)."""
        if self.var_error == 0 or math.isnan(self.var_error):
            return (math.nan, math.nan, math.nan)
        return (self.cov1 / self.var_error, self.cov2 / self.var_error,
                self.cov3 / self.var_error)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return json_data({"var_r": self.var_r, "var_tr": self.var_tr, "cov1": self.cov1,
                          "cov2": self.cov2, "cov3": self.cov3, "var_error": self.var_error})


@dataclass(frozen=True)
class DBMComponents:
    """Dorfman–Berbaum–Metz variance components of the jackknife pseudovalues.

    ``var_error`` is Var(T*R*C) + Var(error), which cannot be separated without
    replicated readings.
    """

    var_r: float
    var_c: float
    var_tr: float
    var_tc: float
    var_rc: float
    var_error: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return json_data({"var_r": self.var_r, "var_c": self.var_c, "var_tr": self.var_tr,
                          "var_tc": self.var_tc, "var_rc": self.var_rc,
                          "var_error": self.var_error})


@dataclass(frozen=True)
class MRMCComparison:
    """One treatment difference (``first − second``) of one scope of inference.

    Parameters
    ----------
    first, second : label
        The two treatments; the difference is ``first − second``.
    difference : Estimate
        The difference of the reader-averaged AUCs with its interval.
    std_err : float
        The standard error of the difference.
    statistic : float
        ``difference / std_err``: a t statistic (``df`` finite) or a z statistic
        (``df`` infinite).
    df : float
        The degrees of freedom of the t statistic; ``inf`` for a z statistic.
    p_value : float
        Two-sided p-value of H0: no difference.
    reader : label or None
        The reader for a single-reader comparison (fixed readers); None when the
        comparison averages all readers.
    """

    first: Hashable
    second: Hashable
    difference: Estimate
    std_err: float
    statistic: float
    df: float
    p_value: float
    reader: Hashable | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return json_data({"first": _plain(self.first), "second": _plain(self.second),
                          "difference": self.difference.to_dict(), "std_err": self.std_err,
                          "statistic": self.statistic, "df": self.df, "p_value": self.p_value,
                          "reader": _plain(self.reader)})


@dataclass(frozen=True)
class MRMCTreatmentInterval:
    """The reader-averaged AUC of one treatment with its interval for one scope.

    ``df`` is ``inf`` where the interval is normal (z) rather than t based.
    """

    treatment: Hashable
    auc: Estimate
    std_err: float
    df: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return json_data({"treatment": _plain(self.treatment), "auc": self.auc.to_dict(),
                          "std_err": self.std_err, "df": self.df})


@dataclass(frozen=True)
class MRMCTest:
    """The test of equal treatment AUCs for one scope of inference.

    Parameters
    ----------
    scope : {"RRRC", "FRRC", "RRFC"}
        Random readers and random cases; fixed readers, random cases; random readers,
        fixed cases.
    statistic : float
        The F statistic, or for the Obuchowski–Rockette fixed-reader analysis the
        chi-square statistic (``distribution == "chi-square"``, ``df_den`` infinite).
    distribution : {"F", "chi-square"}
        The reference distribution of ``statistic``.
    df_num, df_den : float
        Numerator and denominator degrees of freedom (``df_den`` is Hillis's ddf_H for
        RRRC; ``inf`` for a chi-square).
    p_value : float
        The p-value of H0: all treatments have the same reader-averaged AUC.
    error_term : float
        The denominator of the F statistic (a mean square or a linear combination of
        them, as the method defines it).
    comparisons : tuple of MRMCComparison
        Every pairwise difference ``first − second``, treatments in the result's order.
    treatment_intervals : mapping of label to MRMCTreatmentInterval
        Each treatment's reader-averaged AUC with its interval, from that treatment's
        data only.
    reader_comparisons : tuple of MRMCComparison
        For the fixed-reader scope only: each reader's own treatment differences.
    """

    scope: Scope
    statistic: float
    distribution: Literal["F", "chi-square"]
    df_num: float
    df_den: float
    p_value: float
    error_term: float
    comparisons: tuple[MRMCComparison, ...]
    treatment_intervals: Mapping[Hashable, MRMCTreatmentInterval]
    reader_comparisons: tuple[MRMCComparison, ...] = ()

    @property
    def difference(self) -> Estimate:
        """The first comparison's difference (treatment 1 − treatment 2)."""
        return self.comparisons[0].difference

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return json_data({
            "scope": self.scope, "statistic": self.statistic,
            "distribution": self.distribution, "df_num": self.df_num,
            "df_den": self.df_den, "p_value": self.p_value, "error_term": self.error_term,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "treatment_intervals": [v.to_dict() for v in self.treatment_intervals.values()],
            "reader_comparisons": [c.to_dict() for c in self.reader_comparisons],
        })


@dataclass(frozen=True)
class MRMCResult:
    """A multi-reader multi-case ROC analysis (:func:`medeval.stats.mrmc`).

    Parameters
    ----------
    method : {"OR", "DBM"}
        Obuchowski–Rockette (with Hillis's denominator degrees of freedom) or
        Dorfman–Berbaum–Metz on normalized jackknife pseudovalues.
    covariance : {"jackknife", "delong", "unbiased"}
        How the error covariances of the reader AUCs were estimated.
    fom : str
        The figure of merit: ``"wilcoxon"`` (the empirical, trapezoidal AUC).
    confidence : float
        The confidence level of every interval.
    var_tr_rule : {"iowa", "rjafroc", ""}
        Which formula gave ``variance_components.var_tr`` (see :func:`mrmc`); empty for
        DBM, whose Var(T*R) is ``(MS(TR) − MS(TRC)) / c``.
    treatments, readers : tuple of labels
        In the order of the analysis (sorted).
    n_cases, n_positive, n_negative : int
        Cases, and of them with (truth 1) and without (truth 0) the condition.
    treatment_auc : mapping of treatment to float
        The reader-averaged AUC of each treatment.
    reader_auc : mapping of (treatment, reader) to float
        Each reader's AUC in each treatment.
    reader_intervals : mapping of (treatment, reader) to Estimate
        Each reader's AUC with a normal interval from its own error variance (the
        covariance method's; the jackknife for DBM), clipped to [0, 1] as MRMCaov prints
        its "Single reader" intervals.
    variance_components : ORComponents or DBMComponents
        The method's variance components.
    anova : tuple of AnovaRow
        The treatment × reader ANOVA of the AUCs (OR) or the treatment × reader × case
        ANOVA of the pseudovalues (DBM).
    tests : mapping of scope to MRMCTest
        ``"RRRC"``, ``"FRRC"`` and ``"RRFC"``; ``"FRRC"`` only for a single reader.
    """

    method: Literal["OR", "DBM"]
    covariance: str
    fom: str
    confidence: float
    var_tr_rule: str
    treatments: tuple[Hashable, ...]
    readers: tuple[Hashable, ...]
    n_cases: int
    n_positive: int
    n_negative: int
    treatment_auc: Mapping[Hashable, float]
    reader_auc: Mapping[tuple[Hashable, Hashable], float]
    reader_intervals: Mapping[tuple[Hashable, Hashable], Estimate]
    variance_components: ORComponents | DBMComponents
    anova: tuple[AnovaRow, ...]
    tests: Mapping[str, MRMCTest] = field(default_factory=dict)

    @property
    def treatment_intervals(self) -> Mapping[Hashable, MRMCTreatmentInterval]:
        """Each treatment's interval for random readers and cases (fixed readers when
        there is one reader only)."""
        scope = "RRRC" if "RRRC" in self.tests else "FRRC"
        return self.tests[scope].treatment_intervals

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON): mappings keyed by labels become lists."""
        return json_data({
            "method": self.method, "covariance": self.covariance, "fom": self.fom,
            "confidence": self.confidence, "var_tr_rule": self.var_tr_rule,
            "treatments": [_plain(t) for t in self.treatments],
            "readers": [_plain(r) for r in self.readers],
            "n_cases": self.n_cases, "n_positive": self.n_positive,
            "n_negative": self.n_negative,
            "treatment_auc": [{"treatment": _plain(t), "auc": v}
                              for t, v in self.treatment_auc.items()],
            "reader_auc": [{"treatment": _plain(t), "reader": _plain(r), "auc": v}
                           for (t, r), v in self.reader_auc.items()],
            "reader_intervals": [{"treatment": _plain(t), "reader": _plain(r),
                                  "auc": e.to_dict()}
                                 for (t, r), e in self.reader_intervals.items()],
            "variance_components": self.variance_components.to_dict(),
            "anova": [row.to_dict() for row in self.anova],
            "tests": {scope: test.to_dict() for scope, test in self.tests.items()},
        })
