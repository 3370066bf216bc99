"""A count with its noun in the right number, for messages ("1 patient", "3 patients")."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, the noun plural (an added ``s``) unless the count is 1:
    a set of one patient's cases read "of 1 patients".

    >>> counted(1, "patient"), counted(3, "patient"), counted(0, "case")
    ('1 patient', '3 patients', '0 cases')
    """
    return f"{count} {noun}" + ("" if count == 1 else "s")
