"""Versioned schema migrations with Alembic, run automatically at start on DuckDB and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from looplab.storage.db import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
ADVISORY_LOCK_ID = 7_100_451  # any constant shared by every replica


def version_locations() -> list[Path]:
    """The platform's revisions plus each app's own ``looplab/<app>/migrations/`` folder."""
    from looplab.apps import APPS

    package = Path(__file__).resolve().parents[1]
    app_dirs = [package / app / "migrations" for app in APPS]
    return [MIGRATIONS_DIR / "versions", *(d for d in app_dirs if d.is_dir())]


def alembic_config(connection=None) -> Config:  # noqa: ANN001
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(d) for d in version_locations()))
    config.attributes["connection"] = connection
    return config


def expected_heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def upgrade(db: Database, revision: str = "heads") -> None:
    """Bring the schema to ``revision``; replicas starting together take turns through an advisory lock.

    Each app keeps its own branch of revisions (``branch_labels = ("<app>",)``, based on the platform's
    ``0001``), so apps add tables independently; "heads" applies every branch.
    """
    with db.engine.begin() as connection:
        if not db.is_duckdb:
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        command.upgrade(alembic_config(connection), revision)


def current_revisions(db: Database) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
