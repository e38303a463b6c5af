from __future__ import annotations

from importlib import resources

from looplab.alliance.classifier import DEFAULT_MODEL
from looplab.alliance.reader import AllianceReader
from looplab.learning.serving import AppModelSpec


def _bundled() -> dict[str, bytes]:
    return {DEFAULT_MODEL: resources.files("looplab.alliance").joinpath("assets", DEFAULT_MODEL).read_bytes()}


MODEL = AppModelSpec(
    app="alliance",
    name="region-classifier",
    bundled_artifacts=_bundled,
    load=lambda artifacts: AllianceReader(artifacts[DEFAULT_MODEL]),
)
