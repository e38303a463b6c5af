"""Notifications: every event is recorded in the database and sent through apprise in the background.

A failing channel is logged and retried; it never raises into the caller.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

from sqlalchemy import select

from looplab.notify.models import Notification
from looplab.storage.base import utcnow
from looplab.storage.db import Database

log = logging.getLogger(__name__)


def redact_notify_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host = rest.split("@")[-1].split("/")[0]
    return f"{scheme}://{host}/…"


class Notifier:
    def __init__(
        self,
        db: Database,
        urls: list[str],
        *,
        attempts: int = 3,
        backoff_s: float = 1.0,
        timeout_s: float = 10.0,
    ) -> None:
        self.db = db
        self.urls = list(urls)
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="looplab-notifier", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def notify(self, event: str, title: str, body: str = "") -> str | None:
        """Record the event and queue it for sending; returns its id, or None if even recording failed."""
        try:
            with self.db.session() as session:
                row = Notification(event=event, title=title[:500], body=body[:10_000])
                if not self.urls:
                    row.status = "no_channel"
                session.add(row)
                session.flush()
                notification_id = row.id
        except Exception:  # noqa: BLE001 - a notification must never break the caller
            log.exception("could not record notification %s", event)
            return None
        if self.urls:
            if self._thread is None:
                self.start()
            self._queue.put(notification_id)
        return notification_id

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every queued notification was tried (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)

    def _run(self) -> None:
        while True:
            notification_id = self._queue.get()
            try:
                if notification_id is None:
                    return
                self._deliver(notification_id)
            except Exception:  # noqa: BLE001
                log.exception("notifier failed on %s", notification_id)
            finally:
                self._queue.task_done()

    def _deliver(self, notification_id: str) -> None:
        with self.db.session() as session:
            row = session.get(Notification, notification_id)
            title, body = (row.title, row.body) if row else ("", "")
        if row is None:
            return
        errors: list[str] = []
        for attempt in range(1, self.attempts + 1):
            errors = [error for url in self.urls if (error := self._send_one(url, title, body))]
            self._record(notification_id, attempt, errors)
            if not errors:
                return
            if attempt < self.attempts:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
        log.warning("notification %s failed after %d attempts: %s", notification_id, self.attempts, "; ".join(errors))

    def _send_one(self, url: str, title: str, body: str) -> str | None:
        import apprise

        client = apprise.Apprise()
        if not client.add(url):
            return f"{redact_notify_url(url)}: not a valid apprise URL"
        try:
            ok = client.notify(title=title, body=body or title)
        except Exception as err:  # noqa: BLE001 - plugins raise all sorts
            return f"{redact_notify_url(url)}: {type(err).__name__}"
        return None if ok else f"{redact_notify_url(url)}: delivery failed"

    def _record(self, notification_id: str, attempt: int, errors: list[str]) -> None:
        try:
            with self.db.session() as session:
                row = session.get(Notification, notification_id)
                if row is None:
                    return
                row.attempts = attempt
                row.status = "failed" if errors else "sent"
                row.last_error = "; ".join(errors) or None
                if not errors:
                    row.sent_at = utcnow()
        except Exception:  # noqa: BLE001
            log.exception("could not record delivery of %s", notification_id)

    def history(self, limit: int = 100) -> list[Notification]:
        with self.db.session() as session:
            return list(session.scalars(select(Notification).order_by(Notification.created_at.desc()).limit(limit)))
