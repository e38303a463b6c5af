from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from looplab.storage.base import Base, JSONText, UTCDateTime, new_id, utcnow

MODEL_STATUSES = ("candidate", "champion", "retired", "rejected")


class ModelVersion(Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("app", "version", name="uq_model_versions_app_version"),
        Index("ix_model_versions_app_status", "app", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    app: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="candidate")
    parent_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    artifacts: Mapped[dict[str, str]] = mapped_column(JSONText, default=dict)  # artifact name -> blob key
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
