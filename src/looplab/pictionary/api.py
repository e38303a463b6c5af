"""Pictionary's HTTP API: one router mounted by the server, made of the routers below (thin routes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from looplab.imaging.strokes import StrokeError
from looplab.pictionary import api_play, api_stats, api_words
from looplab.server.deps import UserDep

router = APIRouter(prefix="/api/pictionary", tags=["pictionary"])


class DrawingIn(BaseModel):
    drawing: Any


class GuessesOut(BaseModel):
    guesses: list[tuple[str, float]]
    model_version: int


@router.post("/guess")
def guess(body: DrawingIn, request: Request, _: UserDep) -> GuessesOut:
    guesser, version = request.app.state.models.get("pictionary")
    try:
        guesses = guesser.guess(body.drawing, k=3)
    except StrokeError as err:
        raise HTTPException(422, f"invalid drawing: {err}") from err
    return GuessesOut(guesses=[(word, round(float(p), 4)) for word, p in guesses], model_version=version.version)


for _sub in (api_words.router, api_play.router, api_stats.router):
    router.include_router(_sub)
