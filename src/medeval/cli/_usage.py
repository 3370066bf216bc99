"""The command line's own error: a command line that cannot be carried out as given."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import MedevalError

__all__ = ["UsageError", "file_or_stdout_to_write", "file_to_write", "names_a_folder",
           "refuse_writing_over_inputs", "result_inputs"]

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


def result_inputs(result: Path) -> list[tuple[str, Path | None]]:
    """A result and the files beside it that its verification reads, named."""
    from ..result import cases_path, digest_path

    return [("the result", result), ("the result's .sha256 file", digest_path(result)),
            ("the result's per-case CSV", cases_path(result))]


def _same_file(one: Path, other: Path) -> bool:
    if one.resolve() == other.resolve():
        return True
    try:
        return one.exists() and other.exists() and one.samefile(other)
    except OSError:
        return False


def refuse_writing_over_inputs(command: str, written: Sequence[tuple[str, Path | None]],
                               read: Sequence[tuple[str, Path | None]]) -> None:
    """Refuse, before anything is written or issued, an output file that is one of the
    command's inputs: ``registry issue result.json --render result.json`` replaced the
    result with its certificate (and ``--out result.cases.csv`` its per-case CSV, which
    its .sha256 then no longer matched)."""
    for flag, target in written:
        if target is None:
            continue
        for what, source in read:
            if source is not None and _same_file(target, source):
                raise UsageError(f"{command}: {flag} {target} is {what}, which it would "
                                 "replace: give the output a name of its own; nothing was "
                                 "written")
