"""The algorithm under test: its protocol, how it is named, and how it is identified.

Two kinds of algorithm run under the same contract:

- a **Python plugin**, a class with ``predict(case)`` (and optional ``setup()`` and
  ``teardown()``), named ``package.module:Class``, ``path/to/file.py:Class`` or by the
  name of an entry point of group ``medeval.algorithms``;
- a **command**, any executable run once per case, reading ``/input`` and writing
  ``/output`` (see ``docs/runner.md``).

:func:`resolve_algorithm` turns such a name into an :class:`AlgorithmSpec` *without
importing or running anything*: the plugin is untrusted code and is only ever imported
inside its sandbox. The spec records what certifies the algorithm: its distribution's
name and version where it has one, and the SHA-256 of each of its files. Nothing is
auto-loaded: an entry point is used only when the run names it.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import inspect
import json
import keyword
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from .._hashing import hash_files, sha256_file
from ..errors import RunnerError
from ._plugin_name import hidden_module
from ._shebang import shebang_problem
from ._shell_script import script_words, shell_script
from ._shell_words import quoted_words

__all__ = [
    "ENTRY_POINT_GROUP",
    "Algorithm",
    "AlgorithmSpec",
    "CaseInput",
    "instantiate",
    "resolve_algorithm",
]

#: The entry-point group a distribution uses to name its algorithms.
ENTRY_POINT_GROUP = "medeval.algorithms"

_SKIP_PARTS = {"__pycache__", ".git", ".mypy_cache", ".pytest_cache"}


@dataclass(frozen=True)
class CaseInput:
    """What ``predict(case)`` receives: the case's id and its inputs, nothing else.

    Attributes
    ----------
    case_id : str
    input_path : str
        The case's (first) input, as placed read-only in the sandbox (``/input/...``).
    input_paths : tuple of str
        Every input of the case, in the manifest's column order.
    output_dir : str
        A writable, empty directory for predictions that are files (a mask:
        ``prediction.nii.gz``); the runner collects them after ``predict`` returns.
    """

    case_id: str
    input_path: str
    input_paths: tuple[str, ...]
    output_dir: str


@runtime_checkable
class Algorithm(Protocol):
    """The protocol a Python plugin satisfies.

    ``predict`` returns a score (a float), a dict with ``"score"`` and/or ``"label"``
    (and any other JSON fields), or ``None`` when it wrote its prediction as a file in
    ``case.output_dir``. ``setup()`` and ``teardown()``, if defined, run once per worker
    process, before its first case and after its last.

    Examples
    --------
    >>> class Threshold:
    ...     def predict(self, case: CaseInput) -> float:
    ...         return 0.5
    >>> isinstance(Threshold(), Algorithm)
    True
    """

    def predict(self, case: CaseInput) -> Any:
        """Predict one case."""


@dataclass(frozen=True)
class AlgorithmSpec:
    """A named algorithm, resolved but not loaded.

    Attributes
    ----------
    kind : {"python", "command"}
    name : str
        The name the run was given (``pkg.mod:Class``, ``file.py:Class``, an entry-point
        name, or the command line).
    target : str
        For a plugin, ``module:attribute`` (or ``/abs/file.py:attribute``); for a
        command, the command line.
    argv : tuple of str
        A command's arguments (empty for a plugin).
    python_path : tuple of str
        Directories the sandboxed worker puts first on ``sys.path``.
    binds : tuple of str
        Directories and files that must be visible, read-only, inside the sandbox.
    distribution, version : str or None
        The distribution that ships the plugin, and its version, where there is one.
    files : Mapping of str to str
        SHA-256 of each of the algorithm's files, by path relative to its root.
    """

    kind: Literal["python", "command"]
    name: str
    target: str
    argv: tuple[str, ...] = ()
    python_path: tuple[str, ...] = ()
    binds: tuple[str, ...] = ()
    distribution: str | None = None
    version: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """The target without where it lies on this machine: a file plugin as
        ``file.py:attribute`` (its folder's files are hashed), so that the same plugin
        checked out in two places has the same SHA-256 and the same result fingerprint."""
        if self.kind == "python" and ".py:" in self.target:
            file, _, attribute = self.target.rpartition(":")
            return f"{Path(file).name}:{attribute}"
        return self.target

    @property
    def sha256(self) -> str:
        """One SHA-256 over the kind, the target's identity and every file's digest."""
        payload = json.dumps({"kind": self.kind, "target": self.identity,
                              "files": dict(sorted(self.files.items()))}, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The identity recorded in ``run.jsonl`` and ``summary.json`` (no absolute path
        of a file plugin: see :attr:`identity`)."""
        name = self.name
        if self.kind == "python" and ".py:" in name \
                and Path(name.rpartition(":")[0]).is_absolute():
            name = self.identity  # an absolute path names this machine's folder only
        return {
            "kind": self.kind, "name": name, "target": self.identity,
            "distribution": self.distribution, "version": self.version,
            "files": dict(sorted(self.files.items())), "sha256": self.sha256,
        }


def resolve_algorithm(name: str | None = None, *, command: str | None = None,
                      progress: bool = False,
                      base: str | os.PathLike[str] | None = None) -> AlgorithmSpec:
    """Name an algorithm for a run, without importing or executing any of its code.

    Parameters
    ----------
    name : str, optional
        ``package.module:Class``, ``path/to/file.py:Class``, or the name of an entry
        point of group ``medeval.algorithms``.
    command : str, optional
        Instead of ``name``: a command line run once per case (split as a POSIX shell
        would, not run through a shell). ``{input}`` and ``{output}`` are replaced by
        the input and output directories.
    progress : bool
        Show a bar on stderr while the algorithm's files are hashed (a model's weights
        of a few GB take seconds).
    base : path, optional
        The folder a command's relative paths are taken from (its program, script and
        every file it names); the current directory when not given. ``medeval run``
        gives the protocol's folder, as the protocol's manifest and plugin are taken
        from it.

    Returns
    -------
    AlgorithmSpec

    Raises
    ------
    RunnerError
        Neither or both given; the module, file or entry point does not exist (the
        message lists the installed entry points); the executable is not found.

    Examples
    --------
    >>> spec = resolve_algorithm(command="/bin/sh -c 'cat /input/case.json'")
    >>> spec.kind, spec.argv
    ('command', ('/bin/sh', '-c', 'cat /input/case.json'))
    """
    if (name is None) == (command is None):
        raise RunnerError("resolve_algorithm: give exactly one of name (a plugin) or "
                          "command (a command line)")
    if command is not None:
        return _command(command, progress, base)
    assert name is not None
    if ":" in name:
        left, _, attribute = name.rpartition(":")
        if left.endswith(".py") or "/" in left or os.sep in left:
            return _file_plugin(name, Path(left), attribute, progress)
        return _module_plugin(name, left, attribute, progress=progress)
    return _entry_point(name, progress)


def _check_attribute(name: str, attribute: str) -> None:
    if not attribute or not all(part.isidentifier() for part in attribute.split(".")):
        raise RunnerError(f"algorithm {name!r}: {attribute!r} after ':' is not a Python "
                          "name; write package.module:Class or path/to/file.py:Class")


def _file_plugin(name: str, path: Path, attribute: str,
                 progress: bool = False) -> AlgorithmSpec:
    _check_attribute(name, attribute)
    file = path.resolve()
    if not file.is_file():
        raise RunnerError(f"algorithm {name!r}: no such file {file}; give the path of the "
                          "plugin's .py file")
    hidden = hidden_module(file)
    if hidden is not None:
        raise RunnerError(
            f"algorithm {name!r}: the plugin file {file.name} has the name of the module "
            f"{file.stem!r} installed in this Python ({hidden}): in the worker its folder "
            f"comes first on sys.path, so every 'import {file.stem}', the plugin's own or a "
            f"library's, would import the plugin file instead; rename it (e.g. "
            f"{file.stem}_model.py)")
    root = file.parent
    return AlgorithmSpec(
        kind="python", name=name, target=f"{file}:{attribute}", python_path=(str(root),),
        binds=(str(root),), files=_digests(root, progress),
    )


def _module_plugin(name: str, module: str, attribute: str,
                   dist: importlib.metadata.Distribution | None = None, *,
                   progress: bool = False) -> AlgorithmSpec:
    _check_attribute(name, attribute)
    if not all(part.isidentifier() for part in module.split(".")):
        raise RunnerError(f"algorithm {name!r}: {module!r} is not a module name")
    top = module.split(".")[0]
    spec = importlib.machinery.PathFinder.find_spec(top, sys.path)
    if spec is None or not spec.origin and not spec.submodule_search_locations:
        raise RunnerError(f"algorithm {name!r}: module {top!r} is not installed in this "
                          f"Python ({sys.executable}); install the plugin's package")
    if spec.submodule_search_locations:
        location = Path(list(spec.submodule_search_locations)[0]).resolve()
    else:
        location = Path(str(spec.origin)).resolve()
    if dist is None:
        names = importlib.metadata.packages_distributions().get(top, [])
        dist = _distribution(names[0]) if names else None
    files = (_digests(location, progress) if location.is_dir()
             else {location.name: sha256_file(location)})
    return AlgorithmSpec(
        kind="python", name=name, target=f"{module}:{attribute}",
        python_path=(str(location.parent),), binds=(str(location),),
        distribution=dist.metadata["Name"] if dist else None,
        version=dist.version if dist else None,
        files=files,
    )


def _distribution(name: str) -> importlib.metadata.Distribution | None:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        return None


def _entry_point(name: str, progress: bool = False) -> AlgorithmSpec:
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    matches = [ep for ep in found if ep.name == name]
    if not matches:
        known = ", ".join(sorted(ep.name for ep in found)) or "none"
        raise RunnerError(
            f"algorithm {name!r}: not 'module:Class', not 'file.py:Class', and no entry "
            f"point of that name in group {ENTRY_POINT_GROUP!r} (installed: {known})"
        )
    ep = matches[0]
    module, _, attribute = ep.value.partition(":")
    spec = _module_plugin(name, module.strip(), attribute.strip(), ep.dist,
                          progress=progress)
    return spec


def _command(command: str, progress: bool = False,
             base: str | os.PathLike[str] | None = None) -> AlgorithmSpec:
    """A command algorithm: its program resolved to a real executable, its files hashed.

    What identifies a command algorithm (its ``files`` and so its SHA-256): the command
    line as written, and every file of the folder of each file or folder the command
    names (an argument that is an existing path, ``--opt=path`` included, relative ones
    taken from the current directory). The program is hashed with its folder only when
    that folder is the algorithm's own (not a system folder, not a Python installation);
    a system program (``/bin/sh``, the runner's Python) is hashed as that one file only
    when the command names no file of its own, and an interpreter's installation is
    never hashed: ``python3 predict.py`` is identified by ``predict.py``'s folder. A
    shell's ``-c`` script (``sh -c 'python3 /opt/a/p.py'``) is read for the paths it
    names as the command line is (:mod:`._shell_script`); a relative one is refused.
    """
    argv = list(shlex.split(command))
    if not argv:
        raise RunnerError("command algorithm: the command line is empty")
    command_words = tuple(argv)
    quoted = quoted_words(command)
    shell = _shell_syntax(argv, quoted if len(quoted) == len(argv) else ())
    if shell is not None:
        raise RunnerError(f"command algorithm: {shell}")
    folder = os.path.abspath(base if base is not None else os.getcwd())
    program, extra_binds = _resolve_program(argv[0], folder)
    missing = _missing_script(argv, folder)
    if missing is not None:  # else every case would fail with the interpreter's exit 2
        whence = ("the protocol's folder" if base is not None else "the current directory")
        raise RunnerError(f"command algorithm: {argv[0]}'s script {missing!r} does not "
                          f"exist (relative paths are taken from {whence}, "
                          f"{folder}); give the script's path")
    argv[0] = str(program)
    binds: list[str] = list(extra_binds)
    files: dict[str, str] = {}
    hashed: set[Path] = set()  # a folder named twice (script and weights) is read once

    def add(root: Path) -> None:
        binds.append(str(root))
        if root not in hashed:
            hashed.add(root)
            files.update({f"{root.name}/{k}": v for k, v in _digests(root, progress).items()})

    if not extra_binds and not _system(program):
        add(_own_folder(program, command) or program.parent)
    named = False
    for index in range(1, len(argv)):
        found = _named_path(argv[index], folder)
        if found is None:
            continue
        argv[index], path = found  # the sandbox starts in /tmp: paths made absolute
        if _system(path) or _python_prefix(path) is not None or _sandbox_own(path):
            continue
        own = _own_folder(path, command)
        if own is not None:
            named = True
            add(own)
    script = shell_script([Path(command_words[0]).name, *argv[1:]])
    for path, working in _script_paths(argv[script], folder) if script is not None else ():
        own = _own_folder(path, command, working)
        if own is not None:
            named = True
            add(own)
    if not files and not named:
        files[program.name] = sha256_file(program)
    return AlgorithmSpec(kind="command", name=command, target=command, argv=tuple(argv),
                         binds=tuple(dict.fromkeys(binds)), files=files)


def _script_paths(script: str, folder: str) -> list[tuple[Path, bool]]:
    """The files and folders a shell's ``-c`` script names (:mod:`._shell_script`), the
    system's and an interpreter's installation aside, for the command's identity and the
    sandbox. A relative path that names a file of ``folder`` before the script changes
    to an absolute folder (``cd /opt/a``) is refused: the script runs as written from
    another folder; after it, a relative path is looked for in that folder. The root and
    a folder just below it (``cd /tmp``, ``TMPDIR=/tmp``, ``cd /``: where the script
    works, not its own files) are neither hashed nor shown: the sandbox has its own
    ``/tmp``, and the root would show the whole file system. Each path comes with
    whether it is where the script works (``cd``'s folder, a variable's value), where a
    folder just below the root is not the algorithm's (:func:`_own_folder`)."""
    words = script_words(script)
    found: list[tuple[Path, bool]] = []
    where: str | None = None  # after 'cd /abs', relative paths are the script's, there
    for before, word in zip(["", *words], words):
        hit = _named_path(word, where or folder)
        if before == "cd" and (where is not None or os.path.isabs(word)):
            where = os.path.normpath(os.path.join(where or "/", word))
        if hit is None or _system(hit[1]) or _python_prefix(hit[1]) is not None or \
                _sandbox_own(hit[1]):
            continue
        value = word.partition("=")[2] if word.startswith("-") else word
        if not os.path.isabs(value) and where is None:
            raise RunnerError(
                f"command algorithm: the shell script {script!r} names {value!r}, a path "
                f"relative to {folder}; the script runs as written, from another folder "
                "(/tmp in the sandbox, the case's output folder without it), where it is "
                f"not: write its absolute path, {hit[1]}, or write the steps in a script "
                "file and run that (sh run.sh)")
        found.append((hit[1], before == "cd" or
                      re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", before) is not None))
    return found


def _sandbox_own(path: Path) -> bool:
    """A path in ``/dev``, ``/proc`` or ``/sys`` (``--log /dev/null``): the sandbox has
    its own, so it is neither hashed nor shown."""
    return path.parts[1:2] in (("dev",), ("proc",), ("sys",))


#: Folders just below the root that hold the host's own files (configuration, the
#: users' homes, logs, mounted disks, other software): a file directly in one does not
#: make the whole folder the algorithm's.
_HOST_FOLDERS = ("etc", "home", "var", "run", "boot", "mnt", "media", "srv", "opt", "root")


def _own_folder(path: Path, command: str, working: bool = False) -> Path | None:
    """The folder of a file or folder the command names that is the algorithm's own, to
    hash and show in the sandbox; None for the root and ``/tmp``, and, where ``working``
    (in a shell's script, ``cd``'s folder or a variable's value: ``cd /data``,
    ``HOME=/root``), any folder just below the root: where the algorithm works, not its
    files (hashed, the root would be the whole file system, ``/tmp`` thousands of
    others' files, and shown, the host's ``/tmp`` would hide the sandbox's own). A
    folder just below the root named as an argument (``--weights /models``, on the
    command line or in a script) is the algorithm's: hashed and shown, as is the folder
    of a file directly in one (``/app/predict.py``: ``/app``, a container's layout). A
    file directly in the root, ``/tmp`` (``/tmp/predict.py``) or a folder of the host's
    own (:data:`_HOST_FOLDERS`: ``--config /etc/algo.yaml`` would hash the host's whole
    ``/etc`` and show it, ``/home/predict.py`` every user's home) is refused: its folder
    is not the algorithm's alone.

    >>> _own_folder(Path("/"), "sh -c 'cd / && ./p'") is None
    True
    """
    root = path if path.is_dir() else path.parent
    shared = root.parts[1:] in ((), ("tmp",))  # the root, /tmp: every program's
    if len(root.parts) > 2 or (not shared and not path.is_dir()
                               and root.parts[1] not in _HOST_FOLDERS):
        return root  # /opt/algo; /app for /app/predict.py
    if path.is_dir():
        return None if working or shared else path
    raise RunnerError(
        f"command algorithm: {command!r} names {path}, a file directly in {root}: the "
        "runner hashes the folder of each file the command names, to identify the "
        "algorithm, and shows it in the sandbox, and it will not do so with "
        f"{root} whole; put the algorithm's files in a folder of their own "
        f"({root / 'algo'}/, say) and name them there")


#: Python's options that take the next argument as their value.
_PYTHON_OPTION_VALUES = ("-X", "-W")


def _missing_script(argv: list[str], folder: str) -> str | None:
    """The script a Python interpreter is told to run, when no such file exists; None
    for another program, ``-m module``, ``-c code``, or a placeholder."""
    if not re.fullmatch(r"python[0-9.]*", Path(argv[0]).name):
        return None
    index = 1
    while index < len(argv) and argv[index].startswith("-"):
        option = argv[index]
        if option == "-" or option.startswith("--") or "m" in option or "c" in option:
            return None  # stdin, a long option, -m module, -c code (also -um, -Bc)
        index += 2 if option in _PYTHON_OPTION_VALUES else 1
    if index >= len(argv) or "{" in argv[index]:
        return None
    return (None if os.path.lexists(os.path.join(folder, argv[index]))
            else argv[index])


def _named_path(token: str, folder: str) -> tuple[str, Path] | None:
    """An argument that names an existing file or folder (relative: in ``folder``): (the
    argument with the path made absolute, the path with links resolved); None for a
    placeholder, an option or a bare word. ``--weights=w.bin`` names ``w.bin``."""
    prefix, value = "", token
    if token.startswith("-"):
        if "=" not in token:
            return None
        prefix, _, value = token.partition("=")
        prefix += "="
    if not value or "{" in value:
        return None
    path = Path(os.path.normpath(os.path.join(folder, value)))
    if not path.exists():
        return None
    return prefix + str(path), path.resolve()


#: Words of a shell that a command line run as a program passes on as arguments.
_SHELL_OPERATORS = frozenset({"&&", "||", "|", ";", "&", ">", ">>", "<", "<<", "2>", "2>>",
                              "&>", "2>&1", "1>&2", ">&2"})
_SHELL_BUILTINS = frozenset({"cd", "export", "source", ".", "set", "ulimit", "exec"})


def _shell_syntax(argv: Sequence[str], quoted: Sequence[bool] = ()) -> str | None:
    """What in a command line needs a shell, which runs no command algorithm: the line is
    split as a shell splits it (``shlex``) and run as a program with its arguments, so
    ``&&``, ``|`` or ``> log.txt`` would reach the program as arguments, and a builtin
    (``cd``) or an assignment first (``OMP_NUM_THREADS=1 python3 ...``) is no program.
    A word ``quoted`` says was quoted or escaped (``--sep ';'``, ``'>0.5'``) is an
    argument to a shell too, and passes.

    >>> _shell_syntax(["python3", "predict.py", ">", "log.txt"])[:44]
    "'>' is shell syntax: the command line is run"
    >>> _shell_syntax(["OMP_NUM_THREADS=1", "python3", "p.py"])[:52]
    "'OMP_NUM_THREADS=1' sets a variable for a shell: the"
    >>> _shell_syntax(["python3", "predict.py", "--out={output}"]) is None
    True
    >>> _shell_syntax(["python3", "predict.py", "--sep", ";"], [False] * 3 + [True]) is None
    True
    """
    advice = ("; write the steps in a script beside the files it uses and run that (sh "
              "run.sh): its folder is shown in the sandbox and hashed (so are those of the "
              "absolute paths a quoted sh -c '...' names)")
    first = argv[0]
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", first):
        return (f"{first!r} sets a variable for a shell: the command line is run as a "
                "program with its arguments, not by a shell; set it in the runner's "
                "environment (the sandbox passes OMP_NUM_THREADS, MKL_NUM_THREADS, "
                "OPENBLAS_NUM_THREADS, LANG, LC_ALL and TZ on) or in the program itself"
                + advice)
    if first in _SHELL_BUILTINS:
        return (f"{first!r} is a command of the shell, not a program: the command line is "
                "run as a program with its arguments, not by a shell" + advice)
    for word, inert in zip(argv[1:], [*quoted[1:], *[False] * len(argv)]):
        if inert:
            continue
        if word in _SHELL_OPERATORS or re.fullmatch(r"[12]?>>?[^=\s]\S*", word):
            return (f"{word!r} is shell syntax: the command line is run as a program with "
                    f"its arguments, not by a shell, so {argv[0]} would be given {word!r} "
                    "as an argument (its stdout and stderr are captured anyway)" + advice)
    return None


def _resolve_program(name: str, folder: str | None = None) -> tuple[Path, tuple[str, ...]]:
    """The command's program as an executable that runs inside the sandbox.

    Looked up on the host's PATH (or taken as a path). A version manager's shim (a
    script in a ``shims`` folder: pyenv) cannot run in the sandbox (it needs the
    manager's own files): it is resolved with ``pyenv which``, or, without pyenv, to
    the running interpreter when the name is that of this Python (``python``,
    ``python3``, ``python3.N``). A symbolic link is followed to its target unless both
    are in system folders (``/bin/sh`` stays ``/bin/sh``) or it is a virtual
    environment's interpreter (which finds its environment through the link). Returns
    the program and, for a Python installation other than the runner's, the folders to
    show read-only (its prefix) so it can run.
    """
    located = (shutil.which(name) if "/" not in name
               else os.path.normpath(os.path.join(folder or os.getcwd(), name)))
    if located is None or not Path(located).is_file():
        raise RunnerError(f"command algorithm: program {name!r} not found (on PATH, or as "
                          "a path); give the executable's path")
    path = Path(os.path.abspath(located))
    shim = _shim_target(path, name)
    if shim is not None:
        path = shim
    real = path.resolve()
    venv = _python_prefix(path)
    if venv is not None and (venv / "pyvenv.cfg").is_file():
        keep = path  # a venv's python finds its environment by the link's own path
    elif _system(path) and _system(real):
        keep = path
    else:
        keep = real
    if not os.access(keep, os.X_OK):
        raise RunnerError(f"command algorithm: {keep} (the program of {name!r}) is not "
                          "executable; chmod +x it, or name its interpreter first "
                          "(python3 script.py)")
    problem = shebang_problem(str(keep))
    if problem is not None:
        raise RunnerError(f"command algorithm: {keep} (the program of {name!r}) cannot be "
                          f"started: {problem}")
    prefixes = {_python_prefix(p) for p in (keep, real) if not _system(p)}
    extra = tuple(sorted(str(p) for p in prefixes if p is not None and not _system(p)))
    return keep, extra


def _shim_target(path: Path, name: str) -> Path | None:
    """What a version manager's shim stands for, or None when ``path`` is no shim."""
    if path.parent.name != "shims" or not _is_script(path):
        return None
    manager = _pyenv_of(path)
    if manager is not None:
        try:
            done = subprocess.run([manager, "which", path.name], capture_output=True,
                                  text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired):
            done = None
        if done is not None and done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip().splitlines()[-1])
    if _names_this_python(path.name):
        return Path(sys.executable)
    raise RunnerError(
        f"command algorithm: {name!r} is {path}, a version manager's shim (a script that "
        "cannot run inside the sandbox), and it could not be resolved to an interpreter; "
        f"give the interpreter's path instead (this Python: {sys.executable})")


def _is_script(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return False


def _pyenv_of(shim: Path) -> str | None:
    """The pyenv program that wrote ``shim``: named in it (``exec ".../pyenv" exec``),
    beside its shims folder, or on PATH."""
    try:
        text = shim.read_text(errors="replace")[:4096]
    except OSError:
        return None
    if "pyenv" not in text:
        return None
    named = re.search(r'exec\s+"?([^"\s]+/pyenv)"?\s+exec', text)
    for candidate in (named.group(1) if named else None,
                      str(shim.parent.parent / "bin" / "pyenv"), shutil.which("pyenv")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _names_this_python(name: str) -> bool:
    major, minor = sys.version_info[:2]
    return name in ("python", f"python{major}", f"python{major}.{minor}")


def _python_prefix(path: Path) -> Path | None:
    """The Python installation ``path`` lies in (a folder holding ``pyvenv.cfg`` or
    ``lib/pythonX.Y/os.py``, with ``path`` in its ``bin``), or None."""
    for parent in list(path.parents)[:2]:
        if parent.name == "bin":
            prefix = parent.parent
            if (prefix / "pyvenv.cfg").is_file() or any(
                    prefix.glob("lib/python3*/os.py")):
                return prefix
    return None


def _system(path: Path) -> bool:
    roots = ("/usr", "/bin", "/sbin", "/lib", sys.prefix, sys.base_prefix, sys.exec_prefix)
    text = str(path)
    return any(text == r or text.startswith(r.rstrip("/") + "/") for r in roots)


def _digests(root: Path, progress: bool = False) -> dict[str, str]:
    """SHA-256 of every file below ``root`` by its relative path; a bar on stderr while
    they are hashed if ``progress`` (weights of a few GB took seconds without a word).
    Never from the digest cache: the algorithm's identity is its bytes as read now."""
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not _SKIP_PARTS & set(rel.parts) and path.suffix != ".pyc":
            files[rel.as_posix()] = path
    digests = hash_files(list(files.values()), workers=1, progress=progress, cache=False,
                         label="hashing the algorithm")
    return {rel: digests[path] for rel, path in files.items()}


def _package_advice(where: str, attribute: str, exc: Exception) -> str:
    """Advice for a plugin named as a file that is a module of a package and imports
    relatively (``from .net import Net``): loaded alone, it has no package."""
    if not (where.endswith(".py") and isinstance(exc, ImportError)
            and "relative import" in str(exc)):
        return ""
    folder = Path(where).parent
    if not (folder / "__init__.py").is_file():
        return ""
    top = folder  # a subpackage's module (acme/models/model.py) is acme.models.model
    while (top.parent / "__init__.py").is_file() and top.parent != top:
        top = top.parent
    parts = [*folder.relative_to(top.parent).parts, Path(where).stem]
    package = ".".join(parts[:-1])
    return (f"; {Path(where).name} is a module of the package {package!r} and "
            f"imports relatively: name it as a module, {'.'.join(parts)}:{attribute}, "
            f"with the package installed (pip install -e) or {top.parent} on PYTHONPATH")


def package_advice_here(text: str, target: str) -> str:
    """``text`` (a sandboxed worker's message or stderr) with the advice of a file plugin
    that is a module of a package worked out again in this process. The sandbox shows
    the plugin's own folder only, not the packages above it: its worker took
    ``acme/models/model.py`` for ``models.model``, with ``acme`` on PYTHONPATH."""
    where, _, attribute = target.rpartition(":")
    if not where.endswith(".py"):
        return text
    advice = _package_advice(where, attribute, ImportError("relative import"))
    pattern = re.escape(f"; {Path(where).name} is a module of the package ") + \
        r".*? on PYTHONPATH"
    return re.sub(pattern, lambda _: advice, text) if advice else text


def _named_object(module: Any, target: str) -> Any:
    """The object ``target``'s attribute names in ``module``; a name it does not define
    is refused naming what it does define (a misnamed class, ``Model`` for ``Net``).

    Raises
    ------
    RunnerError
        Without a cause: the diagnosis is medeval's, and its traceback says nothing more.
    """
    where, _, attribute = target.rpartition(":")
    shown = Path(where).name if where.endswith(".py") else where
    obj: Any = module
    for depth, part in enumerate(attribute.split(".")):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            owner = shown if depth == 0 else f"{shown}:{'.'.join(attribute.split('.')[:depth])}"
            raise RunnerError(f"algorithm {target}: {owner} defines no {part!r}"
                              f"{_defined_classes(obj, where, depth == 0)}") from None
    return obj


def _check_no_arguments(cls: type, target: str) -> None:
    """Refuse a class that cannot be made without arguments, as the runner makes it.

    Raises
    ------
    RunnerError
        Without a cause (medeval's diagnosis).
    """
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return
    try:
        signature.bind()
    except TypeError:
        raise RunnerError(
            f"algorithm {target}: the runner makes {cls.__name__} without arguments, "
            f"and its signature is {signature}: give every parameter a default, and load "
            "the weights in setup(), from files beside the plugin") from None


def _defined_classes(owner: Any, where: str, top: bool) -> str:
    """What a module defines that could be named instead: its own classes with a
    ``predict`` method (else all its own classes), as ``; it defines ...: name one``."""
    if not (top and inspect.ismodule(owner)):
        return ""
    own = [name for name, value in sorted(vars(owner).items())
           if inspect.isclass(value) and value.__module__ == owner.__name__
           and not name.startswith("_")]
    with_predict = [name for name in own if callable(getattr(vars(owner)[name], "predict", None))]
    if with_predict:
        names = ", ".join(with_predict)
        return (f"; the class(es) with a predict method it defines: {names} (name one: "
                f"{where}:{with_predict[0]})")
    if own:
        return (f"; it defines the class(es) {', '.join(own)}, none with a predict(case) "
                "method (see medeval.runner.Algorithm)")
    return "; it defines no class (a plugin is a class with a predict(case) method)"


def _file_module(where: str) -> Any:
    """Import a file plugin, under its own name where that name imports this very file.

    A plugin's folder is first on ``sys.path`` in the worker, so ``model.py`` is the
    module ``model``: the name pickle writes for its functions and classes, which a
    process of its own that multiprocessing starts with ``spawn`` (a ``Pool``, a torch
    ``DataLoader``) imports again from the same ``sys.path``. Under a name of medeval's
    own each of those processes failed with ``No module named 'medeval_plugin_model'``
    and the pool waited for them until the case's time limit. A file whose name is not
    a module name, is already imported, or is not the one its name finds (the file
    loaded without its folder on ``sys.path``) keeps the name ``medeval_plugin_<stem>``.
    """
    stem = Path(where).stem
    if stem.isidentifier() and not keyword.iskeyword(stem) and stem not in sys.modules:
        try:
            found = importlib.util.find_spec(stem)
        except (ImportError, ValueError):
            found = None
        origin = None if found is None else found.origin
        if origin is not None and os.path.realpath(origin) == os.path.realpath(where):
            return importlib.import_module(stem)
    name = "medeval_plugin_" + stem
    spec = importlib.util.spec_from_file_location(name, where)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {where}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def instantiate(target: str, python_path: Sequence[str] = ()) -> Algorithm:
    """Import a plugin and return an object satisfying :class:`Algorithm`.

    Runs the plugin's code: call it only inside the sandbox (the runner's worker does),
    or on your own algorithm (a benchmark, a test).

    Parameters
    ----------
    target : str
        ``module:attribute`` or ``/abs/path/file.py:attribute`` (``AlgorithmSpec.target``).
        A class is instantiated without arguments; an object is used as it is.
    python_path : sequence of str
        Directories put first on ``sys.path``.

    Raises
    ------
    RunnerError
        The import fails, the attribute is missing, or the object has no ``predict``
        method taking one argument.
    """
    for entry in reversed(python_path):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    where, _, attribute = target.rpartition(":")
    try:
        if where.endswith(".py"):
            module = _file_module(where)
        else:
            module = importlib.import_module(where)
        obj: Any = _named_object(module, target)
        if inspect.isclass(obj):
            _check_no_arguments(obj, target)
            obj = obj()
    except RunnerError:
        raise
    except Exception as exc:
        raise RunnerError(f"algorithm {target}: cannot be loaded: "
                          f"{type(exc).__name__}: {exc}{_package_advice(where, attribute, exc)}"
                          ) from exc
    predict = getattr(obj, "predict", None)
    if not isinstance(obj, Algorithm) or not callable(predict):
        raise RunnerError(f"algorithm {target}: {type(obj).__name__} has no predict(case) "
                          "method; see medeval.runner.Algorithm")
    try:
        inspect.signature(predict).bind(None)
    except TypeError:
        raise RunnerError(f"algorithm {target}: predict must take one argument (the case), "
                          f"its signature is {inspect.signature(predict)}") from None
    except ValueError:  # pragma: no cover - builtins without a signature
        pass
    return obj
