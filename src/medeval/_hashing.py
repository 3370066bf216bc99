"""SHA-256 of files and bytes, read in chunks; many files at once, with a digest cache."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

CHUNK = 1 << 20
#: The digest cache forgets its oldest rows once it spans this many (about 250 bytes a
#: row: an SQLite file of about 500 MB) ...
MAX_ROWS = 2_000_000
#: ... keeping the digests of the files written last (the laboratory's largest sets:
#: 2,000 CT series of a few hundred slices, 100,000 ECG records of three files).
KEPT_ROWS = 1_500_000
#: A file's path, as a Path or as text.
_File = TypeVar("_File", str, Path)
_Item = TypeVar("_Item")
#: Digests stored in the cache at least every this many files hashed, so that a
#: fingerprint killed (SIGKILL, a power cut) halfway through a large set has kept most of
#: what it read; Ctrl-C or an unreadable file stores every digest taken.
STORE_EVERY = 1000
#: Files submitted ahead per hashing thread, so none waits for work.
_IN_FLIGHT = 64


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def hash_files(
    paths: Sequence[_File],
    *,
    workers: int | None,
    progress: bool,
    cache: bool | str | os.PathLike[str],
    statuses: Mapping[_File, os.stat_result] | None = None,
    label: str = "hashing",
) -> dict[_File, str]:
    """SHA-256 of each file, on ``workers`` threads (hashlib releases the GIL), with a
    progress bar on stderr if asked, reusing the digests of files unchanged since they
    were last hashed (see :class:`_Cache`; ``cache``: True for the default folder, a
    folder, or False). ``statuses``: the ``stat`` of those files the caller has just
    taken (a check of the files), used instead of taking it again. Paths as Path or as
    text (the cache's key is the text); the result is keyed by them as given. ``label``
    names the bar."""
    store = _Cache.open(cache)
    try:  # closed however it ends: a file missing or unreadable, Ctrl-C
        return _hashed(paths, store, statuses or {}, workers=workers, progress=progress,
                       label=label)
    finally:
        if store:
            store.close()


def _hashed(paths: Sequence[_File], store: _Cache | None,
            given: Mapping[_File, os.stat_result], *, workers: int | None, progress: bool,
            label: str) -> dict[_File, str]:
    """:func:`hash_files` with its digest cache open (or None)."""
    found = [(path, given.get(path) or os.stat(path)) for path in paths]
    known = store.get_many(found) if store else {}
    todo = [(path, status) for path, status in found if path not in known]
    total = sum(stat.st_size for _, stat in todo)
    fresh: list[str] = []  # in the order of todo, as they come
    stored = 0
    try:
        with _progress(total, enabled=progress and bool(todo), label=label) as advance:
            count = workers or os.cpu_count() or 1
            pool = ThreadPoolExecutor(max_workers=count) if count > 1 and len(todo) > 1 \
                else None
            digests: Iterable[str] = (_sha256(p, advance, s.st_size) for p, s in todo) \
                if pool is None else _in_order(
                    pool, lambda item: _sha256(item[0], advance, item[1].st_size), todo,
                    window=_IN_FLIGHT * count)
            try:
                for digest in digests:
                    fresh.append(digest)
                    if store and len(fresh) - stored >= STORE_EVERY:  # a kill loses less
                        store.put(zip(todo[stored:len(fresh)], fresh[stored:]))
                        stored = len(fresh)
            finally:
                if pool is not None:
                    pool.shutdown(cancel_futures=True)
    finally:  # Ctrl-C, a file that cannot be read: the digests taken are kept
        if store:
            store.put(zip(todo[stored:len(fresh)], fresh[stored:]))
    for (path, _stat), digest in zip(todo, fresh):
        known[path] = digest
    return known


def _in_order(pool: ThreadPoolExecutor, work: Callable[[_Item], str], items: Iterable[_Item],
              *, window: int) -> Iterator[str]:
    """``pool.map(work, items)`` with at most ``window`` items submitted and not yet
    taken: ``map`` submits every item at once, and each pending one holds a future, its
    lock and its work item (about 2.5 kB): 1.5 GB for the 600,000 slices of 2,000 CT
    series. Where one item fails (a file removed or unreadable), or the caller stops
    (Ctrl-C), the items submitted and not started are cancelled, as ``map`` does, not
    hashed before the error is reported."""
    pending: deque[Future[str]] = deque()
    try:
        for item in items:
            if len(pending) >= window:
                yield pending.popleft().result()
            pending.append(pool.submit(work, item))
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def _sha256(path: str | Path, advance: Callable[[int], None], expected: int = CHUNK) -> str:
    """Hex SHA-256 of a file; the buffer is no larger than the file (``expected`` bytes,
    from its stat) needs, so hashing many small files allocates little."""
    digest = hashlib.sha256()
    buffer = bytearray(max(1, min(CHUNK, expected + 1)))
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(buffer):
            digest.update(view[:size])
            advance(size)
    return digest.hexdigest()


class _progress:
    """Context manager yielding ``advance(n_bytes)``; a rich bar on stderr if enabled."""

    def __init__(self, total: int, *, enabled: bool, label: str = "hashing") -> None:
        self.total, self.enabled, self.label = total, enabled, label
        self._bar: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._bar = Progress(self.label, BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                             TimeRemainingColumn(), console=Console(file=sys.stderr),
                             transient=False)
        self._bar.start()
        task = self._bar.add_task(self.label, total=self.total)

        def advance(n: int) -> None:
            self._bar.update(task, advance=n)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


class _Cache:
    """SHA-256 digests keyed by path and file identity (size, mtime, ctime, inode).

    ctime and inode are in the key besides size and mtime because mtime can be set back
    by ``touch -d`` or a copy that preserves times; ctime cannot be set by a user, so an
    edited file is hashed again even when its size and mtime were restored.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def open(cls, cache: bool | str | os.PathLike[str]) -> _Cache | None:
        if cache is False:
            return None
        try:
            # Path.home() raises RuntimeError where HOME is unset and the user has no
            # passwd entry (a container run under a bare uid): no folder, no cache
            folder = Path(cache) if not isinstance(cache, bool) else Path(
                os.environ.get("MEDEVAL_CACHE_DIR") or Path.home() / ".cache" / "medeval")
            folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(folder / "sha256.sqlite", timeout=30)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime INTEGER, ctime INTEGER, inode INTEGER, sha256 TEXT)"
            )
        except (OSError, RuntimeError, sqlite3.Error):
            return None  # a cache that cannot be written only costs time
        return cls(connection)

    def get_many(self, files: Sequence[tuple[_File, os.stat_result]]) -> dict[_File, str]:
        """The stored digests of the files whose identity is unchanged (bulk queries)."""
        found: dict[_File, str] = {}
        batch = 500  # below SQLite's limit on the number of parameters
        for start in range(0, len(files), batch):
            part = {str(path): (path, status) for path, status in files[start:start + batch]}
            rows = self.connection.execute(
                "SELECT path, size, mtime, ctime, inode, sha256 FROM digests WHERE path IN "
                f"({','.join('?' * len(part))})", tuple(part),
            ).fetchall()
            for name, *identity, digest in rows:
                path, status = part[name]
                if tuple(identity) == _identity(status):
                    found[path] = str(digest)
        return found

    def put(self, rows: Iterable[tuple[tuple[str | Path, os.stat_result], str]]) -> None:
        """Store digests (``((path, stat), sha256)`` pairs), then forget the oldest if the
        cache has grown past its bound."""
        try:
            with self.connection:
                self.connection.executemany(
                    "INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?)",
                    [(str(p), *_identity(s), d) for (p, s), d in rows],
                )
                self._bound()
        except sqlite3.Error:
            pass

    def _bound(self) -> None:
        """Keep the digests of the last :data:`KEPT_ROWS` files written once the cache
        spans more than :data:`MAX_ROWS` of them.

        A row written (or rewritten: a file hashed again) takes the next rowid, so the
        span of the rowids bounds the number of rows, and finding it takes two index
        lookups rather than a count; forgetting is one range delete. The digest of a file
        still in use but written long ago is forgotten too, and costs one more reading of
        it. Freed pages are reused by later rows: the file stops growing.
        """
        low, high = self.connection.execute(  # one aggregate per SELECT: an index lookup
            "SELECT (SELECT min(rowid) FROM digests), (SELECT max(rowid) FROM digests)"
        ).fetchone()
        if low is not None and high - low >= MAX_ROWS:
            self.connection.execute("DELETE FROM digests WHERE rowid <= ?",
                                    (high - KEPT_ROWS,))

    def close(self) -> None:
        self.connection.close()


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
