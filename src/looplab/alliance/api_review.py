"""Alliance API: the review queue, crop labelling and training, and the rules (admins only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from looplab.alliance import labels, service, views
from looplab.alliance.models import DEFAULT_ALLIANCE
from looplab.alliance.rules import Rules, load_rules, parse_toml, save_rules, to_toml
from looplab.alliance.service import BooksError
from looplab.server.deps import AdminDep, PlatformDep, RunnerDep
from looplab.server.routes.jobs import JobOut

router = APIRouter()


class AssignIn(BaseModel):
    member_id: str | None = Field(default=None, max_length=32)
    numbers: list[int | None] | None = None


class NewMemberIn(BaseModel):
    name: str | None = Field(default=None, max_length=200)


class LabelIn(BaseModel):
    label: str = Field(max_length=16)


class TrainIn(BaseModel):
    epochs: int = Field(default=10, ge=1, le=100)


class TomlIn(BaseModel):
    toml: str = Field(max_length=100_000)


@router.get("/review")
def list_review(
    _: AdminDep, platform: PlatformDep, status: str = "open", alliance: str = DEFAULT_ALLIANCE
) -> list[dict[str, Any]]:
    with platform.db.session() as session:
        return views.review_list(session, status, alliance)


@router.post("/review/{item_id}/assign")
def assign(item_id: str, body: AssignIn, user: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    """Book the item for a member (default: the suggested one), optionally with corrected numbers."""
    with platform.db.session() as session:
        return views.review_view(service.resolve_assign(session, item_id, body.member_id, body.numbers, user.name))


@router.post("/review/{item_id}/new-member")
def new_member(item_id: str, body: NewMemberIn, user: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    with platform.db.session() as session:
        return views.review_view(service.resolve_new_member(session, item_id, body.name, user.name))


@router.post("/review/new-members")
def all_new_members(
    user: AdminDep, platform: PlatformDep, day: date | None = None, alliance: str = DEFAULT_ALLIANCE
) -> dict[str, Any]:
    """Make every plain new name waiting in review a member (e.g. a roster's first days, or new recruits)."""
    with platform.db.session() as session:
        created = service.resolve_all_new(session, alliance, day, user.name)
    return {"created": created}


@router.post("/review/{item_id}/dismiss")
def dismiss(item_id: str, user: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    with platform.db.session() as session:
        return views.review_view(service.dismiss(session, item_id, user.name))


@router.get("/labels/next")
def next_crops(_: AdminDep, platform: PlatformDep, limit: int = 20) -> list[dict[str, Any]]:
    """Unlabelled crops, the ones the classifier is least sure about first."""
    with platform.db.session() as session:
        return [views.crop_view(c) for c in labels.next_crops(session, max(1, min(limit, 200)))]


@router.get("/labels/stats")
def label_stats(_: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    with platform.db.session() as session:
        return labels.stats(session)


@router.post("/labels/{crop_id}")
def set_label(crop_id: str, body: LabelIn, user: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    try:
        with platform.db.session() as session:
            return views.crop_view(labels.set_label(session, crop_id, body.label, user.name))
    except BooksError as err:
        raise HTTPException(404 if isinstance(err, service.NotFound) else 422, str(err)) from err


@router.post("/labels/{crop_id}/undo")
def undo_label(crop_id: str, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    with platform.db.session() as session:
        return views.crop_view(labels.set_label(session, crop_id, None))


@router.post("/train", status_code=202)
def train(body: TrainIn, user: AdminDep, runner: RunnerDep) -> JobOut:
    """Start ``alliance.train_regions``: a new region classifier from the labelled crops, promoted if not worse."""
    return JobOut.of(runner.submit("alliance.train_regions", {"epochs": body.epochs}, user.id))


@router.get("/rules")
def get_rules(_: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE) -> dict[str, Any]:
    with platform.db.session() as session:
        rules = load_rules(session, alliance)
    return {"alliance": alliance, "rules": rules.to_dict(), "toml": to_toml(rules)}


@router.put("/rules")
def put_rules(
    body: dict[str, Any], _: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE
) -> dict[str, Any]:
    rules = Rules.from_dict(body)
    with platform.db.session() as session:
        save_rules(session, rules, alliance)
    return {"alliance": alliance, "rules": rules.to_dict(), "toml": to_toml(rules)}


@router.put("/rules/toml")
def put_rules_toml(
    body: TomlIn, _: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE
) -> dict[str, Any]:
    """Rules as a TOML document (the format of ``rules.toml`` in the input folder): top-level keys are
    ``alliance``'s rules, ``[alliances.NAME]`` tables other alliances'."""
    parsed = {alliance if name == DEFAULT_ALLIANCE else name: r for name, r in parse_toml(body.toml).items()}
    with platform.db.session() as session:
        for name, rules in parsed.items():
            save_rules(session, rules, name)
    return {"alliances": {name: rules.to_dict() for name, rules in parsed.items()}}


@router.get("/alliances")
def list_alliances(_: AdminDep, platform: PlatformDep) -> list[str]:
    """Every alliance the books know (rules, screenshots or members), the default one first."""
    from sqlalchemy import select

    from looplab.alliance.models import Member, RuleSet, Screenshot

    with platform.db.session() as session:
        names = set(session.scalars(select(RuleSet.alliance)))
        names |= set(session.scalars(select(Screenshot.alliance).distinct()))
        names |= set(session.scalars(select(Member.alliance).distinct()))
    return [DEFAULT_ALLIANCE, *sorted(names - {DEFAULT_ALLIANCE})]
