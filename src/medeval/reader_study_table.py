"""The reader-study section of a result: typed records of its MRMC analysis.

A ``reader-study`` evaluation (:mod:`medeval.tasks.reader_study`) stores its analysis in
the result's ``tables["reader_study"]`` as plain data; :class:`ReaderStudyTable` is that
table as frozen records (``from_dict`` / ``to_dict`` round-trip it), which the
certificate reads. Differences are oriented as the protocol asks: the test treatment
(e.g. with the AI) minus the reference treatment (without it), whatever order the
analysis sorted the treatments in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

# the records from their own module, not from stats.mrmc (pandas, scipy.stats): a
# certificate renders and verifies without running an analysis
from .stats._mrmc_records import MRMCComparison, MRMCResult, ORComponents
from .stats.estimate import Estimate, number

__all__ = ["AnovaLine", "ReaderAUC", "ReaderStudyTable", "ScopeTest", "oriented"]

#: The scopes of inference in the order the certificate prints them.
SCOPES = ("RRRC", "FRRC", "RRFC")
#: The variance components in the order the Iowa program prints them (OR, then DBM's).
COMPONENTS = ("var_r", "var_c", "var_tr", "var_tc", "var_rc", "cov1", "cov2", "cov3",
              "var_error")
#: Method references, as the certificate names them.
REFERENCES = {
    "OR": "Obuchowski NA, Rockette HE. Commun Stat Simul Comput 1995;24:285-308; "
          "Hillis SL. Stat Med 2007;26:596-619 (denominator degrees of freedom)",
    "DBM": "Dorfman DD, Berbaum KS, Metz CE. Invest Radiol 1992;27:723-31; Hillis SL, "
           "Berbaum KS, Metz CE. Acad Radiol 2008;15:647-61",
}


def _ordered(components: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """The components in :data:`COMPONENTS` order (the JSON sorts its keys)."""
    rank = {name: i for i, name in enumerate(COMPONENTS)}
    return tuple(sorted(components.items(), key=lambda kv: (rank.get(kv[0], len(rank)),
                                                           kv[0])))


@dataclass(frozen=True)
class ReaderAUC:
    """One reader's AUC in the test and in the reference treatment."""

    reader: str
    test: float
    reference: float

    @property
    def difference(self) -> float:
        return self.test - self.reference


@dataclass(frozen=True)
class AnovaLine:
    """One source of the analysis of variance: sum of squares, df, mean square."""

    source: str
    ss: float
    df: int
    ms: float


@dataclass(frozen=True)
class ScopeTest:
    """The test of equal treatments for one scope, and its difference test − reference.

    ``scope`` is RRRC (random readers and cases), FRRC (fixed readers) or RRFC (fixed
    cases); ``distribution`` "F" or "chi-square" (``df_den`` infinite);
    ``test_auc`` / ``reference_auc`` each treatment's reader-averaged AUC with its
    interval for this scope.
    """

    scope: str
    statistic: float
    distribution: str
    df_num: float
    df_den: float
    p_value: float
    difference: Estimate
    std_err: float
    test_auc: Estimate
    reference_auc: Estimate

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "statistic": self.statistic,
                "distribution": self.distribution, "df_num": self.df_num,
                "df_den": self.df_den, "p_value": self.p_value,
                "difference": self.difference.to_dict(), "std_err": self.std_err,
                "test_auc": self.test_auc.to_dict(),
                "reference_auc": self.reference_auc.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScopeTest:
        return cls(str(data["scope"]), number(data["statistic"]), str(data["distribution"]),
                   number(data["df_num"]), number(data["df_den"]), number(data["p_value"]),
                   Estimate.from_dict(data["difference"]), number(data["std_err"]),
                   Estimate.from_dict(data["test_auc"]),
                   Estimate.from_dict(data["reference_auc"]))


