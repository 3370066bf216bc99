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

__all__ = ["outside_file_hint"]

#: A path a failure names as missing: Python's ``FileNotFoundError`` (``[Errno 2] No
#: such file or directory: '/x'``, as torch.load, open and PIL raise it) and
#: onnxruntime's ``Load model from /x failed``.
_MISSING = re.compile(r"No such file or directory: '(/[^'\n]+)'|Load model from (/\S+) failed")

#: Folders of the sandbox's own, whose paths on the host name other files.
_SANDBOX_OWN = ("/input", "/output", "/proc", "/dev")


def outside_file_hint(text: str) -> str:
    """Advice for a failure that names, as missing, a file that exists on this host.

    Examples
    --------
    >>> outside_file_hint("FileNotFoundError: [Errno 2] No such file or directory: "
    ...                   "'/etc/hostname'")[:46]
    'it opens /etc/hostname, a file of this host th'
    >>> outside_file_hint("FileNotFoundError: [Errno 2] No such file or directory: "
    ...                   "'/no/such/file'")
    ''
    """
    for found in _MISSING.finditer(text):
        path = found.group(1) or found.group(2)
        if any(path == own or path.startswith(own + "/") for own in _SANDBOX_OWN):
            continue
        if os.path.islink(path):
            continue  # a link: the hint of links to outside the folder says it (_links)
        if os.path.exists(path):
            return (f"it opens {path}, a file of this host that the sandbox does not show "
                    "(it shows the plugin's or command's own folder, read-only, the Python "
                    "environment, the system's folders and the case's /input): copy the file "
                    "beside the plugin and load it from there "
                    "(Path(__file__).with_name(...)), or name it on the command's line")
    return ""
