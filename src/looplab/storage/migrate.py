"""Versioned schema migrations with Alembic, run automatically at start on DuckDB and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from looplab.storage.db import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
ADVISORY_LOCK_ID = 7_100_451  # any constant shared by every replica


def alembic_config(connection=None) -> Config:  # noqa: ANN001
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision``; replicas starting together take turns through an advisory lock."""
    with db.engine.begin() as connection:
        if not db.is_duckdb:
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        command.upgrade(alembic_config(connection), revision)


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
