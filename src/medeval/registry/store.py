"""The registry of issued reports: issue, amend, withdraw, look up.

Every write runs in one transaction that takes the counter's lock first (``BEGIN
IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL): two testers issuing at
once get consecutive numbers, one after the other, and a failure anywhere before the
commit leaves nothing behind, not even a number drawn.
"""

from __future__ import annotations

import builtins
import shlex
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout  # no connection free in time
from sqlalchemy.orm import Session

from .._issue_dates import issue_date_problem
from ..errors import RegistryError
from . import chain
from .backup import backup_sqlite
from .checks import check_date, check_hash, check_text
from .consistency import find_problems
from .database import (
    check_schema,
    create_schema,
    describe_failure,
    make_engine,
    registry_url,
    roll_back_interrupted_commit,
    shown,
)
from .export import write_csv
from .models import CUSTOMER_LENGTH, NAME_LENGTH, ChainRow, CounterRow, ReportRow
from .numbering import DEFAULT_PATTERN, ReportNumbering, check_report_number
from .records import ReportEvent, ReportRecord, Status, ended_text

__all__ = ["PendingReport", "Registry"]

#: The highest running number (the seq column is a 32-bit INTEGER on PostgreSQL).
MAX_SEQ = 2**31 - 1
#: The longest reason for an amendment or a withdrawal (characters).
REASON_LENGTH = 2000


@dataclass
class PendingReport:
    """A report being issued inside :meth:`Registry.issuing`: its number is drawn, not
    yet committed. Set :attr:`pdf_sha256` before the ``with`` block ends.

    Attributes
    ----------
    number
        The report number to print.
    issue_date
        The date of issue to print.
    amendment, replaces
        For an amendment: its rank in the chain (1 for the first) and the number it
        replaces, to print as "Amendment 1 to report ...; replaces it". 0 and None else.
    pdf_sha256
        SHA-256 of the certificate PDF, set by the caller once rendered.
    """

    number: str
    issue_date: date
    amendment: int
    replaces: str | None
    pdf_sha256: str | None = None


