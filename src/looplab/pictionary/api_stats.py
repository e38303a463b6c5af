"""Analytics for the console: words, categories, players, model versions, confusion, gallery, outliers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from looplab.pictionary import stats
from looplab.pictionary.outliers import word_outliers
from looplab.pictionary.service import feedback_pending
from looplab.server.deps import AdminDep, PlatformDep

router = APIRouter(prefix="/stats")


@router.get("/words")
def words(_: AdminDep, platform: PlatformDep, min_rounds: int = 1) -> list[dict[str, Any]]:
    """Per word, hardest first (recognition rate, median time to recognition, attempts)."""
    return stats.word_stats(platform.db, max(1, min_rounds))


@router.get("/categories")
def categories(_: AdminDep, platform: PlatformDep) -> list[dict[str, Any]]:
    return stats.category_stats(platform.db)


@router.get("/players")
def players(_: AdminDep, platform: PlatformDep) -> list[dict[str, Any]]:
    return stats.players(platform.db)


@router.get("/players/{name}")
def player(name: str, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    user_id = stats.user_id_of(platform.db, name)
    if user_id is None:
        raise HTTPException(404, "no such player")
    return stats.player_history(platform.db, user_id)


@router.get("/models")
def models(_: AdminDep, platform: PlatformDep) -> list[dict[str, Any]]:
    return stats.model_stats(platform.db)


@router.get("/confusion")
def confusion(_: AdminDep, platform: PlatformDep, limit: int = 2000) -> dict[str, Any]:
    return stats.confusion(platform.db, max(1, min(limit, 20_000)))


@router.get("/gallery")
def gallery(
    _: AdminDep, platform: PlatformDep, word: str | None = None, limit: int = 60, flagged: bool | None = None
) -> list[dict[str, Any]]:
    return stats.gallery(platform.db, word, max(1, min(limit, 500)), flagged=flagged)


@router.get("/outliers")
def outliers(word: str, request: Request, _: AdminDep, platform: PlatformDep, limit: int = 24) -> dict[str, Any]:
    guesser, _version = request.app.state.models.get("pictionary")
    return word_outliers(platform, guesser, word, max(1, min(limit, 200)))


@router.get("/feedback")
def feedback(_: AdminDep, platform: PlatformDep) -> dict[str, int]:
    """How many feedback drawings wait for the next retrain job."""
    return {"pending": feedback_pending(platform.db)}
