"""Shared fixtures: settings on a temporary data dir, a real PostgreSQL and a real S3 endpoint on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.services import PostgresServer, free_port, looplab_server, start_postgres

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# No test may reach beyond loopback: any proxy settings would route httpx/botocore elsewhere.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
for _var in [name for name in os.environ if name.startswith("LOOPLAB_")]:
    os.environ.pop(_var)


@pytest.fixture
def settings(tmp_path: Path):
    from looplab.settings import Settings

    return Settings(
        data_dir=tmp_path / "data",
        input_dir=tmp_path / "input",
        secret_key="test-secret-key",
        job_heartbeat_s=0.5,
        job_stale_after_s=3.0,
        db_connect_attempts=2,
        db_connect_delay_s=0.1,
        model_refresh_s=0.1,
    )


@pytest.fixture
def platform(settings) -> Iterator:
    from looplab.platform import Platform

    opened = Platform.open(settings)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    if server is None:
        message = "PostgreSQL server binaries not found (Debian package 'postgresql'); .ci/run installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    return postgres.new_database()


@pytest.fixture(params=["duckdb", "postgres"])
def database_url(request, tmp_path: Path) -> str:
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'test.duckdb'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
    )
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, request) -> str:
    import boto3

    name = "looplab-" + request.node.name.lower().replace("_", "-").replace("[", "-").replace("]", "")[:40].strip("-")
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """A real `looplab serve` process on a free loopback port, with an admin user."""
    with looplab_server(tmp_path / "data", tmp_path / "server.log", LOOPLAB_INPUT_DIR=str(tmp_path / "input")) as url:
        yield url


@pytest.fixture
def api(settings) -> Iterator[TestClient]:
    """The server in process (lifespan included) with an admin user; tests authenticate with bearer tokens."""
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
