"""The digits app: predict and keep every submitted image, corrections, cluster naming, accuracy alerts."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from looplab.digits.model import DigitModel
from looplab.digits.models import ClusterMap, ClusterName, DigitImage
from looplab.errors import AppError
from looplab.imaging.decode import ImageError, decode_image, encode_png
from looplab.learning.registry_models import ModelVersion
from looplab.platform import Platform
from looplab.storage.base import utcnow

MEDIA_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "WEBP": ("image/webp", "webp")}
MIN_EXAMPLES_PER_CLUSTER = 3


class DigitsError(AppError, ValueError):
    status = 422


class NotFound(DigitsError):
    status = 404


@dataclass(frozen=True)
class AppMapping:
    """cluster -> digit as the app uses it, and where each digit came from."""

    digits: list[int | None]
    sources: list[str]


def image_format(data: bytes) -> tuple[str, str]:
    import io

    from PIL import Image

    try:
        fmt = Image.open(io.BytesIO(data)).format or ""
    except Exception as err:  # noqa: BLE001 - decode_image gives the precise reason next
        raise ImageError("not an image (unrecognised file content)") from err
    if fmt not in MEDIA_TYPES:
        raise ImageError(f"unsupported format {fmt or 'unknown'}: use PNG, JPEG or WebP")
    return MEDIA_TYPES[fmt]


def app_mapping(platform: Platform, model: DigitModel, version: ModelVersion) -> AppMapping:
    """Admin names first, then the majority of at least three user corrections, then the evaluation mapping."""
    n = model.n_clusters
    digits: list[int | None] = [None] * n
    sources = ["none"] * n
    with platform.db.session() as session:
        names = session.execute(
            select(ClusterName.cluster, ClusterName.digit).where(ClusterName.model_version_id == version.id)
        ).all()
        corrections = session.execute(
            select(DigitImage.cluster, DigitImage.corrected_digit).where(
                DigitImage.model_version_id == version.id, DigitImage.corrected_digit.is_not(None)
            )
        ).all()
    for cluster, digit in names:
        if 0 <= cluster < n:
            digits[cluster], sources[cluster] = digit, "named"
    votes: dict[int, Counter] = {}
    for cluster, digit in corrections:
        votes.setdefault(cluster, Counter())[digit] += 1
    evaluation = model.metadata.get("cluster_to_digit_eval") or [None] * n
    for cluster in range(n):
        if sources[cluster] != "none":
            continue
        if cluster in votes and sum(votes[cluster].values()) >= MIN_EXAMPLES_PER_CLUSTER:
            digits[cluster], sources[cluster] = votes[cluster].most_common(1)[0][0], "examples"
        elif evaluation[cluster] is not None:
            digits[cluster], sources[cluster] = int(evaluation[cluster]), "evaluation"
    return AppMapping(digits, sources)


def submit(
    platform: Platform,
    model: DigitModel,
    version: ModelVersion,
    data: bytes,
    *,
    filename: str = "",
    source: str = "upload",
    user_id: str | None = None,
) -> DigitImage:
    """Check, normalise and predict; store original, normalised image and row only when all of that worked."""
    from looplab.imaging.digit_normalise import normalise_digit

    image = decode_image(data, mode="RGB")  # the precise reason first: empty, corrupt, bomb, ...
    media_type, extension = image_format(data)
    normalised = normalise_digit(image)  # raises DigitError (blank, several digits) with a reason
    _, clusters, confidences = model.predict(normalised[None])
    cluster = int(clusters[0])
    mapping = app_mapping(platform, model, version)
    original_key = platform.blobs.put(data, extension)
    normalised_key = platform.blobs.put(encode_png(normalised), "png")
    row = DigitImage(
        user_id=user_id,
        source=source if source in ("upload", "canvas") else "upload",
        filename=_safe_name(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        original_key=original_key,
        normalised_key=normalised_key,
        media_type=media_type,
        width=int(image.shape[1]),
        height=int(image.shape[0]),
        model_version_id=version.id,
        model_version=version.version,
        cluster=cluster,
        digit=mapping.digits[cluster],
        digit_source=mapping.sources[cluster],
        confidence=float(confidences[0]),
    )
    with platform.db.session() as session:
        session.add(row)
    return row


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:255]


def correct(platform: Platform, image_id: str, digit: int, user_id: str, is_admin: bool) -> DigitImage:
    if not 0 <= digit <= 9:
        raise DigitsError("a digit is 0 to 9")
    with platform.db.session() as session:
        row = session.get(DigitImage, image_id)
        if row is None or not (is_admin or row.user_id == user_id):
            raise NotFound("no such image")
        row.corrected_digit = digit
        row.corrected_at = utcnow()
    check_feedback_accuracy(platform)
    return row


def feedback_accuracy(platform: Platform, window: int) -> tuple[float | None, int]:
    """Accuracy of the predictions on the most recent corrected images (a correction equal to the
    prediction counts as a confirmation)."""
    with platform.db.session() as session:
        rows = session.execute(
            select(DigitImage.digit, DigitImage.corrected_digit)
            .where(DigitImage.corrected_digit.is_not(None))
            .order_by(DigitImage.corrected_at.desc())
            .limit(window)
        ).all()
    if not rows:
        return None, 0
    return sum(1 for digit, corrected in rows if digit == corrected) / len(rows), len(rows)


def check_feedback_accuracy(platform: Platform) -> float | None:
    """Notify when accuracy on recent feedback crosses below the alert level (and when it recovers)."""
    settings = platform.settings
    accuracy, n = feedback_accuracy(platform, settings.digits_alert_window)
    if accuracy is None or n < settings.digits_alert_min_feedback:
        return accuracy
    dropped = accuracy < settings.digits_alert_accuracy
    last = next((row.event for row in platform.notifier.history(50) if row.event.startswith("digits_accuracy")), None)
    if dropped and last != "digits_accuracy_dropped":
        platform.notifier.notify(
            "digits_accuracy_dropped",
            f"Digits accuracy on recent feedback dropped to {accuracy:.0%}",
            f"{n} most recent corrected images; alert level {settings.digits_alert_accuracy:.0%}",
        )
    elif not dropped and last == "digits_accuracy_dropped":
        title = f"Digits accuracy on recent feedback is back to {accuracy:.0%}"
        platform.notifier.notify("digits_accuracy_recovered", title)
    return accuracy


def name_cluster(
    platform: Platform, model: DigitModel, version: ModelVersion, cluster: int, digit: int, user_id: str
) -> None:
    if not 0 <= digit <= 9:
        raise DigitsError("a digit is 0 to 9")
    if not 0 <= cluster < model.n_clusters:
        raise DigitsError(f"no cluster {cluster}")
    with platform.db.session() as session:
        existing = session.scalar(
            select(ClusterName).where(ClusterName.model_version_id == version.id, ClusterName.cluster == cluster)
        )
        if existing:
            existing.digit, existing.named_by, existing.named_at = digit, user_id, utcnow()
        else:
            session.add(ClusterName(model_version_id=version.id, cluster=cluster, digit=digit, named_by=user_id))


def gallery(
    platform: Platform,
    *,
    user_id: str | None,
    digit: int | None = None,
    cluster: int | None = None,
    corrected: bool | None = None,
    limit: int = 60,
) -> list[DigitImage]:
    query = select(DigitImage).order_by(DigitImage.created_at.desc()).limit(max(1, min(limit, 500)))
    if user_id is not None:
        query = query.where(DigitImage.user_id == user_id)
    if digit is not None:
        query = query.where(DigitImage.digit == digit)
    if cluster is not None:
        query = query.where(DigitImage.cluster == cluster)
    if corrected is not None:
        has_correction = DigitImage.corrected_digit.is_not(None)
        query = query.where(has_correction if corrected else ~has_correction)
    with platform.db.session() as session:
        return list(session.scalars(query))


def get_image(platform: Platform, image_id: str, user_id: str, is_admin: bool) -> DigitImage:
    with platform.db.session() as session:
        row = session.get(DigitImage, image_id)
    if row is None or not (is_admin or row.user_id == user_id):
        raise NotFound("no such image")
    return row


def summary(platform: Platform) -> dict[str, Any]:
    accuracy, n = feedback_accuracy(platform, platform.settings.digits_alert_window)
    with platform.db.session() as session:
        total = session.scalar(select(func.count()).select_from(DigitImage)) or 0
        corrected = (
            session.scalar(select(func.count()).select_from(DigitImage).where(DigitImage.corrected_digit.is_not(None)))
            or 0
        )
    return {
        "images": total,
        "corrected": corrected,
        "recent_feedback_accuracy": accuracy,
        "recent_feedback_n": n,
        "alert_accuracy": platform.settings.digits_alert_accuracy,
    }


def latest_map_key(platform: Platform, version_id: str) -> str | None:
    with platform.db.session() as session:
        return session.scalar(
            select(ClusterMap.blob_key)
            .where(ClusterMap.model_version_id == version_id)
            .order_by(ClusterMap.created_at.desc())
            .limit(1)
        )
