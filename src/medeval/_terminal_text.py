"""User text as the command line prints it: characters a terminal would act on shown
as their escapes.

A case id, a subgroup value, a class name, a customer, a file name or an algorithm's
exception text reaches the terminal as the data wrote it. Some characters in it are not
drawn but obeyed: ESC starts a control sequence (``ESC[2J`` clears the screen), a carriage
return goes back to the line's start, U+202E (right-to-left override) draws the rest of
the line reversed, U+200B (zero-width space) is not drawn at all, so that two names look
alike. Messages already quote such names with ``repr`` (``'WDBC\\u202e1'``); text printed
unquoted (a table's cells, a subgroup value in a warning, a line of the registry) is shown
with the same escapes, and text a terminal draws as it is (Korean included) is unchanged.
The result JSON and the certificate keep what the data wrote: only the terminal's copy
is escaped.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import TextIO

__all__ = ["ShownText", "on_terminal", "say"]


def on_terminal(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with each character that a terminal would not draw as written shown as
    ``repr`` shows it: control characters (C0, DEL, C1: ``\\x1b``, ``\\r``, ``\\t``,
    ``\\x9b``), format characters (bidirectional overrides and isolates, zero-width
    characters, ``\\u202e``, ``\\u2066``, ``\\u200b``, ``\\ufeff``), line and paragraph
    separators (``\\u2028``), surrogates, private-use and unassigned code points. Spaces
    (U+0020, and the no-break and ideographic spaces) stay; a line break stays where
    ``keep_lines`` (a message of several lines), else it is ``\\n`` too.

    >>> on_terminal("site=A\\x1b[2J"), on_terminal("서울\\u202eAB\\u200b")
    ('site=A\\\\x1b[2J', '서울\\\\u202eAB\\\\u200b')
    >>> on_terminal("정상 NORM\\n"), on_terminal("a\\nb", keep_lines=True)
    ('정상 NORM\\\\n', 'a\\nb')
    """
    if text.isprintable():  # the common case: nothing to look at twice
        return text
    return "".join(c if c.isprintable() or unicodedata.category(c) == "Zs"
                   or (keep_lines and c == "\n") else repr(c)[1:-1] for c in text)


class ShownText:
    """A text stream whose writes are :func:`on_terminal` (lines kept): the standard
    output that the commands' handlers write to."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(on_terminal(text, keep_lines=True))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def say(text: str) -> None:
    """Print ``text``, a note, warning or error of a command, on stderr as the terminal
    shows it (:func:`on_terminal`, lines kept)."""
    print(on_terminal(text, keep_lines=True), file=sys.stderr)
