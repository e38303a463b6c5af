from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from looplab.auth.models import User
from looplab.jobs.models import Job
from looplab.storage.db import Database, DatabaseUnavailable
from looplab.storage.migrate import current_revisions, expected_heads


def test_migrations_create_every_table_and_are_idempotent(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    db.migrate()
    tables = set(inspect(db.engine).get_table_names()) if not db.is_duckdb else _duckdb_tables(db)
    assert {
        "users",
        "sessions",
        "login_attempts",
        "jobs",
        "model_versions",
        "notifications",
        "blobs",
    } <= tables
    assert current_revisions(db) == expected_heads() and expected_heads()
    db.dispose()


def _duckdb_tables(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return {row[0] for row in conn.exec_driver_sql("SELECT table_name FROM information_schema.tables")}


def test_rows_round_trip_json_and_timestamps(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    with db.session() as session:
        session.add(Job(kind="demo", params={"steps": 3, "nested": {"é": [1, 2.5, None]}}))
    with db.session() as session:
        job = session.scalar(select(Job))
    assert job.params == {"steps": 3, "nested": {"é": [1, 2.5, None]}}
    assert job.created_at.tzinfo is not None
    assert job.state == "queued"
    db.dispose()


def test_failed_unit_of_work_is_rolled_back(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(User(name="ghost", password_hash="x"))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        assert session.scalar(select(User).where(User.name == "ghost")) is None
    db.dispose()


def test_unreachable_database_gives_a_clear_error_after_retries() -> None:
    from tests.services import free_port

    db = Database(f"postgresql+psycopg://looplab:secret-pw@127.0.0.1:{free_port()}/looplab")
    with pytest.raises(DatabaseUnavailable) as info:
        db.wait_until_ready(attempts=2, delay_s=0.05)
    message = str(info.value)
    assert "cannot reach the database" in message and "2 attempts" in message
    assert "secret-pw" not in message