@dataclass(frozen=True)
class ReaderStudyTable:
    """A reader study's analysis as the result holds it (see the module).

    Attributes
    ----------
    method, covariance, fom, var_tr_rule : str
        As :func:`medeval.stats.mrmc` ran (``"OR"``/``"DBM"``, ``"jackknife"`` ...).
    confidence : float
    comparison : {"superiority", "non-inferiority"}
    margin : float or None
        The non-inferiority margin.
    test_treatment, reference_treatment : str
    scope : str
        The scope whose interval the criteria judge.
    n_cases, n_positive, n_negative : int
    test_auc, reference_auc : float
        The reader-averaged AUCs.
    readers : tuple of ReaderAUC
    components : tuple of (name, value)
        The variance components (OR: var_r, var_tr, cov1, cov2, cov3, var_error; DBM:
        var_r, var_c, var_tr, var_tc, var_rc, var_error).
    anova : tuple of AnovaLine
    tests : tuple of ScopeTest
        RRRC, FRRC, RRFC (FRRC only with one reader).
    """

    method: str
    covariance: str
    fom: str
    var_tr_rule: str
    confidence: float
    comparison: str
    margin: float | None
    test_treatment: str
    reference_treatment: str
    scope: str
    n_cases: int
    n_positive: int
    n_negative: int
    test_auc: float
    reference_auc: float
    readers: tuple[ReaderAUC, ...]
    components: tuple[tuple[str, float], ...]
    anova: tuple[AnovaLine, ...]
    tests: tuple[ScopeTest, ...]

    @property
    def reference(self) -> str:
        """The method's literature reference."""
        return REFERENCES.get(self.method, self.method)

    @property
    def goal(self) -> float:
        """The difference's goal: 0, or −margin for non-inferiority."""
        return -self.margin if self.margin is not None else 0.0

    def test(self, scope: str) -> ScopeTest:
        """The test of ``scope``; KeyError naming those present otherwise."""
        for found in self.tests:
            if found.scope == scope:
                return found
        raise KeyError(f"no {scope} test; the study has {[t.scope for t in self.tests]}")

    @classmethod
    def from_analysis(cls, analysis: MRMCResult, spec: Any, *, scope: str) -> ReaderStudyTable:
        """The table of an :class:`~medeval.stats.MRMCResult`, oriented as the protocol's
        ``[task]`` (``spec``) names the treatments."""
        test, reference = spec.test_treatment, spec.reference_treatment
        tests = []
        for name in SCOPES:
            if name not in analysis.tests:
                continue
            found = analysis.tests[name]
            comparison = oriented(found.comparisons, test, reference)
            intervals = found.treatment_intervals
            tests.append(ScopeTest(
                name, found.statistic, found.distribution, found.df_num, found.df_den,
                found.p_value, comparison.difference, comparison.std_err,
                intervals[test].auc, intervals[reference].auc))
        components = analysis.variance_components
        return cls(
            method=analysis.method, covariance=analysis.covariance, fom=analysis.fom,
            var_tr_rule=analysis.var_tr_rule, confidence=analysis.confidence,
            comparison=spec.comparison, margin=spec.margin, test_treatment=test,
            reference_treatment=reference, scope=scope, n_cases=analysis.n_cases,
            n_positive=analysis.n_positive, n_negative=analysis.n_negative,
            test_auc=analysis.treatment_auc[test],
            reference_auc=analysis.treatment_auc[reference],
            readers=tuple(ReaderAUC(str(r), analysis.reader_auc[(test, r)],
                                    analysis.reader_auc[(reference, r)])
                          for r in analysis.readers),
            components=_ordered(asdict(components)),  # floats (to_dict's are JSON's)
            anova=tuple(AnovaLine(a.source, a.ss, a.df, a.ms) for a in analysis.anova),
            tests=tuple(tests),
        )

    @property
    def is_or(self) -> bool:
        """Obuchowski–Rockette components (else DBM's)."""
        return self.method == "OR"

    def correlations(self) -> tuple[float, float, float]:
        """OR's ``(cov1, cov2, cov3) / var_error``; NaN for DBM."""
        values = dict(self.components)
        if not self.is_or:
            return (math.nan, math.nan, math.nan)
        return ORComponents(**values).correlations

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the result JSON."""
        return {
            "method": self.method, "covariance": self.covariance, "fom": self.fom,
            "var_tr_rule": self.var_tr_rule, "confidence": self.confidence,
            "comparison": self.comparison, "margin": self.margin,
            "test_treatment": self.test_treatment,
            "reference_treatment": self.reference_treatment, "scope": self.scope,
            "n_cases": self.n_cases, "n_positive": self.n_positive,
            "n_negative": self.n_negative, "test_auc": self.test_auc,
            "reference_auc": self.reference_auc,
            "reader_auc": [{"reader": r.reader, "test": r.test, "reference": r.reference}
                           for r in self.readers],
            "variance_components": dict(self.components),
            "anova": [{"source": a.source, "ss": a.ss, "df": a.df, "ms": a.ms}
                      for a in self.anova],
            "tests": [t.to_dict() for t in self.tests],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReaderStudyTable:
        """The table from the result's plain data (NaN and infinities decoded)."""
        margin = data.get("margin")
        return cls(
            method=str(data["method"]), covariance=str(data["covariance"]),
            fom=str(data["fom"]), var_tr_rule=str(data["var_tr_rule"]),
            confidence=float(data["confidence"]), comparison=str(data["comparison"]),
            margin=None if margin is None else float(margin),
            test_treatment=str(data["test_treatment"]),
            reference_treatment=str(data["reference_treatment"]), scope=str(data["scope"]),
            n_cases=int(data["n_cases"]), n_positive=int(data["n_positive"]),
            n_negative=int(data["n_negative"]), test_auc=number(data["test_auc"]),
            reference_auc=number(data["reference_auc"]),
            readers=tuple(ReaderAUC(str(r["reader"]), number(r["test"]),
                                    number(r["reference"])) for r in data["reader_auc"]),
            components=_ordered({str(k): number(v)
                                 for k, v in data["variance_components"].items()}),
            anova=tuple(AnovaLine(str(a["source"]), number(a["ss"]), int(a["df"]),
                                  number(a["ms"])) for a in data["anova"]),
            tests=tuple(ScopeTest.from_dict(t) for t in data["tests"]),
        )

    @classmethod
    def from_tables(cls, tables: Mapping[str, Any]) -> ReaderStudyTable | None:
        """The table of a result's ``tables``; None when it holds no reader study."""
        data = tables.get("reader_study")
        return cls.from_dict(data) if isinstance(data, Mapping) else None


def oriented(comparisons: Sequence[MRMCComparison], first: str,
             second: str) -> MRMCComparison:
    """The averaged comparison ``first − second``, negated from ``second − first`` where
    the analysis ordered the treatments the other way (same p-value, interval mirrored)."""
    for comparison in comparisons:
        if comparison.reader is not None:
            continue
        if (comparison.first, comparison.second) == (first, second):
            return comparison
        if (comparison.first, comparison.second) == (second, first):
            d = comparison.difference
            flipped = Estimate(-d.value, -d.high, -d.low, d.method, d.confidence, d.n,
                               note=d.note)
            return MRMCComparison(first, second, flipped, comparison.std_err,
                                  -comparison.statistic, comparison.df, comparison.p_value)
    raise KeyError(f"no comparison of {first!r} and {second!r}")
