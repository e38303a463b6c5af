"""Train the digits model without labels and package it for serving (ONNX + metadata + exemplars).

Run as a server job or by ``looplab digits train``. Labels, when given, are used only after the fit to
measure it and to derive the evaluation mapping cluster -> digit; they never reach the model.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from looplab.digits.model import EXEMPLARS_NAME, METADATA_NAME, ONNX_NAME

ProgressFn = Callable[[float, str], None]
N_EXEMPLARS = 8


@dataclass
class Artifacts:
    onnx: bytes
    metadata: dict[str, Any]
    exemplars: np.ndarray  # (n_clusters, k, 28, 28) uint8
    train_clusters: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))

    def exemplars_npz(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, images=self.exemplars, indices=np.array(self.metadata["exemplar_indices"]))
        return buffer.getvalue()

    def as_bytes(self) -> dict[str, bytes]:
        return {
            ONNX_NAME: self.onnx,
            METADATA_NAME: (json.dumps(self.metadata, indent=1) + "\n").encode(),
            EXEMPLARS_NAME: self.exemplars_npz(),
        }

    def save(self, directory: str | Path) -> list[Path]:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in self.as_bytes().items():
            (directory / name).write_bytes(data)
            paths.append(directory / name)
        return paths


def pick_exemplars(clusters: np.ndarray, confidences: np.ndarray, n_clusters: int, k: int) -> list[list[int]]:
    """The ``k`` most confident members of each cluster (fewer if the cluster is small)."""
    picks = []
    for cluster in range(n_clusters):
        members = np.flatnonzero(clusters == cluster)
        picks.append(members[np.argsort(-confidences[members], kind="stable")[:k]].tolist())
    return picks


def train_default_model(
    images: np.ndarray,
    progress: ProgressFn | None = None,
    *,
    labels: np.ndarray | None = None,
    n_clusters: int = 10,
    seed: int = 0,
    self_train_epochs: int = 6,
    threads: int = 2,
) -> Artifacts:
    """Cluster ``images`` (uint8 ``(N, 28, 28)``) without labels and distil the clusters into an ONNX CNN."""
    import torch

    from looplab.learning.clustering import ManifoldClusterer
    from looplab.learning.small_cnn import TrainConfig, export_onnx, train_classifier

    report = progress or (lambda fraction, message: None)
    images = np.asarray(images, dtype=np.uint8)
    started = time.perf_counter()

    def fit_progress(fraction: float, message: str) -> None:
        report(0.95 * fraction, message)

    clusterer = ManifoldClusterer(
        n_clusters,
        self_train_epochs=max(1, self_train_epochs),
        random_state=seed,
        threads=threads,
        progress=fit_progress,
    ).fit(images)
    fit_seconds = time.perf_counter() - started
    torch.set_num_threads(threads)
    model = clusterer.model_
    if model is None:  # self-training fell back to the GMM clusters: distil those instead
        report(0.9, "distilling the clusters into a CNN")
        config = TrainConfig(epochs=max(1, self_train_epochs), seed=seed, threads=threads)
        model = train_classifier(images, clusterer.labels_, n_clusters, config)
    report(0.96, "exporting to ONNX")
    onnx = export_onnx(model, size=images.shape[1])
    clusters, confidences = clusterer.labels_, clusterer.confidences_
    picks = pick_exemplars(clusters, confidences, n_clusters, N_EXEMPLARS)
    exemplars = np.zeros((n_clusters, N_EXEMPLARS, *images.shape[1:]), np.uint8)
    for cluster, indices in enumerate(picks):
        exemplars[cluster, : len(indices)] = images[indices]
    metadata: dict[str, Any] = {
        "format": 1,
        "kind": "digits-unsupervised",
        "n_clusters": n_clusters,
        "input": {"shape": [1, 28, 28], "dtype": "float32", "scale": "x / 255, white ink on black (MNIST)"},
        "method": (
            "deskew + UMAP(n_neighbors=10, min_dist=0, 10 dims) + GMM(full, best log-likelihood "
            "of 10 restarts), "
            f"then small CNN self-trained {self_train_epochs} epochs on the GMM pseudo-labels; no labels used"
        ),
        "seed": seed,
        "n_train": int(len(images)),
        "fit_seconds": round(fit_seconds, 1),
        "gmm_log_likelihood": clusterer.gmm_log_likelihood_,
        "cluster_sizes": np.bincount(clusters, minlength=n_clusters).tolist(),
        "exemplar_indices": picks,
        "cluster_to_digit_eval": None,
        "cluster_to_digit_named": None,
        "metrics": None,
    }
    if labels is not None:
        metadata.update(evaluation_metadata(np.asarray(labels), clusters, clusterer.gmm_labels_))
    report(1.0, "done")
    return Artifacts(onnx=onnx, metadata=metadata, exemplars=exemplars, train_clusters=clusters)


def evaluation_metadata(labels: np.ndarray, clusters: np.ndarray, gmm_clusters: np.ndarray) -> dict[str, Any]:
    from looplab.learning import evaluation

    return {
        "cluster_to_digit_eval": evaluation.hungarian_mapping(labels, clusters).tolist(),
        "metrics": {
            "evaluated_on": "the training images' true labels, after the unsupervised fit",
            **evaluation.scores(labels, clusters),
            "gmm_before_self_training": evaluation.scores(labels, gmm_clusters),
            "purity": [round(float(p), 4) for p in evaluation.purity(labels, clusters)],
            "confusion": evaluation.confusion(labels, clusters).tolist(),
        },
    }
