"""Alliance tracker's HTTP API: reading a screenshot here; books, ingest and exports in ``api_books``;
review queue, labelling, training and rules in ``api_review`` (every route admin only)."""

from __future__ import annotations

from fastapi import APIRouter, File, HTTPException, Request
from pydantic import BaseModel

from looplab.alliance.api_books import router as books_router
from looplab.alliance.api_review import router as review_router
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


router.include_router(books_router)
router.include_router(review_router)
