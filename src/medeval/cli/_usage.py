"""The command line's own error: a command line that cannot be carried out as given."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import MedevalError

__all__ = ["UsageError", "file_to_write", "names_a_folder"]


class UsageError(MedevalError, ValueError):
    """A command line that cannot be carried out as given."""


def names_a_folder(text: str) -> bool:
    """Whether a path as typed ends in a separator (``out/``): a folder's name, which
    ``Path`` forgets (``Path("out/") == Path("out")``)."""
    return text.endswith(("/", os.sep))


def file_to_write(text: str) -> Path:
    """The ``type`` of an option naming a file that a command writes (``--out CERT.pdf``):
    refused when written as a folder (``--out certs/``), which would otherwise be written
    as a file named ``certs``."""
    if names_a_folder(text):
        raise argparse.ArgumentTypeError(
            f"{text}: ends in '/', a folder's name; give the file's name")
    return Path(text)
