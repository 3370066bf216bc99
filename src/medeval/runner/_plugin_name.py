"""Whether a file plugin's name is that of a module installed in the runner's Python.

Private. The worker puts a file plugin's folder first on ``sys.path`` and imports
``numpy.py`` as the module ``numpy`` (c1df2531; before it, as ``medeval_plugin_numpy``):
either way every ``import numpy`` in the worker, the plugin's own or a library's, then
finds the plugin file, and each case failed with words such as ``AttributeError: module
'numpy' has no attribute 'float64'``, which do not say why. The runner refuses such a
file before the run instead, naming the module it hides.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from pathlib import Path

__all__ = ["hidden_module"]


def hidden_module(file: Path) -> str | None:
    """Where the runner's Python finds the installed module that the plugin ``file``
    (``numpy.py``) would hide in the worker, or None. A module of the standard library is
    left alone: one medeval imports before the plugin (``json``) is not hidden, and such a
    file keeps a private name.

    >>> hidden_module(Path("/nowhere/model.py")) is None
    True
    >>> hidden_module(Path("/nowhere/json.py")) is None
    True
    >>> hidden_module(Path("/nowhere/numpy.py")).endswith("numpy")
    True
    """
    stem = file.stem
    if not stem.isidentifier() or stem in sys.stdlib_module_names:
        return None
    here = os.path.realpath(file.parent)
    others = [entry for entry in sys.path
              if os.path.realpath(entry or os.getcwd()) != here]
    spec = importlib.machinery.PathFinder.find_spec(stem, others)
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return str(list(spec.submodule_search_locations)[0])
    return None if spec.origin is None else str(spec.origin)
