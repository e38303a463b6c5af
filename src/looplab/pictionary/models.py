"""Pictionary's tables: words, games, rounds (one drawing each, with its result and the player's feedback)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from looplab.storage.base import Base, JSONText, UTCDateTime, new_id, utcnow

WORD_MODES = ("play", "teach")  # teach: the champion does not know the word yet; drawings become training data
# interrupted: the socket closed mid-game; the player can continue it (on any replica) until it goes stale
GAME_STATES = ("active", "interrupted", "finished", "abandoned")


class PictionaryWord(Base):
    __tablename__ = "pictionary_words"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    word: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(64), default="other")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    play_mode: Mapped[str] = mapped_column(String(16), default="play")
    source: Mapped[str] = mapped_column(String(32), default="starter")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PictionaryGame(Base):
    __tablename__ = "pictionary_games"
    __table_args__ = (Index("ix_pictionary_games_user_state", "user_id", "state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="active")
    words: Mapped[list[str]] = mapped_column(JSONText, default=list)
    rounds_played: Mapped[int] = mapped_column(Integer, default=0)  # scored (play) rounds; teach rounds are not
    recognized_count: Mapped[int] = mapped_column(Integer, default=0)
    total_ms: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the live connection playing it: a game continued elsewhere fences off the old connection's writes
    session_key: Mapped[str | None] = mapped_column(String(32), nullable=True)


class PictionaryRound(Base):
    """One drawing, written by the server only (the client never sends results)."""

    __tablename__ = "pictionary_rounds"
    __table_args__ = (
        UniqueConstraint("game_id", "round_no", name="uq_pictionary_rounds_game_round"),
        Index("ix_pictionary_rounds_word", "word"),
        Index("ix_pictionary_rounds_user", "user_id"),
        Index("ix_pictionary_rounds_ended", "ended_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    game_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    round_no: Mapped[int] = mapped_column(Integer)
    word: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64), default="other")
    play_mode: Mapped[str] = mapped_column(String(16), default="play")
    strokes: Mapped[list[Any]] = mapped_column(JSONText, default=list)  # Quick, Draw! simplified [[x..],[y..]]
    raw_strokes: Mapped[list[Any]] = mapped_column(JSONText, default=list)  # [[x..],[y..],[t ms..]] as drawn
    bitmap_key: Mapped[str | None] = mapped_column(String(128), nullable=True)  # 28x28 PNG in the blob store
    recognized: Mapped[bool] = mapped_column(Boolean, default=False)
    time_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)  # round start -> recognised
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # distinct top guesses before the right one
    top_guesses: Mapped[list[str]] = mapped_column(JSONText, default=list)  # distinct top-1 guesses, in order
    final_guesses: Mapped[list[Any]] = mapped_column(JSONText, default=list)  # last top 3 [[word, p], ...]
    end_reason: Mapped[str] = mapped_column(String(16), default="timeout")  # recognized|timeout|skipped
    model_version_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    model_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback_label: Mapped[str | None] = mapped_column(String(64), nullable=True)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    trained_in: Mapped[str | None] = mapped_column(String(32), nullable=True)  # retrain job that used it
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
