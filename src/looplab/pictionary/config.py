"""Pictionary's own settings (``LOOPLAB_PICTIONARY_*``), beside the platform's settings object."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class GameSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOPLAB_PICTIONARY_", env_file=".env", extra="ignore")

    rounds: int = 6
    round_seconds: float = 20.0
    threshold: float = 0.5  # the top guess must be the word with at least this probability
    max_message_bytes: int = 256 * 1024  # a WebSocket message larger than this closes the socket (1009)
    messages_per_s: float = 12.0  # sustained draw messages per socket; more are answered with an error
    retrain_after: int = 50  # new feedback drawings that start a retrain job on their own; 0: never
    replay_dir: str = ""  # folder of <category>.npy for replay and the fixed held-out set of retrain jobs
    teach_promote_rate: float = 0.5  # a teach word joins normal play once held-out top-1 reaches this
    guess_threads: int = 4  # threads that classify drawings (ONNX Runtime releases the GIL)
    raster_processes: int = 0  # worker processes that rasterise strokes (0: in the threads, faster on 2 cores)


@lru_cache
def game_settings() -> GameSettings:
    return GameSettings()
