"""Alembic's environment for the registry: run by :mod:`medeval.registry.database` only.

The connection comes in ``config.attributes["connection"]`` (inside the caller's
transaction, so that creating a registry and writing its settings commit together).
Imported outside Alembic (pytest's doctest collection), it does nothing.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from medeval.registry.models import VERSION_TABLE, Base


def _run(config: Any) -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata,
                      version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


#: Alembic's Config while it runs this file; absent otherwise.
_config = getattr(context, "config", None)
if _config is not None:
    _run(_config)
