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
    assert revision == "r0002"
    assert tables == {"medeval_registry", "medeval_counters", "medeval_reports",
                      "medeval_chain", VERSION_TABLE}
    # the last guards against one number twice, and against two amendments of one report
    assert {("number",), ("scope", "seq"), ("replaces",)} <= uniques


def test_opening_needs_no_alembic_ini(registry_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no alembic.ini here or anywhere near
    Registry.create(registry_url).close()
    with Registry.open(registry_url) as registry:
        assert registry.list() == ()
    assert not list(tmp_path.glob("*.ini"))


#: A later revision (after r0002, the hash chain), as a future medeval would ship it: one
#: nullable column added to the reports (batch mode, as env.py runs every migration, so
#: that SQLite copies the table).
_R0003 = '''
import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("medeval_reports") as batch:
        batch.add_column(sa.Column("note_r0003", sa.String(40), nullable=True))
'''


def test_an_older_registry_is_upgraded_on_opening_and_keeps_its_reports(
        registry_url, tmp_path, monkeypatch):
    # Before r0002, only revision r0001 existed, so the upgrade path (check_schema's
    # `alembic upgrade head` under the write lock) had never run. Here a registry made with
    # r0002 holds two reports; a medeval whose migrations end at r0003 then opens it. Checked with
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
    (newer / "versions" / "r0003_note.py").write_text(_R0003, encoding="utf-8")
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
    assert revision == "r0003"
    assert "note_r0003" in columns
    # SQLite's batch copy of the table kept the guards against one number twice
    assert {("number",), ("scope", "seq"), ("replaces",)} <= uniques


def _amended_registry_upgraded_by(tmp_path, monkeypatch, r0003: str):
    """A SQLite registry (r0002) holding a report and its amendment, and a copy of the
    migrations whose r0003 is ``r0003``, put in place; returns (path, first, second)."""
    import shutil

    from medeval.registry import database

    path = tmp_path / "registry.sqlite"
    Registry.create(path).close()
    with Registry.open(path) as registry:
        first = registry.issue(fingerprint="1" * 64, pdf_sha256="2" * 64, test_id="T-1",
                               customer="C", tester="T", approver="A",
                               issue_date="2026-12-04")
        second = registry.amend(first.number, "typo", fingerprint="3" * 64,
                                pdf_sha256="4" * 64)
    newer = tmp_path / "migrations"
    shutil.copytree(Path(database.__file__).parent / "migrations", newer,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "r0003_note.py").write_text(r0003, encoding="utf-8")
    monkeypatch.setattr(database, "SCRIPT_LOCATION", str(newer))
    return path, first, second


def test_a_table_copied_by_an_upgrade_keeps_amended_reports(tmp_path, monkeypatch):
    # SQLite changes a table by copying it (Alembic's batch mode, recreate: dropping or
    # retyping a column, a new constraint). The test above adds a column, which SQLite
    # does in place (ALTER TABLE ADD COLUMN: no copy). With a copy, the registry's
    # foreign keys (on in every connection) refused the drop of the old medeval_reports
    # once a report was amended (replaces and replaced_by name rows of that table):
    # 'upgrading the registry refused by the database (FOREIGN KEY constraint failed)',
    # and the laboratory could not open its registry with the new medeval (found
    # reviewing 8b61ab7). Checked with sqlite3, not medeval.
    import sqlite3

    path, first, second = _amended_registry_upgraded_by(
        tmp_path, monkeypatch, _R0003.replace(
            'batch_alter_table("medeval_reports")',
            'batch_alter_table("medeval_reports", recreate="always")'))
    with Registry.open(path) as registry:  # upgrades: the table copied
        assert registry.get(second.number).replaces == first.number
        with registry._engine.connect() as connection:  # the keys on again after
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT number, replaces, replaced_by FROM "
                                  "medeval_reports ORDER BY number").fetchall()
        table = connection.execute("SELECT sql FROM sqlite_master WHERE name = "
                                   "'medeval_reports'").fetchone()[0]
        columns = [row[1] for row in connection.execute("PRAGMA table_info(medeval_reports)")]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
    assert rows == [(first.number, None, second.number), (second.number, first.number, None)]
    assert "note_r0003" in columns
    assert table.count("REFERENCES medeval_reports") == 2  # the copy keeps both keys


def test_an_upgrade_leaving_a_dangling_report_reference_is_refused(tmp_path, monkeypatch):
    # With the foreign keys off while SQLite copies a table, a migration that broke
    # them (an amendment naming a report that is not there) would have been committed
    # unseen: the keys are checked before the commit, and nothing is changed. The
    # revision is read with Alembic's MigrationContext, the rows with sqlite3.
    import sqlite3

    from medeval.errors import RegistryError

    path, first, _ = _amended_registry_upgraded_by(tmp_path, monkeypatch, _R0003 + (
        "    op.execute(\"UPDATE medeval_reports SET replaces = 'LAB-AI-1999-0001' \"\n"
        "               \"WHERE replaces IS NOT NULL\")\n"))
    with pytest.raises(RegistryError, match=r"left 1 row\(s\) naming a report that is not "
                                            r"there .*nothing was changed"):
        Registry.open(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        revision = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
    engine.dispose()
    assert revision == "r0002"
    connection = sqlite3.connect(path)
    try:
        replaces = connection.execute("SELECT replaces FROM medeval_reports WHERE replaces "
                                      "IS NOT NULL").fetchall()
    finally:
        connection.close()
    assert replaces == [(first.number,)]
