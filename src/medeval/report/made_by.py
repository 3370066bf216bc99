"""Which medeval made a result, for certificate wording that changed after a version.

A certificate is rendered again from its result long after it was issued (``medeval
verify`` compares the PDF with a fresh rendering; ``registry amend --render``), and it
must print what it printed then: a wording changed after a release applies to results
made by a later medeval only (the result records the version that made it,
``parameters.medeval``, inside its fingerprint).
"""

from __future__ import annotations

from .._releases import later_release
from ..result import Result

__all__ = ["made_after"]


def made_after(result: Result, version: str) -> bool:
    """Whether the medeval that made ``result`` is a release later than ``version``
    (``0.8.0``, ``0.8.0.dev1`` and ``0.7.1`` are later than ``0.7.0``; ``0.7.0+local`` is
    not); a version that cannot be read counts as not later.

    Examples
    --------
    >>> from types import SimpleNamespace as N
    >>> made_after(N(parameters=N(medeval="0.8.0.dev1")), "0.7.0")
    True
    >>> made_after(N(parameters=N(medeval="0.7.0")), "0.7.0")
    False
    """
    return later_release(str(result.parameters.medeval), version)
