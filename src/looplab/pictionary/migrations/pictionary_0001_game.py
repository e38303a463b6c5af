"""pictionary: words, games, rounds

Revision ID: pictionary_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import looplab.storage.base

revision = "pictionary_0001"
down_revision = "0001"
branch_labels = ("pictionary",)
depends_on = None

JSON = looplab.storage.base.JSONText
TIME = looplab.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "pictionary_words",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("play_mode", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", TIME(), nullable=False),
        sa.Column("updated_at", TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pictionary_words")),
        sa.UniqueConstraint("word", name=op.f("uq_pictionary_words_word")),
    )
    op.create_table(
        "pictionary_games",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("words", JSON(), nullable=False),
        sa.Column("rounds_played", sa.Integer(), nullable=False),
        sa.Column("recognized_count", sa.Integer(), nullable=False),
        sa.Column("total_ms", sa.Integer(), nullable=False),
        sa.Column("started_at", TIME(), nullable=False),
        sa.Column("last_seen_at", TIME(), nullable=False),
        sa.Column("finished_at", TIME(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pictionary_games")),
    )
    op.create_index("ix_pictionary_games_user_state", "pictionary_games", ["user_id", "state"], unique=False)
    op.create_table(
        "pictionary_rounds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("game_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("play_mode", sa.String(length=16), nullable=False),
        sa.Column("strokes", JSON(), nullable=False),
        sa.Column("raw_strokes", JSON(), nullable=False),
        sa.Column("bitmap_key", sa.String(length=128), nullable=True),
        sa.Column("recognized", sa.Boolean(), nullable=False),
        sa.Column("time_ms", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("top_guesses", JSON(), nullable=False),
        sa.Column("final_guesses", JSON(), nullable=False),
        sa.Column("end_reason", sa.String(length=16), nullable=False),
        sa.Column("model_version_id", sa.String(length=32), nullable=True),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("feedback_label", sa.String(length=64), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("feedback_note", sa.Text(), nullable=True),
        sa.Column("feedback_at", TIME(), nullable=True),
        sa.Column("trained_in", sa.String(length=32), nullable=True),
        sa.Column("started_at", TIME(), nullable=False),
        sa.Column("ended_at", TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pictionary_rounds")),
        sa.UniqueConstraint("game_id", "round_no", name="uq_pictionary_rounds_game_round"),
    )
    op.create_index("ix_pictionary_rounds_word", "pictionary_rounds", ["word"], unique=False)
    op.create_index("ix_pictionary_rounds_user", "pictionary_rounds", ["user_id"], unique=False)
    op.create_index("ix_pictionary_rounds_ended", "pictionary_rounds", ["ended_at"], unique=False)


def downgrade() -> None:
    op.drop_table("pictionary_rounds")
    op.drop_table("pictionary_games")
    op.drop_table("pictionary_words")
