"""Every console page runs against a real server, logged in as an admin, without raising (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import looplab.console

PAGES = sorted((Path(looplab.console.__file__).parent / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def admin_client(tmp_path_factory):  # noqa: ANN201
    """A live server for the module, and an API client logged in as its admin."""
    import os
    import subprocess
    import sys

    from looplab.api_client import ApiClient
    from tests.conftest import wait_for_port
    from tests.services import free_port

    tmp = tmp_path_factory.mktemp("console")
    port = free_port()
    env = {
        **os.environ,
        "LOOPLAB_DATA_DIR": str(tmp / "data"),
        "LOOPLAB_INPUT_DIR": str(tmp / "input"),
        "LOOPLAB_PORT": str(port),
        "LOOPLAB_ADMIN_USER": "admin",
        "LOOPLAB_ADMIN_PASSWORD": "admin-password",
    }
    process = subprocess.Popen([sys.executable, "-m", "looplab.cli", "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, 60)
        client = ApiClient(f"http://127.0.0.1:{port}")
        user = client.login("admin", "admin-password")
        yield client, user
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_page_renders_for_an_admin(page: Path, admin_client) -> None:
    from streamlit.testing.v1 import AppTest

    client, user = admin_client
    app = AppTest.from_file(str(page), default_timeout=60)
    app.session_state["client"] = client
    app.session_state["user"] = user
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert not [e for e in app.error if "401" in str(e.value) or "500" in str(e.value)]
    assert app.title, f"{page.name} shows no title"


def test_pages_ask_for_a_login_first(admin_client) -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PAGES[0].with_name("jobs.py")), default_timeout=30)
    app.run()
    assert not app.exception
    assert any("Log in first" in info.value for info in app.info)
    assert httpx.get(admin_client[0].base_url + "/health").status_code == 200
