"""Acceptance decisions: a metric's interval against a goal fixed in advance.

ILAC-G8:09/2019 decision rules, for a metric where higher is better (mirrored when lower
is better):

=================  ==========================  ==========================  =============
rule               PASS                        FAIL                        otherwise
=================  ==========================  ==========================  =============
``"guarded"``      lower bound >= goal         upper bound < goal          INCONCLUSIVE
``"point"``        estimate >= goal            estimate < goal             —
=================  ==========================  ==========================  =============

An undefined estimate or bound (NaN), or under the guarded rule a zero-width interval,
gives INCONCLUSIVE with the reason stated.
:func:`judge` applies a protocol's criteria to an evaluation's metrics, and
:func:`overall` gives the whole test's outcome: FAIL if any criterion fails, PASS if every
one passes, INCONCLUSIVE otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ._validation import choice
from .stats.estimate import Estimate

__all__ = ["Verdict", "as_written", "decide", "judge", "overall"]

Outcome = Literal["PASS", "FAIL", "INCONCLUSIVE"]


@dataclass(frozen=True)
class Verdict:
    """The decision on one acceptance criterion.

    Attributes
    ----------
    metric : str
        The metric's name.
    goal : float
        The goal fixed in the protocol.
    rule : str
        ``"guarded"`` or ``"point"``.
    outcome : {"PASS", "FAIL", "INCONCLUSIVE"}
    reason : str
        One sentence: which number was compared with the goal, and how.
    """

    metric: str
    goal: float
    rule: str
    outcome: Outcome
    reason: str


def decide(
    metric: str,
    estimate: Estimate,
    goal: float,
    *,
    rule: Literal["guarded", "point"] = "guarded",
    higher_is_better: bool = True,
) -> Verdict:
    r"""Judge an estimate against a goal with a stated decision rule.

    For higher-is-better metrics, with interval :math:`[L, U]` and estimate
    :math:`\hat\theta`:

    .. math::
        \text{guarded: PASS if } L \ge g,\ \text{FAIL if } U < g;\qquad
        \text{point: PASS if } \hat\theta \ge g,\ \text{else FAIL}.

    For lower-is-better metrics (e.g. HD95 in mm) the roles of the bounds swap:
    PASS if :math:`U \le g`, FAIL if :math:`L > g`.

    Parameters
    ----------
    metric : str
        The metric's name (for the record).
    estimate : Estimate
        The estimate with its confidence interval.
    goal : float
        The acceptance goal.
    rule : {"guarded", "point"}
        Guarded acceptance (default) or simple acceptance on the point estimate.
    higher_is_better : bool
        The metric's direction.

    Returns
    -------
    Verdict

    Raises
    ------
    InvalidInputError
        An unknown rule.

    Notes
    -----
    A NaN estimate (undefined metric) or NaN bound under the guarded rule gives
    INCONCLUSIVE: nothing was demonstrated either way. So does a zero-width interval
    (bounds equal, or within a relative 1e-9 of each other: the rounding of a mean of
    equal values, 12 Dice of 0.9153858096568855 averaging one ulp above it): a cluster
    bootstrap of a perfect proportion puts every resample at 1.0, which would pass any
    goal while saying nothing of the uncertainty (in a simulation, 53 % of such sets
    passed a goal their true value missed; see ``docs/intervals.md``).

    References
    ----------
    ILAC-G8:09/2019, Guidelines on Decision Rules and Statements of Conformity, 4.2.
    ISO/IEC 17025:2017, 7.8.6.

    Examples
    --------
    >>> e = Estimate(0.90, 0.86, 0.93, "wilson", 0.95, 200, 180)
    >>> decide("sensitivity", e, 0.85).outcome
    'PASS'
    >>> decide("sensitivity", e, 0.88).outcome
    'INCONCLUSIVE'
    >>> decide("sensitivity", e, 0.88, rule="point").outcome
    'PASS'
    >>> decide("sensitivity", Estimate(1.0, 1.0, 1.0, "bootstrap-percentile", 0.95, 40),
    ...        0.8).outcome
    'INCONCLUSIVE'
    """
    choice(rule, ("guarded", "point"), name="rule", func="decide")
    level = f"{estimate.confidence * 100:g}%"
    g = _number(goal, goal)
    if math.isnan(estimate.value):
        return Verdict(metric, goal, rule, "INCONCLUSIVE", "the estimate is undefined (NaN)")
    sign = 1.0 if higher_is_better else -1.0
    meets = ">=" if higher_is_better else "<="
    if rule == "point":
        ok = sign * estimate.value >= sign * goal
        return Verdict(metric, goal, rule, "PASS" if ok else "FAIL",
                       f"estimate {_number(estimate.value, goal)} "
                       f"{meets if ok else 'misses'} goal {g}")
    near, far = (estimate.low, estimate.high) if higher_is_better else (estimate.high, estimate.low)
    if math.isnan(near) or math.isnan(far):
        return Verdict(metric, goal, rule, "INCONCLUSIVE", "the confidence interval is undefined")
    # zero width up to the rounding of a mean: resamples of cases that all scored 0.915385...
    # average to it give bounds an ulp apart, which are no more evidence than equal ones
    if math.isclose(estimate.low, estimate.high, rel_tol=1e-9, abs_tol=0.0):
        return Verdict(metric, goal, rule, "INCONCLUSIVE",
                       f"the {level} CI [{estimate.low:.4g}, {estimate.high:.4g}] has zero width: "
                       f"{estimate.method} shows no uncertainty on these data (e.g. every "
                       "resample gave the same value), which is no evidence of certainty")
    side = "lower" if higher_is_better else "upper"
    other = "upper" if higher_is_better else "lower"
    if sign * near >= sign * goal:
        return Verdict(metric, goal, rule, "PASS",
                       f"{level} CI {side} bound {_number(near, goal)} {meets} goal {g}")
    if sign * far < sign * goal:
        return Verdict(metric, goal, rule, "FAIL",
                       f"{level} CI {other} bound {_number(far, goal)} misses goal {g}")
    return Verdict(metric, goal, rule, "INCONCLUSIVE",
                   f"goal {g} lies inside the {level} CI [{_number(estimate.low, goal)}, "
                   f"{_number(estimate.high, goal)}]")


def _number(value: float, goal: float) -> str:
    """``value`` with 4 significant digits, or as many more as it takes to print it on
    its own side of ``goal`` (a lower bound of 0.899996 is not "0.9" beside a goal of
    0.9, which would read as meeting it); a goal as ``:g`` writes it unless that rounds
    it (0.8999999)."""
    if value == goal:
        return as_written(value)
    for digits in range(4, 18):
        text = f"{value:.{digits}g}"
        if (float(text) < goal) == (value < goal) and float(text) != goal:
            return text
    return repr(value)


def as_written(goal: float) -> str:
    """A goal as ``:g`` writes it, unless that rounds it: then in full (Python's shortest
    form that reads back as the same number), so that a goal is never printed as another.

    Examples
    --------
    >>> as_written(0.9), as_written(10.0), as_written(0.8999999), as_written(37.809447)
    ('0.9', '10', '0.8999999', '37.809447')
    """
    return f"{goal:g}" if float(f"{goal:g}") == goal else repr(goal)


class _Figure(Protocol):
    """What :func:`judge` reads of a metric (a :class:`~medeval.result.MetricRecord`)."""

    @property
    def name(self) -> str: ...

    @property
    def estimate(self) -> Estimate: ...

    @property
    def higher_is_better(self) -> bool | None: ...


class _Criterion(Protocol):
    """What :func:`judge` reads of a criterion (the protocol's or the result's)."""

    @property
    def metric(self) -> str: ...

    @property
    def goal(self) -> float: ...

    @property
    def rule(self) -> str: ...


def judge(criteria: Sequence[_Criterion], metrics: Sequence[_Figure]) -> tuple[Verdict, ...]:
    """Each criterion judged (:func:`decide`) on the metric it names, in order.

    A metric the result lacks, or one with no better direction, gives INCONCLUSIVE with
    the reason (the protocol's validation refuses both beforehand).

    Examples
    --------
    >>> from medeval.result import Criterion, MetricRecord
    >>> auc = MetricRecord("roc_auc", "roc_auc", Estimate(0.9, 0.85, 0.95, "delong", 0.95, 80),
    ...                    True)
    >>> [v.outcome for v in judge([Criterion("roc_auc", 0.8, "guarded", "x"),
    ...                            Criterion("f1", 0.8, "guarded", "x")], [auc])]
    ['PASS', 'INCONCLUSIVE']
    """
    by_name = {record.name: record for record in metrics}
    verdicts = []
    for criterion in criteria:
        metric, goal, rule = criterion.metric, criterion.goal, criterion.rule
        record = by_name.get(metric)
        if record is None:
            verdicts.append(Verdict(metric, goal, rule, "INCONCLUSIVE",
                                    f"the result has no metric {metric!r}"))
        elif record.higher_is_better is None:
            verdicts.append(Verdict(metric, goal, rule, "INCONCLUSIVE",
                                    f"{metric} has no better direction"))
        else:
            verdicts.append(decide(metric, record.estimate, goal, rule=rule,  # type: ignore[arg-type]
                                   higher_is_better=record.higher_is_better))
    return tuple(verdicts)


def overall(verdicts: Sequence[Verdict]) -> Outcome | None:
    """The whole test's outcome: FAIL if any criterion fails, PASS if all pass, else
    INCONCLUSIVE; None when there is no criterion (nothing was judged).

    Examples
    --------
    >>> v = [Verdict("a", 0.8, "guarded", "PASS", ""),
    ...      Verdict("b", 0.8, "guarded", "INCONCLUSIVE", "")]
    >>> overall(v), overall(v[:1]), overall([])
    ('INCONCLUSIVE', 'PASS', None)
    """
    if not verdicts:
        return None
    outcomes = {v.outcome for v in verdicts}
    if "FAIL" in outcomes:
        return "FAIL"
    return "PASS" if outcomes == {"PASS"} else "INCONCLUSIVE"
