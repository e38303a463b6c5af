"""The game page in Chromium: a player draws a real Quick, Draw! drawing with the mouse and the round is stored."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pictionary.game_support import install_tiny_champion, recognised_drawing
from tests.services import looplab_server

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("PICTIONARY_TEST_SCREENSHOTS")
WORD = "apple"


@pytest.fixture
def game_server(tmp_path: Path) -> Iterator[str]:
    """`looplab serve` on a data dir prepared with the tiny test model and only one enabled word."""
    from looplab.pictionary import service
    from looplab.platform import Platform
    from looplab.settings import Settings

    data = tmp_path / "data"
    platform = Platform.open(Settings(data_dir=data, secret_key="browser-test-secret"))
    install_tiny_champion(platform)
    service.ensure_starter_words(platform.db)
    for row in service.list_words(platform.db):
        service.update_word(platform.db, row["id"], {"enabled": row["word"] == WORD}, None)
    platform.close()
    extra = {"LOOPLAB_SECRET_KEY": "browser-test-secret", "LOOPLAB_PICTIONARY_ROUND_SECONDS": "20"}
    with looplab_server(data, tmp_path / "server.log", **extra) as url:
        yield url


def _draw(page, drawing: list) -> None:
    """Replays the strokes (0..255 coordinates) with mouse moves inside the canvas."""
    box = page.locator("#canvas").bounding_box()
    scale = (box["width"] - 40) / 255

    def at(x: float, y: float) -> tuple[float, float]:
        return box["x"] + 20 + x * scale, box["y"] + 20 + y * scale

    for xs, ys in drawing:
        page.mouse.move(*at(xs[0], ys[0]))
        page.mouse.down()
        for x, y in zip(xs[1:], ys[1:], strict=True):
            page.mouse.move(*at(x, y), steps=2)
        page.mouse.up()
        page.wait_for_timeout(120)  # the pause between strokes, as people draw


def test_a_player_draws_a_real_drawing_and_the_round_is_stored(page, game_server: str) -> None:
    drawing = recognised_drawing(WORD)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(game_server + "/play")
    page.fill("#name", "sketcher")
    page.fill("#password", "sketcher-password")
    page.click("#register")
    page.wait_for_selector("#canvas", state="visible")
    page.click("#start")
    page.wait_for_selector("#word")
    assert page.text_content("#word") == WORD
    assert float(page.text_content("#countdown")) <= 20
    _draw(page, drawing)
    page.wait_for_selector("#result:not(.hidden)", timeout=25_000)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/play_result.png", full_page=True)
    assert "Recognised" in page.text_content("#result-text")
    assert page.text_content("#line") == f"Oh, I know, it's {WORD}!"
    game_id = page.get_attribute("#game", "data-game-id")
    assert game_id

    with httpx.Client(base_url=game_server) as http:
        token = http.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        summary = http.get(f"/api/pictionary/games/{game_id}", headers=headers).json()
        assert summary["rounds_played"] == 1
        stored = summary["rounds"][0]
        assert stored["word"] == WORD and stored["recognized"] is True and stored["time_ms"] > 0
        full = http.get(f"/api/pictionary/rounds/{stored['id']}", headers=headers).json()
        assert len(full["raw_strokes"]) <= len(drawing) and all(len(s) == 3 for s in full["raw_strokes"])
        png = http.get(stored["bitmap_url"], headers=headers)
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

    # feedback from the page is stored with the drawing
    page.fill("#feedback-label", "a red apple")
    page.click("#feedback-send")
    page.wait_for_function("document.getElementById('feedback-done').textContent.includes('Thanks')")
    with httpx.Client(base_url=game_server) as http:
        token = http.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
        full = http.get(f"/api/pictionary/rounds/{stored['id']}", headers={"Authorization": f"Bearer {token}"}).json()
        assert full["feedback_label"] == "a red apple"

    # the other five rounds: the player gives up; the end screen shows the six drawings and the leaderboard
    for number in range(2, 7):
        page.click("#next")
        page.wait_for_function(f"document.getElementById('round-label').textContent.startsWith('Word {number} ')")
        if number == 2:  # a flat line: stored with its thumbnail, not recognised
            _draw(page, [[[0, 120, 250], [120, 122, 121]]])
        page.click("#skip")
        if number < 6:
            page.wait_for_selector("#result:not(.hidden)")
    # the last result is followed at once by the end screen, which hides it: it may never reach a frame
    page.wait_for_selector("#end:not(.hidden)")
    assert page.locator("#thumbs figure").count() == 6
    assert page.locator("#thumbs img").count() == 2  # rounds without a drawing have no thumbnail
    page.wait_for_function("document.querySelectorAll('#thumbs img')[0].naturalWidth === 28")
    assert "1 of 6 recognised" in page.text_content("#end-summary")
    page.wait_for_selector("#leaderboard tbody tr")
    assert "sketcher" in page.text_content("#leaderboard tbody")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/play_end.png", full_page=True)
    assert script_errors == []
