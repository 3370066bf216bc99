"""Where a registry lives: its URL, its engine, and its schema (Alembic, run in code).

A registry is a SQLite file (a plain path, or ``sqlite:///path``) or a PostgreSQL
database (``postgresql+psycopg://user@host/db``; ``postgresql://`` and libpq's
``postgres://`` mean the same).
:func:`create_schema` migrates an empty database and writes the settings in one
transaction; :func:`check_schema` tells a registry from anything else and brings an
older registry's schema up to date (``alembic upgrade head``, with a Config built here:
users need no ``alembic.ini``).
"""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..errors import RegistryError
from .models import APPLICATION, VERSION_TABLE, SettingsRow

__all__ = [
    "check_schema", "create_schema", "describe_failure", "make_engine", "read_only_uri",
    "registry_url", "roll_back_interrupted_commit", "shown",
]

#: Where the migrations lie, as Alembic's "package:folder".
SCRIPT_LOCATION = "medeval.registry:migrations"
#: How long a writer waits for another's lock on a SQLite file before giving up (s).
SQLITE_BUSY_TIMEOUT_S = 60.0
#: How long a caller waits for one of the engine's connections (5, and 10 more at a
#: peak) when all are in use (s); then the registry is "busy" (a RegistryError: 503 on
#: the verification page).
POOL_TIMEOUT_S = 30.0
#: How long a PostgreSQL connection attempt may take (s).
POSTGRES_CONNECT_TIMEOUT_S = 10
#: How long a writer waits for another's lock on PostgreSQL (s): as on SQLite, so that a
#: tester behind a colleague's stuck issue is told, not left waiting without end.
POSTGRES_LOCK_TIMEOUT_S = 60.0


def registry_url(target: str | Path | URL) -> URL:
    """The SQLAlchemy URL of a registry given as a path or a URL.

    Raises
    ------
    RegistryError
        A URL that cannot be read, or of a database other than SQLite or PostgreSQL.

    Examples
    --------
    >>> registry_url("postgresql://lab@db/registry").drivername
    'postgresql+psycopg'
    >>> registry_url("postgres://lab@db/registry").drivername
    'postgresql+psycopg'
    """
    if isinstance(target, URL):
        url = target
    elif isinstance(target, str) and _LIBPQ_KEYWORDS.match(target):
        raise RegistryError("registry: a libpq connection string (host=... dbname=...) is "
                            "not read (not quoted here: it may hold a password); give a URL, "
                            "postgresql+psycopg://user@host:5432/db, or a file path")
    elif isinstance(target, Path) or "://" not in target:
        return URL.create("sqlite+pysqlite", database=str(Path(target).resolve()))
    else:
        try:
            url = make_url(target)
        except (ArgumentError, ValueError) as exc:  # ValueError: a port not a number
            why = "its port is not a number" if isinstance(exc, ValueError) else \
                "not a database URL"
            raise RegistryError(f"registry {_masked(target)!r}: {why} (give a file "
                                "path, or postgresql+psycopg://user@host:5432/db)") from None
    backend = url.get_backend_name()
    if backend == "postgres":  # libpq's other scheme (postgres://, as Heroku prints it),
        backend = "postgresql"  # which SQLAlchemy no longer reads
    if backend == "postgresql" and url.drivername != "postgresql+psycopg":
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url.set(drivername="sqlite+pysqlite")
    if backend != "postgresql":
        raise RegistryError(f"registry {shown(url)}: {backend} is not supported (a SQLite "
                            "file or a PostgreSQL database)")
    return url


#: A libpq keyword/value string (``host=db user=lab password=... dbname=registry``): taken
#: for a file name, it was made a new SQLite file named with the password, and printed.
_LIBPQ_KEYWORDS = re.compile(r"\s*(host|hostaddr|port|dbname|user|password|passfile|"
                             r"service|sslmode)\s*=\s*\S")


