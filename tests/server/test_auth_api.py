from __future__ import annotations

import time

from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from tests.conftest import login


def test_register_login_me_logout(api: TestClient) -> None:
    created = api.post("/api/auth/register", json={"name": "Zoé_9", "password": "correct horse"})
    assert created.status_code == 201 and created.json()["role"] == "player"
    headers = login(api, "Zoé_9", "correct horse")
    assert api.get("/api/auth/me", headers=headers).json()["name"] == "Zoé_9"
    assert api.post("/api/auth/logout", headers=headers).status_code == 204
    assert api.get("/api/auth/me", headers=headers).status_code == 401  # revoked on the server, not only client-side


def test_credential_errors_are_clear_4xx(api: TestClient) -> None:
    api.post("/api/auth/register", json={"name": "bob", "password": "bob-password"})
    wrong = api.post("/api/auth/login", json={"name": "bob", "password": "not-it-at-all"})
    unknown = api.post("/api/auth/login", json={"name": "nobody", "password": "whatever-pw"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "wrong user name or password"
    duplicate = api.post("/api/auth/register", json={"name": "BOB", "password": "other-password"})
    assert duplicate.status_code == 409 and "taken" in duplicate.json()["detail"]
    empty = api.post("/api/auth/register", json={"name": "", "password": "long-enough"})
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    short = api.post("/api/auth/register", json={"name": "carol", "password": "short"})
    assert short.status_code == 422 and "at least 8" in short.json()["detail"]
    bad_name = api.post("/api/auth/register", json={"name": "../etc", "password": "long-enough"})
    assert bad_name.status_code == 422
    wrong_type = api.post("/api/auth/login", json={"name": ["bob"], "password": 5})
    assert wrong_type.status_code == 422 and "name" in wrong_type.json()["detail"]


def test_ten_megabyte_inputs_are_refused(api: TestClient) -> None:
    huge = "x" * (10 * 1024 * 1024)
    response = api.post("/api/auth/register", json={"name": huge, "password": huge})
    assert response.status_code in (413, 422)
    assert response.json()["detail"]
    over_limit = api.post(
        "/api/auth/login",
        content=b"{" + b" " * (13 * 1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    assert over_limit.status_code == 413 and "too large" in over_limit.json()["detail"]


def test_login_attempts_are_rate_limited_per_user(api: TestClient) -> None:
    api.post("/api/auth/register", json={"name": "dave", "password": "dave-password"})
    codes = [api.post("/api/auth/login", json={"name": "dave", "password": f"wrong-{i}"}).status_code for i in range(6)]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    locked = api.post("/api/auth/login", json={"name": "dave", "password": "dave-password"})
    assert locked.status_code == 429 and "too many" in locked.json()["detail"]
    assert api.post("/api/auth/register", json={"name": "erin", "password": "erin-password"}).status_code == 201
    assert api.post("/api/auth/login", json={"name": "erin", "password": "erin-password"}).status_code == 200


def test_forged_and_expired_tokens_are_refused(api: TestClient, settings) -> None:
    api.post("/api/auth/register", json={"name": "frank", "password": "frank-password"})
    real = login(api, "frank", "frank-password")["Authorization"].split()[1]
    forged = URLSafeTimedSerializer("another-secret", salt="looplab-session").dumps("some-session-id")
    tampered = real[:-2] + ("A" if real[-2] != "A" else "B") + real[-1]
    for token in (forged, tampered, "garbage", ""):
        response = api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
    platform = api.app.state.platform
    platform.auth.max_age_s = 1
    time.sleep(2.1)
    expired = api.get("/api/auth/me", headers={"Authorization": f"Bearer {real}"})
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


def test_cookie_sessions_need_the_csrf_header_for_writes(api: TestClient) -> None:
    api.post("/api/auth/register", json={"name": "gina", "password": "gina-password"})
    assert api.post("/api/auth/login", json={"name": "gina", "password": "gina-password"}).status_code == 200
    assert api.get("/api/auth/me").json()["name"] == "gina"  # the cookie alone is enough to read
    refused = api.post("/api/jobs", json={"kind": "demo", "params": {"steps": 1, "delay_s": 0}})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    forged_cookie = api.get("/api/auth/me", cookies={"looplab_session": "forged.cookie.value"})
    assert forged_cookie.status_code == 401
    csrf = api.cookies.get("looplab_csrf")
    accepted = api.post(
        "/api/jobs",
        json={"kind": "demo", "params": {"steps": 1, "delay_s": 0}},
        headers={"X-CSRF-Token": csrf},
    )
    assert accepted.status_code == 202
