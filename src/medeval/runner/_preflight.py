"""Checks before anything runs: no answer of the set may reach the algorithm.

Private; :func:`~medeval.runner.run_algorithm` calls both checks, in every mode and
every isolation, with no way around them.

- :func:`input_leaks`: a case's input is placed in the sandbox's ``/input`` whole (a
  folder with everything below it, links followed), so an input that *is*, *contains*
  or *lies inside* a reference of the set, that contains the manifest or the manifest's
  folder, or that is, contains or lies inside the run directory would hand the algorithm
  the answers. Paths are compared with ``..`` and symbolic links resolved, and files are
  also compared by identity (a hard link to a reference is that reference); links found
  inside a folder input are followed as the staging follows them.
- :func:`sandbox_exposure`: the sandbox shows some host folders read-only (``/usr``, a
  few files of ``/etc``, the Python environment, the algorithm's folder). Every mount of
  the sandbox's own command line (:func:`~medeval.runner.sandbox.sandbox_argv`) is
  checked, in order (a later mount hides what lies below it, as the demo's answers are
  hidden), so a reference, the manifest, the data root or the run directory lying in any
  folder the sandbox shows is refused, wherever it lies.

Each returns every problem found, one line per case; the runner raises them at once.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ManifestError, RunnerError
from ..manifest import Manifest

__all__ = ["check_before_run", "input_leaks", "sandbox_exposure"]

_SHOWN_EXAMPLES = 3


@dataclass(frozen=True)
class _Protected:
    """A path the algorithm must not see, and which relations to an input are refused."""

    path: str
    what: str
    case_id: str | None = None
    inside_refused: bool = True  # an input may lie inside the manifest's folder


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def _parents(path: str) -> Iterable[str]:
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return
        yield parent
        path = parent


def _reference_paths(manifest: Manifest) -> list[tuple[str, str, str]]:
    """(case id, reference as written, resolved path) of every file reference. A 2-D
    annotation reference ``file.json#image`` protects its file (the whole set's file)."""
    if manifest.reference_kind == "label":
        return []
    selector = manifest.reference_kind == "annotations-2d"
    return [(case.case_id, case.reference,
             _real(os.path.join(manifest.root, case.reference.partition("#")[0] if selector
                                else case.reference)))
            for case in manifest.cases if case.reference]


def _protected(manifest: Manifest, run_dir: Path | None) -> list[_Protected]:
    items = [_Protected(path, f"the reference {written!r} of case {case_id}", case_id)
             for case_id, written, path in _reference_paths(manifest)]
    if Path(manifest.source).is_file():
        source = _real(manifest.source)
        items.append(_Protected(source, f"the manifest {source}"))
        items.append(_Protected(os.path.dirname(source), f"the manifest's folder "
                                f"{os.path.dirname(source)}", inside_refused=False))
    root = _real(manifest.root)
    if all(item.path != root for item in items):
        items.append(_Protected(root, f"the data root {root}", inside_refused=False))
    if run_dir is not None:
        items.append(_Protected(_real(run_dir), f"the run directory {_real(run_dir)}"))
    return items


class _Index:
    """Protected paths by path and by each of their folders: O(depth) per question."""

    def __init__(self, items: Sequence[_Protected]) -> None:
        self.exact: dict[str, list[_Protected]] = defaultdict(list)
        self.below: dict[str, list[_Protected]] = defaultdict(list)
        for item in items:
            self.exact[item.path].append(item)
            for parent in _parents(item.path):
                self.below[parent].append(item)

    def relations(self, path: str) -> list[str]:
        """How ``path`` (resolved) meets the protected paths, as phrases."""
        found = [f"is {item.what}" for item in self.exact.get(path, ())]
        for parent in _parents(path):
            found += [f"lies inside {item.what}" for item in self.exact.get(parent, ())
                      if item.inside_refused]
        inside = self.below.get(path, [])
        if inside:
            shown = "; ".join(item.what for item in inside[:_SHOWN_EXAMPLES])
            more = len(inside) - _SHOWN_EXAMPLES
            found.append(f"contains {shown}" + (f" and {more} more" if more > 0 else ""))
        return found


def _identities(paths: Iterable[tuple[str, str]]) -> dict[tuple[int, int], tuple[str, str]]:
    """(device, inode) of each existing regular file -> its path and description."""
    found = {}
    for path, what in paths:
        try:
            status = os.stat(path)
        except OSError:
            continue
        if os.path.isfile(path):
            found[(status.st_dev, status.st_ino)] = (path, what)
    return found


def _walk(folder: str, index: _Index, identities: dict[tuple[int, int], tuple[str, str]],
          seen: set[str]) -> list[str]:
    """What a folder input would carry into ``/input`` that it must not: links to
    protected paths, hard links to references (links are followed, as staging does)."""
    found: list[str] = []
    stack = [folder]
    while stack and len(found) < _SHOWN_EXAMPLES:
        current = stack.pop()
        try:
            device = os.stat(current).st_dev
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                target = _real(entry.path)
                found += [f"holds the link {entry.path} -> {target}, which {phrase}"
                          for phrase in index.relations(target)]
                if os.path.isdir(target) and target not in seen:
                    seen.add(target)
                    stack.append(target)
                elif os.path.isfile(target):
                    same = identities.get(_identity(target))
                    if same and same[0] != target:
                        found.append(f"holds {entry.path}, the same file as {same[1]}")
            elif entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif identities and (device, entry.inode()) in identities:
                path, what = identities[(device, entry.inode())]
                if path != _real(entry.path):
                    found.append(f"holds {entry.path}, the same file as (a hard link to) "
                                 f"{what}")
    return found


def _identity(path: str) -> tuple[int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_dev, status.st_ino)


