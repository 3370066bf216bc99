"""The keys a protocol's table (or a report info's) may hold, to name the one an unknown
key most likely meant (``nsd_tolerence_mm`` for ``nsd_tolerance_mm``, ``[failure]`` for
``[failures]``, ``report_numbr`` for ``report_number``)."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from .protocol_sections import TASK_METRICS, Protocol

__all__ = ["closest_key"]


def closest_key(location: Sequence[Any], root: type[BaseModel] = Protocol) -> str | None:
    """The key of the table at ``location`` (pydantic's error location in ``root``, the
    task type's tag included) closest to its last part, an unknown key; None where none
    is close.

    Examples
    --------
    >>> closest_key(("task", "segmentation", "nsd_tolerence_mm"))
    'nsd_tolerance_mm'
    >>> closest_key(("failure",)), closest_key(("criteria", 0, "goals"))
    ('failures', 'goal')
    >>> closest_key(("statistics", "colour")) is None
    True
    """
    models: list[type[BaseModel]] = [root]
    for part in location[:-1]:
        if isinstance(part, int):
            continue  # an item of [[criteria]]: the list's models are already in hand
        if isinstance(part, str) and part in TASK_METRICS:  # the task type's tag
            models = [m for m in models if _tag(m) == part]
            continue
        models = [inner for model in models if part in model.model_fields
                  for inner in _models_in(model.model_fields[part].annotation)]
    keys = sorted({field.alias or name for model in models
                   for name, field in model.model_fields.items()})
    close = difflib.get_close_matches(str(location[-1]), keys, n=1, cutoff=0.75)
    return close[0] if close else None


def _tag(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("type")
    values = typing.get_args(field.annotation) if field is not None else ()
    return values[0] if len(values) == 1 and isinstance(values[0], str) else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names: itself, or those of a union, an optional,
    a list or an Annotated type."""
    if isinstance(annotation, type) and not isinstance(annotation, types.GenericAlias) \
            and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]
