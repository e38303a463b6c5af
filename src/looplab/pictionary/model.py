"""The game's guesser: strokes in, ``[(word, probability), ...]`` out, served by ONNX Runtime (no torch)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from looplab.imaging.strokes import rasterize
from looplab.learning.onnx_model import OnnxModel

ASSETS = Path(__file__).with_name("assets")
BUNDLED_ONNX = ASSETS / "model.onnx"
BUNDLED_METADATA = ASSETS / "model.json"
BUNDLED_STATE = ASSETS / "state_dict.npz"

Guess = tuple[str, float]


class Guesser:
    """An ONNX classifier over 28x28 Quick, Draw! bitmaps with its metadata (class names, version, ...)."""

    def __init__(self, onnx: bytes | str | Path, metadata: dict, *, intra_op_threads: int = 1) -> None:
        self.model = OnnxModel(onnx, intra_op_threads=intra_op_threads)
        self.metadata = metadata
        self.classes: list[str] = list(metadata["classes"])
        self._index = {name: i for i, name in enumerate(self.classes)}

    @classmethod
    def from_bytes(cls, onnx: bytes, metadata: dict | str | bytes) -> Guesser:
        return cls(onnx, metadata if isinstance(metadata, dict) else json.loads(metadata))

    @classmethod
    def from_dir(cls, folder: str | Path) -> Guesser:
        """A folder holding ``model.onnx`` and ``model.json`` (what ``pictionary train --out`` writes)."""
        folder = Path(folder)
        return cls(folder / "model.onnx", json.loads((folder / "model.json").read_text(encoding="utf-8")))

    @classmethod
    def from_bundled(cls) -> Guesser:
        """The default model shipped in the package (shared: sessions are thread-safe for ``run``)."""
        return _bundled()

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unknown"))

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """``uint8`` ``(N, 28, 28)`` (or ``(N, 784)``, or one ``(28, 28)``) -> ``(N, n_classes)``."""
        images = np.asarray(images)
        if images.dtype != np.uint8:
            raise ValueError(f"bitmaps must be uint8 0..255, got {images.dtype}")
        batch = images.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
        return self.model.predict_proba(batch)

    def guess_bitmaps(self, images: np.ndarray, k: int = 3, words: Iterable[str] | None = None) -> list[list[Guess]]:
        """Top ``k`` guesses per bitmap; with ``words``, only those words (renormalised) are guessed."""
        allowed = None if words is None else list(words)
        return [self._top(row, k, allowed) for row in self.probabilities(images)]

    def guess(self, drawing: object, k: int = 3, words: Iterable[str] | None = None) -> list[Guess]:
        """Strokes as a player's canvas sends them -> top ``k`` guesses; ``StrokeError`` on bad input."""
        return self.guess_bitmaps(rasterize(drawing), k, words)[0]

    def _top(self, probs: np.ndarray, k: int, words: list[str] | None) -> list[Guess]:
        if words is not None:
            allowed = np.zeros(len(self.classes), dtype=bool)
            allowed[[self._index[w] for w in words if w in self._index]] = True
            probs = np.where(allowed, probs, 0.0)
            total = probs.sum()
            probs = probs / total if total > 0 else probs
        order = np.argsort(-probs, kind="stable")[:k]
        return [(self.classes[i], round(float(probs[i]), 6)) for i in order if words is None or probs[i] > 0]


def top_k_metrics(probs: np.ndarray, labels: np.ndarray, classes: Sequence[str]) -> dict:
    """top-1, top-3 and per-class top-1 over rows of class probabilities."""
    labels = np.asarray(labels)
    ranked = np.argsort(-probs, axis=1)
    top1 = ranked[:, 0] == labels
    top3 = (ranked[:, :3] == labels[:, None]).any(axis=1)
    per_class = {
        name: {"top1": round(float(top1[labels == i].mean()), 4), "n": int((labels == i).sum())}
        for i, name in enumerate(classes)
        if (labels == i).any()
    }
    return {
        "top1": round(float(top1.mean()), 4),
        "top3": round(float(top3.mean()), 4),
        "n": int(len(labels)),
        "per_class": per_class,
    }


@lru_cache(maxsize=1)
def _bundled() -> Guesser:
    return Guesser(BUNDLED_ONNX, json.loads(BUNDLED_METADATA.read_text(encoding="utf-8")))
