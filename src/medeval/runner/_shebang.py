"""What stops a command's script from starting: the interpreter its ``#!`` line names.

A script whose ``#!`` line names no runnable interpreter fails at ``exec`` with ``ENOENT``,
which Python reports as ``FileNotFoundError`` naming the *script*, a file that exists: a
script saved with Windows line endings (``#!/bin/sh\\r``: there is no ``sh\\r``), an
interpreter of another machine (``#!/opt/conda/bin/python``), ``#!/usr/bin/env python9``
with no ``python9`` on ``PATH``. :func:`shebang_problem` says which, before the run (on
the host) and when a case fails so (in the sandbox, which shows fewer folders).
"""

from __future__ import annotations

import os
import shutil

__all__ = ["shebang_problem"]


def shebang_problem(program: str, *, sandboxed: bool = False) -> str | None:
    """Why the ``#!`` line of ``program`` names no interpreter that can run; None when it
    does, or when ``program`` is no script (a binary) or cannot be read.

    Parameters
    ----------
    program : str
        The path of the command's program.
    sandboxed : bool
        Whether this runs in the sandbox: an interpreter missing there is one that the
        sandbox does not show.
    """
    try:
        with open(program, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    line = head.split(b"\n", 1)[0]
    if line.endswith(b"\r"):
        return (f"its first line, {line.decode(errors='replace')!r}, ends with a carriage "
                "return (the file has Windows line endings), so the system looks for an "
                "interpreter whose name ends with '\\r'; save it with Unix line endings "
                "(dos2unix)")
    words = line[2:].decode(errors="replace").split()
    if not words:
        return "its first line, '#!', names no interpreter"
    interpreter = words[0]
    if not (os.path.isfile(interpreter) and os.access(interpreter, os.X_OK)):
        where = (f"the sandbox does not show: run {interpreter} "
                 f"{os.path.basename(program)} as the command" if sandboxed
                 else "does not exist on this host")
        return f"its first line names the interpreter {interpreter}, which {where}"
    if os.path.basename(interpreter) == "env" and len(words) > 1 \
            and not words[1].startswith("-") and "=" not in words[1] \
            and shutil.which(words[1]) is None:
        return (f"its first line runs {words[1]!r} through {interpreter}, and no "
                f"{words[1]!r} is on PATH{' in the sandbox' if sandboxed else ''}")
    return None
