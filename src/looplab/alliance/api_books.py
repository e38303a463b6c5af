"""Alliance API: members and their books, days, screenshots, crops, ingest uploads and exports (admins only)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Response, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select

from looplab.alliance import export, service, views
from looplab.alliance.ingest import archive, rebook_day
from looplab.alliance.models import DEFAULT_ALLIANCE, Screenshot
from looplab.server.deps import AdminDep, PlatformDep, RunnerDep
from looplab.server.routes.jobs import JobOut
from looplab.storage.blobs import BlobNotFound

router = APIRouter()
MAX_UPLOAD_FILES = 50


class NameIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class MergeIn(BaseModel):
    into: str = Field(min_length=1, max_length=32)


@router.get("/members")
def list_members(_: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE) -> dict[str, Any]:
    with platform.db.session() as session:
        return views.members_table(session, alliance)


@router.post("/members", status_code=201)
def create_member(body: NameIn, _: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE) -> dict:
    with platform.db.session() as session:
        member = service.create_member(session, body.name, alliance)
        return views.member_view(member, None)


@router.get("/members/{member_id}")
def get_member(member_id: str, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    with platform.db.session() as session:
        return views.member_detail(session, member_id)


@router.post("/members/{member_id}/rename")
def rename_member(member_id: str, body: NameIn, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    with platform.db.session() as session:
        member = service.rename_member(session, member_id, body.name)
        return views.member_view(member, None)


@router.post("/members/{member_id}/merge")
def merge_member(member_id: str, body: MergeIn, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    """Merge this member into ``into`` (the same player read under two names, or a re-joined account)."""
    with platform.db.session() as session:
        target = service.merge_members(session, member_id, body.into)
        return views.member_view(target, None)


@router.get("/days")
def list_days(_: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE) -> list[dict[str, Any]]:
    with platform.db.session() as session:
        return views.days_list(session, alliance)


@router.get("/days/{day}")
def get_day(day: date, _: AdminDep, platform: PlatformDep, alliance: str = DEFAULT_ALLIANCE) -> dict[str, Any]:
    with platform.db.session() as session:
        return views.day_view(session, day, alliance)


@router.get("/screenshots")
def list_screenshots(
    _: AdminDep, platform: PlatformDep, status: str | None = None, alliance: str = DEFAULT_ALLIANCE, limit: int = 200
) -> list[dict[str, Any]]:
    query = select(Screenshot).where(Screenshot.alliance == alliance)
    if status:
        query = query.where(Screenshot.status == status)
    with platform.db.session() as session:
        shots = list(session.scalars(query.order_by(Screenshot.created_at.desc()).limit(max(1, min(limit, 1000)))))
        return [views.screenshot_view(s) for s in shots]


def _screenshot(platform: Any, screenshot_id: str) -> Screenshot:
    with platform.db.session() as session:
        shot = session.get(Screenshot, screenshot_id)
    if shot is None or not shot.blob_key:
        raise HTTPException(404, "no such screenshot")
    return shot


@router.get("/screenshots/{screenshot_id}/image")
def screenshot_image(screenshot_id: str, _: AdminDep, platform: PlatformDep, overlay: bool = True) -> Response:
    """The archived original, or (``overlay``, the default) a PNG with the detected rows drawn over it."""
    from looplab.alliance.overlay import draw_rows
    from looplab.imaging.decode import ImageError

    shot = _screenshot(platform, screenshot_id)
    data = platform.blobs.get(shot.blob_key)
    if not overlay or shot.status != "booked":
        return Response(data, media_type="application/octet-stream")
    try:
        return Response(draw_rows(data, shot.rows), media_type="image/png")
    except ImageError as err:
        raise HTTPException(422, str(err)) from err


@router.delete("/screenshots/{screenshot_id}")
def remove_screenshot(screenshot_id: str, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    """Take a screenshot out of its day (the original stays archived) and book the day again without it."""
    with platform.db.session() as session:
        shot = session.get(Screenshot, screenshot_id)
        if shot is None:
            raise HTTPException(404, "no such screenshot")
        was_booked = shot.status == "booked"
        shot.status, shot.reason = "removed", "removed by an admin"
        session.flush()
        result = rebook_day(session, shot.alliance, shot.day) if was_booked and shot.day else None
    return {"removed": screenshot_id, "day": result.as_dict() if result else None}


class RereadIn(BaseModel):
    ids: list[str] = Field(default_factory=list, max_length=500)
    day: date | None = None


@router.post("/screenshots/reread", status_code=202)
def reread(
    body: RereadIn, user: AdminDep, platform: PlatformDep, runner: RunnerDep, alliance: str = DEFAULT_ALLIANCE
) -> JobOut:
    """Read archived screenshots again with the current champion (by ids, or every screenshot of ``day``),
    then book their days again: how a better model improves the books already kept."""
    from looplab.alliance.ingest import reread_items

    with platform.db.session() as session:
        ids = list(body.ids)
        if body.day is not None:
            ids += session.scalars(
                select(Screenshot.id).where(Screenshot.alliance == alliance, Screenshot.day == body.day)
            )
        try:
            owner, items = reread_items(session, ids)
        except ValueError as err:
            raise HTTPException(404, str(err)) from err
    job = runner.submit("alliance.ingest", {"files": items, "alliance": owner, "origin": "reread"}, user.id)
    return JobOut.of(job)


@router.get("/crops/{key:path}")
def crop(key: str, _: AdminDep, platform: PlatformDep) -> Response:
    """A crop image (PNG) by its blob key, as listed in readings, review items and labelling crops."""
    if not key.startswith("sha256/") or not key.endswith(".png"):
        raise HTTPException(404, "not a crop key")
    try:
        return Response(platform.blobs.get(key), media_type="image/png", headers={"Cache-Control": "max-age=86400"})
    except BlobNotFound as err:
        raise HTTPException(404, "no such crop") from err


@router.post("/ingest", status_code=202)
def ingest(
    user: AdminDep,
    platform: PlatformDep,
    runner: RunnerDep,
    files: list[UploadFile] = File(...),
    mtimes: str | None = Form(None),
    alliance: str = DEFAULT_ALLIANCE,
) -> JobOut:
    """Upload screenshots: originals are archived at once, an ``alliance.ingest`` job reads and books them.

    ``mtimes`` (a JSON list, one per file) dates files whose name holds no date; else the upload's day.
    """
    if not files:
        raise HTTPException(422, "no files")
    if len(files) > MAX_UPLOAD_FILES:
        raise HTTPException(413, f"at most {MAX_UPLOAD_FILES} files per upload")
    times = _mtimes(mtimes, len(files))
    items = [
        archive(platform, upload.filename or "upload", upload.file.read(), mtime)
        for upload, mtime in zip(files, times, strict=True)
    ]
    job = runner.submit("alliance.ingest", {"files": items, "alliance": alliance, "origin": "upload"}, user.id)
    return JobOut.of(job)


def _mtimes(raw: str | None, count: int) -> list[float | None]:
    if not raw:
        return [None] * count
    try:
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != count:
            raise ValueError
        return [float(v) if v is not None else None for v in values]
    except (ValueError, TypeError) as err:
        raise HTTPException(422, f"mtimes must be a JSON list of {count} numbers") from err


@router.get("/export")
def export_books(
    _: AdminDep, platform: PlatformDep, what: str = "members", format: str = "csv", alliance: str = DEFAULT_ALLIANCE
) -> Response:
    """``what`` = members | readings (CSV), or ``format=xlsx`` for one workbook with both sheets."""
    with platform.db.session() as session:
        if format == "xlsx":
            data = export.to_xlsx(
                {"members": export.members_rows(session, alliance), "readings": export.readings_rows(session, alliance)}
            )
            media, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "alliance.xlsx"
        elif format == "csv" and what in ("members", "readings"):
            rows = (
                export.members_rows(session, alliance) if what == "members" else export.readings_rows(session, alliance)
            )
            data, media, name = export.to_csv(rows), "text/csv; charset=utf-8", f"alliance_{what}.csv"
        else:
            raise HTTPException(422, "format must be csv (what=members|readings) or xlsx")
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
