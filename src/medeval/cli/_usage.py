"""The command line's own error: a command line that cannot be carried out as given."""

from __future__ import annotations

from ..errors import MedevalError

__all__ = ["UsageError"]


class UsageError(MedevalError, ValueError):
    """A command line that cannot be carried out as given."""
