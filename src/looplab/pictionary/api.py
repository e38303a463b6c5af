"""Pictionary's HTTP API (the game itself, words and results come with the Pictionary issue)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from looplab.imaging.strokes import StrokeError
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
