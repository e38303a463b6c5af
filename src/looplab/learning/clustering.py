"""Clustering small grayscale images without labels, with scikit-learn's estimator API.

``fit(images)`` takes ``uint8`` arrays ``(N, H, W)`` (MNIST digits, player drawings...), learned state
ends with ``_``, ``labels_`` holds the cluster of each training image, ``predict(images)`` assigns new ones.
Heavy libraries (umap, torch) are imported inside ``fit``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

ProgressFn = Callable[[float, str], None]


def flatten(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 images (N, H, W), got {images.dtype} {images.shape}")
    return images.reshape(len(images), -1).astype(np.float32) / 255.0


class KMeansPixels(ClusterMixin, BaseEstimator):
    """The baseline: k-means on raw pixel intensities."""

    def __init__(self, n_clusters: int = 10, n_init: int = 10, random_state: int | None = 0) -> None:
        self.n_clusters = n_clusters
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, images: np.ndarray, y=None) -> KMeansPixels:
        from sklearn.cluster import KMeans

        self.kmeans_ = KMeans(self.n_clusters, n_init=self.n_init, random_state=self.random_state)
        self.labels_ = self.kmeans_.fit_predict(flatten(images))
        self.cluster_centers_ = self.kmeans_.cluster_centers_
        return self

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.kmeans_.predict(flatten(images))


class ManifoldClusterer(ClusterMixin, BaseEstimator):
    """Deskew, UMAP, GMM, then self-training of a small CNN on the confident pseudo-labels.

    1. ``deskew``: undo each digit's slant (cheap, and a large share of the within-class spread of
       handwriting; switch it off for drawings where slant means something).
    2. UMAP with ``min_dist=0`` packs each class into a tight blob (the N2D recipe, here on pixels).
    3. A full-covariance GMM with ``n_init`` restarts; the restart with the best log-likelihood wins,
       so no label ever chooses a run.
    4. ``self_train_epochs > 0``: a small CNN learns the clusters from images with posterior >=
       ``confidence`` and relabels every image. This fixes ambiguous points near cluster borders and
       gives the classifier that serving exports to ONNX (``model_``). If the CNN agrees with fewer
       than ``min_agreement`` of the labels it learnt from, it failed to learn them: GMM labels stay.
    """

    def __init__(
        self,
        n_clusters: int = 10,
        *,
        deskew: bool = True,
        n_neighbors: int = 10,
        n_components: int = 10,
        n_init: int = 10,
        confidence: float = 0.99,
        min_agreement: float = 0.9,
        self_train_epochs: int = 6,
        min_self_train_steps: int = 200,
        max_self_train_steps: int = 500,
        cnn_width: int = 32,
        random_state: int = 0,
        threads: int = 2,
        progress: ProgressFn | None = None,
    ) -> None:
        self.n_clusters = n_clusters
        self.deskew = deskew
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.n_init = n_init
        self.confidence = confidence
        self.min_agreement = min_agreement
        self.self_train_epochs = self_train_epochs
        self.min_self_train_steps = min_self_train_steps
        self.max_self_train_steps = max_self_train_steps
        self.cnn_width = cnn_width
        self.random_state = random_state
        self.threads = threads
        self.progress = progress

    def _report(self, fraction: float, message: str) -> None:
        if self.progress:
            self.progress(fraction, message)

    def _prepare(self, images: np.ndarray) -> np.ndarray:
        if self.deskew:
            from looplab.imaging.digit_normalise import deskew_all

            images = deskew_all(images)
        return flatten(images)

    def fit(self, images: np.ndarray, y=None) -> ManifoldClusterer:
        import umap
        from sklearn.mixture import GaussianMixture

        images = np.asarray(images)
        features = self._prepare(images)
        self._report(0.02, f"UMAP embedding of {len(images)} images")
        self.umap_ = umap.UMAP(
            n_neighbors=min(self.n_neighbors, len(images) - 1),
            min_dist=0.0,
            n_components=self.n_components,
            random_state=self.random_state,
            n_jobs=1,
        )
        self.embedding_ = self.umap_.fit_transform(features)
        self._report(0.45, f"GMM with {self.n_init} restarts")
        self.gmm_ = GaussianMixture(
            self.n_clusters, covariance_type="full", n_init=self.n_init, random_state=self.random_state
        ).fit(self.embedding_)
        self.gmm_log_likelihood_ = float(self.gmm_.score(self.embedding_))
        posterior = self.gmm_.predict_proba(self.embedding_)
        self.gmm_labels_ = posterior.argmax(axis=1)
        self.labels_ = self.gmm_labels_
        self.confidences_ = posterior.max(axis=1)
        self.model_ = None
        if self.self_train_epochs > 0:
            self._self_train(images, posterior)
        self._report(1.0, "done")
        return self

    def _self_train(self, images: np.ndarray, posterior: np.ndarray) -> None:
        import torch

        from looplab.learning.small_cnn import TrainConfig, build_small_cnn, predict_proba, train_classifier

        torch.set_num_threads(self.threads)
        labels = posterior.argmax(axis=1)
        keep = posterior.max(axis=1) >= self.confidence
        for cluster in range(self.n_clusters):  # never let a cluster vanish: keep its best members
            members = np.flatnonzero(labels == cluster)
            if members.size and not keep[members].any():
                keep[members[np.argsort(-posterior[members, cluster])[: max(1, members.size // 2)]]] = True
        self.self_train_fraction_ = float(keep.mean())
        self._report(0.5, f"self-training a CNN on {keep.sum()} confident images")
        # Small sets (a few hundred drawings of one word) need smaller batches and more epochs to learn at all.
        batch_size = int(np.clip(keep.sum() // 20, 32, 128))
        steps_per_epoch = -(-int(keep.sum()) // batch_size)
        epochs = max(self.self_train_epochs, -(-self.min_self_train_steps // steps_per_epoch))
        epochs = min(epochs, -(-self.max_self_train_steps // steps_per_epoch))  # 60k images: 2 epochs do
        config = TrainConfig(epochs=epochs, batch_size=batch_size, seed=self.random_state, threads=self.threads)
        model = build_small_cnn(self.n_clusters, size=images.shape[1], width=self.cnn_width)

        def progress(fraction: float, message: str) -> None:
            self._report(0.5 + 0.48 * fraction, f"self-training: {message}")

        self.model_ = train_classifier(
            images[keep], labels[keep], self.n_clusters, config, model=model, progress=progress
        )
        probabilities = predict_proba(self.model_, images)
        self.self_train_agreement_ = float((probabilities.argmax(axis=1)[keep] == labels[keep]).mean())
        if self.self_train_agreement_ < self.min_agreement:  # the CNN did not learn the clusters: keep GMM's
            self.model_ = None
            return
        self.labels_ = probabilities.argmax(axis=1)
        self.confidences_ = probabilities.max(axis=1)

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        if self.model_ is not None:
            from looplab.learning.small_cnn import predict_proba

            return predict_proba(self.model_, np.asarray(images))
        return self.gmm_.predict_proba(self.umap_.transform(self._prepare(images)))

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.predict_proba(images).argmax(axis=1)
