"""The proportion interval methods' ids, apart from :mod:`medeval.stats.intervals`
(numpy, scipy.stats): the command line offers them as the choices of
``--proportion-method`` and ``sample-size --method`` before any command runs."""

from __future__ import annotations

from typing import Literal

__all__ = ["PROPORTION_METHODS", "ProportionMethod"]

ProportionMethod = Literal["wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"]

#: The method ids accepted by :func:`~medeval.stats.proportion_ci`, in the order of its
#: docstring.
PROPORTION_METHODS: tuple[str, ...] = (
    "wilson",
    "clopper-pearson",
    "jeffreys",
    "agresti-coull",
    "wald",
)
