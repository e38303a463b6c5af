"""digits: submitted images and cluster names

Revision ID: digits_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import looplab.storage.base

revision = "digits_0001"
down_revision = "0001"
branch_labels = ("digits",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digit_images",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_key", sa.String(length=128), nullable=False),
        sa.Column("normalised_key", sa.String(length=128), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.String(length=32), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("digit", sa.Integer(), nullable=True),
        sa.Column("digit_source", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("corrected_digit", sa.Integer(), nullable=True),
        sa.Column("corrected_at", looplab.storage.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", looplab.storage.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digit_images")),
    )
    op.create_index("ix_digit_images_created", "digit_images", ["created_at"], unique=False)
    op.create_index("ix_digit_images_sha", "digit_images", ["sha256"], unique=False)
    op.create_table(
        "digit_cluster_names",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("model_version_id", sa.String(length=32), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("digit", sa.Integer(), nullable=False),
        sa.Column("named_by", sa.String(length=32), nullable=True),
        sa.Column("named_at", looplab.storage.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digit_cluster_names")),
        sa.UniqueConstraint("model_version_id", "cluster", name="uq_digit_cluster_names_version_cluster"),
    )


def downgrade() -> None:
    op.drop_table("digit_cluster_names")
    op.drop_index("ix_digit_images_sha", table_name="digit_images")
    op.drop_index("ix_digit_images_created", table_name="digit_images")
    op.drop_table("digit_images")
