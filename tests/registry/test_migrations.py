"""The schema the Alembic migrations build is the one the models describe, on both
backends, and it is versioned in the registry's own version table."""

from __future__ import annotations

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
