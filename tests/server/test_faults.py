"""Faults the server must survive without a restart: its database going away and coming back."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login
from tests.services import start_postgres


@pytest.fixture
def own_postgres():
    server = start_postgres()
    if server is None:
        pytest.skip("PostgreSQL server binaries not found")
    yield server
    server.stop()


def test_postgres_restart_gives_503_then_recovers(settings, own_postgres, s3_bucket) -> None:
    from looplab.server.app import create_app

    settings.database_url = own_postgres.new_database()
    settings.blob_url = f"s3://{s3_bucket}/faults"
    settings.admin_user, settings.admin_password = "admin", "admin-password"
    with TestClient(create_app(settings)) as api:
        headers = login(api, "admin", "admin-password")
        assert api.get("/api/jobs", headers=headers).status_code == 200
        own_postgres.pg_ctl("stop")
        down = api.get("/api/jobs", headers=headers)
        assert down.status_code == 503
        assert down.json()["detail"] == "database unavailable, try again shortly"
        assert down.headers["retry-after"]
        assert api.get("/health").status_code == 200  # the process itself is alive
        own_postgres.pg_ctl("start")
        assert api.get("/api/jobs", headers=headers).status_code == 200  # same session, no server restart
        job = api.post("/api/jobs", json={"kind": "demo", "params": {"steps": 1, "delay_s": 0}}, headers=headers)
        assert job.status_code == 202
        deadline = time.monotonic() + 60
        while api.get(f"/api/jobs/{job.json()['id']}", headers=headers).json()["state"] != "succeeded":
            assert time.monotonic() < deadline, "the job did not finish after the database came back"
            time.sleep(0.1)
