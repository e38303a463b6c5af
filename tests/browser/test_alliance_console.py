"""The alliance console pages after a real ingest: members table first, then every page renders without error."""

from __future__ import annotations

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


def _ingest(server_url: str) -> dict:
    client = ApiClient(server_url)
    client.login("admin", "admin-password")
    files = [("files", ("guild_20251111.png", screenshot(6, VALUES), "image/png"))]
    submitted = client.post("/api/alliance/ingest", files=files)
    job = list(client.follow_job(submitted["id"], interval_s=0.3, timeout_s=120))[-1]
    assert job["state"] == "succeeded", job
    return client.get("/api/alliance/members")


def test_members_page_after_an_ingest_and_every_alliance_page_renders(page, live_server, console_url):
    table = _ingest(live_server)
    names = [m["name"] for m in table["members"]]
    assert len(set(names) & set(NAMES)) >= 5

    page.goto(console_url)
    page.get_by_role("textbox", name="Name").fill("admin")
    page.get_by_role("textbox", name="Password").fill("admin-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Logged in as").wait_for()
    page.get_by_role("link", name="Members").click()
    page.get_by_role("heading", name="Alliance members").wait_for()
    page.get_by_text(f"{len(names)} members over 1 days").wait_for()
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    for name in names:  # the grid draws on a canvas; its accessible table holds the cells' text
        grid.locator('td[role="gridcell"]', has_text=name).first.wait_for(state="attached")
    for link, title in PAGES.items():
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        errors = page.locator('[data-testid="stException"]')
        assert errors.count() == 0, f"{title}: {errors.first.text_content()}"
