"""medeval.stats and medeval.metrics import a name's module when the name is first used.

Before, ``import medeval.stats.estimate`` (all that a result's model needs) ran
medeval/stats/__init__.py, which imported every statistic and, through
medeval.stats.bootstrap, every metric: scipy.stats, scipy.optimize and pandas. The
functions whose name is also their module's (``mrmc``, ``sample_size``, ``icc`` ...) must
stay the functions when their module was imported first, as the eager ``__init__`` left
them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import medeval.metrics
import medeval.stats

SHADOWED = {"medeval.stats": ("mrmc", "sample_size", "mrmc_sample_size"),
            "medeval.metrics": ("icc", "segmentation_scores")}

CODE = """
import importlib, sys, types
import medeval.stats.estimate, medeval.result
print(sorted(m for m in ("scipy", "pandas", "medeval.metrics.agreement",
                         "medeval.stats.bootstrap") if m in sys.modules))
shadowed = %r
for package, names in shadowed.items():
    for name in names:  # the module imported first, as ``from medeval.stats.mrmc import``
        importlib.import_module(f"{package}.{name}")
    module = importlib.import_module(package)
    for name in names:
        value = getattr(module, name)
        assert isinstance(value, types.FunctionType) and value.__name__ == name, (
            package, name, value)
        assert value is getattr(sys.modules[f"{package}.{name}"], name)
print("ok")
"""


def test_a_result_needs_no_statistic_and_shadowed_names_stay_functions() -> None:
    done = subprocess.run([sys.executable, "-c", CODE % (SHADOWED,)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "ok"], done.stdout + done.stderr


def test_every_name_and_submodule_is_reached() -> None:
    for package in (medeval.stats, medeval.metrics):
        assert set(package.__all__) <= set(dir(package))
        for name in package.__all__:
            assert getattr(package, name) is not None
    for package, names in SHADOWED.items():  # the list above is every such name
        module = sys.modules[package]
        submodules = {name for name in module.__all__
                      if f"{package}.{name}" in sys.modules
                      or Path(str(module.__file__)).with_name(f"{name}.py").is_file()}
        assert submodules == set(names), (package, submodules)
    assert medeval.stats.intervals.proportion_ci is medeval.stats.proportion_ci
    assert medeval.metrics.ranking.roc_auc is medeval.metrics.roc_auc


def test_the_three_lists_of_names_agree() -> None:
    # Each package names its exports three times: the table read at run time (_LAZY:
    # name -> submodule), __all__, and the imports under TYPE_CHECKING that type checkers
    # and tests/test_imports.py read. A name added to one and not the others would load
    # for nobody, be missing from `import *`, or be unknown to mypy; read from the source.
    import ast
    import importlib

    for package in (medeval.stats, medeval.metrics):
        tree = ast.parse(Path(str(package.__file__)).read_text(encoding="utf-8"))
        typed = {alias.asname or alias.name: node.module
                 for block in tree.body
                 if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
                 for node in ast.walk(block) if isinstance(node, ast.ImportFrom)
                 for alias in node.names}
        lazy = vars(package)["_LAZY"]
        assert typed == lazy, package.__name__
        assert sorted(package.__all__) == sorted(lazy), package.__name__
        for name, submodule in lazy.items():  # the table names where each is defined
            module = importlib.import_module(f"{package.__name__}.{submodule}")
            assert name in vars(module), (package.__name__, name, submodule)
