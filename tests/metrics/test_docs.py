"""Shared docstring sections (metrics/_docs.py): filled at import, as if typed in place.

Every public metric whose docstring source names a slot ``%(name)s`` must carry that
section's text in its ``__doc__``, at the slot's indentation, with no slot left over;
``help()`` and the doctests read that filled text.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import pydoc
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import medeval.metrics
from medeval.metrics import _docs

SLOT = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", re.MULTILINE)
DECORATOR = re.compile(r"^@(\w+)\s*$", re.MULTILINE)
ROOT = Path(__file__).resolve().parents[2]

# The functions whose sections are shared; the test fails if one stops using them.
EXPECTED = {
    "medeval.metrics.surface": {
        "surface_distances", "hausdorff", "hd95", "assd", "masd", "nsd",
    },
    "medeval.metrics.segmentation": {
        "mask_overlap", "dice", "jaccard", "mask_sensitivity", "mask_precision",
        "relative_volume_difference",
    },
    "medeval.metrics.agreement": {"mae", "rmse", "lins_ccc"},
    "medeval.metrics.icc": {"icc"},
    "medeval.metrics.thresholds": {
        "threshold_for_sensitivity", "threshold_for_specificity", "youden_threshold",
        "metrics_at_threshold",
    },
}


def _modules():
    for info in pkgutil.iter_modules(medeval.metrics.__path__):
        yield importlib.import_module(f"medeval.metrics.{info.name}")


def _slotted():
    """(module, function, decorator, slots) for every public function with slots."""
    for module in _modules():
        for name, func in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(func):
                continue
            if func.__module__ != module.__name__:
                continue
            source = inspect.getsource(func)
            slots = SLOT.findall(source)
            if slots:
                decorators = DECORATOR.findall(source.split("def ", 1)[0])
                yield module, func, decorators, slots


SLOTTED = list(_slotted())
IDS = [f"{m.__name__.rsplit('.', 1)[1]}.{f.__name__}" for m, f, _, _ in SLOTTED]


def test_the_shared_sections_are_used_where_expected():
    found: dict[str, set[str]] = {}
    for module, func, _, _ in SLOTTED:
        found.setdefault(module.__name__, set()).add(func.__name__)
    for module_name, names in EXPECTED.items():
        assert names <= found.get(module_name, set()), module_name


@pytest.mark.parametrize(("module", "func", "decorators", "slots"), SLOTTED, ids=IDS)
def test_every_slot_is_filled_with_its_section(module, func, decorators, slots):
    fillers = [getattr(module, d) for d in decorators]
    fillers = [f for f in fillers if isinstance(f, _docs._Sections)]
    assert len(fillers) == 1, f"{func.__name__}: slots but no (or two) section decorators"
    filler = fillers[0]
    doc = func.__doc__
    assert "%(" not in doc
    for indent, name in slots:
        section = filler.sections[name]
        expected = section if filler.dedent else textwrap.indent(section, indent)
        assert expected in doc, f"{func.__name__}: section {name!r} missing or re-indented"


@pytest.mark.parametrize(("module", "func", "decorators", "slots"), SLOTTED, ids=IDS)
def test_help_and_getdoc_see_the_numpydoc_sections(module, func, decorators, slots):
    doc = inspect.getdoc(func)
    for header in ("Parameters\n----------\n", "Returns\n-------\n"):
        assert header in doc
    # Every parameter of the signature is documented in the filled text.
    params = [p for p in inspect.signature(func).parameters]
    entries = re.findall(r"^(\w[\w, ]*) :", doc.split("Returns\n-------")[0], re.MULTILINE)
    documented = {n.strip() for entry in entries for n in entry.split(",")}
    assert set(params) <= documented, f"{func.__name__}: {set(params) - documented}"
    assert "Parameters" in pydoc.render_doc(func, renderer=pydoc.plaintext)


def test_pytest_collects_and_passes_the_doctests_of_every_filled_docstring():
    # Run as the project runs doctests (pyproject: --doctest-modules and its option
    # flags, e.g. NUMBER), and check each function with slots has a passing doctest.
    files = sorted({inspect.getfile(module) for module, _, _, _ in SLOTTED})
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *files],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    passed = set(re.findall(r"^PASSED \S+::(\S+)$", done.stdout, re.MULTILINE))
    wanted = {f"{module.__name__}.{func.__name__}" for module, func, _, _ in SLOTTED}
    assert wanted <= passed, sorted(wanted - passed)


def test_no_public_metric_keeps_an_unfilled_slot():
    for module in _modules():
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj):
                assert "%(" not in (obj.__doc__ or ""), f"{module.__name__}.{name}"


def _example(x):
    """Summary.

    %(block)s

    Returns
    -------
    int
    """
    return x


def test_indented_sections_take_the_slot_indentation_and_keep_the_rest():
    raw = _example.__doc__
    func = _docs._indented_doc_sections(block="Parameters\n----------\nx : int\n    A value.")(
        _copy(_example)
    )
    assert func.__doc__ == raw.replace(
        "    %(block)s",
        "    Parameters\n    ----------\n    x : int\n        A value.",
    )


def test_dedented_sections_match_cleandoc():
    func = _docs._doc_sections(block="Parameters\n----------\nx : int")(_copy(_example))
    assert func.__doc__ == inspect.cleandoc(_example.__doc__).replace(
        "%(block)s", "Parameters\n----------\nx : int"
    )


def test_a_slot_without_a_section_fails_at_decoration():
    with pytest.raises(KeyError, match=r"%\(block\)s"):
        _docs._indented_doc_sections(other="text")(_copy(_example))


def test_raises_as_names_the_function():
    assert _docs._raises_as("mask_overlap") == (
        "Raises\n------\nInvalidInputError\n    As :func:`mask_overlap`."
    )


def _copy(func):
    def copy(x):
        return func(x)

    copy.__doc__ = func.__doc__
    copy.__qualname__ = func.__qualname__
    return copy
