"""What the API shows: the books as plain dicts (members with counters, a member's history, a day)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from looplab.alliance.books import MemberCounters, column_names
from looplab.alliance.models import DEFAULT_ALLIANCE, Member, Reading, RegionCrop, ReviewItem, Screenshot
from looplab.alliance.rules import load_rules
from looplab.alliance.service import booked_days, counters, get_member, roster


def _counter_view(c: MemberCounters | None) -> dict[str, Any]:
    if c is None:
        return {}
    return {
        "days_tracked": c.days_tracked,
        "days_seen": c.days_seen,
        "days_afk": c.days_afk,
        "days_low": c.days_low,
        "afk_streak": c.afk_streak,
        "longest_afk_streak": c.longest_afk_streak,
        "totals": c.totals,
        "averages": c.averages,
        "latest": c.latest,
        "trend": c.trend,
        "days": [d.isoformat() for d in c.days],
        "afk_days": [d.isoformat() for d in c.afk_days],
        "low_days": [d.isoformat() for d in c.low_days],
    }


def member_view(member: Member, c: MemberCounters | None) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.display_name,
        "aliases": member.aliases,
        "first_day": member.first_day.isoformat() if member.first_day else None,
        "active": member.active,
        "merged_into": member.merged_into,
        **_counter_view(c),
    }


def members_table(session: Session, alliance: str = DEFAULT_ALLIANCE) -> dict[str, Any]:
    rules = load_rules(session, alliance)
    stats = counters(session, alliance, rules)
    members = [member_view(m, stats.get(m.id)) for m in roster(session, alliance)]
    width = max([len(m.get("totals", {})) for m in members] + [len(rules.columns)])
    return {
        "columns": column_names(rules, width),
        "days": [d.isoformat() for d in booked_days(session, alliance)],
        "members": members,
    }


def reading_view(reading: Reading) -> dict[str, Any]:
    return {
        "id": reading.id,
        "day": reading.day.isoformat(),
        "member_id": reading.member_id,
        "name_read": reading.name_read,
        "name_confidence": reading.name_confidence,
        "name_crop": reading.name_crop,
        "numbers": reading.numbers,
        "confidences": reading.confidences,
        "crops": reading.crops,
        "source": reading.source,
        "screenshot_id": reading.screenshot_id,
    }


def member_detail(session: Session, member_id: str) -> dict[str, Any]:
    member = get_member(session, member_id)
    stats = counters(session, member.alliance).get(member.id)
    readings = list(session.scalars(select(Reading).where(Reading.member_id == member.id).order_by(Reading.day)))
    rules = load_rules(session, member.alliance)
    return {
        **member_view(member, stats),
        "history": member.history,
        "columns": rules.columns,
        "readings": [reading_view(r) for r in readings],
    }


def screenshot_view(shot: Screenshot, with_rows: bool = False) -> dict[str, Any]:
    view = {
        "id": shot.id,
        "day": shot.day.isoformat() if shot.day else None,
        "source_name": shot.source_name,
        "status": shot.status,
        "reason": shot.reason,
        "width": shot.width,
        "height": shot.height,
        "rows_read": len(shot.rows or []),
        "job_id": shot.job_id,
        "created_at": shot.created_at.isoformat(),
    }
    if with_rows:
        view["rows"] = shot.rows
    return view


def days_list(session: Session, alliance: str = DEFAULT_ALLIANCE) -> list[dict[str, Any]]:
    readings = dict(
        session.execute(
            select(Reading.day, func.count()).where(Reading.alliance == alliance).group_by(Reading.day)
        ).all()
    )
    shots = dict(
        session.execute(
            select(Screenshot.day, func.count())
            .where(Screenshot.alliance == alliance, Screenshot.status == "booked")
            .group_by(Screenshot.day)
        ).all()
    )
    open_items = dict(
        session.execute(
            select(ReviewItem.day, func.count())
            .where(ReviewItem.alliance == alliance, ReviewItem.status == "open")
            .group_by(ReviewItem.day)
        ).all()
    )
    return [
        {
            "day": d.isoformat(),
            "screenshots": shots.get(d, 0),
            "readings": readings.get(d, 0),
            "review": open_items.get(d, 0),
        }
        for d in reversed(booked_days(session, alliance))
    ]


def day_view(session: Session, day: date, alliance: str = DEFAULT_ALLIANCE) -> dict[str, Any]:
    shots = list(
        session.scalars(
            select(Screenshot)
            .where(Screenshot.alliance == alliance, Screenshot.day == day)
            .order_by(Screenshot.created_at)
        )
    )
    names = {m.id: m.display_name for m in session.scalars(select(Member).where(Member.alliance == alliance))}
    readings = list(session.scalars(select(Reading).where(Reading.alliance == alliance, Reading.day == day)))
    items = list(
        session.scalars(
            select(ReviewItem).where(
                ReviewItem.alliance == alliance, ReviewItem.day == day, ReviewItem.status == "open"
            )
        )
    )
    return {
        "day": day.isoformat(),
        "columns": load_rules(session, alliance).columns,
        "screenshots": [screenshot_view(s, with_rows=True) for s in shots],
        "readings": sorted(
            ({**reading_view(r), "member": names.get(r.member_id, "?")} for r in readings), key=lambda r: r["member"]
        ),
        "review": [review_view(i) for i in items],
    }


def review_view(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "day": item.day.isoformat(),
        "kind": item.kind,
        "status": item.status,
        "name_read": item.name_read,
        "name_confidence": item.name_confidence,
        "name_crop": item.name_crop,
        "numbers": item.numbers,
        "confidences": item.confidences,
        "crops": item.crops,
        "member_id": item.member_id,
        "candidates": item.candidates,
        "reasons": item.reasons,
        "screenshot_id": item.screenshot_id,
        "resolution": item.resolution,
    }


def review_list(session: Session, status: str = "open", alliance: str = DEFAULT_ALLIANCE, limit: int = 200) -> list:
    items = session.scalars(
        select(ReviewItem)
        .where(ReviewItem.alliance == alliance, ReviewItem.status == status)
        .order_by(ReviewItem.day.desc(), ReviewItem.created_at)
        .limit(limit)
    )
    return [review_view(i) for i in items]


def crop_view(crop: RegionCrop) -> dict[str, Any]:
    return {
        "id": crop.id,
        "blob_key": crop.blob_key,
        "predicted": crop.predicted,
        "confidence": round(crop.confidence, 4),
        "label": crop.label,
        "screenshot_id": crop.screenshot_id,
        "box": crop.box,
    }
