from __future__ import annotations

import json
from typing import Any

from looplab.learning.serving import AppModelSpec
from looplab.pictionary.model import BUNDLED_METADATA, BUNDLED_ONNX, BUNDLED_STATE, Guesser


def _bundled() -> dict[str, bytes]:
    artifacts = {"model.onnx": BUNDLED_ONNX.read_bytes(), "model.json": BUNDLED_METADATA.read_bytes()}
    if BUNDLED_STATE.is_file():
        artifacts["state_dict.npz"] = BUNDLED_STATE.read_bytes()
    return artifacts


def _metrics() -> dict[str, Any]:
    return dict(json.loads(BUNDLED_METADATA.read_text(encoding="utf-8")).get("metrics", {}))


MODEL = AppModelSpec(
    app="pictionary",
    name="quickdraw-cnn",
    bundled_artifacts=_bundled,
    load=lambda artifacts: Guesser.from_bytes(artifacts["model.onnx"], artifacts["model.json"]),
    bundled_metrics=_metrics,
)
