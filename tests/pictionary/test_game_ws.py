"""The game over its WebSocket: a whole game stored by the server, bad input, auth, two games at once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.websockets import WebSocketDisconnect

from looplab.pictionary.config import GameSettings
from looplab.pictionary.models import PictionaryGame, PictionaryRound, PictionaryWord
from tests.pictionary.game_support import pictionary_app, recognised_drawing
from tests.server.conftest import login


@pytest.fixture
def game_settings(settings) -> GameSettings:
    settings.pictionary_round_seconds = 3.0
    settings.pictionary_retrain_after = 0
    return GameSettings.of(settings)


def _start(settings, database_url: str | None = None) -> TestClient:
    if database_url:
        settings.database_url = database_url
    return pictionary_app(settings)


@pytest.fixture
def game_api(settings, game_settings) -> Iterator[TestClient]:
    with _start(settings) as client:
        yield client


def _player(client: TestClient, name: str = "drawer") -> str:
    assert client.post("/api/auth/register", json={"name": name, "password": "drawer-password"}).status_code == 201
    return login(client, name, "drawer-password")["Authorization"].split(" ", 1)[1]


def _only_words(client: TestClient, *words: str) -> None:
    admin = login(client, "admin", "admin-password")
    for row in client.get("/api/pictionary/words", params={"all": True}, headers=admin).json():
        response = client.patch(
            f"/api/pictionary/words/{row['id']}", json={"enabled": row["word"] in words}, headers=admin
        )
        assert response.status_code == 200, response.text


def _receive_until(ws, kind: str, limit: int = 50) -> dict:
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
        assert message["type"] in ("guesses", "hello", "game", "round", "pong", "ignored"), message
    raise AssertionError(f"no {kind} message")


def _timed(drawing: list) -> list:
    """Simplified strokes with made-up timestamps, as the page sends them: [[x..], [y..], [t..]]."""
    t, out = 0, []
    for xs, ys in drawing:
        ts = list(range(t, t + 10 * len(xs), 10))
        t = ts[-1] + 200
        out.append([xs, ys, ts])
    return out


@pytest.mark.parametrize("backend", ["duckdb", "postgres"])
def test_a_whole_game_is_played_and_stored_by_the_server(settings, game_settings, request, backend) -> None:
    database_url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    apple = _timed(recognised_drawing("apple"))
    with _start(settings, database_url) as client:
        _only_words(client, "apple")
        token = _player(client)
        with client.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
            hello = ws.receive_json()
            assert hello["type"] == "hello" and hello["rounds"] == 6
            ws.send_json({"type": "start"})
            game = _receive_until(ws, "game")
            for number in range(1, 7):
                started = _receive_until(ws, "round")
                assert started["round"] == number and started["word"] == "apple"
                if number == 6:  # a scribble, then give up: not recognised
                    ws.send_json({"type": "draw", "round": 6, "seq": 1, "strokes": [[[0, 5], [0, 3], [0, 10]]]})
                    assert _receive_until(ws, "guesses")["round"] == 6
                    ws.send_json({"type": "skip", "round": 6})
                else:  # stroke by stroke, as the page sends them
                    for seq in range(1, len(apple) + 1):
                        ws.send_json({"type": "draw", "round": number, "seq": seq, "strokes": apple[:seq]})
                        message = ws.receive_json()
                        assert message["type"] == "guesses" and message["server_ms"] >= 0, message
                        assert len(message["guesses"]) <= 3 and message["line"]
                        if message["line"] == "Oh, I know, it's apple!":
                            break
                result = _receive_until(ws, "result")
                assert result["round"] == number and result["recognized"] is (number != 6)
                if number < 6:
                    ws.send_json({"type": "next"})
            over = _receive_until(ws, "game_over")
            summary = over["summary"]
            assert summary["state"] == "finished" and summary["recognized"] == 5 and len(summary["rounds"]) == 6
            assert summary["personal_best"]["game_id"] == game["game_id"] and summary["is_personal_best"]
        platform = client.app.state.platform
        with platform.db.session() as session:
            rounds = list(session.scalars(select(PictionaryRound).order_by(PictionaryRound.round_no)))
            stored_game = session.get(PictionaryGame, game["game_id"])
        assert stored_game.state == "finished" and stored_game.recognized_count == 5
        assert [r.recognized for r in rounds] == [True] * 5 + [False]
        first = rounds[0]
        assert first.time_ms is not None and 0 <= first.time_ms <= first.duration_ms
        assert first.model_version == 1 + 0 and first.model_version_id
        assert first.strokes and all(len(s) == 2 for s in first.strokes)  # simplified [[x..], [y..]]
        assert all(len(s) == 3 for s in first.raw_strokes)  # raw with timestamps
        assert max(max(s[0] + s[1]) for s in first.strokes) <= 255
        png = platform.blobs.get(first.bitmap_key)
        assert png.startswith(b"\x89PNG")
        assert rounds[5].end_reason == "skipped" and rounds[5].time_ms is None
        headers = {"Authorization": f"Bearer {token}"}
        image = client.get(f"/api/pictionary/rounds/{first.id}/bitmap.png", headers=headers)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        board = client.get("/api/pictionary/leaderboard", headers=headers).json()
        assert board[0]["player"] == "drawer" and board[0]["recognized"] == 5


def test_round_times_out_and_attempts_count_distinct_wrong_guesses(game_api: TestClient, game_settings) -> None:
    _only_words(game_api, "apple", "house")
    token = _player(game_api)
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.send_json({"type": "start"})
        word = _receive_until(ws, "round")["word"]
        other = "house" if word == "apple" else "apple"
        ws.send_json({"type": "draw", "round": 1, "seq": 1, "strokes": _timed(recognised_drawing(other))})
        assert _receive_until(ws, "guesses")["guesses"][0][0] == other
        result = _receive_until(ws, "result")  # nobody draws an apple: the timer ends the round
        assert result["reason"] == "timeout" and result["recognized"] is False
        assert result["attempts"] == 1 and result["time_ms"] is None
        assert result["duration_ms"] >= game_settings.round_seconds * 1000 - 50
        ws.send_json({"type": "draw", "round": 1, "seq": 2, "strokes": [[[0, 9], [0, 9]]]})  # crossed the result
        assert ws.receive_json() == {"type": "ignored", "round": 1, "reason": "the round is over"}


def test_bad_messages_get_clear_errors_and_store_nothing(game_api: TestClient, game_settings) -> None:
    token = _player(game_api)
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.receive_json()
        ws.send_text("not json")
        assert _receive_until(ws, "error")["detail"] == "messages must be JSON objects"
        ws.send_json({"type": "draw", "round": 1, "strokes": [[[1, 2], [3, 4]]]})
        assert _receive_until(ws, "error")["code"] == "stale_round"
        ws.send_json({"type": "result", "round": 1, "recognized": True, "time_ms": 1})
        assert "decided by the server" in _receive_until(ws, "error")["detail"]
        ws.send_json({"type": "start"})
        _receive_until(ws, "round")
        bad = [
            ("garbage", "lol"),
            ("nan", [[[1.0, float("nan")], [2.0, 3.0]]]),
            ("points", [[[0] * 21_000, [0] * 21_000]]),
            ("shape", [[[1, 2, 3], [1, 2]]]),
            ("nested", [[{"x": 1}, {"y": 2}]]),
        ]
        for name, strokes in bad:
            ws.send_text(json.dumps({"type": "draw", "round": 1, "seq": 1, "strokes": strokes}))
            error = _receive_until(ws, "error")
            assert error["code"] == "invalid_drawing", (name, error)
        ws.send_json({"type": "draw", "round": 2, "strokes": [[[1, 2], [3, 4]]]})  # replayed/forged round number
        assert _receive_until(ws, "error")["code"] == "stale_round"
        ws.send_json({"type": "next"})
        assert _receive_until(ws, "error")["detail"] == "the current round is not over"
        ws.send_text(json.dumps({"type": "draw", "round": 1, "strokes": [[[0] * 60_000, [0] * 60_000]]}))
        assert _receive_until(ws, "error")["code"] == "too_large"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1009
    with game_api.app.state.platform.db.session() as session:
        assert session.scalar(select(func.count()).select_from(PictionaryRound)) == 0
        assert session.scalar(select(PictionaryGame.state)) == "interrupted"


def test_sockets_need_a_valid_session_and_one_game_per_player(game_api: TestClient) -> None:
    for url in ("/api/pictionary/ws", "/api/pictionary/ws?token=forged.token.value"):
        with pytest.raises(WebSocketDisconnect) as refused, game_api.websocket_connect(url) as ws:
            ws.receive_json()
        assert refused.value.code == 4401
    token = _player(game_api)
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as first:
        first.receive_json()
        with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as second:
            assert second.receive_json()["code"] == "busy"
            with pytest.raises(WebSocketDisconnect) as busy:
                second.receive_json()
            assert busy.value.code == 4409
        first.send_json({"type": "ping"})
        assert first.receive_json()["type"] == "pong"


def test_cookie_sockets_from_another_origin_are_refused(game_api: TestClient) -> None:
    _player(game_api)
    response = game_api.post("/api/auth/login", json={"name": "drawer", "password": "drawer-password"})
    assert response.status_code == 200
    with game_api.websocket_connect("/api/pictionary/ws") as ws:  # same origin: the cookie is enough
        assert ws.receive_json()["type"] == "hello"
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        game_api.websocket_connect("/api/pictionary/ws", headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 4401


def test_a_socket_closed_mid_game_can_be_continued_on_a_new_connection(game_api: TestClient) -> None:
    _only_words(game_api, "apple")
    apple = _timed(recognised_drawing("apple"))
    token = _player(game_api)
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.send_json({"type": "start"})
        game_id = _receive_until(ws, "game")["game_id"]
        _receive_until(ws, "round")
        ws.send_json({"type": "draw", "round": 1, "seq": 1, "strokes": apple})
        assert _receive_until(ws, "result")["recognized"] is True
        ws.send_json({"type": "next"})
        assert _receive_until(ws, "round")["round"] == 2
        ws.send_json({"type": "draw", "round": 2, "seq": 1, "strokes": [[[0, 50, 90], [0, 40, 80]]]})
        _receive_until(ws, "guesses")
    platform = game_api.app.state.platform
    with platform.db.session() as session:  # round 2 was running: not stored, the game waits for the player
        assert session.scalar(select(PictionaryGame.state)) == "interrupted"
        assert session.scalar(select(func.count()).select_from(PictionaryRound)) == 1
    _player(game_api, "stranger")
    stranger = login(game_api, "stranger", "drawer-password")["Authorization"].split(" ", 1)[1]
    with game_api.websocket_connect(f"/api/pictionary/ws?token={stranger}") as ws:
        ws.send_json({"type": "resume", "game_id": game_id})  # someone else's game
        assert _receive_until(ws, "error")["code"] == "not_found"
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.send_json({"type": "resume", "game_id": "no-such-game"})
        assert _receive_until(ws, "error")["code"] == "not_found"
        ws.send_json({"type": "resume", "game_id": game_id})
        assert _receive_until(ws, "game") == {"type": "game", "game_id": game_id, "rounds": 6, "resumed_at": 2}
        assert _receive_until(ws, "round")["round"] == 2  # the interrupted round is played again
        ws.send_json({"type": "draw", "round": 2, "seq": 1, "strokes": apple})
        result = _receive_until(ws, "result")
        assert result["round"] == 2 and result["recognized"] is True
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:  # a new game gives the old one up
        ws.send_json({"type": "start"})
        assert _receive_until(ws, "game")["game_id"] != game_id
        ws.send_json({"type": "resume", "game_id": game_id})
        assert _receive_until(ws, "error")["code"] == "conflict"
    with platform.db.session() as session:
        old = session.get(PictionaryGame, game_id)
        rounds = session.scalars(select(PictionaryRound.round_no).where(PictionaryRound.game_id == game_id))
        assert old.state == "abandoned" and sorted(rounds) == [1, 2]


def test_a_connection_whose_game_continued_elsewhere_cannot_write_it(game_api: TestClient) -> None:
    """Fencing: a game taken over by a new connection (another replica) refuses the old connection's rounds."""
    from datetime import UTC, datetime

    from looplab.pictionary import service

    token = _player(game_api)
    platform = game_api.app.state.platform
    user_id = platform.auth.resolve(token).id
    words = [service.RoundWord("apple", "food", "play")] * 2
    game = service.start_game(platform.db, user_id, words, session_key="old-connection")
    resumed = service.resume_game(platform.db, game.id, user_id, "new-connection")
    assert resumed.next_round == 1 and [w.word for w in resumed.words] == ["apple", "apple"]

    def record(key: str) -> service.RoundRecord:
        started = datetime.now(UTC)
        return service.RoundRecord(game.id, user_id, 1, "apple", "food", "play", started, 900, session_key=key)

    with pytest.raises(service.Conflict, match="continued in another window"):
        service.save_round(platform, record("old-connection"))
    service.end_game(platform.db, game.id, "interrupted", "old-connection")  # the old socket closing: no effect
    assert service.save_round(platform, record("new-connection")).round_no == 1
    with platform.db.session() as session:
        assert session.get(PictionaryGame, game.id).state == "active"


