"""The sandbox an algorithm runs in: bubblewrap namespaces, or none (pre-check only).

With bubblewrap (Debian package ``bubblewrap``) each worker runs in new user, mount,
PID, network, IPC, UTS and cgroup namespaces, as an unprivileged user with no
capabilities. Its filesystem is built from nothing and holds only:

- read-only: ``/usr`` (with the ``/bin``, ``/lib``... links), a few files of ``/etc``,
  the Python environment (``sys.prefix``, ``sys.base_prefix`` and the directories on the
  ``sys.path`` of ``python -I``: no current or script directory, no ``PYTHONPATH``), the
  algorithm's own files;
- ``/input`` (read-only): the current case's inputs, and nothing of any other case;
- ``/output``, ``/tmp`` and ``/dev/shm``: private in-memory file systems of bounded size
  (``/output`` emptied before each case; the worker sends its files to the runner over
  the pipe), so no directory of the host is writable and nothing can fill the host's
  disks; what is written there counts against the memory limit; they are the only
  writable folders (the root bubblewrap builds on, ``/dev`` and every other in-memory
  folder are remounted read-only once the mounts are made);
- a private ``/proc`` and a minimal ``/dev``;
- the worker's own GPUs only, where it is given any (``devices``: the arguments of
  :func:`medeval.runner.gpus.gpu_binds`: its ``/dev/nvidiaN``, the driver's control
  devices, and read-only the entries of ``/proc/driver/nvidia`` and ``/sys`` of that GPU).

The references, the manifest and the run directory are never bound in;
:func:`check_exposure` refuses a run in which any directory bound into the sandbox
contains one of them. The network namespace has only its own loopback interface, which
bubblewrap brings up (a server the algorithm starts in its sandbox is reachable there, at
127.0.0.1): no connection leaves it, not even to the host's loopback. The environment is cleared
and rebuilt from an allow-list.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from ..errors import IsolationWarning, RunnerError

__all__ = [
    "ENV_ALLOW_LIST",
    "Isolation",
    "bubblewrap_available",
    "check_exposure",
    "choose_isolation",
    "missing_module_hint",
    "no_network_hint",
    "python_binds",
    "read_only_hint",
    "sandbox_argv",
    "scrubbed_env",
]

Isolation = Literal["bubblewrap", "none"]

#: Variables passed through from the runner's environment when set; all others are dropped.
#: ``CUDA_VISIBLE_DEVICES`` is not among them: the runner sets it for each worker
#: (:func:`medeval.runner.gpus.gpu_env`), for the GPUs that worker is given.
ENV_ALLOW_LIST = ("LANG", "LC_ALL", "TZ", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                  "OPENBLAS_NUM_THREADS")
#: ``LANG`` in the algorithm's environment where the runner's has none.
DEFAULT_LANG = "C.UTF-8"
#: Where the sandbox sees the case's inputs and its output directory.
INPUT_DIR, OUTPUT_DIR = "/input", "/output"
_ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
        "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/alternatives")
_TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_NOBODY = "65534"


@functools.lru_cache(maxsize=1)
def bubblewrap_available() -> str | None:
    """Why bubblewrap cannot be used here, or None when it runs (probed once).

    Examples
    --------
    >>> bubblewrap_available() is None or isinstance(bubblewrap_available(), str)
    True
    """
    program = shutil.which("bwrap")
    if program is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    probe = sandbox_argv(["/bin/true"], input_dir=None, binds=())
    try:
        done = subprocess.run(probe, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:  # pragma: no cover
        return f"bubblewrap does not start: {exc}"
    if done.returncode != 0:
        return ("bubblewrap cannot create namespaces here (user namespaces disabled, or "
                f"seccomp in a container): {done.stderr.decode(errors='replace').strip()}")
    return None


def choose_isolation(requested: Literal["auto", "bubblewrap", "none"],
                     mode: Literal["pre-check", "certificate"]) -> Isolation:
    """The isolation a run will use; refuse or warn where there is none.

    Raises
    ------
    RunnerError
        ``mode="certificate"`` without bubblewrap, or bubblewrap requested but unusable.

    Warns
    -----
    IsolationWarning
        A pre-check runs the algorithm unsandboxed.
    """
    if mode not in ("pre-check", "certificate"):
        raise RunnerError(f"mode must be 'pre-check' or 'certificate', got {mode!r}")
    if requested not in ("auto", "bubblewrap", "none"):
        raise RunnerError(f"isolation must be 'auto', 'bubblewrap' or 'none', got {requested!r}")
    problem = None if requested == "none" else bubblewrap_available()
    if requested == "none" or problem:
        why = problem or "isolation='none' was asked for"
        if mode == "certificate" or requested == "bubblewrap":
            raise RunnerError(f"a {mode} run needs the bubblewrap sandbox, and {why}; install "
                              "bubblewrap on a Linux host that allows user namespaces")
        warnings.warn(f"the algorithm runs WITHOUT a sandbox ({why}): it can read any file "
                      "this user can and reach the network; the run records isolation "
                      "'none' and can only be a pre-check", IsolationWarning, stacklevel=3)
        return "none"
    return "bubblewrap"


@functools.lru_cache(maxsize=1)
def _isolated_sys_path() -> tuple[str, ...]:
    """``sys.path`` of ``python -I`` (as the worker starts): stdlib, site-packages, .pth."""
    code = "import json, sys; print(json.dumps(sys.path))"
    try:
        done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True,
                              timeout=60, check=True, cwd="/", env={})
        return tuple(json.loads(done.stdout))
    except (OSError, ValueError, subprocess.SubprocessError):  # pragma: no cover
        return tuple(p for p in sys.path if p and p != os.getcwd())


def python_binds() -> list[str]:
    """The directories of this Python environment that a worker needs, read-only.

    The prefixes, the entries of ``sys.path`` that ``python -I`` has (so not the current
    directory, the script's directory or ``PYTHONPATH``), and medeval's own folder.
    """
    found: list[str] = []
    for entry in (sys.prefix, sys.base_prefix, sys.exec_prefix, *_isolated_sys_path()):
        if not entry or not os.path.isabs(entry):
            continue
        path = os.path.realpath(entry)
        if path != "/" and os.path.isdir(path):
            found.append(path)
    medeval_root = str(Path(__file__).resolve().parents[2])
    found.append(medeval_root)
    return _outermost(found)


def _outermost(paths: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return sorted(kept)


def check_exposure(binds: Iterable[str], protected: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse when a directory bound into the sandbox holds a protected path.

    Parameters
    ----------
    binds : iterable of str
        Host paths to be visible inside the sandbox.
    protected : iterable of path
        The references, the manifest, the data root, the run directory.

    Raises
    ------
    RunnerError
        Naming the bound directory and what it would expose.

    Examples
    --------
    >>> check_exposure(["/opt/algo"], ["/data/refs/c1.nii.gz"])
    >>> check_exposure(["/data"], ["/data/refs/c1.nii.gz"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.RunnerError: the sandbox would expose /data/refs/c1.nii.gz: it lies ...
    """
    roots = [os.path.realpath(b).rstrip("/") or "/" for b in binds]
    for item in protected:
        path = os.path.realpath(item)
        for root in roots:
            if path == root or path.startswith(root + "/") or root == "/":
                raise RunnerError(
                    f"the sandbox would expose {path}: it lies inside {root}, which the "
                    "algorithm needs to see (its own files or the Python environment); "
                    "keep the held-out set, the manifest and the run directory outside "
                    "the algorithm's and Python's directories"
                )


def scrubbed_env(extra: Mapping[str, str] = ()) -> dict[str, str]:  # type: ignore[assignment]
    """The algorithm's environment: the allow-list, a fixed PATH and HOME, Python's hash
    seed fixed (``PYTHONHASHSEED=0``: a set of strings iterates in one order on every
    run), and ``extra``."""
    env = {k: os.environ[k] for k in ENV_ALLOW_LIST if k in os.environ}
    bindir = os.path.join(sys.prefix, "bin")
    env.update({"PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp",
                "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
    env.setdefault("LANG", DEFAULT_LANG)
    env.update(dict(extra))
    return env


def _hide_shipped_answers() -> list[str]:
    """Mounts that hide the reference data medeval itself ships (its demo sets).

    The Python environment is visible to the algorithm, and medeval's package holds the
    demo's references (``demo/*.csv``, the ECG record's ``.atr`` …). Each data file is
    covered by ``/dev/null`` and each data folder by an empty tmpfs; the example
    algorithms (``demo/algorithms``) stay visible.
    """
    demo = Path(__file__).resolve().parents[1] / "demo"
    if not demo.is_dir():
        return []
    args: list[str] = []
    for entry in sorted(demo.iterdir()):
        if entry.name in ("algorithms", "__pycache__") or entry.suffix == ".py":
            continue
        if entry.is_dir():
            args += ["--tmpfs", os.fspath(entry)]
        elif entry.is_file():
            args += ["--ro-bind", "/dev/null", os.fspath(entry)]
    return args


#: The in-memory file systems the algorithm may write, each of bounded size and counted
#: against the memory limit; every other folder of the sandbox is read-only.
_WRITABLE = ("/tmp", "/dev/shm", OUTPUT_DIR)


def _read_only_after_mounts(args: Sequence[str]) -> list[str]:
    """Remount the sandbox's root, ``/dev`` and every other in-memory folder read-only.

    bubblewrap builds the sandbox on an in-memory root of its own, where it makes the
    folders that mounts land in (``/work``, ``/root``, ``/etc``...), and ``--tmpfs`` and
    ``--dev`` make more (the folders hiding medeval's demo answers, the GPU's
    ``/proc/driver/nvidia``). All of them were writable by the algorithm, of no set size
    and outside the memory limit's ``watch``: a case wrote 600 MB into ``/work`` under a
    300 MB limit and was done. Only ``/tmp``, ``/dev/shm`` and ``/output`` stay writable.
    Mounts inside those folders (the input, device nodes) are mounts of their own and keep
    their modes; a device node stays writable on a read-only folder.
    """
    folders = [args[n + 1] for n, option in enumerate(args[:-1])
               if option in ("--tmpfs", "--dev") and args[n + 1] not in _WRITABLE]
    remounts: list[str] = []
    for folder in sorted(set(folders), key=lambda f: -f.count("/")):
        remounts += ["--remount-ro", folder]
    return [*remounts, "--remount-ro", "/"]


def sandbox_argv(
    argv: Sequence[str],
    *,
    input_dir: str | os.PathLike[str] | None,
    binds: Sequence[str],
    env: Mapping[str, str] | None = None,
    output_bytes: int = 64 << 20,
    tmp_bytes: int | None = 1 << 30,
    devices: Sequence[str] = (),
) -> list[str]:
    """The bubblewrap command line that runs ``argv`` in the sandbox described above.

    ``devices`` are bubblewrap arguments placed after ``/proc`` and ``/dev`` are made:
    the worker's GPUs (:func:`medeval.runner.gpus.gpu_binds`); none by default, so no
    device of the host is shown unless a worker is given one.

    ``/output`` is an in-memory file system of at most ``output_bytes``; ``/tmp`` and
    ``/dev/shm`` are two of at most ``tmp_bytes`` each (None: the kernel's default, half
    the machine's memory): nothing the algorithm writes reaches the host's disks.
    """
    tmp_size = [] if tmp_bytes is None else ["--size", str(tmp_bytes)]
    args = ["bwrap", "--unshare-all", "--uid", _NOBODY, "--gid", _NOBODY,
            "--die-with-parent", "--cap-drop", "ALL", "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr"]
    for link in _TOP_LINKS:
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    for item in _ETC:
        if os.path.exists(item):
            args += ["--ro-bind", item, item]
    args += ["--proc", "/proc", "--dev", "/dev", *tmp_size, "--tmpfs", "/tmp",
             *tmp_size, "--tmpfs", "/dev/shm"]
    args += list(devices)
    for path in _outermost(binds):
        args += ["--ro-bind", path, path]
    args += _hide_shipped_answers()
    if input_dir is not None:
        args += ["--ro-bind", os.fspath(input_dir), INPUT_DIR]
    args += ["--size", str(output_bytes), "--tmpfs", OUTPUT_DIR]
    args += _read_only_after_mounts(args)
    args += ["--chdir", "/tmp", "--clearenv"]
    for key, value in sorted((env or {}).items()):
        args += ["--setenv", key, value]
    return [*args, "--", *argv]


#: What an algorithm reaching for the network says in the sandbox, which has none (its
#: own loopback only): the resolver's "Temporary failure in name resolution" (EAI_AGAIN,
#: errno -3: urllib, requests, torch.hub, huggingface_hub) and "Name or service not
#: known" (-2), and the kernel's "Network is unreachable" (ENETUNREACH, errno 101).
_WANTS_NETWORK = re.compile(r"Temporary failure in name resolution|Name or service not "
                            r"known|Network is unreachable|\[Errno (?:-3|-2|101)\]")


def no_network_hint(text: str) -> str:
    """Advice for a failure whose message is a refused network access, in the sandbox.

    A model that downloads its weights at ``setup()`` (``torch.hub``, Hugging Face,
    timm's ``pretrained=True``) fails there with a name-resolution error that reads like
    a fault of the laboratory's host.

    Examples
    --------
    >>> no_network_hint("URLError: <urlopen error [Errno -3] Temporary failure in name "
    ...                 "resolution>")[:37]
    'it reaches for the network, which the'
    >>> no_network_hint("ValueError: bad shape")
    ''
    """
    if not _WANTS_NETWORK.search(text):
        return ""
    return ("it reaches for the network, which the sandbox does not have (a download at "
            "setup: torch.hub, Hugging Face, pretrained weights): ship every file it needs "
            "beside the plugin or the command (that folder is shown, read-only) and load "
            "it from there")


#: What an algorithm writing where the sandbox is read-only meets: the kernel's EROFS
#: (errno 30), as Python (``OSError: [Errno 30] Read-only file system``), the C library
#: and the shell (``sh: 1: cannot create /etc/x: Read-only file system``) word it.
_READ_ONLY = re.compile(r"Read-only file system|\[Errno 30\]")


def read_only_hint(text: str) -> str:
    """Advice for a failure whose message is a write refused as read-only, in the sandbox.

    Only ``/output``, ``/tmp`` and ``/dev/shm`` are writable there (every other folder,
    the algorithm's own included, is read-only): a model that writes a cache beside its
    weights, or into a folder of its own choosing (``/etc``, ``/work``), fails with
    ``Read-only file system``, which says nothing of where it may write.

    Examples
    --------
    >>> read_only_hint("OSError: [Errno 30] Read-only file system: '/etc/cache'")[:38]
    'it writes where the sandbox is read-on'
    >>> read_only_hint("ValueError: bad shape")
    ''
    """
    if not _READ_ONLY.search(text):
        return ""
    return ("it writes where the sandbox is read-only: only /output (the prediction), /tmp "
            "(the working directory, $HOME and $TMPDIR, where ~/.cache goes) and /dev/shm "
            "are writable, each in memory and counted against the memory limit; the "
            "algorithm's own folder is read-only: write caches and scratch files to /tmp")


_NO_MODULE = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")


def _plugin_file_name(stem: str) -> str:
    """A file name for a plugin now named ``stem``.py that is a module name of its own.

    >>> [_plugin_file_name(stem) for stem in ("my-model", "json", "class", "3d net")]
    ['my_model.py', 'json_model.py', 'class_model.py', 'model_3d_net.py']
    """
    name = re.sub(r"\W", "_", stem)
    name = name if name.isidentifier() else f"model_{name}"
    if name == stem or keyword.iskeyword(name) or name in sys.stdlib_module_names:
        name += "_model"  # a module name already, and yet not loaded under it: taken
    return f"{name}.py"


def missing_module_hint(text: str) -> str:
    """Advice for an algorithm that imports a module its sandbox does not have.

    The sandbox shows the Python environment the runner runs in and nothing else: a
    package installed elsewhere (another virtual environment, a user's ``~/.local``) or
    not at all cannot be imported there. Whether the runner's own process finds the top
    level of the module tells the two apart (only its location is looked up, nothing of
    it is imported).

    Examples
    --------
    >>> missing_module_hint("ModuleNotFoundError: No module named 'no_such_pkg.nn'")[:54]
    "it imports 'no_such_pkg', which the Python environment"
    >>> missing_module_hint("ValueError: bad shape")
    ''
    >>> missing_module_hint("ModuleNotFoundError: No module named 'medeval_plugin_my-model'")[:42]
    'a process it started with spawn (a multipr'
    >>> missing_module_hint("ModuleNotFoundError: No module named 'medeval_plugin_json'")[-35:]
    'rename the file, e.g. json_model.py'

    A package the environment holds but without the module named (``numpy.no_such``, an
    old ``sklearn.externals.joblib``, a pickled model of another version's classes) is
    said to be installed: another version is wanted, not an installation.
    """
    found = _NO_MODULE.search(text)
    if found is None:
        return ""
    name = found.group(1)
    top = name.partition(".")[0]
    if top.startswith("medeval_plugin_"):  # the private name of a file plugin, imported
        return (f"a process it started with spawn (a multiprocessing pool, a DataLoader's "
                f"workers) imports the plugin's module again, under the name {top!r} it "
                f"was loaded with; a plugin file is loaded under its own name, which such "
                f"a process can import, only where that name is a module name (letters, "
                f"digits, _) that no module imported before it holds (not json.py, not "
                f"medeval.py): rename the file, e.g. "
                f"{_plugin_file_name(top[len('medeval_plugin_'):])}")
    try:
        here = importlib.util.find_spec(top) if top.isidentifier() else None
    except (ImportError, ValueError):
        here = None
    origin = here.origin if here is not None and here.origin else ""
    shown = origin and any(os.path.realpath(origin).startswith(bound.rstrip("/") + "/")
                           for bound in python_binds())
    if shown and name != top:
        return (f"it imports {name!r}, which the {top!r} installed in the Python environment "
                f"the runner runs in ({os.path.dirname(origin)}) does not hold: the plugin, "
                f"or a file it loads (a pickled model), expects another version of {top!r} "
                "(or misspells the module); install the version it needs there (the run "
                "records every installed package)")
    where = (f", though the runner's own process finds it at {origin}: that lies outside "
             "the environment the sandbox shows" if origin and not shown else "")
    return (f"it imports {top!r}, which the Python environment the runner runs in "
            f"({sys.prefix}) does not have{where}; the sandbox shows that environment only: "
            "install the package there (the run records every installed package), or ship "
            "the module beside the plugin")
