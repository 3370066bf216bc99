"""When a report may be dated: the one check of a date of issue that ``medeval report``,
``registry issue`` and :class:`medeval.registry.Registry` make, each in its own words
around the reason this gives."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["issue_date_problem"]

#: The grace either way for the laboratory's time zone (the testing's days are UTC days).
_GRACE = timedelta(days=1)


def issue_date_problem(day: date, ended: date | None = None) -> str | None:
    """Why a report cannot be dated ``day``, or None: after tomorrow (a future year would
    draw that year's numbers), or more than a day before the testing ``ended`` (its UTC
    day, as the certificate prints it).

    >>> issue_date_problem(date(2026, 11, 24), ended=date(2026, 11, 26))
    'before the testing ended (2026-11-26, UTC); a report is issued after its test'
    >>> issue_date_problem(date(2026, 11, 25), ended=date(2026, 11, 26)) is None
    True
    """
    today = date.today()
    if day > today + _GRACE:
        return f"after today ({today}); a report is issued on the day it is approved"
    if ended is not None and day < ended - _GRACE:
        return f"before the testing ended ({ended}, UTC); a report is issued after its test"
    return None
