"""Ingest: screenshot files in, booked days out.

The work is split like every server job: ``read_files`` (worker process: decode, OCR, cut crops) gets
plain bytes; ``record_results`` (server: the only process that opens the DuckDB file) stores crops,
records each screenshot as booked or rejected with its reason, re-books every touched day from all of
that day's screenshots (merged, so re-ingesting never double counts) and moves watched files to
``input/done/`` or ``input/rejected/`` (with ``<name>.reason.txt``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from looplab.alliance.models import DEFAULT_ALLIANCE, RegionCrop, Screenshot
from looplab.alliance.service import DayResult, book_day, row_from_dict, row_to_dict

if TYPE_CHECKING:
    from looplab.platform import Platform

log = logging.getLogger(__name__)

DONE, REJECTED = "done", "rejected"
MAX_FILE_BYTES = 40 * 1024 * 1024  # the decoder's own limit; bigger files are refused before reading them
LABEL_CROPS_PER_SCREENSHOT = 16
_DATE = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def day_from_name(name: str, mtime: float | None = None) -> date:
    """The day a screenshot belongs to: a date in its file name (``20251111``, ``2025-11-11``), else its mtime."""
    for match in _DATE.finditer(Path(name).name):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return datetime.fromtimestamp(mtime).date() if mtime is not None else date.today()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- worker side ------------------------------------------------------------------------------------------
_readers: dict[str, Any] = {}


def _reader(model: bytes | None):  # noqa: ANN202 - AllianceReader, imported lazily
    from looplab.alliance.reader import AllianceReader

    key = hashlib.sha256(model).hexdigest() if model else "bundled"
    if key not in _readers:
        _readers.clear()
        _readers[key] = AllianceReader(model)
    return _readers[key]


def _png(array: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def _crop(image: np.ndarray, box: Any, pad: int = 4) -> bytes:
    height, width = image.shape[:2]
    x1, y1 = max(0, box.x - pad), max(0, box.y - pad)
    x2, y2 = min(width, box.x + box.w + pad), min(height, box.y + box.h + pad)
    return _png(np.ascontiguousarray(image[y1:y2, x1:x2]))


def _label_candidates(reader: Any, image: np.ndarray, limit: int) -> list[dict[str, Any]]:
    """The regions the classifier is least sure about, as PNG crops (active learning for the labelling page)."""
    from looplab.alliance.classifier import CLASSES, normalise_crop
    from looplab.imaging.regions import find_text_regions, to_gray

    gray = to_gray(image)
    regions = find_text_regions(image)
    if not regions or limit <= 0:
        return []
    crops = [gray[r.y : r.y2, r.x : r.x2] for r in regions]
    proba = reader.classifier.predict_proba(np.stack([normalise_crop(c) for c in crops]))
    order = np.argsort(proba.max(axis=1))[:limit]
    return [
        {
            "png": _png(np.ascontiguousarray(crops[i])),
            "box": [regions[i].x, regions[i].y, regions[i].w, regions[i].h],
            "predicted": CLASSES[int(proba[i].argmax())],
            "confidence": float(proba[i].max()),
        }
        for i in order
    ]


def read_one(reader: Any, data: bytes, label_crops: int = LABEL_CROPS_PER_SCREENSHOT) -> dict[str, Any]:
    """Decode and read one file; ``{"error": reason}`` when it is no usable alliance screenshot."""
    from looplab.imaging.decode import ImageError, decode_image

    try:
        image = decode_image(data)
    except ImageError as err:
        return {"error": str(err)}
    reading = reader.read(image)
    if not reading.rows:
        return {"error": "no member rows found: not an alliance list screen, or nothing readable on it"}
    return {
        "width": reading.width,
        "height": reading.height,
        "seconds": round(reading.seconds, 3),
        "rows": [row_to_dict(row) for row in reading.rows],
        "row_crops": [[_crop(image, box) for box in row.boxes] for row in reading.rows],
        "regions": _label_candidates(reader, image, label_crops),
    }


def read_files(inputs: dict[str, Any], progress) -> dict[str, Any]:  # noqa: ANN001 - ProgressFn
    """Job work: read every file of the batch; one bad file never fails the batch."""
    files = inputs.get("files", [])
    reader = _reader(inputs.get("model"))
    results = []
    for done, item in enumerate(files):
        progress(done / max(len(files), 1), f"reading {item['name']} ({done + 1}/{len(files)})")
        if item.get("error"):
            results.append({"index": item["index"], "error": item["error"], "duplicate": item.get("duplicate", False)})
            continue
        try:
            result = read_one(reader, item["data"], int(inputs.get("label_crops", LABEL_CROPS_PER_SCREENSHOT)))
        except Exception as err:  # noqa: BLE001 - a file that breaks the reader is rejected, not fatal
            log.exception("reading %s failed", item["name"])
            result = {"error": f"the reader failed on this file ({type(err).__name__}: {err})"}
        results.append({"index": item["index"], **result})
    progress(1.0, f"read {len(files)} file(s)")
    return {"files": results}


# --- server side -------------------------------------------------------------------------------------------
def prepare_files(platform: Platform, params: dict[str, Any]) -> dict[str, Any]:
    """Job prepare: load the archived originals; mark duplicates (already ingested, or twice in the batch)."""
    from looplab.alliance.classifier import DEFAULT_MODEL

    seen: dict[str, str] = {}
    files = []
    with platform.db.session() as session:
        for index, item in enumerate(params.get("files", [])):
            entry = {"index": index, "name": item["name"]}
            if item.get("error"):
                files.append({**entry, "error": item["error"]})
                continue
            data = platform.blobs.get(item["blob_key"])
            digest = content_hash(data)
            earlier = session.scalar(select(Screenshot).where(Screenshot.content_hash == digest))
            if item.get("replace_id"):  # read again on purpose (e.g. with a newer model)
                files.append({**entry, "data": data})
            elif earlier is not None:
                files.append({**entry, "error": _duplicate_reason(earlier), "duplicate": True})
            elif digest in seen:
                files.append(
                    {
                        **entry,
                        "error": f"duplicate of {seen[digest]!r} (same content) in the same batch",
                        "duplicate": True,
                    }
                )
            else:
                seen[digest] = item["name"]
                files.append({**entry, "data": data})
    champion = platform.registry.champion("alliance")
    model = platform.registry.artifact(champion, DEFAULT_MODEL) if champion else None
    return {**params, "files": files, "model": model, "label_crops": params.get("label_crops", 16)}


def _duplicate_reason(earlier: Screenshot) -> str:
    when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC")
    if earlier.status == "rejected":
        return f"duplicate of {earlier.source_name!r} (same content, rejected on {when}: {earlier.reason})"
    return f"duplicate of {earlier.source_name!r} (same content, already ingested on {when} for {earlier.day})"


def record_results(platform: Platform, job_id: str | None, params: dict[str, Any], output: dict[str, Any]) -> dict:
    """Job finish: store crops, record screenshots, re-book touched days, move watched files, alert."""
    from looplab.alliance import alerts

    alliance = params.get("alliance") or DEFAULT_ALLIANCE
    items = params.get("files", [])
    outcomes: list[dict[str, Any]] = []
    days: set[date] = set()
    by_index = {r["index"]: r for r in output.get("files", [])}
    results: list[DayResult] = []
    with platform.db.session() as session:
        for index, item in enumerate(items):
            result = by_index.get(index, {"error": "not read (the job stopped early)"})
            day = date.fromisoformat(item["day"]) if item.get("day") else day_from_name(item["name"], item.get("mtime"))
            outcome = {"name": item["name"], "day": day.isoformat(), "path": item.get("path")}
            if result.get("error"):
                outcome.update(status="rejected", reason=result["error"])
                if not result.get("duplicate") and not item.get("error"):
                    fields = {"status": "rejected", "reason": result["error"], "rows": []}
                    _record(session, item, alliance, day, job_id, **fields)
                if item.get("replace_id"):
                    days.add(day)  # the day loses what this screenshot gave it
                outcomes.append(outcome)
                continue
            earlier = session.scalar(select(Screenshot).where(Screenshot.content_hash == item.get("hash")))
            if earlier is not None and not item.get("replace_id"):  # another job took it meanwhile
                outcome.update(status="rejected", reason=_duplicate_reason(earlier))
                outcomes.append(outcome)
                continue
            row_crops = [[platform.blobs.put(png, "png") for png in crops] for crops in result["row_crops"]]
            rows = [{**row, "crops": keys} for row, keys in zip(result["rows"], row_crops, strict=True)]
            shot = _record(
                session,
                item,
                alliance,
                day,
                job_id,
                status="booked",
                reason="",
                rows=rows,
                width=result["width"],
                height=result["height"],
            )
            session.execute(delete(RegionCrop).where(RegionCrop.screenshot_id == shot.id, RegionCrop.label.is_(None)))
            for region in result.get("regions", []):
                session.add(
                    RegionCrop(
                        blob_key=platform.blobs.put(region["png"], "png"),
                        screenshot_id=shot.id,
                        box=region["box"],
                        predicted=region["predicted"],
                        confidence=region["confidence"],
                    )
                )
            outcome.update(status="booked", rows=len(rows), screenshot_id=shot.id)
            outcomes.append(outcome)
            days.add(day)
        session.flush()
        for day in sorted(days):
            results.append(rebook_day(session, alliance, day))
    for outcome in outcomes:
        if outcome.get("path"):
            move_processed(Path(outcome["path"]), platform.settings.resolved_input_dir, outcome)
    alerts.after_ingest(platform, alliance, results)
    return {
        "files": len(items),
        "booked_files": sum(o["status"] == "booked" for o in outcomes),
        "rejected_files": sum(o["status"] == "rejected" for o in outcomes),
        "days": [r.as_dict() for r in results],
        "outcomes": [{k: v for k, v in o.items() if k != "path"} for o in outcomes],
    }


def _record(
    session: Session, item: dict[str, Any], alliance: str, day: date, job_id: str | None, **fields: Any
) -> Screenshot:
    shot = session.get(Screenshot, item["replace_id"]) if item.get("replace_id") else None
    if shot is not None:  # read again: the same screenshot row, new rows and status
        shot.job_id = job_id
        for name, value in fields.items():
            setattr(shot, name, value)
        return shot
    shot = Screenshot(
        alliance=alliance,
        content_hash=item.get("hash") or Path(item["blob_key"]).name.split(".")[0],
        day=day,
        source_name=item["name"],
        blob_key=item.get("blob_key"),
        job_id=job_id,
        **fields,
    )
    session.add(shot)
    session.flush()
    return shot


def reread_items(session: Session, screenshot_ids: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """Ingest-job items that read archived screenshots again (same rows, new reading); returns the alliance."""
    shots = [session.get(Screenshot, i) for i in screenshot_ids]
    shots = [s for s in shots if s is not None and s.blob_key and s.status != "removed"]
    if not shots:
        raise ValueError("no archived screenshot to read again")
    alliances = {s.alliance for s in shots}
    if len(alliances) > 1:
        raise ValueError("screenshots of several alliances: read them again one alliance at a time")
    items = [
        {
            "name": s.source_name,
            "blob_key": s.blob_key,
            "hash": s.content_hash,
            "day": s.day.isoformat() if s.day else None,
            "replace_id": s.id,
        }
        for s in shots
    ]
    return alliances.pop(), items


def rebook_day(session: Session, alliance: str, day: date) -> DayResult:
    """Book a day from all of its booked screenshots, merged (a member on two screenshots counts once)."""
    from looplab.alliance.reader import ScreenshotReading, merge_screenshots

    shots = list(
        session.scalars(
            select(Screenshot)
            .where(Screenshot.alliance == alliance, Screenshot.day == day, Screenshot.status == "booked")
            .order_by(Screenshot.created_at, Screenshot.id)
        )
    )
    readings, origin = [], {}
    for shot in shots:
        rows = []
        for data in shot.rows:
            row, crops = row_from_dict(data)
            origin[id(row)] = (crops, shot.id)
            origin.setdefault(_row_key(row), (crops, shot.id))
            rows.append(row)
        readings.append(ScreenshotReading(rows=rows, seconds=0.0, width=shot.width, height=shot.height))
    merged = merge_screenshots(readings)
    found = [origin.get(id(row)) or origin.get(_row_key(row)) or ([], None) for row in merged]
    return book_day(
        session,
        day,
        merged,
        crops=[f[0] for f in found],
        screenshot_ids=[f[1] for f in found],
        alliance=alliance,
    )


def _row_key(row: Any) -> tuple:
    return (row.name, tuple(row.numbers), tuple((b.x, b.y, b.w, b.h) for b in row.boxes))


def move_processed(path: Path, input_dir: Path, outcome: dict[str, Any]) -> Path | None:
    """Move a watched file to ``done/`` or ``rejected/`` beside it (never overwriting); a rejected one gets
    its reason in ``<name>.reason.txt``."""
    root, parent = Path(input_dir).resolve(), path.resolve().parent
    if not path.exists() or (parent != root and parent.parent != root):
        return None  # only files of the watched folder (or of an alliance's subfolder) are ever moved
    folder = path.parent / (DONE if outcome["status"] == "booked" else REJECTED)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder / path.name)
    shutil.move(str(path), target)
    if outcome["status"] != "booked":
        Path(f"{target}.reason.txt").write_text(outcome.get("reason", "rejected") + "\n", encoding="utf-8")
    return target


def _free_name(target: Path) -> Path:
    if not target.exists():
        return target
    stem, suffix = target.stem, target.suffix
    for n in range(1, 10_000):
        candidate = target.with_name(f"{stem}.{n}{suffix}")
        if not candidate.exists():
            return candidate
    raise OSError(f"no free name for {target}")


def archive(platform: Platform, name: str, data: bytes, mtime: float | None = None, path: str | None = None) -> dict:
    """Keep the original in the blob store and describe it for an ingest job's params."""
    suffix = Path(name).suffix.lstrip(".").lower()
    key = platform.blobs.put(data, suffix if suffix.isalnum() and len(suffix) <= 5 else "")
    return {
        "name": Path(name).name,
        "blob_key": key,
        "hash": content_hash(data),
        "mtime": mtime,
        "day": day_from_name(name, mtime).isoformat(),
        "path": path,
        "size": len(data),
    }
