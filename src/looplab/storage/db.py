"""The database: one SQLAlchemy engine for DuckDB (embedded default) or PostgreSQL (scale-out)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.ddl.impl import DefaultImpl
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


class AlembicDuckDBImpl(DefaultImpl):
    """Teaches Alembic the DuckDB dialect (duckdb-engine documents this shim)."""

    __dialect__ = "duckdb"
    transactional_ddl = True


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached; the message says where and why, without secrets."""


def redact_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = url.split(":", 1)[0].split("+", 1)[0]
        self.engine = self._create_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_duckdb(self) -> bool:
        return self.dialect == "duckdb"

    def _create_engine(self, url: str) -> Engine:
        if url.startswith("duckdb"):
            path = url.split(":///", 1)[1] if ":///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=False)
        else:
            engine = create_engine(
                url, pool_size=10, max_overflow=10, pool_pre_ping=True, connect_args={"connect_timeout": 5}
            )
        event.listen(engine, "handle_error", _log_db_error)
        return engine

    def wait_until_ready(self, attempts: int = 10, delay_s: float = 1.0) -> None:
        """Retry the first connection; a database that is still starting is normal in compose."""
        last: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except Exception as err:  # noqa: BLE001 - every driver error means "not ready yet"
                last = err
                reason = str(getattr(err, "orig", err)).strip().splitlines()[0] if str(err) else type(err).__name__
                log.warning(
                    "database %s not ready (attempt %d/%d): %s",
                    redact_url(self.url),
                    attempt,
                    attempts,
                    reason,
                )
                if attempt < attempts:
                    time.sleep(delay_s)
        reason = str(getattr(last, "orig", last)).strip().splitlines()[0] if last else "unknown"
        raise DatabaseUnavailable(
            f"cannot reach the database at {redact_url(self.url)} after {attempts} attempts: {reason}"
        )

    def migrate(self) -> None:
        from looplab.storage.migrate import upgrade

        upgrade(self)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except Exception:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _log_db_error(context) -> None:  # noqa: ANN001 - SQLAlchemy's ExceptionContext
    if isinstance(context.original_exception, OperationalError):
        log.warning("database error: %s", context.original_exception)
