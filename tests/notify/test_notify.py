from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from looplab.notify.service import Notifier
from looplab.storage.db import Database


class Receiver:
    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(500)
                else:
                    receiver.received.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"duckdb:///{tmp_path / 'n.duckdb'}")
    database.migrate()
    return database


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def test_event_is_recorded_and_delivered_to_a_real_receiver(db: Database, receiver: Receiver) -> None:
    notifier = Notifier(db, [f"json://127.0.0.1:{receiver.port}/"], backoff_s=0.01)
    notifier.notify("job_succeeded", "Training finished", "acc=0.97")
    notifier.drain()
    assert [(r["title"], r["message"]) for r in receiver.received] == [("Training finished", "acc=0.97")]
    row = notifier.history()[0]
    assert (row.status, row.attempts, row.event) == ("sent", 1, "job_succeeded")
    notifier.stop()


def test_failing_channel_is_retried_then_recorded_without_raising(db: Database) -> None:
    flaky = Receiver(fail_first=1)
    dead_port = Receiver()
    dead_port.close()
    try:
        notifier = Notifier(db, [f"json://127.0.0.1:{flaky.port}/"], attempts=3, backoff_s=0.01)
        notifier.notify("model_promoted", "v2 is champion")
        notifier.drain()
        assert len(flaky.received) == 1 and notifier.history()[0].attempts == 2
        broken = Notifier(db, [f"json://127.0.0.1:{dead_port.port}/"], attempts=2, backoff_s=0.01)
        assert broken.notify("alert", "AFK streak") is not None  # the caller is never interrupted
        broken.drain()
        row = next(r for r in broken.history() if r.event == "alert")
        assert row.status == "failed" and row.attempts == 2 and "127.0.0.1" in row.last_error
        notifier.stop()
        broken.stop()
    finally:
        flaky.close()


def test_without_channels_events_are_still_recorded(db: Database) -> None:
    notifier = Notifier(db, [])
    notifier.notify("test", "hello")
    assert notifier.history()[0].status == "no_channel"
