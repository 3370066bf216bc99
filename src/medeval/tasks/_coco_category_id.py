"""A COCO result's ``category_id`` checked against the set's categories, in words a
detector's author can act on: the categories named, a name given for an id, a class
index counted from 0."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["category_problem"]


def category_problem(category: Any, categories: Sequence[tuple[int, str]]) -> str | None:
    """Why a result's ``category_id`` is none of the set's, naming the categories, or None.

    A category's name given for its id, and a class index counted from 0 where the set
    counts from 1 (YOLO's, a network's output index), are said so.
    """
    ids = {number: name for number, name in categories}
    if isinstance(category, int) and not isinstance(category, bool):
        if category in ids:
            return None
        named = ", ".join(f"{number} {name!r}" for number, name in sorted(ids.items()))
        hint = ("; a COCO result gives the reference's category id, not a class index "
                "counted from 0" if category == 0 and 1 in ids else "")
        return (f"category_id {category} is not one of the set's categories "
                f"{sorted(ids)} ({named}){hint}")
    by_name = [number for number, name in sorted(ids.items()) if name == category]
    if by_name:
        return (f"category_id {category!r} is not an integer: it is the name of category "
                f"{by_name[0]}; give the id")
    return f"category_id {category!r} is not an integer"

