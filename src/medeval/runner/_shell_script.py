"""The script a shell is given with ``-c`` (``sh -c 'python3 /opt/algo/predict.py'``), read
for the files it names.

A command algorithm is identified by the files its command line names, and their folders
are shown in the sandbox (:func:`medeval.runner.algorithm.resolve_algorithm`). A shell's
``-c`` script is one argument, no path, so what it ran (``/opt/algo/predict.py`` and its
weights) was neither hashed nor shown: only ``/bin/sh`` identified the algorithm.
:func:`shell_script` finds that argument and :func:`script_words` splits it as a shell
would (operators apart, quotes removed), for the runner to take each word that names a
file or folder as it takes the command's own arguments. A path the script builds
(``$HOME/algo``, ``$(dirname "$0")``) cannot be seen so: write such steps in a script
file and run that (``sh run.sh``: its folder is hashed).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import PurePosixPath

__all__ = ["SHELLS", "script_words", "shell_script"]

#: Programs that run the script given after ``-c``.
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash"})

_VALUED = frozenset({"-o", "+o", "-O", "+O"})  # a shell's options that take the next word


def shell_script(argv: Sequence[str]) -> int | None:
    """The index in ``argv`` of the script a shell runs with ``-c`` (the first word after
    its options, one of which holds ``c``: ``-c``, ``-ec``), or None where ``argv`` runs
    no shell so.

    >>> shell_script(["sh", "-c", "python3 /opt/a/p.py", "x"])
    2
    >>> shell_script(["/bin/bash", "-e", "-o", "pipefail", "-c", "make"])
    5
    >>> shell_script(["sh", "run.sh"]) is None, shell_script(["python3", "-c", "1"]) is None
    (True, True)
    """
    if not argv or PurePosixPath(argv[0]).name not in SHELLS:
        return None
    told = False
    index = 1
    while index < len(argv):
        word = argv[index]
        if word == "--":
            index += 1
            break
        if word in ("-", "+") or not word.startswith(("-", "+")):
            break
        if word in _VALUED:
            index += 1
        elif not word.startswith("--") and "c" in word[1:]:
            told = True
        index += 1
    return index if told and index < len(argv) else None


def script_words(script: str) -> list[str]:
    """The words of a shell script as a shell splits them (quotes removed; ``&&``, ``|``,
    ``;`` and ``<`` words of their own), with the value of an assignment (``W=/a/w.bin``)
    as a word too; [] where it cannot be split (a quote left open: the shell refuses it).
    The target of an output redirection (``> /tmp/log.txt``) is left out, with its
    operator: the script writes it, it is no part of the algorithm.

    >>> script_words("cd /opt/a && python3 p.py --w='/opt/w x.bin' < in 2> /tmp/log")
    ['cd', '/opt/a', '&&', 'python3', 'p.py', '--w=/opt/w x.bin', '<', 'in', '2']
    >>> script_words("W=/opt/w.bin python3 p.py")
    ['W=/opt/w.bin', '/opt/w.bin', 'python3', 'p.py']
    """
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:
        return []
    out: list[str] = []
    target = False
    for word in words:
        if target or (">" in word and not word.strip("<>&|")):
            target = not target  # the operator, then its target
            continue
        out.append(word)
        assigned = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=(.+)", word)
        if assigned:
            out.append(assigned.group(1))
    return out
