"""A bar on stderr over a loop that reads many files before anything else is shown."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["bar"]

_T = TypeVar("_T")


def bar(items: Iterable[_T], description: str, *, progress: bool) -> Iterator[_T]:
    """``items``, with rich's bar ``description`` on stderr where ``progress`` (a terminal:
    the caller's ``sys.stderr.isatty()``); nothing shown otherwise."""
    import sys

    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=description, console=Console(file=sys.stderr),
                     disable=not progress, transient=False)
