"""One settings object for the whole platform: environment variables ``LOOPLAB_*`` or a ``.env`` file."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOPLAB_", env_file=".env", extra="ignore", validate_assignment=True)

    data_dir: Path = Path("./data")
    database_url: str = ""  # default: DuckDB file <data_dir>/looplab.duckdb
    blob_url: str = ""  # default: <data_dir>/blobs; s3://bucket/prefix for the cloud mode
    input_dir: Path | None = None  # default ./input in the embedded mode; the cloud mode watches none unless set
    notify_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    secret_key: SecretStr = SecretStr("")  # default: generated once and kept in <data_dir>/secret_key

    host: str = "127.0.0.1"
    port: int = 8000
    console_port: int = 8501
    server_url: str = ""  # what the console and the CLI talk to; default http://<host>:<port>

    admin_user: str = ""
    admin_password: SecretStr = SecretStr("")

    session_max_age_s: int = 7 * 24 * 3600
    max_request_bytes: int = 12 * 1024 * 1024
    login_max_failures: int = 5
    login_window_s: int = 300

    job_workers: int = 1
    job_heartbeat_s: float = 5.0
    job_stale_after_s: float = 60.0
    job_max_attempts: int = 2  # a job whose server died mid-run is run again by another until started this often
    db_connect_attempts: int = 10
    db_connect_delay_s: float = 1.0
    model_refresh_s: float = 2.0
    instance_name: str = ""
    log_level: str = "INFO"

    # digits: notify when accuracy on recent corrected feedback drops below this level
    digits_alert_accuracy: float = 0.9
    digits_alert_window: int = 50
    digits_alert_min_feedback: int = 10

    # pictionary: the game (looplab.pictionary.config.GameSettings is the view the game code reads)
    pictionary_rounds: int = 6
    pictionary_round_seconds: float = 20.0
    pictionary_threshold: float = 0.5  # the top guess must be the word with at least this probability
    pictionary_max_message_bytes: int = 256 * 1024  # a larger WebSocket message closes the socket (1009)
    pictionary_messages_per_s: float = 12.0  # sustained draw messages per socket; more are answered with an error
    pictionary_retrain_after: int = 50  # new feedback drawings that start a retrain job on their own; 0: never
    pictionary_replay_dir: str = ""  # <category>.npy for replay and the fixed held-out set of retrain jobs
    pictionary_teach_promote_rate: float = 0.5  # a teach word joins normal play at this held-out top-1
    pictionary_guess_threads: int = 4  # threads that classify drawings (ONNX Runtime releases the GIL)
    pictionary_raster_processes: int = 0  # processes that rasterise strokes (0: in the threads, faster on 2 cores)
    pictionary_store_retry_s: float = 30.0  # how long a finished round waits for the database or blob store

    @field_validator("notify_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"duckdb:///{(self.data_dir / 'looplab.duckdb').resolve()}"

    @property
    def resolved_blob_url(self) -> str:
        return self.blob_url or str((self.data_dir / "blobs").resolve())

    @property
    def is_embedded(self) -> bool:
        return self.resolved_database_url.startswith("duckdb")

    @property
    def resolved_input_dir(self) -> Path | None:
        """The screenshot drop folder: ``./input`` by default on the embedded default; in the cloud mode the
        server keeps nothing on its disk, so it watches a folder only when one is configured."""
        if self.input_dir is not None:
            return self.input_dir
        return Path("./input") if self.is_embedded else None

    @property
    def resolved_server_url(self) -> str:
        return (self.server_url or f"http://{self.host}:{self.port}").rstrip("/")

    def secret(self) -> str:
        """The signing key: configured, or generated once and kept next to the embedded data."""
        configured = self.secret_key.get_secret_value()
        if configured:
            return configured
        if not self.is_embedded:
            raise RuntimeError("LOOPLAB_SECRET_KEY must be set when the database is not the embedded default")
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
