"""``Estimate``: a value with its confidence interval, the interval's method and level."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["Estimate"]

Sided = Literal["two", "lower", "upper"]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Parameters
    ----------
    value : float
        The point estimate (NaN when undefined on the input).
    low, high : float
        The interval's bounds. A one-sided lower bound has ``high`` = the parameter's
        upper limit (1 for a proportion) and a one-sided upper bound has ``low`` = its
        lower limit.
    method : str
        The interval's method id, e.g. ``"wilson"``, ``"delong"``, ``"bootstrap-bca"``.
    confidence : float
        The confidence level, e.g. 0.95.
    n : int
        The number of units the estimate rests on: the denominator of a proportion,
        the number of cases of an AUC.
    numerator : int or None
        For a proportion, the count of successes (so ``value == numerator / n``).
    sided : {"two", "lower", "upper"}
        Which interval: two-sided, or a one-sided lower or upper confidence bound.
    note : str or None
        Why the value or a bound is undefined (NaN), or what else a reader of the figure
        must know (resamples left out ...), in the words of the function that computed
        it; None when there is nothing to say. The same text is warned once
        (:class:`~medeval.errors.UndefinedMetricWarning`) when the figure is computed, and
        an evaluation copies it into the result's warnings, naming the figure.

    Examples
    --------
    >>> e = Estimate(0.8, 0.6, 0.9, method="wilson", confidence=0.95, n=20, numerator=16)
    >>> e.width
    0.30000000000000004
    >>> e.contains(0.7)
    True
    """

    value: float
    low: float
    high: float
    method: str
    confidence: float
    n: int
    numerator: int | None = None
    sided: Sided = "two"
    note: str | None = None

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low

    def contains(self, value: float) -> bool:
        """True when ``low <= value <= high``."""
        return self.low <= value <= self.high

    @property
    def defined(self) -> bool:
        """False when the value or a bound is NaN."""
        return not any(math.isnan(x) for x in (self.value, self.low, self.high))

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Estimate:
        """The estimate of :meth:`to_dict`'s plain data, its numbers as floats (the JSON's
        ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` strings decoded).

        Examples
        --------
        >>> e = Estimate(math.nan, 0.1, math.inf, "x", 0.95, 0, note="n = 0")
        >>> back = Estimate.from_dict({**e.to_dict(), "value": "NaN", "high": "Infinity"})
        >>> back.value, back.high, back.note
        (nan, inf, 'n = 0')
        """
        return cls(
            value=number(data["value"]), low=number(data["low"]), high=number(data["high"]),
            method=str(data["method"]), confidence=float(data["confidence"]),
            n=int(data["n"]),
            numerator=None if data.get("numerator") is None else int(data["numerator"]),
            sided=data.get("sided", "two"), note=data.get("note"),
        )


def number(value: Any) -> float:
    """A number of the result JSON as a float: ``"NaN"``, ``"Infinity"`` and
    ``"-Infinity"`` (how canonical JSON writes the values JSON lacks) decoded.

    Examples
    --------
    >>> number("NaN"), number("-Infinity"), number(2)
    (nan, -inf, 2.0)
    """
    if isinstance(value, str):
        if value in _NON_FINITE:
            return _NON_FINITE[value]
        raise ValueError(f"not a number: {value!r}")
    return float(value)


_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
