from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_register_and_login_on_the_home_page(page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.fill("#name", "walker")
    page.fill("#password", "walker-password")
    page.click("#register")
    page.wait_for_selector("#user-card:not(.hidden)")
    assert page.text_content("#user-name") == "walker"
    assert page.text_content("#user-role") == "player"
    page.click("#logout")
    page.wait_for_selector("#login-card:not(.hidden)")
    page.fill("#name", "walker")
    page.fill("#password", "a-wrong-password")
    page.click("#login")
    page.wait_for_function("document.getElementById('error').textContent.length > 0")
    assert page.text_content("#error") == "wrong user name or password"


def test_game_page_shell_logs_in_and_shows_the_canvas(page, live_server: str) -> None:
    page.goto(live_server + "/play")
    assert not page.is_visible("#canvas")
    page.fill("#name", "admin")
    page.fill("#password", "admin-password")
    page.click("#login")
    page.wait_for_selector("#canvas", state="visible")
    assert page.text_content("#user-name") == "admin"
    page.reload()  # the session cookie keeps the player logged in
    page.wait_for_selector("#canvas", state="visible")


def test_console_logs_in_through_the_api_and_runs_a_demo_job(page, console_url: str) -> None:
    page.goto(console_url)
    page.get_by_role("textbox", name="Name").fill("admin")
    page.get_by_role("textbox", name="Password").fill("admin-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Logged in as").wait_for()
    assert "admin" in page.get_by_text("Logged in as").text_content()
    page.get_by_role("link", name="Jobs").click()
    page.get_by_text("Start a demo job").click()
    page.get_by_role("button", name="Start demo job").click()
    page.get_by_text("demo · running").wait_for(timeout=60_000)
    page.get_by_text("demo succeeded").wait_for(timeout=60_000)