def test_a_second_game_elsewhere_is_refused_while_one_is_live(game_api: TestClient) -> None:
    """Another replica (simulated: an active game row seen recently) keeps the player from a second game."""
    from looplab.pictionary import service

    token = _player(game_api)
    platform = game_api.app.state.platform
    user_id = platform.auth.resolve(token).id
    service.start_game(platform.db, user_id, [service.RoundWord("apple", "food", "play")])
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.send_json({"type": "start"})
        error = _receive_until(ws, "error")
        assert "already playing" in error["detail"]
    with platform.db.session() as session:
        assert session.scalar(select(func.count()).select_from(PictionaryWord)) == 20


def test_a_flood_of_updates_is_limited_and_coalesced(game_api: TestClient) -> None:
    token = _player(game_api)
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.send_json({"type": "start"})
        _receive_until(ws, "round")
        for seq in range(1, 41):
            ws.send_json({"type": "draw", "round": 1, "seq": seq, "strokes": [[[0, seq, 2 * seq], [0, 5, 9]]]})
        ws.send_json({"type": "ping"})
        kinds: list[str] = []
        while not ("pong" in kinds and "guesses" in kinds and kinds.count("rate_limited") >= 20):
            assert len(kinds) < 100, kinds
            message = ws.receive_json()
            kinds.append(message.get("code") or message["type"])
        # a burst of about a dozen is allowed, then a few per second; queued updates collapse into the newest
        assert kinds.count("guesses") <= 20


