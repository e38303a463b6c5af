from __future__ import annotations

import json
from typing import Any

from looplab.digits.model import EXEMPLARS_NAME, METADATA_NAME, ONNX_NAME, DigitModel, bundled_assets
from looplab.learning.serving import AppModelSpec


def _metrics() -> dict[str, Any]:
    metadata = json.loads(bundled_assets()[METADATA_NAME])
    return {k: v for k, v in metadata.get("metrics", {}).items() if isinstance(v, int | float | str)}


MODEL = AppModelSpec(
    app="digits",
    name="unsupervised-clusters",
    bundled_artifacts=bundled_assets,
    load=lambda a: DigitModel.from_bytes(a[ONNX_NAME], a[METADATA_NAME], a.get(EXEMPLARS_NAME)),
    bundled_metrics=_metrics,
)
