"""The booking service: read rows in, readings and review items out; members, renames and merges.

Every function takes an open SQLAlchemy session, so a caller books a whole day in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from looplab.alliance.books import DayValues, MemberCounters, compute_counters, implausible
from looplab.alliance.models import DEFAULT_ALLIANCE, Member, Reading, ReviewItem, Screenshot
from looplab.alliance.names import fold, match_name
from looplab.alliance.reader import Row
from looplab.alliance.rules import Rules, load_rules
from looplab.errors import AppError
from looplab.storage.base import utcnow


class BooksError(AppError, ValueError):
    """A request the books cannot honour (unknown member, item already resolved); safe to show."""

    status = 409


class NotFound(BooksError):
    status = 404


@dataclass
class DayResult:
    day: date
    booked: int = 0
    review: int = 0
    new_members: list[str] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "booked": self.booked,
            "review": self.review,
            "new_members": self.new_members,
        }


# --- rows as stored with a screenshot ------------------------------------------------------------------
def row_to_dict(row: Row, crops: list[str | None] | None = None) -> dict[str, Any]:
    return {
        "name": row.name,
        "numbers": list(row.numbers),
        "confidences": [round(float(c), 1) for c in row.confidences],
        "boxes": [[b.x, b.y, b.w, b.h] for b in row.boxes],
        "needs_review": bool(row.needs_review),
        "reasons": list(row.reasons),
        "crops": list(crops or []),
    }


def row_from_dict(data: dict[str, Any]) -> tuple[Row, list[str | None]]:
    from looplab.imaging.regions import Box

    row = Row(
        name=data["name"],
        numbers=list(data.get("numbers", [])),
        confidences=list(data.get("confidences", [])),
        boxes=[Box(*b[:4]) for b in data.get("boxes", [])],
        needs_review=bool(data.get("needs_review", False)),
        reasons=list(data.get("reasons", [])),
    )
    return row, list(data.get("crops", []))


# --- members ----------------------------------------------------------------------------------------------
def roster(session: Session, alliance: str = DEFAULT_ALLIANCE) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .where(Member.alliance == alliance, Member.merged_into.is_(None))
            .order_by(Member.display_name)
        )
    )


def _names_of(members: list[Member]) -> dict[str, str]:
    """Every name (display and aliases) -> member id; a name two members share is left out."""
    owners: dict[str, set[str]] = defaultdict(set)
    for member in members:
        for name in [member.display_name, *member.aliases]:
            owners[name].add(member.id)
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


def create_member(
    session: Session, name: str, alliance: str = DEFAULT_ALLIANCE, first_day: date | None = None
) -> Member:
    name = name.strip()
    if not name:
        raise BooksError("a member needs a name")
    member = Member(
        alliance=alliance,
        display_name=name,
        folded=fold(name),
        aliases=[],
        history=[{"event": "created", "name": name, "when": utcnow().isoformat()}],
        first_day=first_day,
        active=True,
    )
    session.add(member)
    session.flush()
    return member


def get_member(session: Session, member_id: str) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"no member {member_id}")
    return member


def rename_member(session: Session, member_id: str, new_name: str) -> Member:
    member = get_member(session, member_id)
    new_name = new_name.strip()
    if not new_name:
        raise BooksError("the new name is empty")
    if new_name == member.display_name:
        return member
    old = member.display_name
    member.aliases = [a for a in member.aliases if a != new_name] + ([old] if old not in member.aliases else [])
    member.display_name = new_name
    member.folded = fold(new_name)
    member.history = [*member.history, {"event": "renamed", "from": old, "to": new_name, "when": utcnow().isoformat()}]
    return member


def add_alias(member: Member, name: str) -> None:
    if name and name != member.display_name and name not in member.aliases:
        member.aliases = [*member.aliases, name]


def merge_members(session: Session, source_id: str, target_id: str) -> Member:
    """Fold ``source`` into ``target``: readings move (the target's own win a shared day), names become aliases."""
    if source_id == target_id:
        raise BooksError("cannot merge a member into itself")
    source, target = get_member(session, source_id), get_member(session, target_id)
    if source.merged_into or target.merged_into:
        raise BooksError("one of these members was already merged")
    target_days = set(session.scalars(select(Reading.day).where(Reading.member_id == target.id)))
    moved = dropped = 0
    for reading in list(session.scalars(select(Reading).where(Reading.member_id == source.id))):
        if reading.day in target_days:
            session.delete(reading)
            dropped += 1
        else:
            reading.member_id = target.id
            moved += 1
    for item in list(session.scalars(select(ReviewItem).where(ReviewItem.member_id == source.id))):
        item.member_id = target.id
    for name in [source.display_name, *source.aliases]:
        add_alias(target, name)
    if source.first_day and (target.first_day is None or source.first_day < target.first_day):
        target.first_day = source.first_day
    when = utcnow().isoformat()
    target.history = [
        *target.history,
        {"event": "merged", "from": source.display_name, "from_id": source.id, "moved": moved, "when": when},
    ]
    source.history = [*source.history, {"event": "merged_into", "into": target.display_name, "when": when}]
    source.merged_into = target.id
    source.active = False
    return target


# --- booking a day -----------------------------------------------------------------------------------------
def _history(session: Session, alliance: str, before: date) -> dict[str, list[list[int | None]]]:
    history: dict[str, list[list[int | None]]] = defaultdict(list)
    query = (
        select(Reading.member_id, Reading.numbers)
        .where(Reading.alliance == alliance, Reading.day < before)
        .order_by(Reading.day)
    )
    for member_id, numbers in session.execute(query):
        history[member_id].append(numbers)
    return history


def _accepted_before(session: Session, alliance: str, day: date, member_id: str, numbers: list) -> bool:
    """An officer already accepted these very numbers for this member and day (so re-ingest keeps them)."""
    items = session.scalars(
        select(ReviewItem).where(
            ReviewItem.alliance == alliance,
            ReviewItem.day == day,
            ReviewItem.status == "resolved",
            ReviewItem.member_id == member_id,
        )
    )
    for item in list(items):
        if item.numbers == numbers and (item.resolution or {}).get("member_id") == member_id:
            return True
    return False


def clear_day(session: Session, alliance: str, day: date) -> None:
    """Forget a day's readings and its open review items (resolved ones stay as history)."""
    session.execute(delete(Reading).where(Reading.alliance == alliance, Reading.day == day))
    session.execute(
        delete(ReviewItem).where(ReviewItem.alliance == alliance, ReviewItem.day == day, ReviewItem.status == "open")
    )


def book_day(
    session: Session,
    day: date,
    rows: list[Row],
    *,
    crops: list[list[str | None]] | None = None,
    screenshot_ids: list[str | None] | None = None,
    alliance: str = DEFAULT_ALLIANCE,
) -> DayResult:
    """Replace the day's readings with ``rows`` (one day's merged list): each row is booked for its member,
    or goes to review (new/uncertain name, reader doubt, implausible value, a member seen twice)."""
    rules = load_rules(session, alliance)
    crops = crops or [[] for _ in rows]
    screenshot_ids = screenshot_ids or [None] * len(rows)
    clear_day(session, alliance, day)
    session.flush()
    result = DayResult(day=day)
    members = roster(session, alliance)
    if not members and rules.auto_add_first_day:
        for row in rows:
            if not row.needs_review and row.name.strip() and fold(row.name) not in {m.folded for m in members}:
                members.append(create_member(session, row.name, alliance, first_day=day))
                result.new_members.append(row.name)
    by_id = {m.id: m for m in members}
    names = _names_of(members)
    history = _history(session, alliance, day)
    booked: set[str] = set()
    for row, row_crops, screenshot_id in zip(rows, crops, screenshot_ids, strict=True):
        matched, score, candidates = match_name(row.name, list(names))
        member_id = names.get(matched) if matched else None
        listed = _candidates(candidates, names, by_id)
        kind, reasons = None, []
        if member_id is None or score < rules.name_accept:
            kind = "name"
            if member_id is None:
                closest = f" (closest: {listed[0]['name']}, {score:.0f})" if listed else ""
                reasons.append(f"new name {row.name!r}{closest}")
            else:
                reasons.append(f"uncertain name {row.name!r}: {by_id[member_id].display_name}? ({score:.0f})")
            if row.needs_review:
                reasons.extend(row.reasons or ["the reader marked this row for review"])
        elif member_id in booked:
            kind = "duplicate"
            reasons.append(f"{by_id[member_id].display_name} already has a reading on {day}")
        else:
            if row.needs_review:
                kind = "reader"
                reasons.extend(row.reasons or ["the reader marked this row for review"])
            doubts = implausible(rules, row.numbers, history.get(member_id, []))
            if doubts:
                kind = kind or "plausibility"
                reasons.extend(doubts)
            if kind and _accepted_before(session, alliance, day, member_id, row.numbers):
                kind, reasons = None, []
        if kind is not None:
            session.add(
                ReviewItem(
                    alliance=alliance,
                    day=day,
                    kind=kind,
                    status="open",
                    name_read=row.name,
                    name_confidence=float(row.confidences[0]) if row.confidences else 0.0,
                    name_crop=row_crops[0] if row_crops else None,
                    numbers=list(row.numbers),
                    confidences=[float(c) for c in row.confidences[1:]],
                    crops=list(row_crops[1:]),
                    member_id=member_id,
                    candidates=listed,
                    reasons=reasons,
                    screenshot_id=screenshot_id,
                )
            )
            result.review += 1
            result.review_reasons.extend(reasons)
            continue
        _book(session, by_id[member_id], day, row, row_crops, screenshot_id, alliance)
        booked.add(member_id)
        result.booked += 1
    return result


def _candidates(found: list[tuple[str, float]], names: dict[str, str], by_id: dict[str, Member]) -> list[dict]:
    """Candidates as members (a member matched under two of its names is listed once, best score)."""
    listed: dict[str, dict[str, Any]] = {}
    for name, score in found:
        member_id = names[name]
        if member_id not in listed:
            listed[member_id] = {
                "member_id": member_id,
                "name": by_id[member_id].display_name,
                "score": round(score, 1),
            }
    return list(listed.values())


def _book(
    session: Session,
    member: Member,
    day: date,
    row: Row,
    row_crops: list[str | None],
    screenshot_id: str | None,
    alliance: str,
    source: str = "ingest",
) -> Reading:
    reading = Reading(
        alliance=alliance,
        member_id=member.id,
        day=day,
        name_read=row.name,
        name_confidence=float(row.confidences[0]) if row.confidences else 0.0,
        name_crop=row_crops[0] if row_crops else None,
        numbers=list(row.numbers),
        confidences=[float(c) for c in row.confidences[1:]],
        crops=list(row_crops[1:]),
        source=source,
        screenshot_id=screenshot_id,
    )
    session.add(reading)
    if member.first_day is None or day < member.first_day:
        member.first_day = day
    return reading


# --- review queue -------------------------------------------------------------------------------------------
def get_item(session: Session, item_id: str) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(f"no review item {item_id}")
    if item.status != "open":
        raise BooksError(f"review item {item_id} is already {item.status}")
    return item


def _book_item(session: Session, item: ReviewItem, member: Member, numbers: list[int | None] | None) -> Reading:
    session.execute(delete(Reading).where(Reading.member_id == member.id, Reading.day == item.day))
    row = Row(
        name=item.name_read,
        numbers=list(numbers if numbers is not None else item.numbers),
        confidences=[item.name_confidence, *item.confidences],
        boxes=[],
    )
    return _book(
        session,
        member,
        item.day,
        row,
        [item.name_crop, *item.crops],
        item.screenshot_id,
        item.alliance,
        source="review",
    )


def resolve_assign(
    session: Session,
    item_id: str,
    member_id: str | None = None,
    numbers: list[int | None] | None = None,
    user: str | None = None,
) -> ReviewItem:
    """Book the item's reading for ``member_id`` (default: the suggested member); the read name becomes an
    alias of that member so the next day matches it directly."""
    item = get_item(session, item_id)
    member = get_member(session, member_id or item.member_id or "")
    if member.merged_into:
        member = get_member(session, member.merged_into)
    if item.kind == "name":
        add_alias(member, item.name_read)
    _book_item(session, item, member, numbers)
    return _close(item, "resolved", {"action": "assign", "member_id": member.id, "numbers": numbers, "by": user})


def resolve_new_member(session: Session, item_id: str, name: str | None = None, user: str | None = None) -> ReviewItem:
    item = get_item(session, item_id)
    if not (name or item.name_read).strip():
        raise BooksError("the reader found this row's numbers but no name: give the new member a name")
    member = create_member(session, name or item.name_read, item.alliance, first_day=item.day)
    if name and name != item.name_read:
        add_alias(member, item.name_read)
    _book_item(session, item, member, None)
    return _close(item, "resolved", {"action": "new_member", "member_id": member.id, "by": user})


def resolve_all_new(
    session: Session, alliance: str = DEFAULT_ALLIANCE, day: date | None = None, user: str | None = None
) -> list[str]:
    """Every open item that is only a new name (no close member, no reader doubt) becomes a new member."""
    query = select(ReviewItem).where(
        ReviewItem.alliance == alliance,
        ReviewItem.status == "open",
        ReviewItem.kind == "name",
        ReviewItem.member_id.is_(None),
    )
    if day is not None:
        query = query.where(ReviewItem.day == day)
    created = []
    known = {m.folded: m.id for m in roster(session, alliance)}
    for item in list(session.scalars(query.order_by(ReviewItem.day, ReviewItem.created_at))):
        if len(item.reasons) != 1:
            continue  # a reader doubt as well: leave it to a person
        key = fold(item.name_read)
        if key in known:  # the same new name on an earlier day of this batch, or created since
            resolve_assign(session, item.id, known[key], user=user)
            continue
        resolve_new_member(session, item.id, user=user)
        session.flush()
        known[key] = item.member_id
        created.append(item.name_read)
    return created


def dismiss(session: Session, item_id: str, user: str | None = None) -> ReviewItem:
    item = get_item(session, item_id)
    return _close(item, "dismissed", {"action": "dismiss", "by": user})


def _close(item: ReviewItem, status: str, resolution: dict[str, Any]) -> ReviewItem:
    item.status = status
    item.resolution = resolution
    item.resolved_at = utcnow()
    if resolution.get("member_id"):
        item.member_id = resolution["member_id"]
    return item


# --- reading the books -----------------------------------------------------------------------------------------
def booked_days(session: Session, alliance: str = DEFAULT_ALLIANCE) -> list[date]:
    days = set(
        session.scalars(
            select(Screenshot.day).where(
                Screenshot.alliance == alliance, Screenshot.status == "booked", Screenshot.day.is_not(None)
            )
        )
    )
    days |= set(session.scalars(select(Reading.day).where(Reading.alliance == alliance).distinct()))
    return sorted(days)


def counters(
    session: Session, alliance: str = DEFAULT_ALLIANCE, rules: Rules | None = None
) -> dict[str, MemberCounters]:
    rules = rules or load_rules(session, alliance)
    members = roster(session, alliance)
    readings = [
        DayValues(member_id, day, numbers)
        for member_id, day, numbers in session.execute(
            select(Reading.member_id, Reading.day, Reading.numbers).where(Reading.alliance == alliance)
        )
    ]
    pending = [
        (member_id, day)
        for member_id, day in session.execute(
            select(ReviewItem.member_id, ReviewItem.day).where(
                ReviewItem.alliance == alliance, ReviewItem.status == "open", ReviewItem.member_id.is_not(None)
            )
        )
    ]
    return compute_counters(
        rules, booked_days(session, alliance), {m.id: m.first_day for m in members}, readings, pending
    )
