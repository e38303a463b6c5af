"""Regenerates the README's screenshots: a real server and console on loopback, driven by Debian chromium.

Run from the repository root: .venv/bin/python docs/screenshots.py (needs ../shared/data for the strokes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.alliance.ingest_helpers import screenshot  # noqa: E402
from tests.conftest import SHARED_DATA  # noqa: E402
from tests.services import free_port, wait_for_port  # noqa: E402

from looplab.api_client import ApiClient  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DAYS = {  # one alliance over three days; the third member never plays
    "guild_20251111.png": [12_400, 34_100, 0, 78_000, 9_100, 23_000],
    "guild_20251112.png": [13_900, 35_000, 0, 80_500, 9_100, 26_400],
    "guild_20251113.png": [15_200, 36_800, 0, 83_000, 12_000, 30_100],
}
DOCS = REPO / "docs"


def draw(page, strokes: list, box: dict, scale: float) -> None:  # noqa: ANN001
    for xs, ys, *_ in strokes:
        page.mouse.move(box["x"] + xs[0] * scale, box["y"] + ys[0] * scale)
        page.mouse.down()
        for x, y in zip(xs[1:], ys[1:], strict=True):
            page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=2)
        page.mouse.up()


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    port, console_port = free_port(), free_port()
    env = {
        **os.environ,
        "LOOPLAB_DATA_DIR": str(tmp / "data"),
        "LOOPLAB_INPUT_DIR": str(tmp / "input"),
        "LOOPLAB_PORT": str(port),
        "LOOPLAB_SERVER_URL": f"http://127.0.0.1:{port}",
        "LOOPLAB_ADMIN_USER": "officer",
        "LOOPLAB_ADMIN_PASSWORD": "officer-password",
    }
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen([sys.executable, "-m", "looplab.cli", "serve"], env=env, **quiet)
    console = subprocess.Popen(
        [sys.executable, "-m", "looplab.cli", "console", "--port", str(console_port)], env=env, **quiet
    )
    try:
        wait_for_port(port, 60)
        wait_for_port(console_port, 60)
        client = ApiClient(f"http://127.0.0.1:{port}")
        client.login("officer", "officer-password")
        for name, values in DAYS.items():
            job = client.post("/api/alliance/ingest", files=[("files", (name, screenshot(6, values)))])
            for _ in client.follow_job(job["id"]):
                pass
        apple = json.loads((SHARED_DATA / "quickdraw_strokes" / "apple.ndjson").read_text().splitlines()[0])["drawing"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 820})
            page.goto(f"http://127.0.0.1:{port}/play")
            page.fill("#name", "officer")
            page.fill("#password", "officer-password")
            page.click("#login")
            page.click("#start")
            page.wait_for_function("document.getElementById('prompt').textContent.length > 0")
            time.sleep(1)
            draw(page, apple, page.locator("#canvas").bounding_box(), 400 / 256)
            time.sleep(1.5)
            page.screenshot(path=str(DOCS / "pictionary-play.png"))

            page.goto(f"http://127.0.0.1:{port}/digits")
            three = [[[60, 190, 120, 200, 60], [40, 60, 130, 200, 230]]]
            draw(page, three, page.locator("#canvas").bounding_box(), 1.0)
            page.click("#predict")
            page.wait_for_selector("#result:not(.hidden)")
            time.sleep(1)
            page.screenshot(path=str(DOCS / "digits-draw.png"), full_page=True)

            page.goto(f"http://127.0.0.1:{console_port}")
            page.get_by_role("textbox", name="Name").fill("officer")
            page.get_by_role("textbox", name="Password").fill("officer-password")
            page.get_by_role("button", name="Log in").click()
            page.get_by_text("Logged in as").wait_for()
            page.get_by_role("link", name="Members").click()
            time.sleep(6)
            page.screenshot(path=str(DOCS / "alliance-members.png"))
            browser.close()
    finally:
        for process in (console, server):
            process.terminate()
            process.wait(15)


if __name__ == "__main__":
    main()
