"""Words: everyone reads the enabled ones; admins add, edit, enable, import a categories.txt."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from looplab.pictionary import service
from looplab.pictionary.api_common import known_words
from looplab.server.deps import AdminDep, PlatformDep, UserDep

router = APIRouter()
MAX_IMPORT_BYTES = 256 * 1024


class WordIn(BaseModel):
    word: str = Field(min_length=1, max_length=64)
    category: str = Field(default="other", max_length=64)
    enabled: bool = True
    mode: str | None = None


class WordPatch(BaseModel):
    word: str | None = Field(default=None, max_length=64)
    category: str | None = Field(default=None, max_length=64)
    enabled: bool | None = None
    mode: str | None = None


@router.get("/words")
def list_words(user: UserDep, platform: PlatformDep, all: bool = False) -> list[dict[str, Any]]:  # noqa: A002
    return service.list_words(platform.db, enabled_only=not (all and user.is_admin))


@router.post("/words", status_code=201)
def create_word(body: WordIn, request: Request, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    return service.create_word(
        platform.db,
        body.word,
        body.category,
        enabled=body.enabled,
        mode=body.mode,
        known=known_words(request),
    )


@router.patch("/words/{word_id}")
def update_word(word_id: str, body: WordPatch, request: Request, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    return service.update_word(platform.db, word_id, body.model_dump(), known_words(request))


@router.post("/words/import")
async def import_words(request: Request, _: AdminDep, platform: PlatformDep) -> dict[str, Any]:
    """Body: a ``categories.txt`` (one Quick, Draw! name per line) as text/plain; new words come disabled."""
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise service.Invalid(f"categories file too large ({len(body)} bytes, limit {MAX_IMPORT_BYTES})")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise service.Invalid("categories file must be UTF-8 text") from None
    return await run_in_threadpool(service.import_words, platform.db, text, known_words(request))
