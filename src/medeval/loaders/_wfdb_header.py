"""Which files a WFDB header says its record is stored in, read as WFDB reads a header
(bytes, split at ASCII blanks and line ends only). Used by the WFDB loader (names that
wfdb-python would misread) and by the manifest's checks of the files a set names.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["multi_segment", "wfdb_files"]


def wfdb_files(header: str | Path) -> list[str]:
    """The files a WFDB header says its record is stored in: the signal files (the first
    field of each signal line; ``~`` is none), or for a multi-segment record its segments'
    headers. Empty when the file cannot be read as a header (nothing to check then).

    Record line: ``name[/segments] n_signals ...``; comment lines start with ``#``.
    """
    try:
        with open(header, "rb", buffering=0) as handle:
            # at most 1 MiB, but no 1 MiB buffer for a header of a few lines: the
            # allocator may map and unmap one per record
            size = os.fstat(handle.fileno()).st_size
            text = handle.read(min(size + 1, 1 << 20))
            if size + 1 < 1 << 20 and len(text) == size + 1:  # it grew meanwhile
                text += handle.read((1 << 20) - len(text))
    except OSError:
        return []
    # split as bytes, at ASCII blanks and line ends only, as WFDB does: str's split would
    # also break a UTF-8 name ('심전도_01.dat': '전' holds the byte 0xA0), and the names
    # are given back as the file system spells them (os.fsdecode)
    lines = [[os.fsdecode(field) for field in line.split()] for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith(b"#")]
    if not lines or len(lines[0]) < 2:
        return []
    segments = lines[0][0].partition("/")[2]
    try:
        count = int(segments) if segments else int(lines[0][1])
    except ValueError:
        return []
    files = []
    for fields in lines[1:1 + count]:
        entry = fields[0] if not segments else f"{fields[0]}.hea"
        if fields[0] != "~" and entry not in files:
            files.append(entry)
    return files


def multi_segment(header: str | Path) -> bool:
    """Whether a WFDB header's record line names segments (``name/n``), as a
    multi-segment record's does (its frame count is then the whole record's, its
    segments' headers each a part's); False where it cannot be read."""
    try:
        with open(header, "rb") as handle:
            # as bytes, split at ASCII blanks and line ends only, as WFDB does
            lines = handle.read(1 << 16).splitlines()
    except OSError:
        return False
    fields = next((f for line in lines if (f := line.split(b"#", 1)[0].split())), [])
    return bool(fields) and b"/" in fields[0]
