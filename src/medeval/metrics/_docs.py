"""Shared docstring sections of the metric modules (private).

A docstring names a shared section by a slot, ``%(name)s`` alone on its line, and a
decorator built by :func:`_doc_sections` or :func:`_indented_doc_sections` fills the
slots when the module is imported, so ``__doc__`` (what ``help()``, Sphinx and the
doctests read) holds the full text. A slot without a section is an error at import.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

#: The ``confidence`` parameter of a function giving one interval.
_CONFIDENCE_PARAMETER = """\
confidence : float, default 0.95
    Level of the interval."""

_POS_LABEL_PARAMETER = """\
pos_label : hashable, optional
    The label of the positive class; every other label is negative. By default 1,
    where every label is 0 or 1, or -1 or 1, or a boolean (True); with any other
    labels (1 and 2, text) it must be given: which one is positive is not guessed."""

_MASK_PAIR_PARAMETER = """\
reference, prediction : array-like
    2D or 3D masks of the same shape, boolean or 0/1."""


def _raises_as(func: str) -> str:
    """A Raises section that refers to ``func``, whose checks a metric shares."""
    return f"""\
Raises
------
InvalidInputError
    As :func:`{func}`."""


_SLOT = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", re.MULTILINE)


def _fill(doc: str, sections: Mapping[str, str], where: str) -> str:
    """Put each section in its slot, every line indented as the slot is."""

    def put(slot: re.Match[str]) -> str:
        indent, name = slot.group(1), slot.group(2)
        if name not in sections:
            raise KeyError(f"{where}: docstring slot %({name})s has no section")
        return textwrap.indent(sections[name], indent)

    return _SLOT.sub(put, doc)


class _Sections:
    """A decorator that fills the ``%(name)s`` slots of a docstring from ``sections``.

    Kept as an object so that tests can read which sections a module shares.
    """

    def __init__(self, sections: Mapping[str, str], *, dedent: bool) -> None:
        self.sections = dict(sections)
        self.dedent = dedent

    def __call__(self, func: _F) -> _F:
        doc = func.__doc__ or ""
        if self.dedent:
            doc = inspect.cleandoc(doc)
        func.__doc__ = _fill(doc, self.sections, func.__qualname__)
        return func


def _doc_sections(**sections: str) -> _Sections:
    """A decorator that fills the ``%(name)s`` slots of a docstring with shared sections.

    The docstring is dedented first (:func:`inspect.cleandoc`), so the sections are
    written without indentation.
    """
    return _Sections(sections, dedent=True)


def _indented_doc_sections(**sections: str) -> _Sections:
    """As :func:`_doc_sections`, but the docstring keeps its indentation as written.

    Each section, written without indentation, takes its slot's indentation, so the
    filled docstring reads as if the section had been typed in place.
    """
    return _Sections(sections, dedent=False)