def input_leaks(manifest: Manifest, *, run_dir: str | os.PathLike[str] | None = None
                ) -> list[str]:
    """Every case whose input would show the algorithm an answer, one line per problem.

    An input must not be, contain or lie inside a reference of the set (any case's) or
    the run directory, nor be or contain the manifest, its folder or the data root;
    ``..`` and symbolic links are resolved first, a hard link counts as its target, and
    links inside a folder input are followed as the staging follows them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from medeval.manifest import Case
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir()
    >>> _ = (root / "data" / "100.atr").write_bytes(b"beats")
    >>> m = Manifest([Case("r100", "p1", ("data",), "data/100.atr")], root=root)
    >>> input_leaks(m)  # doctest: +ELLIPSIS
    ["case r100: input 'data' (...) contains the reference 'data/100.atr' of case r100"]
    """
    items = _protected(manifest, Path(run_dir) if run_dir is not None else None)
    index = _Index(items)
    identities = _identities((i.path, i.what) for i in items if i.case_id is not None)
    problems: list[str] = []
    for case in manifest.cases:
        for value in case.inputs:
            path = _real(os.path.join(manifest.root, value))
            found = index.relations(path)
            if os.path.isdir(path):
                found += _walk(path, index, identities, {path})
            elif os.path.isfile(path) and not found:
                same = identities.get(_identity(path))
                if same:
                    found.append(f"is the same file as (a hard link to) {same[1]}")
            problems += [f"case {case.case_id}: input {value!r} ({path}) {phrase}"
                         for phrase in found]
    return problems


def _mounts(argv: Sequence[str]) -> list[tuple[str | None, str]]:
    """(host source or None, sandbox destination) of each mount, in order."""
    mounts: list[tuple[str | None, str]] = []
    index = 0
    while index < len(argv) and argv[index] != "--":
        option = argv[index]
        if option in ("--ro-bind", "--bind", "--dev-bind", "--ro-bind-try", "--bind-try"):
            mounts.append((argv[index + 1], argv[index + 2]))
            index += 3
        elif option in ("--tmpfs", "--proc", "--dev", "--mqueue", "--dir"):
            mounts.append((None, argv[index + 1]))
            index += 2
        else:
            index += 1
    return mounts


def _under(path: str, root: str) -> bool:
    return root == "/" or path == root or path.startswith(root.rstrip("/") + "/")


def _visible_in(path: str, mounts: Sequence[tuple[str | None, str]]) -> str | None:
    """The host folder through which the sandbox would show ``path``, or None."""
    for number, (source, destination) in enumerate(mounts):
        if source is None or source == "/dev/null":
            continue
        root = _real(source)
        if not _under(path, root):
            continue
        seen_as = os.path.normpath(destination + "/" + os.path.relpath(path, root))
        last = max(n for n, (_, d) in enumerate(mounts) if _under(seen_as, os.path.normpath(d)))
        if last == number:
            return root
    return None


def sandbox_exposure(manifest: Manifest, binds: Sequence[str], *,
                     run_dir: str | os.PathLike[str] | None = None,
                     labels: dict[str, str] | None = None) -> list[str]:
    """Every reference (by case), and the manifest, data root or run directory, that a
    folder shown in the sandbox would expose; one line per problem.

    ``binds`` are the extra folders the sandbox shows (Python environment, algorithm);
    the sandbox's fixed mounts (``/usr``, ``/etc`` files ...) are read from
    :func:`~medeval.runner.sandbox.sandbox_argv` itself. ``labels`` names a bound folder
    in messages (``"the algorithm's folder"``).
    """
    from .sandbox import sandbox_argv

    mounts = _mounts(sandbox_argv(["/bin/true"], input_dir=None, binds=list(binds)))
    labels = labels or {}
    problems = []
    for item in _protected(manifest, Path(run_dir) if run_dir is not None else None):
        root = _visible_in(item.path, mounts)
        if root is None:
            continue
        label = labels.get(root, "a system folder the sandbox shows")
        prefix = f"case {item.case_id}: " if item.case_id else ""
        problems.append(f"{prefix}the sandbox would expose {item.what} ({item.path}): it "
                        f"lies inside {root} ({label})")
    return problems


def check_before_run(manifest: Manifest, *, run_dir: Path, sandboxed: bool,
                     python: Sequence[str], algorithm: Sequence[str]) -> None:
    """Raise before anything runs when an answer could reach the algorithm.

    Raises
    ------
    ManifestError
        Cases whose inputs would carry an answer into ``/input`` (every one listed).
    RunnerError
        A folder the sandbox shows holds a reference, the manifest, the data root or the
        run directory (every one listed).
    """
    problems = input_leaks(manifest, run_dir=run_dir)
    if problems:
        cases = len({line.split(":")[0] for line in problems})
        raise ManifestError(
            f"manifest {manifest.source}: the inputs of {cases} case(s) would show the "
            "algorithm an answer, and nothing was run:\n  " + "\n  ".join(problems)
            + "\nList each case's own input files (input_* columns), never a folder that "
            "also holds references, the manifest or the run directory.",
            tuple(problems))
    if not sandboxed:
        return
    labels = {_real(p): "the Python environment" for p in python}
    labels.update({_real(p): "the algorithm's own folder" for p in algorithm})
    exposed = sandbox_exposure(manifest, [*python, *algorithm], run_dir=run_dir,
                               labels=labels)
    if exposed:
        raise RunnerError(
            f"{len(exposed)} path(s) of the held-out set or the run would be visible to the "
            "algorithm, and nothing was run:\n  " + "\n  ".join(exposed)
            + "\nKeep the held-out set, the manifest and the run directory outside the "
            "algorithm's folder, the Python environment and the system folders.")
