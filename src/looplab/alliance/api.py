"""Alliance tracker's HTTP API (ingest, members and books come with the Alliance issue)."""

from __future__ import annotations

from fastapi import APIRouter, File, HTTPException, Request
from pydantic import BaseModel

from looplab.imaging.decode import ImageError, decode_image
from looplab.server.deps import AdminDep

router = APIRouter(prefix="/api/alliance", tags=["alliance"])


class RowOut(BaseModel):
    name: str
    numbers: list[int | None]
    needs_review: bool
    reasons: list[str]


class ReadingOut(BaseModel):
    rows: list[RowOut]
    seconds: float
    model_version: int


@router.post("/read")
def read(request: Request, _: AdminDep, file: bytes = File()) -> ReadingOut:
    """Read one screenshot without storing anything (a sync route: FastAPI runs it in its thread pool)."""
    try:
        image = decode_image(file)
    except ImageError as err:
        raise HTTPException(422, str(err)) from err
    reader, version = request.app.state.models.get("alliance")
    reading = reader.read(image)
    rows = [
        RowOut(name=r.name, numbers=r.numbers, needs_review=r.needs_review, reasons=r.reasons) for r in reading.rows
    ]
    return ReadingOut(rows=rows, seconds=round(reading.seconds, 3), model_version=version.version)
