"""The schema the Alembic migrations build is the one the models describe, on both
backends, and it is versioned in the registry's own version table."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from medeval.registry import Registry
from medeval.registry.models import VERSION_TABLE, Base


def _engine_url(registry_url: str) -> str:
    return registry_url if "://" in registry_url else f"sqlite:///{registry_url}"


def test_migrated_schema_equals_the_models(registry_url):
    Registry.create(registry_url).close()
    engine = create_engine(_engine_url(registry_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "version_table": VERSION_TABLE, "compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        revision = context.get_current_revision()
        inspector = inspect(connection)
        tables = set(inspector.get_table_names())
        uniques = {tuple(u["column_names"])
                   for u in inspector.get_unique_constraints("medeval_reports")}
    engine.dispose()
    assert differences == []
    assert revision == "r0001"
    assert tables == {"medeval_registry", "medeval_counters", "medeval_reports", VERSION_TABLE}
    # the last guards against one number twice, and against two amendments of one report
    assert {("number",), ("scope", "seq"), ("replaces",)} <= uniques


def test_opening_needs_no_alembic_ini(registry_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no alembic.ini here or anywhere near
    Registry.create(registry_url).close()
    with Registry.open(registry_url) as registry:
        assert registry.list() == ()
    assert not list(tmp_path.glob("*.ini"))


#: A later revision, as a future medeval would ship it: one nullable column added to the
#: reports (batch mode, as env.py runs every migration, so that SQLite copies the table).
_R0002 = '''
import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("medeval_reports") as batch:
        batch.add_column(sa.Column("note_r0002", sa.String(40), nullable=True))
'''


def test_an_older_registry_is_upgraded_on_opening_and_keeps_its_reports(
        registry_url, tmp_path, monkeypatch):
    # Only revision r0001 exists, so the upgrade path (check_schema's `alembic upgrade
    # head` under the write lock) had never run. Here a registry made with r0001 holds
    # two reports; a medeval whose migrations end at r0002 then opens it. Checked with
    # SQLAlchemy's inspector and Alembic's own MigrationContext, not medeval.
    import shutil

    from medeval.errors import RegistryError
    from medeval.registry import database

    Registry.create(registry_url).close()
    with Registry.open(registry_url) as registry:
        for k in range(2):
            registry.issue(fingerprint=f"{k}" * 64, pdf_sha256=f"{k + 2}" * 64,
                           test_id=f"T-{k}", customer="C", tester="T", approver="A",
                           issue_date="2026-12-04")
    newer = tmp_path / "migrations"
    shutil.copytree(Path(database.__file__).parent / "migrations", newer,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "r0002_note.py").write_text(_R0002, encoding="utf-8")
    monkeypatch.setattr(database, "SCRIPT_LOCATION", str(newer))

    # the public page opens read only: it cannot upgrade, and says what to do
    with pytest.raises(RegistryError, match="schema is older than this medeval's"):
        Registry.open(registry_url, read_only=True)
    with Registry.open(registry_url) as registry:  # a tester's command upgrades it
        numbers = [r.number for r in registry.list()]
    assert len(numbers) == 2
    with Registry.open(registry_url, read_only=True) as public:  # now the page opens
        assert sorted(r.number for r in public.list()) == sorted(numbers)

    engine = create_engine(_engine_url(registry_url))
    with engine.connect() as connection:
        revision = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
        columns = {c["name"] for c in inspect(connection).get_columns("medeval_reports")}
        uniques = {tuple(u["column_names"])
                   for u in inspect(connection).get_unique_constraints("medeval_reports")}
    engine.dispose()
    assert revision == "r0002"
    assert "note_r0002" in columns
    # SQLite's batch copy of the table kept the guards against one number twice
    assert {("number",), ("scope", "seq"), ("replaces",)} <= uniques
