"""The game when its stores falter: a round finished while PostgreSQL restarts is stored once it is back, and
a write whose answer was lost is found again instead of being written twice."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from starlette.testclient import WebSocketDenialResponse

from looplab.pictionary.models import PictionaryRound
from tests.pictionary.game_support import recognised_drawing
from tests.pictionary.test_game_ws import _only_words, _player, _receive_until, _start, _timed
from tests.server.test_faults import own_postgres  # noqa: F401 - a fixture

SCRIBBLE = [[[0, 50, 90], [0, 40, 80], [0, 10, 20]]]


def _rounds(client) -> list[tuple[int, str]]:  # noqa: ANN001
    with client.app.state.platform.db.session() as session:
        rows = session.execute(select(PictionaryRound.round_no, PictionaryRound.end_reason)).all()
    return sorted(tuple(row) for row in rows)


@contextlib.contextmanager
def _game_on(postgres, settings) -> Iterator[tuple[TestClient, str]]:  # noqa: ANN001
    """A server on its own PostgreSQL with only "apple" to draw, and a player's token."""
    settings.pictionary_round_seconds = 30.0
    settings.pictionary_retrain_after = 0
    with _start(settings, postgres.new_database()) as client:
        _only_words(client, "apple")
        yield client, _player(client)


def test_a_round_ended_while_postgres_restarts_is_stored_once_it_is_back(settings, own_postgres) -> None:  # noqa: F811
    with _game_on(own_postgres, settings) as (client, token):
        with client.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
            ws.send_json({"type": "start"})
            _receive_until(ws, "round")
            ws.send_json({"type": "draw", "round": 1, "seq": 1, "strokes": SCRIBBLE})
            _receive_until(ws, "guesses")
            second, third = _player(client, "second"), _player(client, "third")
            with client.websocket_connect(f"/api/pictionary/ws?token={second}") as waiting:
                waiting.receive_json()
                own_postgres.pg_ctl("stop")
                waiting.send_json({"type": "start"})  # no game can start without the database: a clear error
                assert _receive_until(waiting, "error")["code"] == "unavailable"
            with (  # a new socket cannot have its session checked: a clear 503, which the page retries
                pytest.raises(WebSocketDenialResponse) as later,
                client.websocket_connect(f"/api/pictionary/ws?token={third}") as other,
            ):
                other.receive_json()
            assert later.value.status_code == 503
            assert later.value.json()["detail"] == "database unavailable, try again shortly"
            back = threading.Timer(3.0, own_postgres.pg_ctl, args=("start",))
            back.start()
            stopped = time.monotonic()
            ws.send_json({"type": "skip", "round": 1})
            result = _receive_until(ws, "result")
            back.join()
            assert result["round"] == 1 and result["reason"] == "skipped" and result["round_id"]
            assert time.monotonic() - stopped >= 2.5  # it waited for the database rather than losing the round
            ws.send_json({"type": "next"})
            assert _receive_until(ws, "round")["round"] == 2  # the game goes on, no restart
        assert _rounds(client) == [(1, "skipped")]


def test_a_round_won_just_before_the_player_left_is_stored_when_postgres_is_back(settings, own_postgres) -> None:  # noqa: F811
    with _game_on(own_postgres, settings) as (client, token):
        with client.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
            ws.send_json({"type": "start"})
            _receive_until(ws, "round")
            own_postgres.pg_ctl("stop")
            ws.send_json({"type": "draw", "round": 1, "seq": 1, "strokes": _timed(recognised_drawing("apple"))})
            assert _receive_until(ws, "guesses")["line"] == "Oh, I know, it's apple!"
        # the socket is gone and the database too: the result waits in the server, then is written once
        own_postgres.pg_ctl("start")
        deadline = time.monotonic() + 30
        while (stored := _rounds(client)) == [] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored == [(1, "recognized")]


def test_a_write_that_committed_before_its_answer_was_lost_is_not_written_twice(settings, monkeypatch) -> None:
    from looplab.pictionary import service

    settings.pictionary_retrain_after = 0
    real_save = service.save_round
    calls = []

    def save_then_lose_the_answer(platform, record):  # noqa: ANN001, ANN202
        calls.append(record.round_no)
        row = real_save(platform, record)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
        return row

    monkeypatch.setattr(service, "save_round", save_then_lose_the_answer)
    with _start(settings) as client:
        _only_words(client, "apple")
        token = _player(client)
        with client.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
            ws.send_json({"type": "start"})
            _receive_until(ws, "round")
            ws.send_json({"type": "draw", "round": 1, "seq": 1, "strokes": _timed(recognised_drawing("apple"))})
            result = _receive_until(ws, "result")
        assert result["recognized"] is True and calls == [1, 1]
        assert _rounds(client) == [(1, "recognized")]
        with client.app.state.platform.db.session() as session:
            assert session.scalar(select(func.count()).select_from(PictionaryRound)) == 1
            assert session.scalar(select(PictionaryRound.id)) == result["round_id"]
