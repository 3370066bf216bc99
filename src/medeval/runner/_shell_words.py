"""Which words of a command line were quoted or escaped, as ``shlex.split`` reads it.

A command algorithm's line is split with :func:`shlex.split` (POSIX rules, no comments)
and run as a program with its arguments. ``shlex.split`` drops the quotes, so ``'|'`` and
``|`` come out as the same word; a shell runs the first as an argument and the second as
a pipe. :func:`quoted_words` tells them apart, so that only a bare ``|``, ``;`` or
``> log.txt`` is taken for shell syntax.
"""

from __future__ import annotations

__all__ = ["quoted_words"]

_BLANK = " \t\r\n"  # shlex's whitespace


def quoted_words(command: str) -> list[bool]:
    """For each word ``shlex.split(command)`` gives, whether any of it was quoted
    (``'...'``, ``"..."``) or escaped (``\\x``), which makes it a plain argument to a
    shell too.

    >>> quoted_words("python3 p.py --sep ';' --where \\\\>0.5 > log")
    [False, False, False, True, False, True, False, False]
    >>> quoted_words('p --x="a b" \\'\\' y')
    [False, True, True, False]
    """
    flags: list[bool] = []
    in_word = quoted = False
    state: str | None = None  # the open quote
    skip = False
    for char in command:
        if skip:  # the character after a backslash
            skip = False
        elif state is not None:
            if char == state:
                state = None
            elif char == "\\" and state == '"':
                skip = True
        elif char in _BLANK:
            if in_word:
                flags.append(quoted)
            in_word = quoted = False
        elif char in "'\"":
            state, in_word, quoted = char, True, True
        elif char == "\\":
            skip, in_word, quoted = True, True, True
        else:
            in_word = True
    if in_word:
        flags.append(quoted)
    return flags