def test_without_a_model_no_game_starts(game_api: TestClient, monkeypatch) -> None:
    from looplab.learning.registry import RegistryError

    def no_model(app: str):  # noqa: ANN202
        raise RegistryError(f"{app} has no champion model")

    token = _player(game_api)
    monkeypatch.setattr(game_api.app.state.models, "get", no_model)
    with game_api.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
        ws.send_json({"type": "start"})
        error = _receive_until(ws, "error")
        assert error["code"] == "unavailable" and "no champion" in error["detail"]
    with game_api.app.state.platform.db.session() as session:
        assert session.scalar(select(func.count()).select_from(PictionaryGame)) == 0


def test_guesses_with_rasterising_in_worker_processes(settings) -> None:
    settings.pictionary_round_seconds = 5.0
    settings.pictionary_retrain_after = 0
    settings.pictionary_raster_processes = 1
    with _start(settings) as client:
        _only_words(client, "apple")
        assert client.app.state.pictionary_hub.raster_pool is not None
        token = _player(client)
        with client.websocket_connect(f"/api/pictionary/ws?token={token}") as ws:
            ws.send_json({"type": "start"})
            _receive_until(ws, "round")
            ws.send_json({"type": "draw", "round": 1, "seq": 1, "strokes": "garbage"})
            assert _receive_until(ws, "error")["code"] == "invalid_drawing"
            ws.send_json({"type": "draw", "round": 1, "seq": 2, "strokes": _timed(recognised_drawing("apple"))})
            assert _receive_until(ws, "guesses")["guesses"][0][0] == "apple"