class Registry:
    """A registry of issued reports in a SQLite file or a PostgreSQL database.

    Open one with :meth:`open` (or make a new one with :meth:`create`); close it with
    :meth:`close` or use it in a ``with`` block. Safe to use from several threads and
    processes at once.
    """

    def __init__(self, url: URL, *, read_only: bool = False) -> None:  # open() or create()
        self._url = url
        self._engine = make_engine(url, read_only=read_only)
        # a SQLite file opened read only (medeval serve): where a writer dies while
        # committing, its hot journal is rolled back before the next read (see _transaction)
        self._read_only_file = (Path(url.database) if read_only and url.database
                                and url.get_backend_name() == "sqlite" else None)
        #: The laboratory's report-number pattern (read from the registry on opening).
        self.numbering = ReportNumbering(DEFAULT_PATTERN)
        # whether this user may read the hash chain (a page's read-only PostgreSQL user
        # granted SELECT on the tables before r0002 may not: its look-ups then give no
        # chain_hash instead of failing with 'permission denied for table medeval_chain')
        self._chain_readable = True

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(cls, target: str | Path | URL, *, pattern: str = DEFAULT_PATTERN) -> Registry:
        """Make a new registry in a new SQLite file or an empty database, and open it.

        Raises
        ------
        RegistryError
            The file exists and is not empty, the database holds tables, the pattern is
            malformed, or the database cannot be reached.
        """
        url = registry_url(target)
        numbering = ReportNumbering(pattern)
        if url.get_backend_name() == "sqlite" and url.database:
            path = Path(url.database)
            if path.exists() and (not path.is_file() or path.stat().st_size > 0):
                raise RegistryError(f"registry {path}: exists already; a new registry needs "
                                    "a new file (open this one, or choose another path)")
            if not path.parent.is_dir():
                raise RegistryError(f"registry {path}: folder {path.parent} does not exist")
        registry = cls(url)
        try:
            with registry._transaction("creating the registry", write=True) as session:
                create_schema(session.connection(), url, pattern=numbering.pattern)
        except RegistryError:
            registry.close()
            raise
        registry.numbering = numbering
        return registry

    @classmethod
    def open(cls, target: str | Path | URL, *, read_only: bool = False) -> Registry:
        """Open a registry (a SQLite file path, or a database URL).

        An older registry's schema is brought up to date (under the write lock).
        ``read_only=True`` (for a public look-up page) has the database refuse every
        write: issuing, amending and withdrawing then raise :class:`RegistryError`.

        Raises
        ------
        RegistryError
            No such file, a file or database that is not a medeval registry (named with
            the tables it holds), a registry of a newer medeval, an older one opened
            read-only, or no connection.
        """
        url = registry_url(target)
        if url.get_backend_name() == "sqlite" and url.database:
            path = Path(url.database)
            if not path.is_file():
                # read only (medeval serve, verify --registry) it is the laboratory's
                # registry being looked for: a new empty one would call every report
                # unknown, so 'create one' is no advice there
                hint = ("give the path of the laboratory's registry" if read_only else
                        "create one with `medeval registry init`")
                raise RegistryError(f"registry {path}: no such file ({hint})")
        registry = cls(url, read_only=read_only)
        try:
            with registry._transaction("opening the registry", write=False) as session:
                pattern = check_schema(session.connection(), url, upgrade=False)
            if pattern is None and read_only:
                # which command: "open it once for writing" named none (serve and verify
                # --registry, which say this, only read)
                raise RegistryError(
                    f"registry {shown(url)}: its schema is older than this medeval's, and "
                    "it is opened read only here; upgrade it once with a command that "
                    f"writes: {_upgrade_command(url)}")
            if pattern is None:
                with registry._transaction("upgrading the registry", write=True,
                                           schema_change=True) as session:
                    pattern = check_schema(session.connection(), url, upgrade=True)
        except RegistryError:
            registry.close()
            raise
        registry.numbering = ReportNumbering(pattern or DEFAULT_PATTERN)
        if read_only and url.get_backend_name() == "postgresql":
            with registry._transaction("opening the registry", write=False) as session:
                registry._chain_readable = bool(session.execute(text(
                    "SELECT has_table_privilege('medeval_chain', 'SELECT')")).scalar())
        return registry

    def close(self) -> None:
        """Close the registry's connections."""
        self._engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Registry({shown(self._url)!r})"

    @property
    def location(self) -> str:
        """The file path or URL (password hidden)."""
        return shown(self._url)

    # ------------------------------------------------------------------ issuing

    def issue(self, *, fingerprint: str, pdf_sha256: str, test_id: str, customer: str,
              tester: str, approver: str, issue_date: date | str | None = None,
              number: str | None = None, reason: str | None = None) -> ReportRecord:
        """Issue a report: draw the next number (or register ``number``) and record it.

        Parameters
        ----------
        fingerprint, pdf_sha256
            The result's content fingerprint and the certificate PDF's SHA-256.
        test_id, customer, tester, approver
            As printed on the certificate.
        issue_date
            Default: today. Its year is the ``{year}`` of the number.
        number
            A number already printed (following the pattern, not yet in the registry);
            default: the next one drawn.
        reason
            Why the result is issued again, where a report of it was withdrawn or
            replaced by an amendment carrying another result (:meth:`ended`): required
            then (recorded as the new report's ``reason``), refused otherwise.

        Raises
        ------
        RegistryError
            A malformed field, a result already issued as a standing report (amend that
            one instead), a withdrawn or replaced result without a reason (or a reason
            for another), a number in use, or the database gone before the commit.
        """
        with self.issuing(fingerprint=fingerprint, test_id=test_id, customer=customer,
                          tester=tester, approver=approver, issue_date=issue_date,
                          number=number, reason=reason) as pending:
            pending.pdf_sha256 = pdf_sha256
        return self._get_known(pending.number)

    def amend(self, number: str, reason: str, *, fingerprint: str, pdf_sha256: str,
              test_id: str | None = None, customer: str | None = None,
              tester: str | None = None, approver: str | None = None,
              issue_date: date | str | None = None) -> ReportRecord:
        """Issue a new report that replaces ``number``; return the new report's record.

        The old report's status becomes ``amended``, its ``replaced_by`` the new number
        and its ``reason`` this reason; the new report names the old one (``replaces``)
        and counts its rank (``amendment``). Fields not given are the old report's.

        Raises
        ------
        RegistryError
            ``number`` unknown, already amended (naming the report that replaced it) or
            withdrawn; an empty reason; a date of issue before the old report's; or as
            :meth:`issue`.
        """
        with self.issuing(fingerprint=fingerprint, test_id=test_id, customer=customer,
                          tester=tester, approver=approver, issue_date=issue_date,
                          amends=number, reason=reason) as pending:
            pending.pdf_sha256 = pdf_sha256
        return self._get_known(pending.number)

    @contextmanager
    def issuing(self, *, fingerprint: str, test_id: str | None, customer: str | None,
                tester: str | None, approver: str | None,
                issue_date: date | str | None = None, number: str | None = None,
                amends: str | None = None, reason: str | None = None,
                ) -> Iterator[PendingReport]:
        """Issue a report whose PDF is rendered with its number, all in one transaction.

        Yields a :class:`PendingReport` whose number is drawn and locked; render the
        certificate with it, set ``pdf_sha256``, and leave the block: the record is
        committed. An exception in the block (or no ``pdf_sha256``) leaves nothing
        behind and the number is drawn again next time. Other writers wait meanwhile.
        ``amends`` and ``reason`` make it an amendment (see :meth:`amend`); the other
        fields may then be None to take the old report's. Without ``amends``,
        ``reason`` is :meth:`issue`'s.

        Raises
        ------
        RegistryError
            As :meth:`issue` and :meth:`amend`.
        """
        checked_fingerprint = check_hash(fingerprint, what="fingerprint")
        day = date.today() if issue_date is None else check_date(issue_date, what="issue date")
        # a future year's date would draw that year's numbers, and a report is not
        # issued before it is approved; registry issue refused it, Python did not
        if (problem := issue_date_problem(day)) is not None:
            raise RegistryError(f"issue date {day}: {problem}")
        with self._transaction("issuing a report", write=True) as session:
            chain.lock(session)  # first, in every write: links appended one at a time
            old = self._amended(session, amends, reason) if amends is not None else None
            if old is not None and day < old.issue_date:
                raise RegistryError(f"issue date {day}: before the report it amends, "
                                    f"{old.number}, issued {old.issue_date}; an amendment "
                                    "is issued on or after the report it replaces")
            fields = self._fields(old, test_id=test_id, customer=customer, tester=tester,
                                  approver=approver)
            scope, seq, drawn = self._draw(session, day, number)
            self._refuse_issued_twice(session, checked_fingerprint,
                                      old.number if old is not None else None)
            why = None if old is not None else self._reissue_reason(
                session, checked_fingerprint, reason)
            pending = PendingReport(number=drawn, issue_date=day,
                                    amendment=old.amendment + 1 if old else 0,
                                    replaces=old.number if old else None)
            yield pending
            if pending.pdf_sha256 is None:
                raise RegistryError(f"report {drawn}: no pdf_sha256 set while issuing; "
                                    "nothing was stored")
            now = datetime.now(timezone.utc)
            row = ReportRow(
                number=drawn, scope=scope, seq=seq, fingerprint=checked_fingerprint,
                pdf_sha256=check_hash(pending.pdf_sha256, what="PDF SHA-256"),
                issue_date=day, status=Status.ISSUED, reason=old.reason if old else why,
                amendment=pending.amendment, replaces=pending.replaces, replaced_by=None,
                issued_at=now, status_changed_at=None, **fields)
            session.add(row)
            session.flush()
            events = [(row, "issued")]
            if old is not None:
                old.status, old.replaced_by, old.status_changed_at = (
                    Status.AMENDED, drawn, now)
                events.append((old, "amended"))
            chain.append(session, events)

    def withdraw(self, number: str, reason: str) -> ReportRecord:
        """Withdraw a standing report (status ``withdrawn``, with its reason and time).

        Raises
        ------
        RegistryError
            ``number`` malformed or unknown, not standing (already amended or withdrawn),
            or an empty reason.
        """
        checked = check_report_number(number)
        why = check_text(reason, what="reason", max_length=REASON_LENGTH)
        with self._transaction("withdrawing a report", write=True) as session:
            chain.lock(session)
            row = self._standing(session, checked, doing="withdraw")
            row.status, row.reason = Status.WITHDRAWN, why
            row.status_changed_at = datetime.now(timezone.utc)
            chain.append(session, [(row, "withdrawn")])
        return self._get_known(row.number)

    # ------------------------------------------------------------------ reading

    def get(self, number: str) -> ReportRecord | None:
        """The record of report ``number``, or None when the registry has no such report.

        A number that differs from the registry's pattern in letter case only
        (``lab-ai-2026-0001``) finds the report the pattern writes that way.

        Raises
        ------
        RegistryError
            The number is malformed (see :func:`~medeval.registry.check_report_number`).
        """
        checked = check_report_number(number)
        spelled = self.numbering.spelled(checked)  # lab-ai-2026-0001: LAB-AI-2026-0001
        with self._transaction("reading a report", write=False) as session:
            for candidate in dict.fromkeys((checked, spelled)):
                with self._readable():
                    row = session.scalars(select(ReportRow).where(
                        ReportRow.number == candidate)).first()
                if row is not None:
                    return _record(row, self._chain_hashes(session, row.id))
            return None

    def history(self, number: str) -> tuple[ReportEvent, ...]:
        """What happened to report ``number``, oldest first, from the hash chain's links
        that recorded it: its issue, then its amendment or withdrawal, each with the
        status, reason and time it left (a reason the row no longer holds, overwritten by
        a later event, stays in its event). Empty for a registry older than the chain
        that this medeval may not upgrade (read only). ``check`` says whether the chain
        holds.

        Raises
        ------
        RegistryError
            No report ``number``; a malformed number; a link that cannot be read.
        """
        record = self._get_known_number(number)
        with self._transaction("reading a report's history", write=False) as session:
            if not self._chain_readable:
                return ()
            report_id = session.scalars(select(ReportRow.id).where(
                ReportRow.number == record.number)).one()
            return tuple(chain.history(session.connection(), report_id))

    def find_by_fingerprint(self, fingerprint: str) -> tuple[ReportRecord, ...]:
        """Every report issued for the result with this content fingerprint, oldest first."""
        return self.list(fingerprint=fingerprint)

    def ended(self, fingerprint: str) -> tuple[ReportRecord, ...]:
        """The reports of the result with this fingerprint that no longer stand for it:
        withdrawn, or replaced by an amendment carrying another result, oldest first. A
        new report of such a result needs the reason it is issued again (``issue``'s
        ``reason``)."""
        checked = check_hash(fingerprint, what="fingerprint")
        with self._transaction("listing reports", write=False) as session:
            return tuple(self._ended(session, checked))

    def list(self, *, status: Status | str | None = None, customer: str | None = None,
             fingerprint: str | None = None, year: int | None = None,
             limit: int | None = None) -> tuple[ReportRecord, ...]:
        """Reports in the order issued, filtered by status, customer (exact), fingerprint
        and year of issue; at most ``limit`` (the newest ones when limited)."""
        where = self._filters(status=status, customer=customer, fingerprint=fingerprint,
                              year=year)
        query = select(ReportRow).where(*where).order_by(ReportRow.id)
        if limit is not None:
            if limit < 1:
                raise RegistryError(f"limit {limit}: give a positive number")
            query = query.order_by(None).order_by(ReportRow.id.desc()).limit(limit)
        with self._transaction("listing reports", write=False) as session, self._readable():
            rows = session.scalars(query).all()
            hashes = self._chain_hashes(session)
        records = [_record(row, hashes) for row in rows]
        return tuple(records[::-1] if limit is not None else records)

    def check(self, *, known: Iterable[str] = ()) -> tuple[str, ...]:
        """Every disagreement among the registry's rows, one sentence each (empty: they
        agree): what a row changed by hand outside medeval breaks (see
        :mod:`medeval.registry.consistency`), then where the hash chain breaks and each
        report that differs from the last link recording it (:mod:`medeval.registry.chain`).
        ``known``: chain hashes written down earlier (the end a check printed, a
        ``chain_hash`` of an export), each of which must still be a link's: the chain only
        grows, so one missing means it was rewritten (a rewrite that checks clean
        otherwise). Read in one transaction, taking no write lock.

        Raises
        ------
        RegistryError
            A ``known`` value that is not a SHA-256.
        """
        hashes = [check_hash(value, what="known chain hash") for value in known]
        with self._transaction("checking the registry", write=False) as session:
            connection = session.connection()
            return (*find_problems(connection, self.numbering),
                    *chain.chain_problems(connection), *chain.unknown(connection, hashes))

    def chain_head(self) -> tuple[int, str]:
        """The hash chain's length and its last link's hash, as the registry records
        them (``0`` and 64 zeros before the first link): written down or printed, it is
        what a later :meth:`check` of a registry rewritten whole is compared with."""
        with self._transaction("reading the hash chain", write=False) as session:
            return chain.head(session.connection())

    def export_csv(self, destination: str | Path | IO[str], **filters: Any) -> int:
        """Write the reports (filtered as :meth:`list`) as CSV; return how many.

        A path is written UTF-8 with a byte-order mark (so that a spreadsheet shows
        Korean), header row :data:`~medeval.registry.CSV_COLUMNS`.
        """
        if isinstance(destination, (str, Path)):
            self._refuse_own_file(Path(destination), "export")
        return write_csv(self.list(**filters), destination)

    def _refuse_own_file(self, destination: Path, doing: str) -> None:
        """Refuse to write over the SQLite file of this registry (or its journal):
        'medeval registry export registry.sqlite' replaced every report issued with
        their CSV, and the registry then opened as "file is not a database"."""
        if self._url.get_backend_name() != "sqlite" or not self._url.database:
            return
        own = Path(self._url.database.removeprefix("file:").split("?")[0])
        for path in (own, *(own.with_name(own.name + end) for end in
                            ("-journal", "-wal", "-shm"))):
            same = destination.resolve() == path.resolve()
            if not same and destination.exists() and path.exists():
                same = destination.samefile(path)
            if same:
                raise RegistryError(f"{doing} {destination}: is the registry's own file "
                                    f"{path}, which it would replace: give the {doing} a "
                                    "name of its own; nothing was written")

    def backup(self, destination: str | Path) -> int:
        """Copy a SQLite registry to the new file ``destination``, consistent while
        others issue (SQLite's online backup API); return how many reports it holds.

        Raises
        ------
        RegistryError
            A PostgreSQL registry (back it up with ``pg_dump``), or as
            :func:`~medeval.registry.backup.backup_sqlite`.
        """
        if self._url.get_backend_name() != "sqlite" or not self._url.database:
            raise RegistryError(f"registry {self.location}: a PostgreSQL registry is backed "
                                "up with pg_dump (pg_dump -Fc -f registry.dump DBNAME), "
                                "restored with pg_restore")
        # its journal's name too: SQLite found no journal there on the next opening
        # and deleted the file, a backup reported "backed up ...: 7 report(s)"
        if not Path(destination).exists():  # an existing file: "exists already", as before
            self._refuse_own_file(Path(destination), "backup")
        return backup_sqlite(Path(self._url.database.removeprefix("file:")),
                             Path(destination).resolve())

    # ------------------------------------------------------------------ inside

    @contextmanager
    def _transaction(self, what: str, *, write: bool,
                     schema_change: bool = False) -> Iterator[Session]:
        committing = False
        if self._read_only_file is not None:
            # a read-only connection cannot roll back a writer's hot journal: without
            # this, a tester's process killed while committing after the page started
            # had every look-up answered 503 ('attempt to write a readonly database')
            # until someone wrote again
            roll_back_interrupted_commit(self._read_only_file)
        try:
            with self._engine.connect() as connection:
                if write:
                    connection.execution_options(medeval_write=True)
                # SQLite changes a table by copying it (Alembic's batch mode): with foreign
                # keys on, dropping the old medeval_reports fails on any amended report
                # (replaces and replaced_by name rows of that very table). Off for this
                # transaction only (set inside one, the PRAGMA is ignored), the keys
                # checked before the commit (check_schema), on again after
                raw = (connection.connection.dbapi_connection
                       if schema_change and connection.dialect.name == "sqlite" else None)
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = OFF")
                try:
                    with Session(bind=connection, expire_on_commit=False) as session:
                        with session.begin():
                            yield session
                            session.flush()
                            committing = True
                finally:
                    if raw is not None:
                        try:
                            raw.execute("PRAGMA foreign_keys = ON")
                        except sqlite3.Error:  # never back in the pool with the keys off
                            connection.invalidate()
        except IntegrityError as exc:  # medeval checks first: rows changed by hand (a
            # counter put back) ended here with the constraint's name and nothing to do
            raise RegistryError(f"registry {self.location}: {what} refused by the database "
                                f"({describe_failure(exc)}); nothing was stored; `medeval "
                                "registry check` names rows changed outside medeval") from None
        except PoolTimeout:
            stored = "; nothing was stored" if write else ""
            raise RegistryError(f"registry {self.location}: {what} failed (every connection "
                                "to the database is in use: it is slow or locked; try again)"
                                f"{stored}") from None
        except DBAPIError as exc:
            if committing:
                raise RegistryError(
                    f"registry {self.location}: the database failed while committing "
                    f"{what} ({describe_failure(exc)}): it may or may not be stored; "
                    "look the report up by its fingerprint before trying again") from None
            stored = "; nothing was stored" if write else ""
            raise RegistryError(f"registry {self.location}: {what} failed "
                                f"({describe_failure(exc)}){stored}") from None

    @contextmanager
    def _readable(self) -> Iterator[None]:
        """Rows read inside: a stored value that is not one (a date '2026-13-45' or a
        time 'garbage' written by hand with sqlite3, which types nothing) is a
        RegistryError saying so, not SQLAlchemy's traceback ('month must be in 1..12'
        from registry list, show, export and verify --registry)."""
        try:
            yield
        except (ValueError, TypeError) as exc:
            if isinstance(exc, RegistryError):
                raise
            raise RegistryError(f"registry {self.location}: a report's stored value cannot "
                                f"be read ({exc}): the database was changed outside "
                                "medeval; `medeval registry check` names the row") from None

    def _draw(self, session: Session, day: date, number: str | None) -> tuple[str, int, str]:
        """Lock the counter of ``day``'s scope and draw the next number (or take
        ``number``, moving the counter past it). Returns (scope, seq, number)."""
        year, seq = (day.year, 0) if number is None else self.numbering.parse(number)
        if year is not None and year != day.year:
            raise RegistryError(f"report number {number}: of {year}, but the date of issue "
                                f"is {day.isoformat()}; give the date it was issued")
        scope = self.numbering.scope(day.year)
        postgresql = session.get_bind().dialect.name == "postgresql"
        insert = postgresql_insert if postgresql else sqlite_insert
        session.execute(insert(CounterRow).values(scope=scope, last_seq=0)
                        .on_conflict_do_nothing(index_elements=["scope"]))
        counter = session.scalars(select(CounterRow).where(CounterRow.scope == scope)
                                  .with_for_update()).one()
        if number is None:
            seq = counter.last_seq + 1
        if not 1 <= seq <= MAX_SEQ:  # the database's CHECK said 'seq_positive'; above,
            # PostgreSQL 'integer out of range' where SQLite stored it (and a number
            # registered at the top left every later issue of the year failing so)
            raise RegistryError(
                f"report number {number or self.numbering.format(year=day.year, seq=seq)}:"
                f" running number {seq} of scope {scope!r} outside 1 to {MAX_SEQ}"
                f"{'' if number else ' (the counter is at its last number)'}; "
                "nothing was stored")
        written = self.numbering.format(year=day.year, seq=seq)
        if number is not None and self._exists(session, written):
            raise RegistryError(f"report number {number}: already in the registry")
        counter.last_seq = max(counter.last_seq, seq)
        return scope, seq, written

    def _amended(self, session: Session, number: str, reason: str | None) -> ReportRow:
        checked = check_report_number(number)
        why = check_text(reason, what="reason", max_length=REASON_LENGTH)
        row = self._standing(session, checked, doing="amend")
        row.reason = why
        return row

    def _standing(self, session: Session, number: str, *, doing: str) -> ReportRow:
        # as get(): a number typed in another letter case (ktl-ai-2026-0001) names the
        # report the pattern writes that way; amend and withdraw said it was not there
        row = None
        for candidate in dict.fromkeys((number, self.numbering.spelled(number))):
            with self._readable():
                row = session.scalars(select(ReportRow).where(
                    ReportRow.number == candidate).with_for_update()).first()
            if row is not None:
                number = row.number
                break
        if row is None:
            raise RegistryError(f"report {number}: not in the registry {self.location}")
        if row.status is Status.AMENDED:
            raise RegistryError(f"report {number}: already amended by {row.replaced_by}; "
                                f"{doing} that one")
        if row.status is Status.WITHDRAWN:
            raise RegistryError(f"report {number}: already withdrawn ({row.reason}); "
                                f"cannot {doing} it")
        return row

    @staticmethod
    def _fields(old: ReportRow | None, **given: str | None) -> dict[str, str]:
        limits = {"test_id": NAME_LENGTH, "customer": CUSTOMER_LENGTH,
                  "tester": NAME_LENGTH, "approver": NAME_LENGTH}
        out = {}
        for name, value in given.items():
            if value is None and old is not None:
                value = getattr(old, name)
            out[name] = check_text(value, what=name.replace("_", " "),
                                   max_length=limits[name])
        return out

    def _refuse_issued_twice(self, session: Session, fingerprint: str,
                             amends: str | None) -> None:
        standing = session.scalars(select(ReportRow.number).where(
            ReportRow.fingerprint == fingerprint, ReportRow.status == Status.ISSUED)).all()
        others = [n for n in standing if n != amends]
        if others:
            raise RegistryError(f"result sha256:{fingerprint}: already issued as "
                                f"{', '.join(others)}; amend that report instead")

    def _reissue_reason(self, session: Session, fingerprint: str,
                        reason: str | None) -> str | None:
        """The reason a result is issued a new report (not an amendment) after its
        report was withdrawn, or replaced by an amendment with another result: required
        then, and refused otherwise. Such a result was found wrong, or superseded;
        issued again without a word, a withdrawn result's figures went out under a new
        number as if nothing had happened."""
        ended = self._ended(session, fingerprint)
        if not ended and reason is not None:
            raise RegistryError(f"result sha256:{fingerprint}: no report of it was "
                                "withdrawn or replaced, so a new report gives no reason "
                                "(a reason is an amendment's, or a withdrawn result's "
                                "issued again)")
        if ended and reason is None:
            raise RegistryError(f"result sha256:{fingerprint}: {ended_text(ended)}; it is "
                                "issued again only with the reason it stands now (reason="
                                "...), recorded with the new report")
        if not ended:
            return None
        return check_text(reason, what="reason", max_length=REASON_LENGTH)

    def _ended(self, session: Session, fingerprint: str) -> builtins.list[ReportRecord]:
        """This result's reports that no longer stand for it: withdrawn, or replaced by
        an amendment carrying another result (one carrying this result again stands, or
        is itself withdrawn or replaced), oldest first."""
        with self._readable():
            rows = session.scalars(select(ReportRow).where(
                ReportRow.fingerprint == fingerprint, ReportRow.status != Status.ISSUED)
                .order_by(ReportRow.id)).all()
        ended = []
        for row in rows:
            if row.status is Status.AMENDED and row.replaced_by is not None:
                replacing = session.scalars(select(ReportRow.fingerprint).where(
                    ReportRow.number == row.replaced_by)).one()
                if replacing == fingerprint:
                    continue
            ended.append(_record(row, self._chain_hashes(session, row.id)))
        return ended

    def _chain_hashes(self, session: Session, report_id: int | None = None) -> dict[int, str]:
        return _chain_hashes(session, report_id) if self._chain_readable else {}

    @staticmethod
    def _exists(session: Session, number: str) -> bool:
        return session.scalars(select(ReportRow.id).where(ReportRow.number == number)
                               ).first() is not None

    @staticmethod
    def _filters(*, status: Status | str | None, customer: str | None,
                 fingerprint: str | None, year: int | None) -> tuple[ColumnElement[bool], ...]:
        where: builtins.list[ColumnElement[bool]] = []
        if status is not None:
            try:
                where.append(ReportRow.status == Status(status))
            except ValueError:
                raise RegistryError(f"status {status!r}: one of "
                                    f"{', '.join(s.value for s in Status)}") from None
        if customer is not None:
            where.append(ReportRow.customer == customer)
        if fingerprint is not None:
            where.append(ReportRow.fingerprint == check_hash(fingerprint, what="fingerprint"))
        if year is not None:
            if not isinstance(year, int) or not 1 <= year <= 9999:  # date() refuses them:
                # registry list --year 0 (or 20266, a digit too many) was a traceback
                raise RegistryError(f"year {year!r}: not a year of issue (1 to 9999)")
            where.append(ReportRow.issue_date.between(date(year, 1, 1), date(year, 12, 31)))
        return tuple(where)

    def _get_known_number(self, number: str) -> ReportRecord:
        record = self.get(number)
        if record is None:
            raise RegistryError(f"report {number}: not in the registry {self.location}")
        return record

    def _get_known(self, number: str) -> ReportRecord:
        record = self.get(number)
        if record is None:  # pragma: no cover - just committed
            raise RegistryError(f"report {number}: committed but not found")
        return record


