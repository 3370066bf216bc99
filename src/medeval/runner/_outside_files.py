"""Advice for an algorithm that opens a file of the host the sandbox does not show.

A plugin loading its weights from an absolute path of the company's machine
(``/home/acme/models/model.onnx``, ``/tmp/weights.pt``) fails in the sandbox with the
loader's "No such file or directory" or onnxruntime's "File doesn't exist", which reads
as if the file were missing: it is there, outside the folders the sandbox shows. The
runner's own process sees the host, so a path the failure names that exists here is
such a file. The advice goes to the runner's operator (a ``note:`` line, the message
that stops the run), never back to the algorithm.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

__all__ = ["outside_file_hint"]

#: A path a failure names as missing: Python's ``FileNotFoundError`` (``[Errno 2] No
#: such file or directory: '/x'``, as torch.load, open and PIL raise it) and
#: onnxruntime's ``Load model from /x failed``.
_MISSING = re.compile(r"No such file or directory: '(/[^'\n]+)'|Load model from (/\S+) failed")

#: The same, naming the file by a relative path (``np.load("weights.npy")``).
_MISSING_RELATIVE = re.compile(r"No such file or directory: '([^/'\n][^'\n]*)'"
                               r"|Load model from ([^/\s]\S*) failed")

#: Folders of the sandbox's own, whose paths on the host name other files.
_SANDBOX_OWN = ("/input", "/output", "/proc", "/dev")


def _link_on_the_way(path: str) -> str | None:
    """The last symbolic link among the components of ``path`` (the file itself, or a
    folder above it: ``weights/ -> /data/store`` for ``.../weights/model.pt``), or None."""
    parts = os.path.normpath(path).split(os.sep)
    found = None
    for end in range(2, len(parts) + 1):
        here = os.sep.join(parts[:end])
        if os.path.islink(here):
            found = here
    return found


def _below(link: str, folders: list[str]) -> bool:
    """Whether ``link`` lies in one of ``folders`` (each taken with its links resolved)."""
    place = os.path.join(os.path.realpath(os.path.dirname(link)), os.path.basename(link))
    return any(place.startswith(os.path.realpath(folder).rstrip("/") + "/")
               for folder in folders)


def outside_file_hint(text: str, shown: Iterable[str | os.PathLike[str]] | None = None
                      ) -> str:
    """Advice for a failure that names, as missing, a file that exists on this host.

    A path that reaches the file through a symbolic link (the file's own, or a folder's
    above it) names the link and its target. Where ``shown`` (the folders the sandbox
    shows of the algorithm) holds the link, nothing is said: the advice on links out of
    those folders (:mod:`._links`) names it.

    Examples
    --------
    >>> outside_file_hint("FileNotFoundError: [Errno 2] No such file or directory: "
    ...                   "'/etc/hostname'")[:46]
    'it opens /etc/hostname, a file of this host th'
    >>> outside_file_hint("FileNotFoundError: [Errno 2] No such file or directory: "
    ...                   "'/no/such/file'")
    ''
    """
    folders = [] if shown is None else [str(folder) for folder in shown]
    for found in _MISSING.finditer(text):
        path = found.group(1) or found.group(2)
        if any(path == own or path.startswith(own + "/") for own in _SANDBOX_OWN):
            continue
        link = _link_on_the_way(path)
        if link is not None and _below(link, folders):
            continue  # the hint of links to outside the algorithm's folders says it
        if os.path.exists(path):
            through = ("" if link is None else
                       f": its path goes through the symbolic link {link} to "
                       f"{os.path.realpath(link)}, whose target the sandbox does not show")
            return (f"it opens {path}, a file of this host that the sandbox does not show"
                    f"{through} (it shows the plugin's or command's own folder, read-only, "
                    "the Python environment, the system's folders and the case's /input): "
                    "copy the file beside the plugin and load it from there "
                    "(Path(__file__).with_name(...)), or name it on the command's line")
    return _relative_hint(text, folders)


def _relative_hint(text: str, folders: list[str]) -> str:
    """Advice for a failure naming as missing, by a relative path, a file that lies in
    one of the algorithm's own ``folders``: a relative path is read from the sandbox's
    working folder, ``/tmp``, not from the plugin's folder (where ``python3 -c`` in that
    folder, the company's own test, found it).

    >>> _relative_hint("FileNotFoundError: [Errno 2] No such file or directory: 'passwd'",
    ...                ["/etc"])[:59]
    "it opens 'passwd' by a relative path, which the sandbox rea"
    >>> _relative_hint("No such file or directory: 'no-such.npy'", ["/etc"])
    ''
    """
    for found in _MISSING_RELATIVE.finditer(text):
        path = found.group(1) or found.group(2)
        for folder in folders:
            beside = os.path.join(folder, path)
            if os.path.isfile(beside):
                name = os.path.basename(path)
                return (f"it opens {path!r} by a relative path, which the sandbox reads "
                        f"from its working folder /tmp, not from the algorithm's folder, "
                        f"which holds {beside}: load it by its place beside the plugin "
                        f"(Path(__file__).with_name({name!r}), or Path(__file__).parent / "
                        f"{path!r})")
    return ""
