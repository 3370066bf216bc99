"""Registries to test on: a SQLite file, and a real PostgreSQL server started here.

The server is Debian's ``postgresql`` (``/usr/lib/postgresql/*/bin``): a throwaway
cluster made with ``initdb`` in a temporary folder, listening on a unix socket in that
folder only (no TCP port at all), stopped and removed at teardown. ``initdb`` refuses to
run as root, so as root the cluster is run by the ``postgres`` user the package creates.
Tests that need it skip, saying so, where PostgreSQL is not installed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
NO_POSTGRES = "PostgreSQL is not installed (apt-get install postgresql): no initdb in " \
    "/usr/lib/postgresql/*/bin"


def _as_owner() -> list[str]:
    """The prefix that runs a command as the cluster's owner (``postgres`` when root)."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster on a unix socket in ``folder``."""

    folder: Path
    bin: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, *args: str) -> None:
        done = subprocess.run([*_as_owner(), *args], capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}\n{tail}")

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync",
                  "--no-instructions")

    def start(self) -> None:
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' "
                   "-c fsync=off -c max_connections=60")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-o", options, "-w", "-t", "60", "start")

    def kill(self) -> None:
        """Stop at once, as a crash would: every backend ends without finishing."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                  "-w", "stop")

    def database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.libpq("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@/{name}?host={self.folder}"

    def libpq(self, database: str) -> str:
        """A psycopg connection string (for checks that do not go through medeval)."""
        return f"host={self.folder} dbname={database} user=postgres"


def start_server() -> PostgresServer:
    """A fresh cluster, started (the caller stops it with :func:`remove_server`)."""
    # /tmp, not $TMPDIR: the postgres user must reach it, and a unix socket's path is
    # limited to about 100 bytes
    folder = Path(tempfile.mkdtemp(prefix="medeval-pg-", dir="/tmp" if Path("/tmp").is_dir()
                                   else None))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = PostgresServer(folder, Path(PG_BINS[-1]).parent)
    server.init()
    server.start()
    return server


def remove_server(server: PostgresServer) -> None:
    try:
        if (server.data / "postmaster.pid").exists():
            server.kill()
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session's tests (each takes its own database)."""
    if not PG_BINS:
        pytest.skip(NO_POSTGRES)
    pytest.importorskip("psycopg")
    server = start_server()
    try:
        yield server
    finally:
        remove_server(server)


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test's own (for tests that kill it)."""
    if not PG_BINS:
        pytest.skip(NO_POSTGRES)
    server = start_server()
    try:
        yield server
    finally:
        remove_server(server)


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new registry goes: a SQLite file path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "registry.sqlite")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.database()


def sha(text: str) -> str:
    """A SHA-256 to stand for a fingerprint or a PDF's hash (hashlib, not medeval)."""
    return hashlib.sha256(text.encode()).hexdigest()


#: Fields every test issue gives.
PEOPLE = {"test_id": "KTL-AI-2026-01", "customer": "Example Medical AI Co., Ltd.",
          "tester": "홍길동 (Hong Gildong)", "approver": "김철수 (Kim Cheolsu)"}
