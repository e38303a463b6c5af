"""Training the region classifier (imports torch: workers and offline commands only)."""

from __future__ import annotations

import numpy as np

from looplab.alliance.classifier import CLASSES, HEIGHT, WIDTH, normalise_crop
from looplab.learning.small_cnn import ProgressFn, TrainConfig, build_small_cnn, export_onnx, train_classifier


def train_region_classifier(
    crops: list[np.ndarray],
    labels: list[str],
    progress: ProgressFn | None = None,
    *,
    config: TrainConfig | None = None,
) -> bytes:
    """Train on grayscale crops (any size) labelled ``name``/``number``/``other``; return ONNX bytes.

    The result loads with ``RegionClassifier(onnx_bytes)``.
    """
    import torch

    if config is None:
        config = TrainConfig(epochs=10, batch_size=64, threads=1)
    torch.set_num_threads(config.threads or 1)
    x = np.stack([normalise_crop(c) for c in crops]) if crops else np.zeros((0, HEIGHT, WIDTH), np.uint8)
    y = np.array([CLASSES.index(label) for label in labels], dtype=np.int64)
    if len(x) == 0:
        raise ValueError("no crops to train on")
    model = build_small_cnn(len(CLASSES), size=HEIGHT, width=16)
    model = train_classifier(x, y, len(CLASSES), config, model=model, progress=progress)
    return export_onnx(model, (HEIGHT, WIDTH))
