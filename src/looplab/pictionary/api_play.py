"""Playing: the game socket, a game's summary, rounds, their drawings, feedback, the leaderboard."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Response, WebSocket
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from looplab.auth.service import AuthError, CurrentUser
from looplab.pictionary import service
from looplab.pictionary.config import GameSettings
from looplab.pictionary.game import GameSession, hub_of
from looplab.server.deps import SESSION_COOKIE, PlatformDep, RunnerDep, UserDep

router = APIRouter()
CLOSE_UNAUTHENTICATED = 4401
CLOSE_BUSY = 4409


def _socket_user(ws: WebSocket) -> CurrentUser | None:
    """The session cookie (same origin only) or a ``token`` query parameter; None when neither is valid."""
    token = ws.query_params.get("token")
    if not token:
        token = ws.cookies.get(SESSION_COOKIE)
        origin = ws.headers.get("origin")
        if token and origin and urlsplit(origin).netloc != ws.headers.get("host"):
            return None  # a cookie sent by another site's page: cross-site WebSocket hijacking
    if not token:
        return None
    try:
        return ws.app.state.platform.auth.resolve(token)
    except AuthError:
        return None


@router.websocket("/ws")
async def play(ws: WebSocket) -> None:
    user = await run_in_threadpool(_socket_user, ws)
    if user is None:
        await ws.close(CLOSE_UNAUTHENTICATED, "log in first")
        return
    hub = hub_of(ws.app)
    await ws.accept()
    platform = ws.app.state.platform
    session = GameSession(ws, platform, ws.app.state.models, user, GameSettings.of(platform.settings), hub)
    if not hub.claim(user.id, session):
        await session.error("you are already playing in another window", "busy")
        await ws.close(CLOSE_BUSY, "already playing")
        return
    try:
        await session.run()
    finally:
        hub.release(user.id, session)


@router.get("/games/{game_id}")
def game(game_id: str, user: UserDep, platform: PlatformDep) -> dict[str, Any]:
    return service.game_summary(platform.db, game_id, user.id, user.is_admin)


@router.get("/rounds/{round_id}")
def get_round(round_id: str, user: UserDep, platform: PlatformDep) -> dict[str, Any]:
    row = service.get_round(platform.db, round_id)
    if row.user_id != user.id and not user.is_admin:
        raise service.NotFound("no such round")
    return service.round_dict(row, with_strokes=True)


@router.get("/rounds/{round_id}/bitmap.png")
def round_bitmap(round_id: str, user: UserDep, platform: PlatformDep) -> Response:
    png = service.round_bitmap(platform, round_id, user.id, user.is_admin)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


class FeedbackIn(BaseModel):
    label: str | None = Field(default=None, max_length=64, description="what the drawing really was")
    flag: bool = Field(default=False, description="a bad drawing (scribble, wrong word on purpose)")
    note: str | None = Field(default=None, max_length=500)


@router.post("/rounds/{round_id}/feedback")
def feedback(
    round_id: str, body: FeedbackIn, user: UserDep, platform: PlatformDep, runner: RunnerDep
) -> dict[str, Any]:
    from looplab.pictionary.jobs import maybe_auto_retrain

    row = service.give_feedback(platform.db, round_id, user.id, label=body.label, flag=body.flag, note=body.note)
    job = maybe_auto_retrain(platform, runner, GameSettings.of(platform.settings))
    return service.round_dict(row) | {"retrain_job": job}


@router.get("/me/history")
def my_history(user: UserDep, platform: PlatformDep, limit: int = 50) -> dict[str, Any]:
    from looplab.pictionary.stats import player_history

    return player_history(platform.db, user.id, max(1, min(limit, 500)))


@router.get("/leaderboard")
def leaderboard(_: UserDep, platform: PlatformDep, limit: int = 10) -> list[dict[str, Any]]:
    return service.leaderboard(platform.db, max(1, min(limit, 100)))
