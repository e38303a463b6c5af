"""Digits app API: predict and keep uploads, gallery, corrections, cluster naming."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from looplab.digits import service
from looplab.digits.models import DigitImage
from looplab.imaging.decode import ImageError, encode_png
from looplab.server.deps import AdminDep, PlatformDep, UserDep

router = APIRouter(prefix="/api/digits", tags=["digits"])
MAX_FILES = 50


class ImageOut(BaseModel):
    id: str
    filename: str
    source: str
    digit: int | None
    digit_source: str
    cluster: int
    confidence: float
    model_version: int
    corrected_digit: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: DigitImage) -> ImageOut:
        return cls.model_validate(row, from_attributes=True)


class UploadResult(BaseModel):
    filename: str
    image: ImageOut | None = None
    error: str | None = None


class PredictionOut(BaseModel):
    digit: int | None
    cluster: int
    confidence: float
    model_version: int


class Correction(BaseModel):
    digit: int = Field(ge=0, le=9)


class ClusterOut(BaseModel):
    cluster: int
    digit: int | None
    digit_source: str
    evaluation_digit: int | None
    size: int | None
    purity: float | None


def _champion(request: Request):  # noqa: ANN202
    return request.app.state.models.get("digits")


def _submit_one(request: Request, platform, user, data: bytes, filename: str, source: str) -> UploadResult:  # noqa: ANN001
    model, version = _champion(request)
    try:
        row = service.submit(platform, model, version, data, filename=filename, source=source, user_id=user.id)
    except (ImageError, ValueError) as err:
        return UploadResult(filename=filename, error=str(err))
    return UploadResult(filename=filename, image=ImageOut.of(row))


@router.post("/images")
async def upload_images(
    request: Request,
    platform: PlatformDep,
    user: UserDep,
    files: list[UploadFile] = File(),
    source: str = Form("upload"),
) -> list[UploadResult]:
    """Predict and store each file; a file that cannot be used gets its reason and stores nothing."""
    if len(files) > MAX_FILES:
        raise HTTPException(413, f"at most {MAX_FILES} files per request")
    results = []
    for upload in files:
        data = await upload.read()
        # decoding, the model and the stores block: in a thread, so a slow S3 endpoint never stalls the event loop
        results.append(
            await run_in_threadpool(_submit_one, request, platform, user, data, upload.filename or "", source)
        )
    return results


@router.post("/predict")
async def predict(request: Request, platform: PlatformDep, user: UserDep, file: UploadFile) -> PredictionOut:
    """One image in, one prediction out (stored like any upload)."""
    data = await file.read()
    result = await run_in_threadpool(_submit_one, request, platform, user, data, file.filename or "", "upload")
    if result.error:
        raise HTTPException(422, result.error)
    image = result.image
    return PredictionOut(
        digit=image.digit, cluster=image.cluster, confidence=image.confidence, model_version=image.model_version
    )


@router.get("/images")
def list_images(
    platform: PlatformDep,
    user: UserDep,
    digit: int | None = None,
    cluster: int | None = None,
    corrected: bool | None = None,
    everyone: bool = False,
    limit: int = 60,
) -> list[ImageOut]:
    owner = None if (everyone and user.is_admin) else user.id
    rows = service.gallery(platform, user_id=owner, digit=digit, cluster=cluster, corrected=corrected, limit=limit)
    return [ImageOut.of(row) for row in rows]


@router.get("/images/{image_id}/{kind}.png")
def image_file(image_id: str, kind: str, platform: PlatformDep, user: UserDep) -> Response:
    if kind not in ("original", "normalised"):
        raise HTTPException(404, "no such image file")
    row = service.get_image(platform, image_id, user.id, user.is_admin)
    key = row.original_key if kind == "original" else row.normalised_key
    media_type = row.media_type if kind == "original" else "image/png"
    return Response(platform.blobs.get(key), media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})


@router.post("/images/{image_id}/correction")
def correct(image_id: str, body: Correction, platform: PlatformDep, user: UserDep) -> ImageOut:
    return ImageOut.of(service.correct(platform, image_id, body.digit, user.id, user.is_admin))


@router.get("/clusters")
def clusters(request: Request, platform: PlatformDep, _: UserDep) -> list[ClusterOut]:
    model, version = _champion(request)
    mapping = service.app_mapping(platform, model, version)
    evaluation = model.metadata.get("cluster_to_digit_eval") or [None] * model.n_clusters
    sizes = model.metadata.get("cluster_sizes") or [None] * model.n_clusters
    purity = ((model.metadata.get("metrics") or {}).get("purity")) or [None] * model.n_clusters
    return [
        ClusterOut(
            cluster=c,
            digit=mapping.digits[c],
            digit_source=mapping.sources[c],
            evaluation_digit=evaluation[c],
            size=sizes[c],
            purity=purity[c],
        )
        for c in range(model.n_clusters)
    ]


@router.get("/clusters/{cluster}/exemplars.png")
def exemplars(cluster: int, request: Request, _: UserDep) -> Response:
    """The cluster's most confident training images side by side, dark ink on white like paper."""
    model, _version = _champion(request)
    images = model.exemplars()
    if images is None or not 0 <= cluster < len(images):
        raise HTTPException(404, "no exemplars for that cluster")
    strip = 255 - np.concatenate(list(images[cluster]), axis=1)
    return Response(encode_png(strip.astype(np.uint8)), media_type="image/png")


@router.post("/clusters/{cluster}/name", status_code=204)
def name_cluster(cluster: int, body: Correction, request: Request, platform: PlatformDep, user: AdminDep) -> Response:
    model, version = _champion(request)
    service.name_cluster(platform, model, version, cluster, body.digit, user.id)
    return Response(status_code=204)


@router.get("/map")
def cluster_map(request: Request, platform: PlatformDep, _: UserDep) -> dict:
    """The newest 2D map of the champion (run the digits.map job to make one)."""
    _model, version = _champion(request)
    key = service.latest_map_key(platform, version.id)
    if key is None:
        raise HTTPException(404, "no map for the current model yet: start the digits.map job")
    return json.loads(platform.blobs.get(key))


@router.get("/summary")
def summary(platform: PlatformDep, _: UserDep) -> dict:
    return service.summary(platform)
