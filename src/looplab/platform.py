"""The platform's shared services, opened once per process from the settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from looplab.auth.service import AuthService
from looplab.learning.registry import ModelRegistry
from looplab.notify.service import Notifier
from looplab.settings import Settings
from looplab.storage.blobs import BlobStore
from looplab.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Platform:
    settings: Settings
    db: Database
    blobs: BlobStore
    notifier: Notifier
    registry: ModelRegistry
    auth: AuthService

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True, check_blobs: bool = True) -> Platform:
        db = Database(settings.resolved_database_url)
        db.wait_until_ready(settings.db_connect_attempts, settings.db_connect_delay_s)
        if migrate:
            db.migrate()
        blobs = BlobStore(settings.resolved_blob_url)
        if check_blobs:
            blobs.check_writable()
        notifier = Notifier(db, settings.notify_urls)
        registry = ModelRegistry(db, blobs, on_event=notifier.notify)
        auth = AuthService(
            db,
            settings.secret(),
            max_age_s=settings.session_max_age_s,
            max_failures=settings.login_max_failures,
            window_s=settings.login_window_s,
        )
        return cls(settings=settings, db=db, blobs=blobs, notifier=notifier, registry=registry, auth=auth)

    def close(self) -> None:
        self.notifier.stop()
        self.db.dispose()
