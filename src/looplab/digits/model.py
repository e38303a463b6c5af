"""The digits model for serving: ONNX classifier + metadata JSON. No torch, no umap.

Metadata keeps two mappings from cluster to digit apart:
``cluster_to_digit_eval`` (Hungarian matching against MNIST test labels, measured after the unsupervised
fit, for evaluation) and ``cluster_to_digit_named`` (what an admin called each cluster; null until then).
A prediction uses the admin's naming when there is one, else the evaluation mapping.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ASSETS = "looplab.digits.assets"
ONNX_NAME = "digits.onnx"
METADATA_NAME = "digits.json"
EXEMPLARS_NAME = "exemplars.npz"


@dataclass(frozen=True)
class Prediction:
    digit: int | None
    cluster: int
    confidence: float


class DigitModel:
    def __init__(self, onnx: bytes, metadata: dict[str, Any], exemplars: bytes | None = None) -> None:
        from looplab.learning.onnx_model import OnnxModel

        self.metadata = metadata
        self.onnx = OnnxModel(onnx)
        self._exemplars = exemplars

    @classmethod
    def from_bytes(cls, onnx: bytes, metadata: bytes | str | dict, exemplars: bytes | None = None) -> DigitModel:
        """What the model registry hands over: artifacts as bytes."""
        return cls(onnx, metadata if isinstance(metadata, dict) else json.loads(metadata), exemplars)

    @classmethod
    def from_dir(cls, directory: str | Path) -> DigitModel:
        directory = Path(directory)
        exemplars = directory / EXEMPLARS_NAME
        return cls.from_bytes(
            (directory / ONNX_NAME).read_bytes(),
            (directory / METADATA_NAME).read_text(),
            exemplars.read_bytes() if exemplars.is_file() else None,
        )

    @property
    def n_clusters(self) -> int:
        return int(self.metadata["n_clusters"])

    def cluster_to_digit(self) -> list[int | None]:
        named = self.metadata.get("cluster_to_digit_named")
        mapping = named if named is not None else self.metadata.get("cluster_to_digit_eval")
        return list(mapping) if mapping is not None else [None] * self.n_clusters

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images)
        if images.ndim == 2:
            images = images[None]
        if images.dtype != np.uint8 or images.shape[1:] != (28, 28):
            raise ValueError(f"expected uint8 images (N, 28, 28), got {images.dtype} {images.shape}")
        return self.onnx.predict_proba(images[:, None].astype(np.float32) / 255.0)

    def predict(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(digit, cluster, confidence)`` arrays for ``uint8`` MNIST-style images ``(N, 28, 28)``.

        ``digit`` is -1 for a cluster that has no digit yet.
        """
        probabilities = self.predict_proba(images)
        clusters = probabilities.argmax(axis=1)
        mapping = np.array([-1 if d is None else d for d in self.cluster_to_digit()], dtype=np.int64)
        return mapping[clusters], clusters, probabilities.max(axis=1)

    def predict_one(self, image: np.ndarray) -> Prediction:
        digits, clusters, confidences = self.predict(image)
        digit = int(digits[0])
        return Prediction(None if digit < 0 else digit, int(clusters[0]), float(confidences[0]))

    def predict_upload(self, data: bytes) -> Prediction:
        """Decode, normalise and predict an upload; raises a ValueError with the reason if unusable."""
        from looplab.imaging.digit_normalise import normalise_bytes

        return self.predict_one(normalise_bytes(data))

    def exemplars(self) -> np.ndarray | None:
        """``(n_clusters, k, 28, 28) uint8``: the most confident training images of each cluster."""
        if self._exemplars is None:
            return None
        with np.load(io.BytesIO(self._exemplars)) as archive:
            return archive["images"]


def bundled_assets() -> dict[str, bytes]:
    folder = resources.files(ASSETS)
    return {
        name: folder.joinpath(name).read_bytes()
        for name in (ONNX_NAME, METADATA_NAME, EXEMPLARS_NAME)
        if folder.joinpath(name).is_file()
    }


@lru_cache(maxsize=1)
def load_bundled() -> DigitModel:
    assets = bundled_assets()
    if ONNX_NAME not in assets or METADATA_NAME not in assets:
        raise FileNotFoundError("the bundled digits model is missing: run `looplab digits train`")
    return DigitModel.from_bytes(assets[ONNX_NAME], assets[METADATA_NAME], assets.get(EXEMPLARS_NAME))