def shown(url: URL) -> str:
    """The URL for a message: a SQLite file as its path, any password hidden (the
    user's, and a ``?password=`` or ``?sslpassword=`` of the query)."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return _masked(url.render_as_string(hide_password=True))


def _masked(text: str) -> str:
    """A URL for a message, even one that cannot be parsed: ``user:password@`` as
    ``user:***@``
    and any ``password=`` value of its query as ``***``."""
    text = re.sub(r"(://[^/?#@:]*):.*@", r"\1:***@", text)  # to the last @: safe side
    return re.sub(r"(password=)[^&#]*", r"\1***", text, flags=re.IGNORECASE)


def make_engine(url: URL, *, read_only: bool = False) -> Engine:
    """An engine whose write transactions lock what issuing a number needs.

    On SQLite, the driver's own transaction handling is switched off and every
    transaction opened for writing starts with ``BEGIN IMMEDIATE`` (the write lock is
    taken before the counter is read, so two writers never read the same counter),
    foreign keys are enforced, and a busy writer is waited for. On PostgreSQL the counter
    row is locked with ``SELECT ... FOR UPDATE`` by the caller, and a lock not granted
    within :data:`POSTGRES_LOCK_TIMEOUT_S` fails the statement (``lock_timeout``), as
    SQLite's busy timeout does.

    ``read_only`` opens a SQLite file with ``mode=ro`` and makes every PostgreSQL
    transaction read-only: the database itself refuses any write.
    """
    if url.get_backend_name() == "postgresql":
        given = url.query.get("options", "")  # the URL's own ?options= are kept
        settings = [*(given if isinstance(given, tuple) else [given]),
                    f"-c lock_timeout={round(POSTGRES_LOCK_TIMEOUT_S * 1000)}",
                    "-c default_transaction_read_only=on" if read_only else ""]
        options: dict[str, Any] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S,
                                   "options": " ".join(filter(None, settings))}
        return create_engine(url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S,
                             connect_args=options)
    if read_only and url.database:
        url = url.set(database=read_only_uri(url.database).removesuffix("?mode=ro"),
                      query={"mode": "ro", "uri": "true"})
    engine = create_engine(url, pool_timeout=POOL_TIMEOUT_S,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("medeval_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def read_only_uri(path: str) -> str:
    """SQLite's URI opening the file ``path`` read only: the path percent-encoded, so that
    a ``#``, ``?`` or ``%`` in a folder's name is part of the path (unquoted, ``a#b`` opened
    a new empty file ``a``, created, and ``50%41`` the file ``50A``)."""
    return f"file:{urllib.parse.quote(path, safe='/')}?mode=ro"


def roll_back_interrupted_commit(path: Path) -> None:
    """Roll back a commit a writer left half done (killed, or the power lost, while
    committing: a "hot" ``-journal`` beside the file) before the file is opened read
    only, which cannot: every read then failed ('attempt to write a readonly database')
    until a tester wrote again. Only the registry as of its last commit is restored;
    nothing else is written. Done by SQLite on the first read of a connection that may
    write; without the permission to, or with the file locked, the read-only open says so.
    """
    if not Path(f"{path}-journal").exists():
        return
    try:
        connection = sqlite3.connect(path, timeout=5.0)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        pass


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def create_schema(connection: Connection, url: URL, *, pattern: str) -> None:
    """Migrate an empty database to the newest schema and write the settings.

    Runs inside the caller's transaction: either the whole registry is there or nothing.

    Raises
    ------
    RegistryError
        The database already holds tables (a registry or another application's).
    """
    tables = sorted(inspect(connection).get_table_names())
    if tables:
        what = ("a registry already" if "medeval_registry" in tables
                else f"tables of another application ({_names(tables)})")
        raise RegistryError(f"registry {shown(url)}: holds {what}; a new registry needs an "
                            "empty database or a new file")
    command.upgrade(_config(connection), "head")
    connection.execute(insert(SettingsRow).values(
        id=1, application=APPLICATION, pattern=pattern, created_at=datetime.now(timezone.utc)))


def check_schema(connection: Connection, url: URL, *, upgrade: bool) -> str | None:
    """Check that the database is a medeval registry; return its pattern, or None when its
    schema is older than this medeval's and ``upgrade`` is False (with ``upgrade`` True,
    bring it up to date: ``alembic upgrade head``).

    Raises
    ------
    RegistryError
        An empty database, another application's database, a registry made by a newer
        medeval (its schema revision unknown here), or a file that is not SQLite.
    """
    where = f"registry {shown(url)}"
    tables = sorted(inspect(connection).get_table_names())
    if "medeval_registry" not in tables or VERSION_TABLE not in tables:
        if not tables:
            raise RegistryError(f"{where}: empty, not a registry yet (create one with "
                                "`medeval registry init`)")
        raise RegistryError(f"{where}: not a medeval registry; it holds tables of another "
                            f"application ({_names(tables)})")
    if upgrade and connection.dialect.name == "postgresql":
        # of two testers opening an older registry at once, the second waits here, then
        # finds it upgraded: with the settings row locked FOR UPDATE instead, each held
        # a share of the table that the other's ALTER TABLE waited for ("deadlock
        # detected"); with no lock, the second ran the migration again. SQLite's BEGIN
        # IMMEDIATE already holds the whole file
        connection.exec_driver_sql("LOCK TABLE medeval_registry IN ACCESS EXCLUSIVE MODE")
    row = connection.execute(select(SettingsRow.application, SettingsRow.pattern)).first()
    if row is None or row.application != APPLICATION:
        raise RegistryError(f"{where}: its medeval_registry table does not mark a medeval "
                            "registry (another application's table of that name?)")
    current = MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
    config = _config(connection)
    scripts = ScriptDirectory.from_config(config)
    if current is None or current not in {rev.revision for rev in scripts.walk_revisions()}:
        raise RegistryError(f"{where}: schema revision {current!r} is unknown to this "
                            "medeval (made by a newer one?): upgrade medeval")
    if current != scripts.get_current_head():
        if not upgrade:
            return None
        command.upgrade(config, "head")
        if connection.dialect.name == "sqlite":  # upgraded with its foreign keys off
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RegistryError(f"{where}: upgrading its schema left {len(broken)} "
                                    "row(s) naming a report that is not there (foreign key "
                                    f"check: {broken[:3]}); nothing was changed")
    return str(row.pattern)


def describe_failure(error: DBAPIError) -> str:
    """The first line of the driver's message (no SQL, no parameters, no traceback)."""
    text = str(error.orig) if error.orig is not None else str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _names(tables: list[str]) -> str:
    return ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
