"""The game's settings: the ``pictionary_*`` fields of the platform's one settings object (``LOOPLAB_PICTIONARY_*``),
seen without their prefix by the game code."""

from __future__ import annotations

from dataclasses import dataclass, fields

from looplab.settings import Settings


@dataclass(frozen=True)
class GameSettings:
    rounds: int
    round_seconds: float
    threshold: float
    max_message_bytes: int
    messages_per_s: float
    retrain_after: int
    replay_dir: str
    teach_promote_rate: float
    guess_threads: int
    raster_processes: int
    store_retry_s: float

    @classmethod
    def of(cls, settings: Settings) -> GameSettings:
        return cls(**{field.name: getattr(settings, f"pictionary_{field.name}") for field in fields(cls)})