def _aware(moment: datetime | None) -> datetime | None:
    """A stored time as UTC (SQLite hands back naive times)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def _upgrade_command(url: URL) -> str:
    """The command that upgrades the registry at ``url``, for a message: its password is
    not printed, so the command then says where to put it back (pasted with ``***``, the
    command would fail to log in).

    >>> from sqlalchemy.engine import make_url
    >>> print(_upgrade_command(make_url("postgresql+psycopg://lab:s3cret@db.lab/registry")))
    ... # doctest: +NORMALIZE_WHITESPACE
    medeval registry check --registry 'postgresql+psycopg://lab:***@db.lab/registry'
    (with the password in place of ***)
    >>> _upgrade_command(make_url("sqlite:///old registry.sqlite"))
    "medeval registry check --registry 'old registry.sqlite'"
    """
    where = shown(url)
    return (f"medeval registry check --registry {shlex.quote(where)}"
            + (" (with the password in place of ***)" if "***" in where else ""))


def _chain_hashes(session: Session, report_id: int | None = None) -> dict[int, str]:
    """The hash of the last link recording each report (of ``report_id`` only, if given),
    by the report's row id."""
    last = select(ChainRow.report_id, func.max(ChainRow.position).label("position"))
    if report_id is not None:
        last = last.where(ChainRow.report_id == report_id)
    latest = last.group_by(ChainRow.report_id).subquery()
    return {int(i): str(h) for i, h in session.execute(
        select(ChainRow.report_id, ChainRow.hash).join(
            latest, ChainRow.position == latest.c.position))}


def _record(row: ReportRow, chain_hashes: dict[int, str]) -> ReportRecord:
    issued_at = _aware(row.issued_at)
    assert issued_at is not None
    return ReportRecord(
        number=row.number, fingerprint=row.fingerprint, pdf_sha256=row.pdf_sha256,
        test_id=row.test_id, customer=row.customer, issue_date=row.issue_date,
        tester=row.tester, approver=row.approver, status=Status(row.status),
        reason=row.reason, amendment=row.amendment, replaces=row.replaces,
        replaced_by=row.replaced_by, issued_at=issued_at,
        status_changed_at=_aware(row.status_changed_at),
        chain_hash=chain_hashes.get(row.id))

