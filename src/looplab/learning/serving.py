"""Serving the champion model of each app: bundled defaults registered once, hot swaps on promotion."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from looplab.learning.registry import ChampionCache, ModelRegistry
from looplab.learning.registry_models import ModelVersion

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppModelSpec:
    """How an app's model is bundled and loaded; ``load`` gets the artifacts as bytes, never a path."""

    app: str
    name: str
    bundled_artifacts: Callable[[], dict[str, bytes]]
    load: Callable[[dict[str, bytes]], Any]
    bundled_metrics: Callable[[], dict[str, Any]] = field(default=dict)


class ModelServer:
    def __init__(self, registry: ModelRegistry, specs: Iterable[AppModelSpec], refresh_s: float = 2.0) -> None:
        self.registry = registry
        self.specs = {spec.app: spec for spec in specs}
        self.caches = {
            app: ChampionCache(registry, app, self._loader(spec), refresh_s=refresh_s)
            for app, spec in self.specs.items()
        }

    @staticmethod
    def _loader(spec: AppModelSpec) -> Callable[[ModelVersion, ModelRegistry], Any]:
        def load(version: ModelVersion, registry: ModelRegistry) -> Any:
            return spec.load({name: registry.artifact(version, name) for name in version.artifacts})

        return load

    def prepare_defaults(self) -> list[ModelVersion]:
        """Register each app's bundled model as its first champion (a no-op once an app has one).

        An app whose bundled files are missing is logged and left without a model (its routes answer 503)
        rather than keeping the other apps from starting.
        """
        prepared = []
        for spec in self.specs.values():
            try:
                prepared.append(
                    self.registry.ensure_default(
                        spec.app, spec.name, spec.bundled_artifacts, metrics=spec.bundled_metrics()
                    )
                )
            except (FileNotFoundError, KeyError) as err:
                log.warning(
                    "no bundled model for %s (%s): its predictions are unavailable until one is trained", spec.app, err
                )
        return prepared

    def get(self, app: str) -> tuple[Any, ModelVersion]:
        return self.caches[app].get()

    def warm(self) -> None:
        for app in self.caches:
            self.get(app)
