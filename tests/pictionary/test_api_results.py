"""Results after games: feedback, summaries, leaderboard, analytics, gallery and outliers for the admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.pictionary.game_support import load_drawings, pictionary_app, store_game
from tests.server.conftest import login


@pytest.fixture
def results_api(settings) -> Iterator[TestClient]:
    settings.pictionary_retrain_after = 0
    with pictionary_app(settings) as client:
        yield client


def _players(client: TestClient) -> tuple[dict, dict, str, str]:
    ids = []
    for name in ("ann", "bob"):
        assert client.post("/api/auth/register", json={"name": name, "password": f"{name}-password"}).status_code == 201
    headers = [login(client, name, f"{name}-password") for name in ("ann", "bob")]
    for h in headers:
        ids.append(client.get("/api/auth/me", headers=h).json()["id"])
    return headers[0], headers[1], ids[0], ids[1]


def test_feedback_summaries_and_leaderboard(results_api: TestClient) -> None:
    ann, bob, ann_id, bob_id = _players(results_api)
    platform = results_api.app.state.platform
    apples, houses = load_drawings("apple", 6), load_drawings("house", 6)
    ann_game = store_game(
        platform, ann_id, [{"word": "apple", "drawing": d, "recognized": i < 4} for i, d in enumerate(apples)]
    )
    bob_game = store_game(platform, bob_id, [{"word": "house", "drawing": d, "recognized": True} for d in houses])

    summary = results_api.get(f"/api/pictionary/games/{ann_game}", headers=ann).json()
    assert summary["recognized"] == 4 and len(summary["rounds"]) == 6 and summary["is_personal_best"]
    assert results_api.get(f"/api/pictionary/games/{ann_game}", headers=bob).status_code == 404
    board = results_api.get("/api/pictionary/leaderboard", headers=ann).json()
    assert [row["player"] for row in board] == ["bob", "ann"]

    missed = next(r for r in summary["rounds"] if not r["recognized"])
    said = results_api.post(f"/api/pictionary/rounds/{missed['id']}/feedback", json={"label": "Pear"}, headers=ann)
    assert said.status_code == 200 and said.json()["feedback_label"] == "pear"
    flagged = results_api.post(
        f"/api/pictionary/rounds/{summary['rounds'][0]['id']}/feedback", json={"flag": True}, headers=ann
    )
    assert flagged.json()["flagged"] is True
    # someone else's round, an empty body, a forged round id: refused, nothing changes
    assert (
        results_api.post(
            f"/api/pictionary/rounds/{missed['id']}/feedback", json={"label": "x"}, headers=bob
        ).status_code
        == 404
    )
    assert results_api.post(f"/api/pictionary/rounds/{missed['id']}/feedback", json={}, headers=ann).status_code == 422
    assert (
        results_api.post("/api/pictionary/rounds/forged/feedback", json={"flag": True}, headers=ann).status_code == 404
    )
    assert results_api.get(f"/api/pictionary/rounds/{missed['id']}/bitmap.png", headers=bob).status_code == 404
    history = results_api.get("/api/pictionary/me/history", headers=ann).json()
    assert history["player"] == "ann" and history["games"][0]["recognized"] == 4
    assert bob_game


def test_analytics_for_admins(results_api: TestClient) -> None:
    ann, bob, ann_id, bob_id = _players(results_api)
    platform = results_api.app.state.platform
    store_game(
        platform,
        ann_id,
        [
            {"word": "apple", "drawing": d, "recognized": i < 2, "guess": "apple" if i < 2 else "banana"}
            for i, d in enumerate(load_drawings("apple", 6))
        ],
    )
    store_game(
        platform, bob_id, [{"word": "house", "drawing": d, "recognized": True} for d in load_drawings("house", 6)]
    )
    admin = login(results_api, "admin", "admin-password")
    assert results_api.get("/api/pictionary/stats/words", headers=ann).status_code == 403

    words = results_api.get("/api/pictionary/stats/words", headers=admin).json()
    assert [w["word"] for w in words] == ["apple", "house"]  # hardest first
    assert words[0]["recognition_rate"] == pytest.approx(2 / 6, abs=1e-3) and words[1]["recognition_rate"] == 1.0
    assert words[1]["median_time_ms"] == 3000
    categories = results_api.get("/api/pictionary/stats/categories", headers=admin).json()
    assert categories[0]["rounds"] == 12
    players = results_api.get("/api/pictionary/stats/players", headers=admin).json()
    assert {p["player"] for p in players} == {"ann", "bob"}
    bob_history = results_api.get("/api/pictionary/stats/players/bob", headers=admin).json()
    assert bob_history["overall"]["recognition_rate"] == 1.0
    assert results_api.get("/api/pictionary/stats/players/nobody", headers=admin).status_code == 404
    models = results_api.get("/api/pictionary/stats/models", headers=admin).json()
    assert models[-1]["status"] == "champion" and models[-1]["live"]["rounds"] == 12
    assert models[-1]["holdout_top1"] is not None
    confusion = results_api.get("/api/pictionary/stats/confusion", headers=admin).json()
    index = {label: i for i, label in enumerate(confusion["labels"])}
    assert confusion["matrix"][index["apple"]][index["banana"]] == 4
    assert confusion["matrix"][index["house"]][index["house"]] == 6
    gallery = results_api.get("/api/pictionary/stats/gallery", params={"word": "house"}, headers=admin).json()
    assert len(gallery) == 6 and all(g["bitmap_url"] for g in gallery)
    png = results_api.get(gallery[0]["bitmap_url"], headers=admin)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_outliers_surface_a_drawing_that_is_not_the_word(results_api: TestClient) -> None:
    _ann, _bob, ann_id, _ = _players(results_api)
    platform = results_api.app.state.platform
    houses = load_drawings("house", 8)
    junk = load_drawings("rainbow", 1)[0]  # a rainbow played as "house": mislabeled
    store_game(platform, ann_id, [{"word": "house", "drawing": d} for d in [*houses[:3], junk, *houses[3:5]]])
    admin = login(results_api, "admin", "admin-password")
    out = results_api.get("/api/pictionary/stats/outliers", params={"word": "house"}, headers=admin).json()
    assert out["drawings"] == 6
    first = out["outliers"][0]
    assert first["round"] == 4 and first["model_sees"] != "house"
    assert first["score"] > out["outliers"][-1]["score"]


def test_a_teach_round_is_neither_a_miss_nor_time_on_the_leaderboard(results_api: TestClient) -> None:
    """A teach word cannot be recognised yet: the player who drew it is not ranked below one who did not."""
    ann, _, ann_id, bob_id = _players(results_api)
    platform = results_api.app.state.platform
    apples, ants = load_drawings("apple", 3), load_drawings("ant", 1)
    played = [{"word": "apple", "drawing": d, "recognized": True, "duration_ms": 4000} for d in apples[:2]]
    taught = {"word": "ant", "mode": "teach", "drawing": ants[0], "duration_ms": 20000}
    ann_game = store_game(platform, ann_id, [*played, taught])
    store_game(platform, bob_id, [*played, {**played[0], "recognized": False, "drawing": apples[2]}])
    summary = results_api.get(f"/api/pictionary/games/{ann_game}", headers=ann).json()
    assert len(summary["rounds"]) == 3 and summary["taught"] == 1
    assert (summary["rounds_played"], summary["recognized"], summary["total_ms"]) == (2, 2, 8000)
    board = results_api.get("/api/pictionary/leaderboard", headers=ann).json()
    assert [(row["player"], row["recognized"], row["rounds"]) for row in board] == [("ann", 2, 2), ("bob", 2, 3)]
