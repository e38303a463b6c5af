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
    from looplab.api_client import ApiClient
    from tests.services import looplab_server

    tmp = tmp_path_factory.mktemp("console")
    with looplab_server(tmp / "data", tmp / "server.log") as url:
        client = ApiClient(url)
        user = client.login("admin", "admin-password")
        yield client, user


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
