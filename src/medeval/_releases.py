"""Whether one medeval version is a release later than another (a leaf module: the
result's checks and the certificate's wording both ask it of the version a result
records, ``parameters.medeval``)."""

from __future__ import annotations

import re

__all__ = ["later_release"]

_RELEASE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def later_release(made: str, version: str) -> bool:
    """Whether ``made`` is a release later than ``version`` (``0.8.0``, ``0.8.0.dev1`` and
    ``0.7.1`` are later than ``0.7.0``; ``0.7.0+local`` is not); a version that cannot be
    read counts as not later.

    >>> later_release("0.8.0.dev1", "0.7.0"), later_release("0.7.0", "0.7.0")
    (True, False)
    >>> later_release("test", "0.7.0")
    False
    """
    found, since = _release(made), _release(version)
    return found is not None and since is not None and found > since


def _release(version: str) -> tuple[int, int, int] | None:
    found = _RELEASE.match(version.strip())
    if found is None:
        return None
    major, minor, patch = found.groups()
    return int(major), int(minor), int(patch or 0)
