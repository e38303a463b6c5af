from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from looplab.storage.base import Base, UTCDateTime, utcnow


class BlobRecord(Base):
    """Every blob the platform wrote: lets export/import and audits list the store without scanning it."""

    __tablename__ = "blobs"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64), default="application/octet-stream")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
