from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from looplab.learning.registry import RegistryError
from looplab.learning.registry_models import ModelVersion
from looplab.server.deps import AdminDep, PlatformDep, UserDep

router = APIRouter(prefix="/api/models", tags=["models"])


class ModelOut(BaseModel):
    id: str
    app: str
    name: str
    version: int
    status: str
    parent_id: str | None
    metrics: dict[str, Any]
    meta: dict[str, Any]
    artifacts: dict[str, str]
    notes: str
    created_at: datetime
    promoted_at: datetime | None

    @classmethod
    def of(cls, version: ModelVersion) -> ModelOut:
        return cls.model_validate(version, from_attributes=True)


@router.get("")
def list_models(_: UserDep, platform: PlatformDep, app: str | None = None) -> list[ModelOut]:
    return [ModelOut.of(version) for version in platform.registry.list(app)]


@router.post("/{version_id}/promote")
def promote(version_id: str, _: AdminDep, platform: PlatformDep) -> ModelOut:
    try:
        return ModelOut.of(platform.registry.promote(version_id))
    except RegistryError as err:
        raise HTTPException(404, str(err)) from err


@router.post("/{app}/rollback")
def rollback(app: str, _: AdminDep, platform: PlatformDep) -> ModelOut:
    try:
        return ModelOut.of(platform.registry.rollback(app))
    except RegistryError as err:
        raise HTTPException(409, str(err)) from err
