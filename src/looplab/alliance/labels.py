"""Labelling region crops for the region classifier: least-confident first (active learning), with undo."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from looplab.alliance.classifier import CLASSES
from looplab.alliance.models import RegionCrop
from looplab.alliance.service import BooksError, NotFound
from looplab.storage.base import utcnow


def next_crops(session: Session, limit: int = 20) -> list[RegionCrop]:
    return list(
        session.scalars(
            select(RegionCrop)
            .where(RegionCrop.label.is_(None))
            .order_by(RegionCrop.confidence, RegionCrop.created_at, RegionCrop.id)
            .limit(limit)
        )
    )


def set_label(session: Session, crop_id: str, label: str | None, user: str | None = None) -> RegionCrop:
    if label is not None and label not in CLASSES:
        raise BooksError(f"label must be one of {', '.join(CLASSES)}")
    crop = session.get(RegionCrop, crop_id)
    if crop is None:
        raise NotFound(f"no crop {crop_id}")
    crop.label = label
    crop.labeled_by = user if label else None
    crop.labeled_at = utcnow() if label else None
    return crop


def stats(session: Session) -> dict[str, Any]:
    counts = dict(session.execute(select(RegionCrop.label, func.count()).group_by(RegionCrop.label)).all())
    unlabeled = counts.pop(None, 0)
    return {
        "total": unlabeled + sum(counts.values()),
        "labeled": sum(counts.values()),
        "unlabeled": unlabeled,
        "per_label": {c: counts.get(c, 0) for c in CLASSES},
    }
