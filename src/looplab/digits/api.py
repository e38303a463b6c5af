"""Digits' HTTP API (gallery, feedback and notifications come with the Digits issue)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, UploadFile
from pydantic import BaseModel

from looplab.imaging.decode import ImageError
from looplab.server.deps import UserDep

router = APIRouter(prefix="/api/digits", tags=["digits"])


class PredictionOut(BaseModel):
    digit: int | None
    cluster: int
    confidence: float
    model_version: int


@router.post("/predict")
async def predict(file: UploadFile, request: Request, _: UserDep) -> PredictionOut:
    data = await file.read()
    model, version = request.app.state.models.get("digits")
    try:
        prediction = model.predict_upload(data)
    except (ImageError, ValueError) as err:
        raise HTTPException(422, str(err)) from err
    return PredictionOut(
        digit=prediction.digit,
        cluster=prediction.cluster,
        confidence=prediction.confidence,
        model_version=version.version,
    )
