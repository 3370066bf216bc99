"""Reading a CSV whose rows may be wider than its header.

When every data row has one field more than the header, ``pandas.read_csv`` takes the
first column for an unnamed index and shifts every value one column to the left of its
name: a reader's name becomes the index, the treatment is read as the reader, the case as
the treatment, the rating as the case, and the rating is empty. That happens to a
treatment name holding an unquoted comma (``AI 보조 (v2.1, 임계값 없음)``) and to a row
written with a trailing comma. :func:`read_csv_rows` reads with ``index_col=False`` and
refuses a row wider than the header, naming its line, unless its extra fields are all
empty (a trailing comma loses nothing). :func:`data_lines` gives the line of the file
each row pandas returns starts on, for messages: pandas skips blank lines (and lines of
spaces only), so "row index + 2" names the wrong line after one.
:func:`repeated_columns` names a column the header holds twice, which pandas reads as two
(``score`` and ``score.1``), so that the second was never read and nothing said so.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import tarfile
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["archive", "damaged", "data_lines", "decompressed", "read_csv_rows", "repeated_columns",
           "text_of", "wide_row"]


def wide_row(path: Path, *, separator: str = ",") -> str | None:
    """The first row with more non-empty fields than the header, described for a
    message, or None."""
    with text_of(path) as handle:
        reader = csv.reader(handle, delimiter=separator)
        header: list[str] | None = None
        start = 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue
            if header is None:
                header = row
                continue
            extra = row[len(header):]
            if any(field.strip() for field in extra):
                shown = ", ".join(repr(field) for field in row)
                return (f"line {line} has {len(row)} fields, the header {len(header)} "
                        f"({shown}): a value holding {_NAMES.get(separator, repr(separator))}"
                        ' must be in double quotes ("...")')
    return None


#: the separators' names in :func:`wide_row`'s message
_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab"}


def repeated_columns(path: Path, separator: str = ",") -> str | None:
    r"""The header's column names written more than once, described for a message, or
    None. pandas renames the second ``score`` to ``score.1`` and reads the first only:
    a table exported with a column pasted twice (two models' scores under one name) was
    evaluated on the first, unsaid. Empty names (trailing separators) are not counted.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.csv").write_text("case_id,score,note,score,,\nc1,0.2,x,0.9,,\n")
    >>> repeated_columns(folder / "t.csv")[:60]
    "its header names column 'score' twice (columns 2 and 4): pan"
    """
    try:
        with text_of(path) as handle:  # the header line only, not the whole file
            header = next(csv.reader(handle, delimiter=separator), [])
    except (OSError, EOFError, UnicodeDecodeError, csv.Error, zlib.error, lzma.LZMAError):
        return None  # pandas' own reading says what is wrong
    places: dict[str, list[int]] = {}
    for k, name in enumerate(header, start=1):
        if name.strip():
            places.setdefault(name, []).append(k)
    twice = [(name, found) for name, found in places.items() if len(found) > 1]
    if not twice:
        return None
    shown = "; ".join(
        f"{name!r} {'twice' if len(found) == 2 else f'{len(found)} times'} (columns "
        f"{', '.join(map(str, found[:-1]))} and {found[-1]})" for name, found in twice)
    # pandas' names for the second and later ones: score.1, score.2, ...
    renamed = ", ".join(repr(f"{name}.{k}") for name, found in twice
                        for k in range(1, len(found)))
    others = "other" if len(twice) == 1 and len(twice[0][1]) == 2 else "others"
    return (f"its header names column {shown}: pandas reads the first "
            f"{'of each ' if len(twice) > 1 else ''}only and renames the {others} "
            f"{renamed}; keep one column of each name")


def read_csv_rows(path: Path, **kwargs: Any) -> pd.DataFrame:
    """``pandas.read_csv(path, index_col=False, **kwargs)``.

    Raises
    ------
    ValueError
        A row has more non-empty fields than the header (the message names its line);
        the header names a column twice (:func:`repeated_columns`); a ``.gz``, ``.bz2``
        or ``.xz`` file is cut short or damaged (:func:`damaged`); pandas cannot open
        a compressed file without a package that is not installed (a ``.zst`` without
        zstandard).
    """
    try:
        return _read_rows(path, **kwargs)
    except ImportError as exc:  # pandas' optional package for a .zst (zstandard) file
        raise ValueError(f"pandas cannot decompress it ({exc}): decompress it and give "
                         "the CSV inside") from None
    except (EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
        problem = damaged(path, exc)
        if problem is None:
            raise
        raise ValueError(problem) from None


def damaged(path: Path, exc: BaseException) -> str | None:
    """What is wrong with a compressed file whose decompression raised ``exc``, for a
    message, or None when ``path`` is no ``.gz``, ``.bz2`` or ``.xz`` file or ``exc`` is
    no fault of its data (a missing file, a folder, no permission).

    >>> damaged(Path("m.csv.gz"), EOFError("Compressed file ended before the end-of-stream"
    ...                                    " marker was reached"))[:48]
    'it does not decompress as the gzip file its name'
    """
    kind = _KINDS.get(Path(path).suffix.lower())
    if kind is None or isinstance(exc, (FileNotFoundError, IsADirectoryError,
                                        PermissionError)):
        return None
    return (f"it does not decompress as the {kind} file its name says ({exc}): cut short "
            "in a copy or a download, damaged, or not compressed: copy it again, or give the "
            "CSV uncompressed")


def archive(path: Path) -> str | None:
    """``"a ZIP archive"`` or ``"a TAR archive"`` where pandas' ``read_csv`` would open
    ``path`` as one, by its name (``.zip``; ``.tar``, ``.tar.gz``, ``.tar.bz2``,
    ``.tar.xz``) and it is one; None otherwise. pandas reads an archive's one file as if
    it were the file given (and refuses several): the text read is not the file named,
    its hash not that of the text, its lines not the archive's, so every reader of a
    CSV here refuses an archive, saying to extract it.

    >>> archive(Path("readings.csv")) is None
    True
    """
    name = Path(path).name.lower()
    try:
        if name.endswith(".zip") and zipfile.is_zipfile(path):
            return "a ZIP archive"
        if name.endswith((".tar", ".tar.gz", ".tar.bz2", ".tar.xz")) and tarfile.is_tarfile(path):
            return "a TAR archive"
    except OSError:  # no such file, a folder: the reader says so
        return None
    return None


def _read_rows(path: Path, **kwargs: Any) -> pd.DataFrame:
    """:func:`read_csv_rows` of a file that decompresses."""
    twice = repeated_columns(path, str(kwargs.get("sep", ",")))
    if twice is not None:
        raise ValueError(twice)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(path, index_col=False, **kwargs)
    except (pd.errors.ParserWarning, pd.errors.ParserError) as exc:
        problem = wide_row(path)
        if problem is not None:
            raise ValueError(problem) from None
        if isinstance(exc, pd.errors.ParserError):
            raise
    # wider rows whose extra fields are all empty (trailing commas): nothing is lost
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        return pd.read_csv(path, index_col=False, **kwargs)


def data_lines(path: Path, n_rows: int, *, separator: str = ",") -> list[int]:
    """The line of ``path`` (the first is 1) on which each of the ``n_rows`` data rows
    that pandas read from it starts: after the header, skipping the blank lines and lines
    of spaces or tabs only that pandas skips, and counting the lines inside a quoted
    field. Where the count disagrees with ``n_rows`` (a file the two readers split
    otherwise), or the file cannot be split here (a field past the csv module's limit,
    a ``.zip`` or ``.zst`` file pandas read), row *i* is taken to be on line *i* + 2; a
    ``.gz``, ``.bz2`` or ``.xz`` file's lines are those of the text it holds.
    """
    plain = [i + 2 for i in range(n_rows)]
    try:
        data = decompressed(path)
        if b"\r" not in data and data.count(b"\n") + (not data.endswith(b"\n")) == n_rows + 1:
            return plain  # one line per row, the header's first: nothing to split
        lines: list[int] = []
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                            delimiter=separator)
        start, header = 1, False
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip(" \t")):
                continue  # pandas' skip_blank_lines
            if header:
                lines.append(line)
            header = True
    except (OSError, EOFError, UnicodeDecodeError, csv.Error, lzma.LZMAError):
        return plain  # pandas read it; a message's line is no reason to refuse it
    return lines if len(lines) == n_rows else plain


#: the compressions pandas' read_csv infers from a file name's ending, that the standard
#: library opens
_OPENERS: dict[str, Any] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
#: their names, for messages
_KINDS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}


def text_of(path: Path) -> io.TextIOWrapper:
    """The text of ``path`` as pandas reads it (decompressed, a byte order mark left out),
    for the csv module, read as it is used (a header is read without the rest)."""
    binary = _OPENERS.get(Path(path).suffix.lower(), open)(path, "rb")
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def decompressed(path: Path) -> bytes:
    """The bytes of ``path`` as pandas reads them: a ``.gz``, ``.bz2`` or ``.xz`` file
    decompressed (its lines are those of the text inside)."""
    with _OPENERS.get(Path(path).suffix.lower(), open)(path, "rb") as handle:
        data: bytes = handle.read()
    return data
