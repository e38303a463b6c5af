"""pictionary: the connection that owns a live game, so a game can continue on another replica

Revision ID: pictionary_0002
Revises: pictionary_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "pictionary_0002"
down_revision = "pictionary_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pictionary_games", sa.Column("session_key", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("pictionary_games", "session_key")
