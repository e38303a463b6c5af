"""The ``alliance.train_regions`` job: train a region classifier on the officers' labelled crops, evaluate
it beside the champion on a held-out split, and promote it only when it is not worse."""

from __future__ import annotations

import io
import random
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from looplab.alliance.models import RegionCrop

if TYPE_CHECKING:
    from looplab.jobs.models import Job
    from looplab.platform import Platform

MIN_LABELS = 12
HELDOUT_SHARE = 0.25


def prepare_training(platform: Platform, params: dict[str, Any]) -> dict[str, Any]:
    from looplab.alliance.classifier import DEFAULT_MODEL

    with platform.db.session() as session:
        labelled = list(
            session.execute(select(RegionCrop.blob_key, RegionCrop.label).where(RegionCrop.label.is_not(None)))
        )
    if len(labelled) < MIN_LABELS:
        raise ValueError(f"only {len(labelled)} labelled crops; label at least {MIN_LABELS} first")
    champion = platform.registry.champion("alliance")
    return {
        "crops": [platform.blobs.get(key) for key, _ in labelled],
        "labels": [label for _, label in labelled],
        "champion": platform.registry.artifact(champion, DEFAULT_MODEL) if champion else None,
        "champion_id": champion.id if champion else None,
        "champion_version": champion.version if champion else None,
        "epochs": int(params.get("epochs", 10)),
        "seed": int(params.get("seed", 0)),
    }


def split_heldout(labels: list[str], share: float = HELDOUT_SHARE, seed: int = 0) -> tuple[list[int], list[int]]:
    """Stratified split: about ``share`` of each class held out (at least one where a class has two or more)."""
    by_class: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_class[label].append(index)
    rng = random.Random(seed)
    train, heldout = [], []
    for indices in by_class.values():
        rng.shuffle(indices)
        n = round(len(indices) * share) if len(indices) >= 2 else 0
        n = max(n, 1) if len(indices) >= 2 else 0
        heldout += indices[:n]
        train += indices[n:]
    return sorted(train), sorted(heldout)


def accuracy(model: bytes | None, crops: list[np.ndarray], labels: list[str]) -> float:
    from looplab.alliance.classifier import CLASSES, RegionClassifier, normalise_crop

    if not crops:
        return 0.0
    proba = RegionClassifier(model).predict_proba(np.stack([normalise_crop(c) for c in crops]))
    predicted = [CLASSES[i] for i in proba.argmax(axis=1)]
    return float(np.mean([p == t for p, t in zip(predicted, labels, strict=True)]))


def _gray(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.uint8)


def train_and_evaluate(inputs: dict[str, Any], progress) -> dict[str, Any]:  # noqa: ANN001 - ProgressFn
    from looplab.alliance.training import train_region_classifier
    from looplab.learning.small_cnn import TrainConfig

    crops = [_gray(png) for png in inputs["crops"]]
    labels = list(inputs["labels"])
    train, heldout = split_heldout(labels, seed=inputs.get("seed", 0))
    progress(0.02, f"{len(train)} crops to train on, {len(heldout)} held out")
    config = TrainConfig(epochs=max(1, inputs.get("epochs", 10)), batch_size=64, threads=1, seed=inputs.get("seed", 0))

    def report(fraction: float, message: str = "") -> None:
        progress(0.05 + 0.85 * fraction, message)

    onnx = train_region_classifier([crops[i] for i in train], [labels[i] for i in train], report, config=config)
    progress(0.92, "evaluating on the held-out crops")
    held_crops, held_labels = [crops[i] for i in heldout], [labels[i] for i in heldout]
    new_acc = accuracy(onnx, held_crops, held_labels)
    champion_acc = accuracy(inputs.get("champion"), held_crops, held_labels)
    progress(1.0, f"held-out accuracy {new_acc:.3f} (champion {champion_acc:.3f})")
    return {
        "onnx": onnx,
        "metrics": {
            "heldout_accuracy": round(new_acc, 4),
            "champion_heldout_accuracy": round(champion_acc, 4),
            "n_train": len(train),
            "n_heldout": len(heldout),
        },
        "champion_id": inputs.get("champion_id"),
        "champion_version": inputs.get("champion_version"),
    }


def register_result(platform: Platform, job: Job, output: dict[str, Any]) -> dict[str, Any]:
    from looplab.alliance.classifier import DEFAULT_MODEL

    metrics = output["metrics"]
    version = platform.registry.register(
        "alliance",
        "region-classifier",
        {DEFAULT_MODEL: output["onnx"]},
        metrics=metrics,
        meta={"job_id": job.id, "trained_on": "labelled region crops"},
        parent_id=output.get("champion_id"),
        notes="trained on the console's labelled crops",
    )
    not_worse = metrics["heldout_accuracy"] >= metrics["champion_heldout_accuracy"]
    if not_worse:
        platform.registry.promote(version.id)
    return {
        "version": version.version,
        "promoted": not_worse,
        **metrics,
        "decision": (
            "promoted: not worse than the champion on the held-out crops"
            if not_worse
            else f"kept as candidate: worse than champion v{output.get('champion_version')} on the held-out crops"
        ),
    }
