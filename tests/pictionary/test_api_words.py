"""Words in the database: starter set at first start, admin edits, categories.txt import, teach mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.pictionary.game_support import pictionary_app
from tests.server.conftest import login


@pytest.fixture
def words_api(settings, database_url) -> Iterator[TestClient]:
    settings.database_url = database_url
    with pictionary_app(settings) as client:
        yield client


def test_starter_words_are_loaded_once_and_admins_edit_them(words_api: TestClient) -> None:
    admin = login(words_api, "admin", "admin-password")
    assert words_api.post("/api/auth/register", json={"name": "pat", "password": "pat-password"}).status_code == 201
    player = login(words_api, "pat", "pat-password")
    words = words_api.get("/api/pictionary/words", headers=player).json()
    assert len(words) == 20 and len({w["category"] for w in words}) >= 4
    assert all(w["enabled"] and w["mode"] == "play" for w in words)
    apple = next(w for w in words if w["word"] == "apple")

    assert (
        words_api.patch(f"/api/pictionary/words/{apple['id']}", json={"enabled": False}, headers=player).status_code
        == 403
    )
    changed = words_api.patch(
        f"/api/pictionary/words/{apple['id']}", json={"enabled": False, "category": "fruit"}, headers=admin
    )
    assert changed.status_code == 200 and changed.json()["category"] == "fruit"
    assert "apple" not in {w["word"] for w in words_api.get("/api/pictionary/words", headers=player).json()}
    everything = words_api.get("/api/pictionary/words", params={"all": True}, headers=admin).json()
    assert {w["word"]: w["enabled"] for w in everything}["apple"] is False

    duplicate = words_api.post("/api/pictionary/words", json={"word": "Apple", "category": "food"}, headers=admin)
    assert duplicate.status_code == 409
    bad = words_api.post("/api/pictionary/words", json={"word": "   ", "category": "food"}, headers=admin)
    assert bad.status_code == 422
    missing = words_api.patch("/api/pictionary/words/nope", json={"enabled": True}, headers=admin)
    assert missing.status_code == 404


def test_a_word_the_champion_does_not_know_is_taught(words_api: TestClient) -> None:
    admin = login(words_api, "admin", "admin-password")
    created = words_api.post(
        "/api/pictionary/words", json={"word": "ant", "category": "animals", "mode": "play"}, headers=admin
    )
    assert created.status_code == 201
    assert created.json()["mode"] == "teach"  # the champion cannot recognise it yet
    known = words_api.post("/api/pictionary/words", json={"word": "bad mode", "mode": "nonsense"}, headers=admin)
    assert known.status_code == 422


def test_categories_txt_import(words_api: TestClient) -> None:
    admin = login(words_api, "admin", "admin-password")
    body = "apple\n# a comment\nant\nThe Eiffel Tower\n\nant\nsomething new\n"
    response = words_api.post(
        "/api/pictionary/words/import", content=body.encode(), headers={**admin, "content-type": "text/plain"}
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["added"] == 3 and out["existing"] == 1
    rows = {w["word"]: w for w in words_api.get("/api/pictionary/words", params={"all": True}, headers=admin).json()}
    assert rows["ant"]["category"] == "animals" and rows["ant"]["mode"] == "teach" and not rows["ant"]["enabled"]
    assert rows["something new"]["category"] == "other"
    enabled = words_api.patch(f"/api/pictionary/words/{rows['ant']['id']}", json={"enabled": True}, headers=admin)
    assert enabled.json()["enabled"] and enabled.json()["mode"] == "teach"
    empty = words_api.post("/api/pictionary/words/import", content=b"\n\n", headers=admin)
    assert empty.status_code == 422
    binary = words_api.post("/api/pictionary/words/import", content=b"\xff\xfe\x00", headers=admin)
    assert binary.status_code == 422
    player_headers = {"Authorization": "Bearer nope"}
    assert words_api.post("/api/pictionary/words/import", content=b"ant", headers=player_headers).status_code == 401
