from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from looplab.storage.base import Base, UTCDateTime, new_id, utcnow


class DigitImage(Base):
    """One submitted image: the original and its MNIST-style normalisation in the blob store, the prediction
    made when it arrived, and the user's correction if they gave one."""

    __tablename__ = "digit_images"
    __table_args__ = (Index("ix_digit_images_created", "created_at"), Index("ix_digit_images_sha", "sha256"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="upload")  # upload, canvas
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    original_key: Mapped[str] = mapped_column(String(128))
    normalised_key: Mapped[str] = mapped_column(String(128))
    media_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    model_version_id: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[int] = mapped_column(Integer)
    cluster: Mapped[int] = mapped_column(Integer)
    digit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    digit_source: Mapped[str] = mapped_column(String(16))  # named, examples, evaluation, none
    confidence: Mapped[float] = mapped_column(Float)
    corrected_digit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClusterName(Base):
    """An admin's naming of a cluster of one model version (the app's mapping, kept apart from the
    evaluation mapping that Hungarian matching against true labels gives)."""

    __tablename__ = "digit_cluster_names"
    __table_args__ = (UniqueConstraint("model_version_id", "cluster", name="uq_digit_cluster_names_version_cluster"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    model_version_id: Mapped[str] = mapped_column(String(32))
    cluster: Mapped[int] = mapped_column(Integer)
    digit: Mapped[int] = mapped_column(Integer)
    named_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClusterMap(Base):
    """A 2D map (UMAP of the model's outputs) of a sample of digits, computed by a job for one model version."""

    __tablename__ = "digit_cluster_maps"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    model_version_id: Mapped[str] = mapped_column(String(32))
    blob_key: Mapped[str] = mapped_column(String(128))
    n_points: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
