"""The order a result lists its subgroups in: the protocol's columns as it lists them,
and each column's values

- in ascending numeric order where every value (blank aside) is a number ("9" before
  "10", not after it as text sorts them), else
- in the order they first appear in the manifest, where the data's provider put them
  ("<50" before "≥50" when the set lists them so; as text "≥50" is after "<50" only by
  the code points of the signs),

the cases whose column is blank last. A protocol that lists a column's values
(``[subgroups.order]``) has them in its order, before any it does not list. The same
protocol and manifest give the same order, so the result's bytes stay reproducible; the
result records it (each subgroup's ``position``), as canonical JSON sorts the keys it
writes the subgroups under.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = ["value_order"]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def value_order(values: Iterable[str], declared: Sequence[str] = ()) -> list[str]:
    """The distinct ``values`` (in the manifest's order) in the order a result lists them;
    those in ``declared`` (the protocol's) first, in its order.

    Examples
    --------
    >>> value_order(["10", "9", "", "10", "2.5"])
    ['2.5', '9', '10', '']
    >>> value_order(["≥50", "<50", "≥50"])
    ['≥50', '<50']
    >>> value_order(["Seoul", "", "Busan"])
    ['Seoul', 'Busan', '']
    >>> value_order(["≥65", "<50", "50-64", "?"], declared=["<50", "50-64", "≥65"])
    ['<50', '50-64', '≥65', '?']
    """
    present = list(dict.fromkeys(values))
    first = [v for v in dict.fromkeys(declared) if v in present]
    present = [v for v in present if v not in first]
    distinct = [v for v in present if v.strip()]
    blank = [v for v in present if not v.strip()]
    numbers = [_number(v) for v in distinct]
    if distinct and all(n is not None for n in numbers):
        # ties ("1" and "1.0", two subgroups) keep the manifest's order: sorted is stable
        distinct = [v for _, v in sorted(zip(numbers, distinct), key=lambda p: p[0] or 0.0)]
    return first + distinct + blank
