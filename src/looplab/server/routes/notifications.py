from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from looplab.server.deps import AdminDep, PlatformDep

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


class NotificationOut(BaseModel):
    id: str
    event: str
    title: str
    body: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class Channels(BaseModel):
    count: int


@router.get("")
def history(_: AdminDep, platform: PlatformDep, limit: int = 100) -> list[NotificationOut]:
    rows = platform.notifier.history(max(1, min(limit, 1000)))
    return [NotificationOut.model_validate(row, from_attributes=True) for row in rows]


@router.get("/channels")
def channels(_: AdminDep, platform: PlatformDep) -> Channels:
    return Channels(count=len(platform.notifier.urls))


@router.post("/test", status_code=202)
def send_test(user: AdminDep, platform: PlatformDep) -> dict[str, str | None]:
    notification_id = platform.notifier.notify("test", "LoopLab test notification", f"sent by {user.name}")
    return {"id": notification_id}
