"""The error the report package raises (a member of the MedevalError family)."""

from __future__ import annotations

from ..errors import MedevalError

__all__ = ["ReportError"]


class ReportError(MedevalError, ValueError):
    """A certificate that cannot be rendered, verified or signed.

    The message names the file (result, report info, PDF, key) and what to do.
    """
