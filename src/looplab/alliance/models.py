"""The alliance tracker's books: screenshots, members, daily readings, review items, rules and region labels.

No unique index on anything the booking service deletes and re-inserts in one transaction (DuckDB checks
unique indexes eagerly), so "one reading per member and day" is kept by the service, not by the schema.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from looplab.storage.base import Base, JSONText, UTCDateTime, new_id, utcnow

DEFAULT_ALLIANCE = "default"


class Screenshot(Base):
    """One screenshot file: booked, rejected (with the reason) or waiting; the original is in the blob store."""

    __tablename__ = "alliance_screenshots"
    __table_args__ = (Index("ix_alliance_screenshots_alliance_day", "alliance", "day"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alliance: Mapped[str] = mapped_column(String(64), default=DEFAULT_ALLIANCE)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    day: Mapped[date | None] = mapped_column(Date, nullable=True)
    source_name: Mapped[str] = mapped_column(Text, default="")
    blob_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | booked | rejected | removed
    reason: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    # rows as read: [{name, numbers, confidences, boxes: [[x, y, w, h]], needs_review, reasons, crops: [key]}]
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Member(Base):
    """A member as the officer knows them: display name as written (accents, tags), a folded key for matching,
    and every earlier or alternative name (renames, merges, assigned reads) in ``aliases``."""

    __tablename__ = "alliance_members"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alliance: Mapped[str] = mapped_column(String(64), default=DEFAULT_ALLIANCE)
    display_name: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSONText, default=list)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)  # [{event, name, when, ...}]
    merged_into: Mapped[str | None] = mapped_column(String(32), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    first_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reading(Base):
    """One member's numbers on one day; per value its confidence and the blob key of its crop."""

    __tablename__ = "alliance_readings"
    __table_args__ = (
        Index("ix_alliance_readings_alliance_day", "alliance", "day"),
        Index("ix_alliance_readings_member", "member_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alliance: Mapped[str] = mapped_column(String(64), default=DEFAULT_ALLIANCE)
    member_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    name_read: Mapped[str] = mapped_column(Text, default="")
    name_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    name_crop: Mapped[str | None] = mapped_column(String(128), nullable=True)
    numbers: Mapped[list[int | None]] = mapped_column(JSONText, default=list)
    confidences: Mapped[list[float]] = mapped_column(JSONText, default=list)
    crops: Mapped[list[str | None]] = mapped_column(JSONText, default=list)
    source: Mapped[str] = mapped_column(String(16), default="ingest")  # ingest | review
    screenshot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewItem(Base):
    """A read row the books did not take on their own: a new or uncertain name, a reader doubt, an
    implausible value. Resolving it books the reading (or drops it)."""

    __tablename__ = "alliance_review_items"
    __table_args__ = (Index("ix_alliance_review_alliance_status", "alliance", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alliance: Mapped[str] = mapped_column(String(64), default=DEFAULT_ALLIANCE)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # name | reader | plausibility | duplicate
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | resolved | dismissed
    name_read: Mapped[str] = mapped_column(Text, default="")
    name_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    name_crop: Mapped[str | None] = mapped_column(String(128), nullable=True)
    numbers: Mapped[list[int | None]] = mapped_column(JSONText, default=list)
    confidences: Mapped[list[float]] = mapped_column(JSONText, default=list)
    crops: Mapped[list[str | None]] = mapped_column(JSONText, default=list)
    member_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the suggested/matched member
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)  # [{member_id, name, score}]
    reasons: Mapped[list[str]] = mapped_column(JSONText, default=list)
    screenshot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSONText, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RuleSet(Base):
    """The rules of one alliance (columns, AFK, low participation, plausibility, alerts) as a JSON document."""

    __tablename__ = "alliance_rules"

    alliance: Mapped[str] = mapped_column(String(64), primary_key=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    source: Mapped[str] = mapped_column(String(16), default="console")  # console | file
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegionCrop(Base):
    """A text region cut from an ingested screenshot for labelling (name / number / other)."""

    __tablename__ = "alliance_region_crops"
    __table_args__ = (Index("ix_alliance_region_crops_confidence", "confidence"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    blob_key: Mapped[str] = mapped_column(String(128))
    screenshot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    box: Mapped[list[int]] = mapped_column(JSONText, default=list)
    predicted: Mapped[str] = mapped_column(String(16), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    label: Mapped[str | None] = mapped_column(String(16), nullable=True)
    labeled_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    labeled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
