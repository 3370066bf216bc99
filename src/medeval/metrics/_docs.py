"""Shared docstring sections of the metric modules (private)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

_POS_LABEL_PARAMETER = """\
pos_label : hashable, default 1
    The label of the positive class; every other label is negative."""

def _doc_sections(**sections: str) -> Callable[[_F], _F]:
    """A decorator that fills the ``%(name)s`` slots of a docstring with shared sections.

    The docstring is dedented first, so the sections are written without indentation.
    """

    def fill(func: _F) -> _F:
        doc = inspect.cleandoc(func.__doc__ or "")
        for slot, text in sections.items():
            doc = doc.replace(f"%({slot})s", text)
        func.__doc__ = doc
        return func

    return fill
