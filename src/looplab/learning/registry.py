"""Model registry: versions per app with metrics and status, artifacts in the blob store.

Apps ask for "the champion of pictionary", never for a file path. ``ChampionCache`` gives serving code
the current champion and swaps it in without a restart when another process promotes a new one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from looplab.learning.registry_models import ModelVersion
from looplab.storage.base import utcnow
from looplab.storage.blobs import BlobStore, BlobStoreUnavailable
from looplab.storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


class RegistryError(ValueError):
    pass


class ModelRegistry:
    def __init__(self, db: Database, blobs: BlobStore, on_event: Callable[[str, str, str], Any] | None = None) -> None:
        self.db = db
        self.blobs = blobs
        self.on_event = on_event

    def register(
        self,
        app: str,
        name: str,
        artifacts: dict[str, bytes],
        *,
        metrics: dict[str, Any] | None = None,
        meta: dict[str, Any] | None = None,
        parent_id: str | None = None,
        status: str = "candidate",
        notes: str = "",
    ) -> ModelVersion:
        if not artifacts:
            raise RegistryError("a model version needs at least one artifact")
        job_id = (meta or {}).get("job_id")
        if job_id and (earlier := self._registered_by_job(app, job_id)) is not None:
            return earlier  # the job ran again after its first replica died between registering and finishing
        keys = {artifact: self.blobs.put(data, _extension(artifact)) for artifact, data in artifacts.items()}
        for _ in range(5):
            try:
                with self.db.session() as session:
                    latest = session.scalar(select(func.max(ModelVersion.version)).where(ModelVersion.app == app))
                    version = ModelVersion(
                        app=app,
                        name=name,
                        version=(latest or 0) + 1,
                        status="candidate",
                        parent_id=parent_id,
                        metrics=metrics or {},
                        meta=meta or {},
                        artifacts=keys,
                        notes=notes,
                    )
                    session.add(version)
                break
            except IntegrityError:
                continue  # another replica took that version number: take the next one
        else:
            raise RegistryError(f"could not allocate a version number for {app}")
        if status == "champion":
            return self.promote(version.id)
        if status != "candidate":
            return self.set_status(version.id, status)
        return version

    def _registered_by_job(self, app: str, job_id: str) -> ModelVersion | None:
        with self.db.session() as session:
            versions = session.scalars(select(ModelVersion).where(ModelVersion.app == app))
            return next((v for v in versions if (v.meta or {}).get("job_id") == job_id), None)

    def get(self, version_id: str) -> ModelVersion:
        with self.db.session() as session:
            version = session.get(ModelVersion, version_id)
        if version is None:
            raise RegistryError(f"unknown model version {version_id}")
        return version

    def list(self, app: str | None = None) -> list[ModelVersion]:
        query = select(ModelVersion).order_by(ModelVersion.app, ModelVersion.version.desc())
        if app:
            query = query.where(ModelVersion.app == app)
        with self.db.session() as session:
            return list(session.scalars(query))

    def champion(self, app: str) -> ModelVersion | None:
        with self.db.session() as session:
            return session.scalar(
                select(ModelVersion)
                .where(ModelVersion.app == app, ModelVersion.status == "champion")
                .order_by(ModelVersion.promoted_at.desc())
                .limit(1)
            )

    def champion_id(self, app: str) -> str | None:
        with self.db.session() as session:
            return session.scalar(
                select(ModelVersion.id)
                .where(ModelVersion.app == app, ModelVersion.status == "champion")
                .order_by(ModelVersion.promoted_at.desc())
                .limit(1)
            )

    def promote(self, version_id: str) -> ModelVersion:
        with self.db.session() as session:
            version = session.get(ModelVersion, version_id)
            if version is None:
                raise RegistryError(f"unknown model version {version_id}")
            for current in session.scalars(
                select(ModelVersion).where(ModelVersion.app == version.app, ModelVersion.status == "champion")
            ):
                if current.id != version.id:
                    current.status = "retired"
            version.status = "champion"
            version.promoted_at = utcnow()
        self._event("model_promoted", f"{version.app}: version {version.version} is the champion", version)
        return version

    def set_status(self, version_id: str, status: str) -> ModelVersion:
        if status not in ("candidate", "retired", "rejected"):
            raise RegistryError(f"use promote() for champions; unknown status {status!r}")
        with self.db.session() as session:
            version = session.get(ModelVersion, version_id)
            if version is None:
                raise RegistryError(f"unknown model version {version_id}")
            if version.status == "champion":
                raise RegistryError("the champion cannot be retired directly: promote another version or roll back")
            version.status = status
        return version

    def rollback(self, app: str) -> ModelVersion:
        """Retire the champion and bring back the champion before it."""
        with self.db.session() as session:
            current = session.scalar(
                select(ModelVersion).where(ModelVersion.app == app, ModelVersion.status == "champion")
            )
            if current is None:
                raise RegistryError(f"{app} has no champion to roll back")
            previous = session.scalar(
                select(ModelVersion)
                .where(
                    ModelVersion.app == app,
                    ModelVersion.status == "retired",
                    ModelVersion.promoted_at.is_not(None),
                    ModelVersion.id != current.id,
                )
                .order_by(ModelVersion.promoted_at.desc())
                .limit(1)
            )
            if previous is None:
                raise RegistryError(f"{app} has no earlier champion to roll back to")
            current.status = "retired"
            previous.status = "champion"
            previous.promoted_at = utcnow()
        self._event("model_rolled_back", f"{app}: rolled back to version {previous.version}", previous)
        return previous

    def artifact(self, version: ModelVersion, name: str) -> bytes:
        try:
            key = version.artifacts[name]
        except KeyError as err:
            raise RegistryError(f"{version.app} v{version.version} has no artifact {name!r}") from err
        return self.blobs.get(key)

    def ensure_default(
        self, app: str, name: str, load_artifacts: Callable[[], dict[str, bytes]], **kwargs: Any
    ) -> ModelVersion:
        """Register the bundled model as version 1 champion when the app has no model yet."""
        champion = self.champion(app)
        if champion is not None:
            return champion
        if self.list(app):
            raise RegistryError(f"{app} has versions but no champion: promote one")
        return self.register(app, name, load_artifacts(), status="champion", notes="bundled default", **kwargs)

    def _event(self, event: str, title: str, version: ModelVersion) -> None:
        if self.on_event:
            metrics = ", ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in version.metrics.items()
            )
            self.on_event(event, title, metrics)


def _extension(artifact_name: str) -> str:
    return artifact_name.rsplit(".", 1)[1] if "." in artifact_name else ""


class ChampionCache(Generic[T]):
    """The loaded champion of one app, re-checked at most every ``refresh_s`` seconds (hot swap)."""

    def __init__(
        self,
        registry: ModelRegistry,
        app: str,
        loader: Callable[[ModelVersion, ModelRegistry], T],
        refresh_s: float = 2.0,
    ) -> None:
        self.registry = registry
        self.app = app
        self.loader = loader
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._loaded: tuple[str, T, ModelVersion] | None = None
        self._checked_at = 0.0

    def get(self) -> tuple[T, ModelVersion]:
        now = time.monotonic()
        if self._loaded is not None and now - self._checked_at < self.refresh_s:
            return self._loaded[1], self._loaded[2]
        with self._lock:
            if self._loaded is None or time.monotonic() - self._checked_at >= self.refresh_s:
                try:
                    self._refresh()
                except (DBAPIError, DatabaseUnavailable, BlobStoreUnavailable) as err:
                    if self._loaded is None:
                        raise
                    # the database or blob store is briefly away: keep serving the model we have
                    log.warning("could not check the %s champion (%s); serving the loaded one", self.app, err)
                self._checked_at = time.monotonic()
            return self._loaded[1], self._loaded[2]

    def _refresh(self) -> None:
        champion_id = self.registry.champion_id(self.app)
        if champion_id is None:
            raise RegistryError(f"{self.app} has no champion model")
        if self._loaded is None or self._loaded[0] != champion_id:
            version = self.registry.get(champion_id)
            self._loaded = (champion_id, self.loader(version, self.registry), version)
