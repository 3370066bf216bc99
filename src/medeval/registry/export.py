"""The registry as CSV: one row per report, the columns of :data:`CSV_COLUMNS`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .._atomic import write_named
from ..errors import RegistryError
from .records import CSV_COLUMNS, ReportRecord

__all__ = ["write_csv"]


def write_csv(records: Iterable[ReportRecord], destination: str | Path | IO[str]) -> int:
    """Write ``records`` as CSV to a path (UTF-8 with a byte-order mark) or a text stream.

    Returns the number of rows written. Empty values (no reason, no replacement) are
    empty cells. Text fields never start with ``= + - @`` (the registry refuses them on
    entry), so a spreadsheet reads no formula.

    Raises
    ------
    RegistryError
        The path cannot be written.
    """
    if isinstance(destination, (str, Path)):
        # whole or not at all: an export failing half way (a full disk) leaves the
        # previous export under its name, not the first rows of the new one
        text = io.StringIO(newline="")
        count = write_csv(records, text)
        write_named(Path(destination), text.getvalue().encode("utf-8-sig"), what="export",
                    error=RegistryError)
        return count
    writer = csv.DictWriter(destination, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.to_dict().items()})
        count += 1
    return count
