"""A bar on stderr over a loop that reads many files before anything else is shown."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

__all__ = ["bar", "parts_bar"]

_T = TypeVar("_T")


def bar(items: Iterable[_T], description: str, *, progress: bool) -> Iterator[_T]:
    """``items``, with rich's bar ``description`` on stderr where ``progress`` (a terminal:
    the caller's ``sys.stderr.isatty()``); nothing shown otherwise."""
    import sys

    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=description, console=Console(file=sys.stderr),
                     disable=not progress, transient=False)


def parts_bar(parts: Iterable[Sequence[_T]], total: int, description: str, *,
              progress: bool) -> Iterator[Sequence[_T]]:
    """``parts`` (chunks of ``total`` items in all), with rich's bar ``description`` on
    stderr where ``progress``, advanced by each part's length: the items done of the
    total and the time left, not the chunks."""
    import sys

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(description), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=sys.stderr), disable=not progress,
                  transient=False) as shown:
        task = shown.add_task(description, total=total)
        for part in parts:
            yield part
            shown.advance(task, len(part))
