from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def api(settings) -> Iterator[TestClient]:
    from looplab.server.app import create_app

    settings.admin_user = "admin"
    settings.admin_password = "admin-password"
    with TestClient(create_app(settings)) as client:
        yield client


def login(client: TestClient, name: str, password: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"name": name, "password": password})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # tests authenticate with the bearer token only, unless they test cookies
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def admin_headers(api: TestClient) -> dict[str, str]:
    return login(api, "admin", "admin-password")


@pytest.fixture
def player_headers(api: TestClient) -> dict[str, str]:
    assert api.post("/api/auth/register", json={"name": "player1", "password": "player-password"}).status_code == 201
    return login(api, "player1", "player-password")
