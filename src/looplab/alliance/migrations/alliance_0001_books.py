"""alliance books: screenshots, members, readings, review items, rules, region crops

Revision ID: alliance_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from looplab.storage.base import JSONText, UTCDateTime

revision = "alliance_0001"
down_revision = "0001"
branch_labels = ("alliance",)
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.String(length=32), nullable=False)


def _alliance() -> sa.Column:
    return sa.Column("alliance", sa.String(length=64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "alliance_screenshots",
        _id(),
        _alliance(),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("blob_key", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("rows", JSONText(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_screenshots"),
        sa.UniqueConstraint("content_hash", name="uq_alliance_screenshots_content_hash"),
    )
    op.create_index("ix_alliance_screenshots_alliance_day", "alliance_screenshots", ["alliance", "day"])
    op.create_table(
        "alliance_members",
        _id(),
        _alliance(),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("aliases", JSONText(), nullable=False),
        sa.Column("history", JSONText(), nullable=False),
        sa.Column("merged_into", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_members"),
    )
    op.create_table(
        "alliance_readings",
        _id(),
        _alliance(),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name_read", sa.Text(), nullable=False),
        sa.Column("name_confidence", sa.Float(), nullable=False),
        sa.Column("name_crop", sa.String(length=128), nullable=True),
        sa.Column("numbers", JSONText(), nullable=False),
        sa.Column("confidences", JSONText(), nullable=False),
        sa.Column("crops", JSONText(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("screenshot_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_readings"),
    )
    op.create_index("ix_alliance_readings_alliance_day", "alliance_readings", ["alliance", "day"])
    op.create_index("ix_alliance_readings_member", "alliance_readings", ["member_id"])
    op.create_table(
        "alliance_review_items",
        _id(),
        _alliance(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name_read", sa.Text(), nullable=False),
        sa.Column("name_confidence", sa.Float(), nullable=False),
        sa.Column("name_crop", sa.String(length=128), nullable=True),
        sa.Column("numbers", JSONText(), nullable=False),
        sa.Column("confidences", JSONText(), nullable=False),
        sa.Column("crops", JSONText(), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=True),
        sa.Column("candidates", JSONText(), nullable=False),
        sa.Column("reasons", JSONText(), nullable=False),
        sa.Column("screenshot_id", sa.String(length=32), nullable=True),
        sa.Column("resolution", JSONText(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_review_items"),
    )
    op.create_index("ix_alliance_review_alliance_status", "alliance_review_items", ["alliance", "status"])
    op.create_table(
        "alliance_rules",
        sa.Column("alliance", sa.String(length=64), nullable=False),
        sa.Column("config", JSONText(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("alliance", name="pk_alliance_rules"),
    )
    op.create_table(
        "alliance_region_crops",
        _id(),
        sa.Column("blob_key", sa.String(length=128), nullable=False),
        sa.Column("screenshot_id", sa.String(length=32), nullable=True),
        sa.Column("box", JSONText(), nullable=False),
        sa.Column("predicted", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=True),
        sa.Column("labeled_by", sa.String(length=32), nullable=True),
        sa.Column("labeled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alliance_region_crops"),
    )
    op.create_index("ix_alliance_region_crops_confidence", "alliance_region_crops", ["confidence"])


def downgrade() -> None:
    op.drop_index("ix_alliance_region_crops_confidence", table_name="alliance_region_crops")
    op.drop_table("alliance_region_crops")
    op.drop_table("alliance_rules")
    op.drop_index("ix_alliance_review_alliance_status", table_name="alliance_review_items")
    op.drop_table("alliance_review_items")
    op.drop_index("ix_alliance_readings_member", table_name="alliance_readings")
    op.drop_index("ix_alliance_readings_alliance_day", table_name="alliance_readings")
    op.drop_table("alliance_readings")
    op.drop_table("alliance_members")
    op.drop_index("ix_alliance_screenshots_alliance_day", table_name="alliance_screenshots")
    op.drop_table("alliance_screenshots")
