from __future__ import annotations

import time

from fastapi.testclient import TestClient


def test_health_docs_and_pages(api: TestClient) -> None:
    health = api.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["database"] == "duckdb"
    assert api.get("/openapi.json").json()["info"]["title"] == "LoopLab"
    assert 'id="login-card"' in api.get("/").text
    assert 'id="login-form"' in api.get("/static/looplab.js").text  # every page's login form comes from here
    assert 'id="canvas"' in api.get("/play").text
    assert api.get("/static/looplab.js").status_code == 200
    assert api.get("/static/..%2Fapp.py").status_code == 404


def test_errors_are_json_with_a_reason(api: TestClient) -> None:
    missing = api.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["detail"] == "no route /api/nothing-here"
    malformed = api.post("/api/auth/login", content=b'{"name": "x", ', headers={"content-type": "application/json"})
    assert malformed.status_code == 422 and "JSON" in malformed.json()["detail"]
    not_logged_in = api.get("/api/jobs")
    assert not_logged_in.status_code == 401 and not_logged_in.json()["detail"] == "not logged in"


def test_security_headers_on_every_response(api: TestClient) -> None:
    for path in ("/", "/health", "/api/nothing"):
        headers = api.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-request-id"]


def test_admin_endpoints_refuse_players_and_anonymous(api: TestClient, player_headers, admin_headers) -> None:
    for method, path in (
        ("get", "/api/notifications"),
        ("post", "/api/notifications/test"),
        ("post", "/api/models/x/promote"),
        ("post", "/api/models/pictionary/rollback"),
    ):
        assert getattr(api, method)(path).status_code == 401, path
        assert getattr(api, method)(path, headers=player_headers).status_code == 403, path
    assert api.get("/api/notifications", headers=admin_headers).status_code == 200


def test_demo_job_runs_with_progress_and_players_see_only_their_jobs(
    api: TestClient, player_headers, admin_headers
) -> None:
    created = api.post(
        "/api/jobs", json={"kind": "demo", "params": {"steps": 4, "delay_s": 0.2}}, headers=player_headers
    )
    assert created.status_code == 202
    job_id = created.json()["id"]
    seen_progress = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = api.get(f"/api/jobs/{job_id}", headers=player_headers).json()
        seen_progress.add(job["progress"])
        if job["state"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "succeeded", job
    assert job["result"]["sum"] == 1 + 2 + 3 + 4
    assert any(0 < p < 1 for p in seen_progress), seen_progress
    assert api.get(f"/api/jobs/{job_id}", headers=admin_headers).status_code == 200
    api.post("/api/auth/register", json={"name": "other", "password": "other-password"})
    other = {
        "Authorization": "Bearer "
        + api.post("/api/auth/login", json={"name": "other", "password": "other-password"}).json()["token"]
    }
    assert api.get(f"/api/jobs/{job_id}", headers=other).status_code == 404
    assert api.get("/api/jobs", headers=other).json() == []
    unknown = api.post("/api/jobs", json={"kind": "nope"}, headers=player_headers)
    assert unknown.status_code == 422 and "unknown job kind" in unknown.json()["detail"]
