"""reportlab's settings as it ships them, while a certificate is laid out (private).

reportlab takes its settings from its own ``rl_settings`` and then from a
``local_rl_settings`` or ``reportlab_settings`` module on the path, a
``~/.reportlab_settings`` file and ``RL_<name>`` environment variables. Several change
the bytes of the PDF laid out (``RL_invariant=1``, ``showBoundary``, ``spaceShrinkage``,
``wrapA85``, page compression), so a certificate rendered on a machine that sets one
differed from the one issued, and verify called a genuine certificate "altered" there.
A certificate is laid out under the shipped values, one at a time (the settings are the
module's globals, shared by every thread); the caller's are put back after.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["shipped_settings"]

_LAYING_OUT = threading.RLock()


def _shipped() -> dict[str, Any]:
    """The settings ``reportlab.rl_settings`` ships, as ``rl_config`` holds them: the
    font search paths and the page size, which it converts and which a certificate does
    not use (its fonts are registered by file, its page size given), left out."""
    from reportlab import rl_config, rl_settings  # type: ignore[import-untyped,unused-ignore]

    values: dict[str, Any] = {}
    for name in rl_config._SAVED:
        if name.endswith("SearchPath") or name == "defaultPageSize" or not hasattr(
                rl_settings, name):
            continue
        value = getattr(rl_settings, name)
        if name.endswith("Glob"):  # a string of patterns, held as their list
            value = [pattern for pattern in (value or "").split() if pattern]
        values[name] = value
    return values


@contextmanager
def shipped_settings() -> Iterator[None]:
    """Lay out under reportlab's shipped settings; the caller's come back after."""
    from reportlab import rl_config

    with _LAYING_OUT:
        shipped = _shipped()
        before = {name: getattr(rl_config, name) for name in shipped}
        for name, value in shipped.items():
            setattr(rl_config, name, value)
        try:
            yield
        finally:
            for name, value in before.items():
                setattr(rl_config, name, value)
