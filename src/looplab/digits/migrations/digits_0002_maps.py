"""digits: 2D cluster maps

Revision ID: digits_0002
Revises: digits_0001
"""

import sqlalchemy as sa
from alembic import op

import looplab.storage.base

revision = "digits_0002"
down_revision = "digits_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digit_cluster_maps",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("model_version_id", sa.String(length=32), nullable=False),
        sa.Column("blob_key", sa.String(length=128), nullable=False),
        sa.Column("n_points", sa.Integer(), nullable=False),
        sa.Column("created_at", looplab.storage.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digit_cluster_maps")),
    )


def downgrade() -> None:
    op.drop_table("digit_cluster_maps")
