"""The alliance console: screenshots uploaded on the members page are ingested and listed; every alliance
page then renders without error."""

from __future__ import annotations

from pathlib import Path

import pytest

from looplab.api_client import ApiClient
from tests.alliance.ingest_helpers import NAMES, screenshot

pytestmark = pytest.mark.browser

VALUES = [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]
PAGES = {  # link in the sidebar -> the page's heading
    "Member": "Member",
    "Day": "Day view",
    "Review queue": "Review queue",
    "Labeling": "Label region crops",
    "Rules": "Alliance rules",
    "Export": "Export and files",
}


def test_upload_on_the_members_page_then_every_alliance_page_renders(page, live_server, console_url, tmp_path: Path):
    shot = tmp_path / "guild_20251111.png"
    shot.write_bytes(screenshot(6, VALUES))

    page.goto(console_url)
    page.get_by_role("textbox", name="Name").fill("admin")
    page.get_by_role("textbox", name="Password").fill("admin-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Logged in as").wait_for()
    page.get_by_role("link", name="Members").click()
    page.get_by_role("heading", name="Alliance members").wait_for()
    page.get_by_text("No members yet").wait_for()
    page.get_by_text("Upload screenshots").click()
    page.locator('input[type="file"]').set_input_files(str(shot))
    page.get_by_role("button", name="Ingest").click()
    page.get_by_text("alliance.ingest finished").wait_for(timeout=120_000)
    page.get_by_text("guild_20251111.png (2025-11-11): booked").wait_for()

    client = ApiClient(live_server)
    client.login("admin", "admin-password")
    names = [m["name"] for m in client.get("/api/alliance/members")["members"]]
    assert len(set(names) & set(NAMES)) >= 5
    page.get_by_text(f"{len(names)} members over 1 days").wait_for()
    grid = page.locator('[data-testid="stDataFrame"]')
    for name in names:  # the grid draws on a canvas; its accessible table holds the cells' text
        grid.locator('td[role="gridcell"]', has_text=name).first.wait_for(state="attached")
    assert page.locator('[data-testid="stException"]').count() == 0

    for link, title in PAGES.items():
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        errors = page.locator('[data-testid="stException"]')
        assert errors.count() == 0, f"{title}: {errors.first.text_content()}"
