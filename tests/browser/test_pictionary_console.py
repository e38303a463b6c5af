"""The Pictionary console pages after a real game played over the socket: each page renders without error."""

from __future__ import annotations

import json
import os

import pytest
from websockets.sync.client import connect

from looplab.api_client import ApiClient
from tests.pictionary.game_support import STROKES

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("PICTIONARY_TEST_SCREENSHOTS")

PAGES = {  # page in the sidebar -> its heading
    "pictionary_1_words": "Pictionary: words",
    "pictionary_2_analytics": "Pictionary: analytics",
    "pictionary_3_gallery": "Pictionary: gallery",
    "pictionary_4_training": "Pictionary: training",
}


def _play_one_game(server_url: str) -> None:
    """Six rounds with the bundled model: the word's first shared drawing when there is one, then give up."""
    client = ApiClient(server_url)
    client.register("console-player", "console-password")
    client.login("console-player", "console-password")
    with connect(server_url.replace("http", "ws") + f"/api/pictionary/ws?token={client.token}") as ws:
        ws.send(json.dumps({"type": "start"}))
        while True:
            message = json.loads(ws.recv(timeout=30))
            if message["type"] == "round":
                path = STROKES / f"{message['word']}.ndjson"
                if path.exists():
                    drawing = json.loads(path.read_text().splitlines()[0])["drawing"]
                    ws.send(json.dumps({"type": "draw", "round": message["round"], "seq": 1, "strokes": drawing}))
                ws.send(json.dumps({"type": "skip", "round": message["round"]}))
            elif message["type"] == "result" and not message["last"]:
                ws.send(json.dumps({"type": "next"}))
            elif message["type"] == "game_over":
                assert len(message["summary"]["rounds"]) == 6
                return


def test_every_pictionary_page_renders_after_a_game(page, live_server, console_url) -> None:
    _play_one_game(live_server)
    page.goto(console_url)
    page.get_by_role("textbox", name="Name").fill("admin")
    page.get_by_role("textbox", name="Password").fill("admin-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Logged in as").wait_for()
    for link, title in PAGES.items():
        page.locator(f'a[href$="/{link}"]').click()
        page.get_by_role("heading", name=title).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)
        errors = page.locator('[data-testid="stException"]')
        assert errors.count() == 0, f"{title}: {errors.first.text_content()}"
        if link == "pictionary_2_analytics":  # the game's six rounds are counted
            page.get_by_text("Hardest words").wait_for()
            page.get_by_text("6 rounds").first.wait_for()
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{link}.png", full_page=True)
