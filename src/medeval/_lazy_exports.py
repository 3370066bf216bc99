"""A package's public names imported on first use (PEP 562), for ``medeval.stats`` and
``medeval.metrics``.

A package ``__init__`` that imports every submodule makes each user of one of them pay
for all: ``medeval verify`` needs only :class:`~medeval.stats.estimate.Estimate`, which
lives in ``medeval.stats``, and importing that package used to bring scipy.stats, pandas
and scipy.optimize in (two seconds before the command began). :func:`export_lazily`
gives the package a ``__getattr__`` that imports a name's module when the name is first
asked for, and a ``__dir__`` listing ``__all__``; a submodule not named in the table is
imported when asked for as an attribute, as it was there after the eager ``__init__``.

Some names are both a submodule and the function it defines (``medeval.stats.mrmc``,
``medeval.metrics.icc``). The import system, having loaded a submodule, sets it as an
attribute of its package, so the function would lose its name to the module whenever
the submodule had been imported first (``from medeval.stats.mrmc import MRMCResult``);
the eager ``__init__`` bound the function after the module. The package's module object
is therefore of a class that keeps the function under such a name, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from types import ModuleType
from typing import Any, cast

__all__ = ["export_lazily"]


class _Package(ModuleType):
    """A package whose names in ``_shadowed`` stay the function of that name when the
    import system sets the submodule of that name on it."""

    _shadowed: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._shadowed and isinstance(value, ModuleType):
            value = getattr(value, name, value)
        super().__setattr__(name, value)


def export_lazily(package: str, lazy: Mapping[str, str], names: Sequence[str]) -> None:
    """Give ``package`` (being imported) a ``__getattr__`` importing each name of ``lazy``
    (name -> submodule defining it) on first use, and a ``__dir__`` with ``names``."""
    module = sys.modules[package]
    space = vars(module)

    def __getattr__(name: str) -> Any:
        if name in lazy:
            value = getattr(import_module(f"{package}.{lazy[name]}"), name)
        elif name.startswith("__"):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        else:  # a submodule: an attribute of the package once imported, as before
            try:
                value = import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
                raise AttributeError(
                    f"module {package!r} has no attribute {name!r}") from None
        space[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(space) | set(names))

    hooks: dict[str, Callable[..., Any]] = {"__getattr__": __getattr__, "__dir__": __dir__}
    space.update(hooks)
    module.__class__ = _Package
    cast(_Package, module)._shadowed = frozenset(
        name for name, sub in lazy.items() if name == sub)
