"""A consistent copy of a SQLite registry, taken while testers issue and the page reads.

Copying the file (``cp``) while a report is being committed can copy half of the commit:
the copy then fails SQLite's integrity check (an index with entries its table lacks) or
holds a counter behind its reports. :func:`backup_sqlite` uses SQLite's online backup
API instead: the whole database is copied under one read lock, so the copy is the
registry as of one commit. A PostgreSQL registry is backed up with ``pg_dump``.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from .._atomic import hidden_prefix, place_new
from ..errors import RegistryError
from .database import read_only_uri

__all__ = ["backup_sqlite"]


def backup_sqlite(source: Path, destination: Path, *, timeout_s: float = 60.0) -> int:
    """Copy the SQLite registry ``source`` to the new file ``destination``; return how many
    reports the copy holds.

    The copy is written beside ``destination``, checked (``PRAGMA integrity_check``),
    flushed to disk and then given its name, unless a file took that name meanwhile (two
    backups to one name: the second is refused): ``destination`` is either the whole copy
    or absent.

    Raises
    ------
    RegistryError
        ``destination`` exists already (a backup never overwrites, least of all the
        registry itself), its folder does not exist, or a copy cannot be written.
    """
    if destination.exists():
        raise RegistryError(f"backup {destination}: exists already; give a new file")
    if not destination.parent.is_dir():
        raise RegistryError(f"backup {destination}: folder {destination.parent} does not "
                            "exist")
    try:
        handle, name = tempfile.mkstemp(prefix=hidden_prefix(destination),
                                        suffix=".partial", dir=destination.parent)
    except OSError as exc:  # a read-only or full folder: it was a traceback
        raise RegistryError(f"backup {destination}: cannot write in its folder "
                            f"{destination.parent} ({exc.strerror or exc}); nothing was "
                            "written") from None
    os.close(handle)
    partial = Path(name)
    try:
        count = _copy(source, partial, timeout_s=timeout_s)
        place_new(partial, destination)
    except FileExistsError:  # another backup to that name finished meanwhile
        raise RegistryError(f"backup {destination}: exists already; give a new file") \
            from None
    except (sqlite3.Error, OSError) as exc:
        raise RegistryError(f"backup of {source} to {destination} failed ({exc}); "
                            "nothing was written") from None
    finally:
        partial.unlink(missing_ok=True)
    return count


def _copy(source: Path, partial: Path, *, timeout_s: float) -> int:
    reader = sqlite3.connect(read_only_uri(str(source)), uri=True, timeout=timeout_s)
    writer = sqlite3.connect(partial)
    try:
        # the read lock taken first, within timeout_s: the backup's own wait for a locked
        # file (a writer stopped while committing) had no end
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        reader.backup(writer)  # every page in one step: one read lock, one commit's state
        state = writer.execute("PRAGMA integrity_check").fetchone()[0]
        if state != "ok":
            raise sqlite3.DatabaseError(f"the copy fails its integrity check: {state}")
        count = int(writer.execute("SELECT count(*) FROM medeval_reports").fetchone()[0])
    finally:
        writer.close()
        reader.close()
    with partial.open("rb") as stream:
        os.fsync(stream.fileno())
    return count
