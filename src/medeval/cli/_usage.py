"""The command line's own error: a command line that cannot be carried out as given."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import MedevalError

__all__ = ["UsageError", "file_or_stdout_to_write", "file_to_write", "names_a_folder"]

_SEPARATORS = tuple(sorted({"/", os.sep, *([os.altsep] if os.altsep else [])}))


class UsageError(MedevalError, ValueError):
    """A command line that cannot be carried out as given."""


def names_a_folder(text: str) -> bool:
    """Whether a path as typed names a folder: it ends in a separator (``out/``, on
    Windows also ``out\\``) or in ``.`` or ``..`` (``out/.``), which ``Path`` forgets
    (``Path("out/") == Path("out/.") == Path("out")``)."""
    return text.endswith(_SEPARATORS) or os.path.basename(text) in (".", "..")


def _ending(text: str) -> str:
    """What makes ``text`` a folder's name, as typed: its last separator, or its last
    ``.``/``..``."""
    return text[-1] if text.endswith(_SEPARATORS) else os.path.basename(text)


def file_to_write(text: str) -> Path:
    """The ``type`` of an option naming a file that a command writes (``--out CERT.pdf``):
    refused when written as a folder (``--out certs/``), which would otherwise be written
    as a file named ``certs``, or empty (``--out ""``, the current folder to ``Path``)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty name; give the file's name")
    if names_a_folder(text):
        raise argparse.ArgumentTypeError(
            f"{text}: ends in '{_ending(text)}', a folder's name; give the file's name")
    return Path(text)


def file_or_stdout_to_write(text: str) -> str | Path:
    """:func:`file_to_write`, or ``-`` for standard output."""
    return text if text == "-" else file_to_write(text)
