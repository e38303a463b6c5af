"""Sorting candidate regions into ``name``, ``number`` and ``other`` with a small CNN served by ONNX Runtime.

A crop is normalised to dark-on-light, scaled to ``HEIGHT`` rows keeping its aspect and padded (or
squeezed) to ``WIDTH`` columns, so the network sees a strip of text at a fixed scale.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from looplab.alliance.ocr import text_is_light

CLASSES = ("name", "number", "other")
NAME, NUMBER, OTHER = range(3)  # indices into CLASSES and into a prediction's probabilities
HEIGHT, WIDTH = 24, 96
DEFAULT_MODEL = "region_classifier.onnx"


def normalise_crop(gray_crop: np.ndarray) -> np.ndarray:
    """``uint8 (HEIGHT, WIDTH)``: dark content on white, contrast stretched, left aligned."""
    crop = gray_crop.astype(np.float32)
    if text_is_light(crop):
        crop = 255.0 - crop
    lo, hi = np.percentile(crop, [1, 99])
    crop = np.clip((crop - lo) * (255.0 / max(hi - lo, 8.0)), 0, 255).astype(np.uint8)
    h, w = crop.shape
    new_w = max(1, min(WIDTH, round(w * HEIGHT / max(h, 1))))
    crop = cv2.resize(crop, (new_w, HEIGHT), interpolation=cv2.INTER_AREA)
    out = np.full((HEIGHT, WIDTH), 255, np.uint8)
    out[:, :new_w] = crop
    return out


class RegionClassifier:
    """Loads an ONNX model once; ``predict_proba`` takes normalised crops ``(N, HEIGHT, WIDTH)``."""

    def __init__(self, model: bytes | str | Path | None = None) -> None:
        from looplab.learning.onnx_model import OnnxModel

        if model is None:
            model = resources.files("looplab.alliance").joinpath("assets", DEFAULT_MODEL).read_bytes()
        self.model = OnnxModel(model)

    def predict_proba(self, crops: np.ndarray) -> np.ndarray:
        if len(crops) == 0:
            return np.zeros((0, len(CLASSES)), np.float32)
        batch = crops.astype(np.float32)[:, None] / 255.0
        return self.model.predict_proba(batch)
