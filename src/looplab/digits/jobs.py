"""Server jobs of the digits app: (re)train the unsupervised model from MNIST files, with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from looplab.jobs.kinds import JobKind, ProgressFn, register_job_kind


def _data_dir(platform, params: dict[str, Any]) -> Path:  # noqa: ANN001
    folder = Path(params.get("data_dir") or platform.settings.data_dir / "mnist")
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no MNIST files in {folder}: run `looplab digits data fetch --dest {folder}` (or --from DIR) first"
        )
    return folder


def prepare_training(platform, params: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """Read the images in the server; labels go along only to measure the finished fit."""
    from looplab.digits import mnist

    folder = _data_dir(platform, params)
    split = "train" if mnist.has_split(folder, "train") else "t10k"
    images, labels = mnist.load_split(folder, split)
    limit = params.get("limit")
    if limit:
        images, labels = images[: int(limit)], labels[: int(limit)]
    return {
        "images": images,
        "labels": labels,
        "split": split,
        "self_train_epochs": int(params.get("self_train_epochs", 6)),
        "seed": int(params.get("seed", 0)),
    }


def train_work(inputs: dict[str, Any], progress: ProgressFn) -> dict[str, Any]:
    from looplab.digits.training import train_default_model

    artifacts = train_default_model(
        np.asarray(inputs["images"]),
        progress,
        labels=inputs.get("labels"),
        seed=inputs["seed"],
        self_train_epochs=inputs["self_train_epochs"],
    )
    return {"artifacts": artifacts.as_bytes(), "metadata": artifacts.metadata, "split": inputs["split"]}


def finish_training(platform, job, output: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """Register the new version; promote it when its ACC is not worse than the champion's."""
    metrics = {k: v for k, v in (output["metadata"].get("metrics") or {}).items() if isinstance(v, int | float)}
    champion = platform.registry.champion("digits")
    version = platform.registry.register(
        "digits",
        "unsupervised-clusters",
        output["artifacts"],
        metrics={**metrics, "n_train": output["metadata"]["n_train"], "fit_seconds": output["metadata"]["fit_seconds"]},
        meta={"split": output["split"], "job_id": job.id},
        parent_id=champion.id if champion else None,
    )
    champion_acc = (champion.metrics or {}).get("acc") if champion else None
    promoted = "acc" in metrics and (champion_acc is None or metrics["acc"] >= champion_acc)
    if promoted:
        platform.registry.promote(version.id)
    acc, nmi = metrics.get("acc"), metrics.get("nmi")
    scores = f"ACC {acc:.3f}, NMI {nmi:.3f}" if acc is not None and nmi is not None else "no labels to score"
    platform.notifier.notify(
        "digits_training_finished",
        f"Digits training finished: version {version.version} ({scores})",
        "promoted to champion" if promoted else f"kept as a candidate (champion ACC {champion_acc})",
    )
    return {"version": version.version, "version_id": version.id, "promoted": promoted, **metrics}


def prepare_map(platform, params: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """A sample of MNIST test digits and the champion's ONNX model, for a 2D map of its output space."""
    from looplab.digits import mnist
    from looplab.digits.model import ONNX_NAME

    champion = platform.registry.champion("digits")
    if champion is None:
        raise RuntimeError("digits has no champion model")
    images, labels = mnist.load_split(_data_dir(platform, params), "t10k")
    rng = np.random.default_rng(int(params.get("seed", 0)))
    pick = rng.choice(len(images), min(int(params.get("points", 2000)), len(images)), replace=False)
    return {
        "onnx": platform.registry.artifact(champion, ONNX_NAME),
        "images": images[pick],
        "labels": labels[pick],
        "version_id": champion.id,
    }


def map_work(inputs: dict[str, Any], progress: ProgressFn) -> dict[str, Any]:
    import umap

    from looplab.learning.onnx_model import OnnxModel

    progress(0.1, "running the model")
    logits = OnnxModel(inputs["onnx"]).run(inputs["images"][:, None].astype(np.float32) / 255.0)
    progress(0.3, "UMAP to 2D")
    coords = umap.UMAP(n_components=2, n_neighbors=15, min_dist=0.1, random_state=0).fit_transform(logits)
    progress(1.0, "done")
    return {
        "x": coords[:, 0].round(3).tolist(),
        "y": coords[:, 1].round(3).tolist(),
        "cluster": logits.argmax(axis=1).tolist(),
        "label": np.asarray(inputs["labels"]).tolist(),
        "version_id": inputs["version_id"],
    }


def finish_map(platform, job, output: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    import json

    from looplab.digits.models import ClusterMap

    key = platform.blobs.put(json.dumps(output).encode(), "json")
    with platform.db.session() as session:
        session.add(ClusterMap(model_version_id=output["version_id"], blob_key=key, n_points=len(output["x"])))
    return {"points": len(output["x"])}


MAP = register_job_kind(
    JobKind(
        name="digits.map",
        work=map_work,
        prepare=prepare_map,
        finish=finish_map,
        description="2D map (UMAP of the champion's outputs) of MNIST test digits, coloured by cluster and label",
    )
)

TRAIN = register_job_kind(
    JobKind(
        name="digits.train",
        work=train_work,
        prepare=prepare_training,
        finish=finish_training,
        description="fit the unsupervised digits model on MNIST files (params: data_dir, limit, self_train_epochs)",
    )
)
