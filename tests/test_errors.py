"""The tree of medeval.errors' docstring lists the whole MedevalError family.

The family is found two ways that do not depend on the docstring: by importing every
module of the package (``pkgutil.walk_packages``) and walking ``__subclasses__``, and by
reading every source file's class statements (``ast``). Each member must appear in the
tree with the module that defines it and the built-in exception it also inherits.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import medeval
from medeval import errors
from medeval.errors import MedevalError

PACKAGE = Path(medeval.__file__).resolve().parent


def _refuse(package: str) -> None:
    raise ImportError(f"{package} cannot be imported, so its modules cannot be walked")


def _module_names() -> list[str]:
    """Every module and package of medeval (a package that fails to import is an error,
    not a silent gap as walk_packages' default would leave)."""
    walked = pkgutil.walk_packages(medeval.__path__, "medeval.", onerror=_refuse)
    return sorted(m.name for m in walked)


#: Modules not imported here: the ``python -m`` entry points (``medeval.__main__`` ...),
#: since importing one runs the command line and exits (``sys.exit(main())``).
#: test_an_entry_point_defines_no_class checks from their source that they define no
#: class, and test_the_source_defines_the_same_family reads them too. Nothing else is
#: left out.
NOT_IMPORTED = tuple(name for name in _module_names() if name.endswith(".__main__"))

#: The optional extras (pyproject.toml [project.optional-dependencies] archival, dask,
#: bench) by the top-level names they import as. No module of medeval needs one of them
#: to be imported: they are imported inside the functions that use them. The test
#: environment (the "test" extra) has them all, so test_no_module_needs_an_optional_extra
#: hides them to check that.
OPTIONAL_EXTRAS = {
    "pikepdf": "archival", "pyhanko": "archival", "pyhanko_certvalidator": "archival",
    "dask": "dask", "distributed": "dask",
    "sklearn": "bench", "medpy": "bench", "surface_distance": "bench", "monai": "bench",
    "torch": "bench",
}

#: One entry of the tree: "├── Name (Builtin)   module" (the root has no branch).
ENTRY = re.compile(r"^\s*(?:[├└]── )?(\w+)(?: \((\w+)\))?\s{2,}(medeval(?:\.\w+)+)")


def _tree() -> dict[str, tuple[str | None, str, str]]:
    """Each class of the docstring's tree: (built-in named, module, its description)."""
    lines = (errors.__doc__ or "").splitlines()
    found: dict[str, tuple[str | None, str, str]] = {}
    for k, line in enumerate(lines):
        match = ENTRY.match(line)
        if match:
            name, base, module = match.groups()
            following = lines[k + 1] if k + 1 < len(lines) else ""
            description = following.strip(" │")
            assert name not in found, f"{name} is listed twice"
            found[name] = (base, module.split(" ")[0], description)
    return found


def _family() -> set[type[MedevalError]]:
    for name in _module_names():
        if name not in NOT_IMPORTED:
            importlib.import_module(name)  # an ImportError here names the module
    seen: set[type[MedevalError]] = set()
    todo = [MedevalError]
    while todo:
        cls = todo.pop()
        if cls not in seen and cls.__module__.split(".")[0] == "medeval":
            seen.add(cls)
            todo.extend(cls.__subclasses__())
    return seen


def _builtin_kinds(cls: type) -> set[str]:
    """The built-in exception classes ``cls`` inherits, besides Exception/BaseException."""
    return {base.__name__ for base in cls.__mro__
            if base.__module__ == "builtins" and issubclass(base, BaseException)
            and base not in (Exception, BaseException)}


def test_every_module_is_walked():
    names = _module_names()
    assert len(names) > 50 and "medeval.tasks.base" in names and "medeval.cli" in names
    assert "medeval.__main__" in NOT_IMPORTED


def test_every_member_of_the_family_is_in_the_tree():
    family = _family()
    tree = _tree()
    # The members named in the issue, so that a broken walk cannot pass empty-handed.
    assert {"ProtocolError", "PredictionError", "ReferenceProblem", "ReportError",
            "UsageError"} <= {cls.__name__ for cls in family}
    for cls in family:
        assert cls.__name__ in tree, f"{cls.__module__}.{cls.__name__} is not in the tree"
        _, module, description = tree[cls.__name__]
        assert module == cls.__module__, (cls, module)
        assert description and not ENTRY.match(description), f"{cls.__name__}: no description"
    listed = {name for name in tree if not name.endswith("Warning")}
    assert listed == {cls.__name__ for cls in family}, "the tree lists a class that is gone"


def test_each_member_inherits_the_builtin_the_tree_names():
    tree = _tree()
    for cls in _family():
        base, _, _ = tree[cls.__name__]
        if cls is MedevalError:
            assert base == "Exception" and _builtin_kinds(cls) == set()
            continue
        named = {base} if base else set()
        assert _builtin_kinds(cls) == named, (cls.__name__, _builtin_kinds(cls), named)
        if base:
            assert issubclass(cls, getattr(builtins, base))


def test_the_warnings_stay_listed():
    tree = _tree()
    for cls in (errors.UndefinedMetricWarning, errors.IsolationWarning):
        base, module, description = tree[cls.__name__]
        assert (base, module) == ("UserWarning", "medeval.errors") and description
        assert issubclass(cls, UserWarning) and not issubclass(cls, MedevalError)


def test_the_source_defines_the_same_family():
    """Class statements whose bases name a member (transitively), in every .py file of the
    package, __main__ included: the same classes as the import walk found."""
    bases: dict[tuple[str, str], set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("medeval", *path.relative_to(PACKAGE).with_suffix("").parts))
        module = module.removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases[(node.name, module)] = {ast.unparse(b).split(".")[-1] for b in node.bases}
    family = {("MedevalError", "medeval.errors")}
    grown = True
    while grown:
        names = {name for name, _ in family}
        more = {key for key, of in bases.items() if of & names} - family
        family |= more
        grown = bool(more)
    assert family == {(cls.__name__, cls.__module__) for cls in _family()}
    assert len({name for name, _ in family}) == len(family), "two members share a name"


#: Private modules that exist only for an extra and are imported only where it is used
#: (the Dask executor's worker plugin subclasses distributed.WorkerPlugin). Each must need
#: exactly its extra, and no other module may import it at module level.
EXTRA_ONLY = {"medeval.runner._dask_pool": "dask"}


def test_no_module_needs_an_optional_extra():
    """Every module imports with the optional extras hidden (a finder that refuses them),
    in a fresh interpreter; a module that needs one is named with its extra (the modules
    of EXTRA_ONLY need theirs, and that alone)."""
    script = textwrap.dedent(f"""
        import importlib, importlib.abc, pkgutil, sys
        hidden = {OPTIONAL_EXTRAS!r}

        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in hidden:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
                return None

        sys.meta_path.insert(0, Refuse())
        import medeval
        failed = []
        extra_only = {EXTRA_ONLY!r}
        for info in pkgutil.walk_packages(medeval.__path__, "medeval."):
            if info.name in {NOT_IMPORTED!r}:
                continue
            try:
                importlib.import_module(info.name)
            except ImportError as exc:
                top = (exc.name or "").split(".")[0]
                if extra_only.get(info.name) == hidden.get(top):
                    continue
                failed.append(f"{{info.name}} needs {{top}} (the extra {{hidden[top]}})"
                              if top in hidden else f"{{info.name}}: {{exc!r}}")
            else:
                if info.name in extra_only:
                    failed.append(f"{{info.name}} imports without its extra")
        print("\\n".join(failed))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", done.stdout


@pytest.mark.parametrize("name", NOT_IMPORTED)
def test_an_entry_point_defines_no_class(name):
    path = PACKAGE / (name.removeprefix("medeval.").replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
