"""The hash chain (medeval 0.12): the medeval_chain table, its head in medeval_registry,
and a link for every report already issued.

The reports a registry holds when it is upgraded are chained as they stand then, one
link each (event ``chained``), in the order issued: the chain vouches for them from that
moment on, and proves nothing about changes made before it.

Revision ID: r0002
Revises: r0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from medeval.registry.chain import GENESIS, encode, link_hash

#: The report's fields as r0001's schema holds them and this revision's links record them,
#: frozen here: a later revision that adds a field to ``chain.FIELDS`` must not change
#: what this one reads from the r0001 table it upgrades.
FIELDS = ("number", "scope", "seq", "fingerprint", "pdf_sha256", "test_id", "customer",
          "issue_date", "tester", "approver", "status", "reason", "amendment", "replaces",
          "replaced_by", "issued_at", "status_changed_at")

revision = "r0002"
down_revision: str | None = "r0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create medeval_chain, add the chain's head to medeval_registry, chain the reports."""
    chain = op.create_table(
        "medeval_chain",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_medeval_chain_position_positive")),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_medeval_chain")),
    )
    with op.batch_alter_table("medeval_registry") as batch:
        batch.add_column(sa.Column("chain_length", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("chain_head", sa.String(64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(FIELDS)} FROM medeval_reports "
                                      "ORDER BY id")).mappings().all()
    previous, links = GENESIS, []
    for position, row in enumerate(rows, start=1):
        record = encode(position, "chained", row["id"], row, fields=FIELDS)
        previous = link_hash(previous, record)
        links.append({"position": position, "report_id": row["id"], "event": "chained",
                      "record": record, "hash": previous})
    if links:
        op.bulk_insert(chain, links)
    connection.execute(sa.text("UPDATE medeval_registry SET chain_length = :length, "
                               "chain_head = :head"),
                       {"length": len(links), "head": previous if links else None})


def downgrade() -> None:
    """Drop the chain and its head."""
    with op.batch_alter_table("medeval_registry") as batch:
        batch.drop_column("chain_head")
        batch.drop_column("chain_length")
    op.drop_table("medeval_chain")
