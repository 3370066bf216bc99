"""The registry's tables as SQLAlchemy 2 typed ORM classes.

Four tables, each prefixed ``medeval_`` so that their names say whose they are:

- ``medeval_registry``: one row, the marker that a database is a medeval registry, and
  its report-number pattern;
- ``medeval_counters``: the last running number drawn per scope (a year, or ``all``),
  locked while a number is drawn;
- ``medeval_reports``: one row per issued report. ``number`` is UNIQUE and so is
  ``(scope, seq)``: the last guard against one number twice, should the counter ever be
  bypassed. ``replaces`` is UNIQUE too: a report is amended at most once;
- ``medeval_chain``: the hash chain, one link per issue, amendment and withdrawal (its
  length and last hash are kept in ``medeval_registry``).

The schema is created and upgraded by the Alembic migrations in ``migrations/`` (never
by ``create_all``); a test compares these classes with the migrated database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .numbering import MAX_NUMBER_LENGTH
from .records import Status

__all__ = [
    "APPLICATION",
    "VERSION_TABLE",
    "Base",
    "ChainRow",
    "CounterRow",
    "ReportRow",
    "SettingsRow",
]

#: The value of ``medeval_registry.application`` that marks a medeval registry.
APPLICATION = "medeval-registry"
#: Alembic's version table, named ours so that it never meets another application's.
VERSION_TABLE = "medeval_alembic_version"
#: Lengths of the text columns (characters); the API checks them before the database does.
HASH_LENGTH = 64
NAME_LENGTH = 200
CUSTOMER_LENGTH = 500
SCOPE_LENGTH = 16

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The registry's declarative base (constraint names fixed by a naming convention)."""

    metadata = MetaData(naming_convention=_NAMING)


class SettingsRow(Base):
    """The registry's marker and settings (one row, id 1)."""

    __tablename__ = "medeval_registry"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    application: Mapped[str] = mapped_column(String(32))
    pattern: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: How many links the hash chain holds, and the last one's hash (None: no link yet).
    chain_length: Mapped[int] = mapped_column(Integer, server_default="0")
    chain_head: Mapped[str | None] = mapped_column(String(HASH_LENGTH))


class CounterRow(Base):
    """The last running number drawn in a scope (a year, or ``all``)."""

    __tablename__ = "medeval_counters"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="last_seq_positive"),)

    scope: Mapped[str] = mapped_column(String(SCOPE_LENGTH), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class ReportRow(Base):
    """One issued report (see :class:`medeval.registry.ReportRecord` for the fields)."""

    __tablename__ = "medeval_reports"
    __table_args__ = (
        UniqueConstraint("scope", "seq", name="uq_medeval_reports_scope_seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("amendment >= 0", name="amendment_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(MAX_NUMBER_LENGTH), unique=True)
    scope: Mapped[str] = mapped_column(String(SCOPE_LENGTH))
    seq: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(HASH_LENGTH), index=True)
    pdf_sha256: Mapped[str] = mapped_column(String(HASH_LENGTH))
    test_id: Mapped[str] = mapped_column(String(NAME_LENGTH))
    customer: Mapped[str] = mapped_column(String(CUSTOMER_LENGTH))
    issue_date: Mapped[date] = mapped_column(Date)
    tester: Mapped[str] = mapped_column(String(NAME_LENGTH))
    approver: Mapped[str] = mapped_column(String(NAME_LENGTH))
    status: Mapped[Status] = mapped_column(
        Enum(Status, name="status", native_enum=False, create_constraint=True, length=16,
             values_callable=lambda kinds: [kind.value for kind in kinds])
    )
    reason: Mapped[str | None] = mapped_column(Text)
    amendment: Mapped[int] = mapped_column(Integer)
    replaces: Mapped[str | None] = mapped_column(
        String(MAX_NUMBER_LENGTH), ForeignKey("medeval_reports.number"), unique=True
    )
    replaced_by: Mapped[str | None] = mapped_column(
        String(MAX_NUMBER_LENGTH), ForeignKey("medeval_reports.number")
    )
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChainRow(Base):
    """One link of the hash chain (see :mod:`medeval.registry.chain`): the record of a
    report as an event left it, and SHA-256 over the previous link's hash and it."""

    __tablename__ = "medeval_chain"
    __table_args__ = (CheckConstraint("position >= 1", name="position_positive"),)

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    report_id: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(16))
    record: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
