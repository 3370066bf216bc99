"""``Estimate``: a value with its confidence interval, the interval's method and level."""

from __future__ import annotations

import math
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
