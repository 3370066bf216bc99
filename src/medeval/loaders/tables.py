"""Label and prediction tables (CSV, Parquet) keyed by a case id column."""

from __future__ import annotations

import json
import lzma
import re
import unicodedata
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._csv_width import (
    archive,
    damaged,
    data_lines,
    decompressed,
    repeated_columns,
    text_of,
    wide_row,
)
from .._hashing import sha256_file
from .._text_offsets import where_utf8_stops
from ..errors import TableError

__all__ = ["CaseTable", "join_cases", "read_table"]

_LIST_LIMIT = 1_000_000  # "name them all": every id is listed


@dataclass(frozen=True)
class CaseTable:
    """A table of cases indexed by case id (strings), with where it came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per case, indexed by the case id as a string, holding the requested
        columns only.
    source : str
        The file path, or ``"<DataFrame>"`` for an in-memory table.
    sha256 : str or None
        SHA-256 of the file's bytes; None for an in-memory table.
    role : str
        What the table is, for messages: ``"reference"``, ``"predictions"``.
    """

    frame: pd.DataFrame
    source: str
    sha256: str | None
    role: str


#: what read_table says to do about a missing column, unless told otherwise
COLUMNS_HINT = "choose other column names with the id/label/score options"


def read_table(
    source: str | Path | pd.DataFrame,
    *,
    columns: Sequence[str],
    id_column: str = "case_id",
    role: str = "table",
    columns_hint: str = COLUMNS_HINT,
    text: Sequence[str] = (),
    optional: Sequence[str] = (),
    family: str | None = None,
    known: Callable[[Sequence[str]], list[str]] | None = None,
) -> CaseTable:
    """Read a CSV, JSON or Parquet table of cases and check it.

    The id column is read as text, so ``007`` stays ``007``, and in Unicode's NFC form,
    so that an id typed on macOS (NFD: ``환자01`` as its letters' parts) is the same id
    as on Windows. Every problem is reported at once: missing columns, empty ids, the
    header written again (two exports joined), every duplicated id with its lines, and
    the ids ``known`` finds problems with. A CSV header naming a column twice is refused.

    A CSV file is UTF-8 (with or without a byte order mark), its fields separated by
    commas; or by semicolons, the decimal mark then a comma (``0,83``), or by tabs, when
    its header line names the id column so (as Excel writes CSV where the decimal mark is
    a comma); a ``.tsv`` or ``.tab`` file by tabs. A ``.json`` file is a list of rows,
    ``[{"case_id": "0012", "score": 0.83}, ...]`` (pandas' ``to_json(orient="records")``;
    its ``"columns"`` and ``"index"`` forms are read too); a ``{case_id: score}`` object
    is refused, its column names unknown.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv`` (any other suffix but ``.tsv``, ``.tab``, ``.json`` and ``.parquet`` is
        read as CSV too), ``.tsv``, ``.json`` or ``.parquet`` file, or a DataFrame.
    columns : sequence of str
        The columns needed besides the id column.
    id_column : str
        The case id column.
    role : str
        What the table is, used in messages (e.g. ``"reference"``).
    columns_hint : str
        What to do about a missing column, in its message.
    text : sequence of str
        Columns of a CSV file read as text, as written (a class label ``01`` stays
        ``01``, ``None`` and ``NA`` stay words), not as numbers where every cell is one;
        only an empty cell is missing.
    optional : sequence of str
        Columns kept where the table has them (a measurement's ``unit``); one written
        otherwise (``Unit``, ``units``, `` unit``) is refused rather than left unread.
    family : str, optional
        The prefix of a column per label (``score@``, ``probability@``): a column so
        named that is not among ``columns`` (a label the protocol does not hold, or holds
        written otherwise) is refused rather than left unread, as a prediction file naming
        that label is.
    known : callable, optional
        Given the table's ids (non-empty, in NFC, each once), the problems of ids the
        caller does not know (a manifest's cases), reported with the table's other
        problems: a tester fixing a duplicate met the unknown ids in the next run.

    Returns
    -------
    CaseTable

    Raises
    ------
    TableError
        The file does not exist, is not UTF-8 or cannot be parsed; a column is missing;
        an id is empty; ids are duplicated (all of them listed, with their lines); ids
        ``known`` finds problems with.

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_table(pd.DataFrame({"case_id": ["a", "b"], "label": [1, 0]}),
    ...                columns=["label"], role="reference")
    >>> t.frame["label"].to_dict()
    {'a': 1, 'b': 0}
    """
    # a header typed on macOS (NFD) names the columns asked for in NFC, and the reverse
    named = {_nfc(n): n for n in [id_column, *columns, *text, *optional]}
    what = "table" if role == "table" else f"{role} table"  # not 'table table'
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        where, digest = "<DataFrame>", None
        if id_column in frame.columns:
            frame[id_column] = frame[id_column].map(
                lambda v: v if pd.isna(v) else str(v)
            )
    else:
        path = Path(source)
        where = str(path)
        if path.is_dir():  # 'no such file' of a folder that is there misled
            raise TableError(f"{what} {where}: is a folder; give the table's file "
                             "(CSV, JSON or Parquet)")
        if not path.is_file():
            raise TableError(f"{what} {where}: no such file")
        if archive(path) == "a TAR archive":  # pandas reads the one file inside, as a ZIP's
            raise TableError(f"{what} {where}: is a TAR archive, not a table: extract it and "
                             "give the table's CSV file")
        digest = sha256_file(path)
        try:
            if path.suffix.lower() == ".parquet":
                frame = _read_parquet(path, f"{what} {where}")
                if id_column in frame.columns:
                    frame[id_column] = frame[id_column].astype("string").astype(object)
            elif path.suffix.lower() == ".json":
                frame = _read_json(path, id_column)
            else:
                frame = _read_csv(path, id_column, text, named)
        except TableError:
            raise
        except UnicodeDecodeError as exc:
            start = bytes(exc.object[:4])
            if start == b"PK\x03\x04" and path.suffix.lower() == ".zip":
                raise TableError(f"{what} {where}: is a ZIP archive, not a table: "
                                 "extract it and give the table's CSV file") from None
            kind = ("UTF-16 text (Excel's 'Unicode Text')" if start[:2] in (
                b"\xff\xfe", b"\xfe\xff") else "an Excel workbook, not text" if start in (
                b"PK\x03\x04", b"\xd0\xcf\x11\xe0") else "not UTF-8 text")
            raise TableError(
                f"{what} {where}: is {kind}" + (f" ({_not_utf8(path)})" if kind ==
                                                      "not UTF-8 text" else "") +
                "; save it as UTF-8 (Excel: 'CSV UTF-8'; Excel in a Korean locale saves "
                "plain CSV as CP949)") from None
        except pd.errors.EmptyDataError:  # pandas: "No columns to parse from file"
            raise TableError(f"{what} {where}: is empty (no header line, only blank lines "
                             "or none): export the table again, its header first") from None
        except (EOFError, OSError, zlib.error, lzma.LZMAError) as exc:  # a .gz cut short
            raise TableError(f"{what} {where}: cannot be read: {damaged(path, exc) or exc}"
                             ) from exc
        except (ValueError, ImportError, pd.errors.ParserError) as exc:
            raise TableError(f"{what} {where}: cannot be read: {exc}") from exc
    spellings: dict[str, list[str]] = {}
    for column in frame.columns:
        if isinstance(column, str) and _nfc(column) in named:
            spellings.setdefault(_nfc(column), []).append(column)
    if twice := [named[form] for form, found in spellings.items() if len(found) > 1]:
        # renamed alike, the two would be one name: pandas then gives both (a crash), or
        # one of them, unsaid
        raise TableError(
            f"{what} {where}: column(s) {', '.join(map(repr, twice))} written twice, "
            "in Unicode's two forms (NFC as Windows writes Hangul, NFD as macOS does), which "
            "print alike: keep one of each")
    frame = frame.rename(columns=lambda c: named.get(_nfc(c), c) if isinstance(c, str) else c)
    problems = []
    missing = [c for c in [id_column, *columns] if c not in frame.columns]
    if missing:
        problems.append(
            f"missing column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(repr, map(str, frame.columns))) or 'no column'} ({columns_hint})"
            + _unnamed_hint(frame)
        )
    if id_column in frame.columns:  # its ids' problems too, a value column missing or not
        # ids that print the same are one: typed on Windows (NFC), or on macOS (NFD)
        frame[id_column] = ids = frame[id_column].map(
            lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
        problems += _id_problems(frame, ids, where, id_column, known)
    problems += _optional_misnamed(frame.columns, optional)
    problems += _family_unknown(frame.columns, family, columns)
    if problems:
        raise TableError(f"{what} {where}: " + "; ".join(problems))
    frame = frame.set_index(id_column)[
        [*columns, *(c for c in optional if c in frame.columns and c not in columns)]]
    frame.index = frame.index.astype(str)
    return CaseTable(frame=frame, source=where, sha256=digest, role=role)


def _id_problems(frame: pd.DataFrame, ids: pd.Series, where: str, id_column: str,
                 known: Callable[[Sequence[str]], list[str]] | None) -> list[str]:
    """The problems of a table's ids, each kind with its lines (a CSV file) or rows:
    empty ids, the header written again (two exports joined into one file), duplicated
    ids, and what ``known`` finds of the others."""
    is_csv = where != "<DataFrame>" and Path(where).suffix.lower() not in (
        ".parquet", ".json")  # a CSV's lines as the file has them; other rows from 1
    found: list[int] = []

    def line(k: int) -> str:
        if not found:
            found.extend(data_lines(Path(where), len(frame),
                                    separator=_separator(Path(where), id_column))
                         if is_csv else [k + 1 for k in range(len(frame))])
        return str(found[k])

    problems = []
    empty = (ids.isna() | (ids.astype(str).str.strip() == "")).to_numpy()
    if empty.any():
        blank = all(pd.isna(v) or (isinstance(v, str) and not v.strip())
                    for v in frame[empty].to_numpy(dtype=object).ravel())
        problems.append(f"empty {id_column!r} " + ("on line(s) " if is_csv else "in row(s) ")
                        + _listing([line(k) for k in empty.nonzero()[0]]) + (
            " (every field blank: rows Excel writes where cells were cleared, not "
            "deleted; delete them)" if blank else ""))
    # the second export's byte-order mark (Excel's 'CSV UTF-8') before its header
    header = (ids.astype(str).str.lstrip("\ufeff").str.strip() == _nfc(id_column)).to_numpy()
    if header.any():
        problems.append(("line(s) " if is_csv else "row(s) ")
                        + _listing([line(k) for k in header.nonzero()[0]])
                        + f" repeat the header ({id_column!r} as an id): two tables joined "
                        "into one file? delete them")
    twice = (ids.duplicated(keep=False)).to_numpy() & ~empty & ~header
    places: dict[str, list[str]] = {}
    for k in twice.nonzero()[0]:
        places.setdefault(str(ids.iloc[k]), []).append(line(k))
    if places:
        problems.append(f"duplicate {id_column!r} value(s) " + _listing(
            [f"{i} ({'lines' if is_csv else 'rows'} {', '.join(places[i])})"
             for i in sorted(places)]))
    if known is not None:
        problems += known(sorted(set(ids[~empty & ~header])))
    return problems


def join_cases(reference: CaseTable, predictions: CaseTable) -> pd.DataFrame:
    """Join two case tables on their ids, sorted by id; every id must be in both.

    Raises
    ------
    TableError
        Listing every case id that is in one table and not the other, and saying where
        such ids differ from the other table's only in leading zeros (``12`` for
        ``0012``), a file suffix (``0012.png``), or letter case and spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = read_table(pd.DataFrame({"case_id": ["b", "a"], "label": [1, 0]}),
    ...                  columns=["label"])
    >>> pred = read_table(pd.DataFrame({"case_id": ["a", "b"], "score": [.2, .9]}),
    ...                   columns=["score"])
    >>> join_cases(ref, pred).index.tolist()
    ['a', 'b']
    """
    ref_ids, pred_ids = set(reference.frame.index), set(predictions.frame.index)
    problems = []
    if ref_ids - pred_ids:
        problems.append(
            f"{len(ref_ids - pred_ids)} case(s) of {reference.role} {reference.source} have "
            f"no row in {predictions.role} {predictions.source}: "
            f"{_listing(sorted(ref_ids - pred_ids))}"
        )
    if pred_ids - ref_ids:
        problems.append(
            f"{len(pred_ids - ref_ids)} case(s) of {predictions.role} {predictions.source} "
            f"are not in {reference.role} {reference.source}: "
            f"{_listing(sorted(pred_ids - ref_ids))}"
        )
    if problems:
        raise TableError("; ".join(problems) + id_hints(ref_ids - pred_ids,
                                                          pred_ids - ref_ids))
    joined = reference.frame.merge(
        predictions.frame, left_index=True, right_index=True, how="inner",
        suffixes=("", "_prediction"),
    )
    return joined.sort_index()


_NUMBER = re.compile(r"[0-9]+")

#: How an id may have been written otherwise (by name: its form), and what to do about it.
_ID_FORMS: dict[str, tuple[Callable[[str], str], str]] = {
    "zeros": (lambda i: i.lstrip("0") or "0", "only in leading zeros (e.g. {extra} for "
              "{case}): a spreadsheet or pandas read the ids as numbers; keep them as text "
              "(pandas: dtype={{'case_id': str}})"),
    # ="00123": Excel's text formula, as exporters write an id to keep its zeros
    "excel": (lambda i: i[2:-1] if i.startswith('="') and i.endswith('"') and len(i) > 2
              else i,
              "only by Excel's text formula (e.g. {extra} for {case}), written by an export "
              "to keep leading zeros: give the ids themselves"),
    # 123.0: an id column with an empty cell, which pandas reads and writes as floats
    "decimal": (lambda i: i[:-2] if i.endswith(".0") and i[:-2].isdigit() else i,
                "only by a trailing '.0' (e.g. {extra} for {case}): the ids were read as "
                "decimal numbers (pandas does so to a column with an empty cell); keep them "
                "as text (pandas: dtype={{'case_id': str}})"),
    # a suffix of digits is no file's: 1.2.840.5 and 1.2.840.6 are two DICOM UIDs
    "suffix": (lambda i: i.rsplit(".", 1)[0] if "." in i.lstrip(".")
               and not i.rsplit(".", 1)[1].isdigit() else i,
               "only by a file suffix (e.g. {extra} for {case}): give the case ids as the "
               "reference does"),
    "case": (lambda i: i.strip().casefold(), "only in letter case or spaces (e.g. {extra!r} "
             "for {case!r}): give the case ids as the reference does"),
    # c8 for c08: a number inside the id written in another width (f"c{i}", f"c{i:02d}");
    # an id of digits alone is the first form's
    "width": (lambda i: i if i.isdigit() else _NUMBER.sub(lambda m: m[0].lstrip("0") or "0",
                                                           i),
              "only in the zeros before a number inside them (e.g. {extra!r} for {case!r}): "
              "the ids were numbered in another width; give the case ids as the reference "
              "does"),
}


def id_twins(missing: set[str], extra: set[str], form: str) -> list[tuple[str, str]]:
    """The pairs ``(id of missing, id of extra)`` that differ only in the way ``form``
    of :data:`_ID_FORMS` names (``"width"``: ``c08`` and ``c8``), sorted.

    >>> id_twins({"c08", "c09"}, {"c8", "x"}, "width")
    [('c08', 'c8')]
    """
    written = _ID_FORMS[form][0]
    forms = {written(i): i for i in sorted(missing)}
    pairs = sorted((forms[written(i)], i) for i in extra if written(i) in forms)
    if not pairs:
        forms = {written(i): i for i in sorted(extra)}
        pairs = sorted((i, forms[written(i)]) for i in missing if written(i) in forms)
    return pairs


def id_hints(missing: set[str], extra: set[str]) -> str:
    """Say how ids of one table that the other lacks differ from ids of the other, where
    they differ only in leading zeros, a file suffix, or letter case and spaces."""
    hints = []
    for form, (_, text) in _ID_FORMS.items():
        if pairs := id_twins(missing, extra, form):
            case, other = pairs[0]
            hints.append(f"{len(pairs)} id(s) differ from the other table's "
                         + text.format(extra=other, case=case))
    return "".join(f"; {hint}" for hint in hints)


def number_text(text: str) -> float:
    """A table's text cell as the number it spells, as Python's ``float`` reads it
    (``'０.８３'`` typed full-width is 0.83, spaces around it are dropped), except that
    ``_`` is refused: ``float`` takes it for Python's digit grouping, so that a cell
    ``0_83`` would be 83, a value no table writer means (pandas reads no such number).

    >>> number_text(' 1e3 '), number_text('０.８３')
    (1000.0, 0.83)
    >>> number_text('0_83')
    Traceback (most recent call last):
    ValueError: '0_83' is not a number: '_' groups digits only in Python
    """
    if "_" in text:
        raise ValueError(f"{text!r} is not a number: '_' groups digits only in Python")
    return float(text)


#: what a comma-separated row of a field too many most often is
_DECIMAL_COMMA_HINT = "; a decimal comma, as in 0,83? write 0.83, or separate the fields by ';'"


def _read_csv(path: Path, id_column: str, text: Sequence[str] = (),
              named: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A CSV file, separated by commas, or by semicolons (their decimal mark a comma, as
    Excel writes CSV in locales whose decimal mark is a comma) or tabs when its header
    line names ``id_column`` so; a ``.tsv`` or ``.tab`` file by tabs. Column names are
    compared in NFC: a header saved on macOS (NFD Hangul) names the columns asked for,
    whose names ``named`` gives by their NFC form (the caller renames them)."""
    named = dict(named or {})
    separator = _separator(path, id_column)
    if (twice := repeated_columns(path, separator)) is not None:
        raise ValueError(twice)
    # the header's own spellings of the columns read as text, as pandas matches them
    header_names = [str(c) for c in
                    pd.read_csv(path, sep=separator, nrows=0, encoding="utf-8").columns]
    ids = [c for c in header_names if _nfc(c) == _nfc(id_column)]
    text = [c for c in header_names if _nfc(c) in {_nfc(n) for n in text}]
    try:
        frame = pd.read_csv(path, sep=separator, decimal="," if separator == ";" else ".",
                            dtype=dict.fromkeys([*ids, *text], str), keep_default_na=True,
                            encoding="utf-8")
    except pd.errors.ParserError:
        # a later row of a field more than the header: pandas' own words ("Error
        # tokenizing data. C error: Expected 2 fields in line 8, saw 3") said neither the
        # row nor what to do, and miscount lines after a quoted line break
        if (wide := wide_row(path, separator=separator)) is None:
            raise
        raise ValueError(wide + (_DECIMAL_COMMA_HINT if separator == "," else "")) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes a first row of one field more than the header for an index column
        # and shifts every column by one: 'c1,0,83' gave case_id '0' and score 83
        raise ValueError(
            f"line 2 has {len(frame.columns) + frame.index.nlevels} fields, its header "
            f"{len(frame.columns)}"
            + (f" ({_DECIMAL_COMMA_HINT[2:]})" if separator == "," else ""))
    if written := [c for c in text if c in frame.columns]:
        # as written: a class named None or NA is no empty cell (pandas' default NA words)
        frame[written] = pd.read_csv(path, sep=separator, usecols=written, dtype=str,
                                     keep_default_na=False, na_values=[""],
                                     encoding="utf-8")[written]
    if separator == ";":
        frame = _decimal_commas(frame, [*ids, *text],
                                read=[c for c in frame.columns if _nfc(str(c)) in named],
                                lines=lambda: data_lines(path, len(frame), separator=separator))
    return frame


def _not_utf8(path: Path) -> str:
    """Where a file stops being UTF-8, as an editor finds it (the line and its byte):
    pandas' own error gave a byte of the chunk it was decoding, no line, so that the one
    'a,양성' of a 20,000-line table was not found."""
    try:
        raw = decompressed(path)  # a compressed file's text, whose lines an editor shows
    except (EOFError, OSError, zlib.error, lzma.LZMAError):  # cut short after the place
        raw = b""  # no place named, rather than one in the compressed bytes
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return where_utf8_stops(raw, exc)
    return "a byte that is not UTF-8"


def _separator(path: Path, id_column: str) -> str:
    """A CSV file's field separator: a tab for a ``.tsv`` or ``.tab`` file, else ';' or a
    tab where the header line names ``id_column`` so, else ','."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with text_of(path) as handle:  # a .gz, .bz2 or .xz file's text, as pandas reads it
        header = handle.readline().rstrip("\r\n")
    return next((s for s in (",", ";", "\t") if _nfc(id_column) in
                 [_nfc(f.strip().strip('"')) for f in header.split(s)]), ",")


def row_places(path: str | Path, rows: int, id_column: str = "case_id") -> list[str] | None:
    r"""Where each of the ``rows`` rows :func:`read_table` read from a table file lies, in
    the words its user looks for: a CSV file's line (the header's being 1, blank lines
    and quoted line breaks counted as the file holds them), a JSON list's entry, a
    Parquet file's row (from 1); None for a JSON object of rows (pandas' column and index
    forms: each row is found by its case id).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "s.csv").write_text('case_id,score,note\na,0.1,"two\nlines"\n\nb,x,\n')
    >>> row_places(folder / "s.csv", 2)
    ['line 2', 'line 5']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return [f"row {k} of {rows}" for k in range(1, rows + 1)]
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return None
        return ([f"entry {k} of {rows}" for k in range(1, rows + 1)]
                if isinstance(data, list) and len(data) == rows else None)
    separator = _separator(path, id_column)
    return [f"line {line}" for line in data_lines(path, rows, separator=separator)]


def _nfc(name: str) -> str:
    """A column name's NFC form (ASCII as it is)."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)


#: A number written with a decimal comma (``0,83``, ``-1,5``, Excel's ``1,5E-05``), as a
#: ';'-separated file has.
_DECIMAL_COMMA = re.compile(r"\s*[-+]?[0-9]*,[0-9]+(?:[eE][-+]?[0-9]+)?\s*")


#: A number whose '.' groups thousands before its decimal comma (``5.700,25``, Excel's
#: '#,##0.00' where the decimal mark is a comma): no other reading, 5700.25.
_GROUPED_DECIMAL_COMMA = re.compile(
    r"\s*[-+]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+,[0-9]+(?:[eE][-+]?[0-9]+)?\s*")


#: A number whose '.' may group thousands (1.234, 12.345.678): in a ';'-separated file with
#: decimal commas, as Excel writes 1234 under '#,##0', not 1.234.
_THOUSANDS_POINT = re.compile(r"\s*[-+]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+\s*")


def _decimal_commas(frame: pd.DataFrame, kept: Sequence[str], read: Sequence[str],
                    lines: Callable[[], list[int]]) -> pd.DataFrame:
    """A ';'-separated file's cells written with a decimal comma as numbers (``0,83``;
    ``5.700,25``, its points grouping thousands, is 5700.25), also in a
    column that holds a word or an Excel error (``#DIV/0!``): pandas reads such a column
    as text throughout, so that every ``0,83`` in it was no number. Columns ``kept`` stay
    as read. In a column ``read`` (one asked for), a cell such as ``1.234``, which is 1234
    under Excel's thousands separator or 1.234 under a decimal point, is refused
    (ValueError naming its line, given by ``lines()``, and column), unless the column's
    other cells show its point to be a decimal point (:func:`_point_is_decimal`)."""
    grouped = []
    for column in read:
        cells = frame[column].tolist()
        if (column not in kept and frame[column].dtype.kind not in "biufcmM"
                and not _point_is_decimal(cells)):
            grouped += [(k, column, v) for k, v in enumerate(cells)
                        if isinstance(v, str) and _THOUSANDS_POINT.fullmatch(v)]
    if grouped:
        line = lines()
        shown = [f"line {line[k]} {column!r}: {v!r}" for k, column, v in grouped[:5]]
        raise ValueError(
            "its fields are separated by ';', its decimal mark a comma, but "
            f"{', '.join(shown)}{' ...' if len(grouped) > 5 else ''} "
            "reads as a thousands separator (Excel's '#,##0' in a comma-decimal locale: "
            "1.234 is 1234) or as a decimal point (1.234): write the number without "
            "thousands separators, with the file's decimal comma (1234 or 1,234)")
    for column in frame.columns:
        if column in kept or frame[column].dtype.kind in "biufcmM":
            continue
        cells = frame[column].astype(object).tolist()
        numbers = [isinstance(v, str) and (_DECIMAL_COMMA.fullmatch(v) is not None
                                           or _GROUPED_DECIMAL_COMMA.fullmatch(v) is not None)
                   for v in cells]
        if any(numbers):  # 0,83 and 5.700,25: the points (thousands) out, the comma a point
            frame[column] = pd.Series([float(v.replace(".", "").replace(",", ".")) if n else v
                                       for v, n in zip(cells, numbers)],
                                      index=frame.index, dtype=object)
    return frame


#: A number written with a decimal point (``0.834``, ``12.5``, ``1.000``).
_DECIMAL_POINT = re.compile(r"\s*[-+]?[0-9]*\.[0-9]+(?:[eE][-+]?[0-9]+)?\s*")


def _point_is_decimal(cells: Sequence[Any]) -> bool:
    """A column of a ';'-separated file written with decimal points, not Excel's
    thousands separator: a cell such as ``0.834`` or ``12.5`` that no thousands grouping
    writes, and no cell with a decimal comma. Its ``1.000`` is then 1.0 (a file written
    by ``to_csv(sep=';')``, whose scores were refused as ambiguous)."""
    texts = [v for v in cells if isinstance(v, str)]
    return (any(_DECIMAL_POINT.fullmatch(v) and not _THOUSANDS_POINT.fullmatch(v)
                for v in texts)
            and not any(_DECIMAL_COMMA.fullmatch(v) for v in texts))


def _read_parquet(path: Path, what: str) -> pd.DataFrame:
    """A Parquet file, read by pyarrow (or fastparquet), which medeval does not install."""
    try:
        return pd.read_parquet(path)
    except ImportError:
        raise TableError(
            f"{what}: cannot be read: reading Parquet needs pyarrow, which medeval does not "
            "install: pip install pyarrow, or save the table as CSV") from None


def _read_json(path: Path, id_column: str) -> pd.DataFrame:
    """A JSON table: a list of rows ``[{"case_id": ..., "score": ...}, ...]`` (pandas'
    ``to_json(orient="records")``), or pandas' column or index form (an object of
    objects); an id that is a JSON number becomes its text."""
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    frame = None
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        if id_column in data:  # pandas' column form: {"case_id": {"0": "c1", ...}, ...}
            frame = pd.DataFrame(data)
        elif all(id_column in row for row in data.values()):  # its index form
            data = list(data.values())
    if frame is None:
        if not (isinstance(data, list) and all(isinstance(row, dict) for row in data)):
            shown = f"a JSON {type(data).__name__}"
            if isinstance(data, dict):
                scalars = not any(isinstance(v, (dict, list)) for v in data.values())
                shown = (f"an object of {len(data)} key(s), not of rows" + (
                    f" (a {{{id_column}: value}} mapping?)" if scalars else ""))
            raise ValueError(
                f"a JSON table is a list of rows [{{\"{id_column}\": ..., ...}}, ...] "
                f"(pandas: to_json(orient='records')); it is {shown}")
        frame = pd.DataFrame(data)
    if id_column in frame.columns:
        nested = [k + 1 for k, v in enumerate(frame[id_column]) if isinstance(v, (list, dict))]
        if nested:  # pd.isna of a list is an array: "the truth value ... is ambiguous"
            raise ValueError(f"{id_column!r} of row(s) {_listing([str(k) for k in nested])} "
                             "is a JSON list or object, not an id (a text or a number)")
        frame[id_column] = frame[id_column].map(lambda v: v if pd.isna(v) else str(v))
    return frame


def _unnamed_hint(frame: pd.DataFrame) -> str:
    """What an unnamed first column or a one-column header probably is."""
    columns = [str(c) for c in frame.columns]
    if columns and columns[0].startswith("Unnamed: "):
        return (f"; its first column {columns[0]!r} has no name: pandas' index, written by "
                "to_csv() without index=False")
    if len(columns) == 1 and any(s in columns[0] for s in (";", "\t", "|")):
        return ("; its header is one column: is the file separated otherwise than by "
                "commas, semicolons or tabs?")
    return ""


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(map(str, items[:_LIST_LIMIT]))
    more = len(items) - _LIST_LIMIT
    return shown + (f" and {more} more" if more > 0 else "")


def _family_unknown(columns: Any, family: str | None, wanted: Sequence[str]) -> list[str]:
    """The columns named ``<family><label>`` for no label of ``wanted``: left unread, a
    label the protocol does not hold (``score@AFIB``), or holds under another spelling,
    would pass without a word where a prediction file naming it fails its case.

    >>> _family_unknown(["case_id", "score@MI", "score@AFIB"], "score@", ["score@MI"])
    ["column(s) 'score@AFIB' name no label of the protocol (its columns are 'score@MI'): \
a prediction naming a label the protocol does not hold fails its case; drop the column, or \
write the label as the protocol does"]
    """
    if family is None:
        return []
    unknown = [str(c) for c in columns if str(c).startswith(family) and c not in wanted]
    if not unknown:
        return []
    return [f"column(s) {_listing([repr(c) for c in unknown])} name no label of the protocol "
            f"(its columns are {_listing([repr(c) for c in wanted])}): a prediction naming "
            "a label the protocol does not hold fails its case; drop the column, or write "
            "the label as the protocol does"]


def _optional_misnamed(columns: Any, optional: Sequence[str]) -> list[str]:
    """An optional column written in another letter case, with spaces or as a plural
    (``Unit``, ``units``): left unread, a unit of ``cm`` would pass unchecked, so it is
    named for renaming.

    Examples
    --------
    >>> _optional_misnamed(["case_id", "value", "Unit"], ["unit"])[0][:55]
    "column 'Unit' is not read as the optional column 'unit'"
    >>> _optional_misnamed(["case_id", "value", "unit"], ["unit"])
    []
    """
    def plain(name: str) -> str:
        return name.strip().casefold().removesuffix("s")

    return [f"column {str(column)!r} is not read as the optional column {name!r}, which "
            "must be named exactly so; rename it"
            for name in optional if name not in columns
            for column in columns if plain(str(column)) == plain(name)]
