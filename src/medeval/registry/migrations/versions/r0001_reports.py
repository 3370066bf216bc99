"""The registry's first schema: settings, counters, reports (medeval 0.2).

Revision ID: r0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the three tables (mirrors medeval.registry.models as of this revision)."""
    op.create_table(
        "medeval_registry",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("application", sa.String(32), nullable=False),
        sa.Column("pattern", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_medeval_registry_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medeval_registry")),
    )
    op.create_table(
        "medeval_counters",
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_seq >= 0", name=op.f("ck_medeval_counters_last_seq_positive")),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_medeval_counters")),
    )
    op.create_table(
        "medeval_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("test_id", sa.String(200), nullable=False),
        sa.Column("customer", sa.String(500), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("tester", sa.String(200), nullable=False),
        sa.Column("approver", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("amendment", sa.Integer(), nullable=False),
        sa.Column("replaces", sa.String(64), nullable=True),
        sa.Column("replaced_by", sa.String(64), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('issued', 'amended', 'withdrawn')",
                           name=op.f("ck_medeval_reports_status")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_medeval_reports_seq_positive")),
        sa.CheckConstraint("amendment >= 0",
                           name=op.f("ck_medeval_reports_amendment_positive")),
        sa.ForeignKeyConstraint(["replaces"], ["medeval_reports.number"],
                                name=op.f("fk_medeval_reports_replaces_medeval_reports")),
        sa.ForeignKeyConstraint(["replaced_by"], ["medeval_reports.number"],
                                name=op.f("fk_medeval_reports_replaced_by_medeval_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medeval_reports")),
        sa.UniqueConstraint("number", name=op.f("uq_medeval_reports_number")),
        sa.UniqueConstraint("replaces", name=op.f("uq_medeval_reports_replaces")),
        sa.UniqueConstraint("scope", "seq", name="uq_medeval_reports_scope_seq"),
    )
    op.create_index(op.f("ix_medeval_reports_fingerprint"), "medeval_reports",
                    ["fingerprint"], unique=False)


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index(op.f("ix_medeval_reports_fingerprint"), table_name="medeval_reports")
    op.drop_table("medeval_reports")
    op.drop_table("medeval_counters")
    op.drop_table("medeval_registry")
