"""Two replicas on one PostgreSQL + S3 (two real `looplab serve` processes): a session made on one is valid on
the other, and a model promoted through one is served by the other within seconds."""

from __future__ import annotations

import json
import time

import httpx

from tests.conftest import SHARED_DATA
from tests.pictionary.game_support import tiny_model
from tests.services import looplab_server

REFRESH_S = 2.0


def test_sessions_and_promotions_are_shared_by_replicas(tmp_path, postgres_url, s3_bucket) -> None:
    env = {
        "LOOPLAB_DATABASE_URL": postgres_url,
        "LOOPLAB_BLOB_URL": f"s3://{s3_bucket}/replicas",
        "LOOPLAB_SECRET_KEY": "replicas-secret",
        "LOOPLAB_MODEL_REFRESH_S": str(REFRESH_S),
    }
    drawing = json.loads((SHARED_DATA / "quickdraw_strokes" / "apple.ndjson").read_text().splitlines()[0])["drawing"]
    with (
        looplab_server(tmp_path / "a", tmp_path / "a.log", **env) as url_a,
        looplab_server(tmp_path / "b", tmp_path / "b.log", **env) as url_b,
    ):
        a, b = httpx.Client(base_url=url_a, timeout=60), httpx.Client(base_url=url_b, timeout=60)
        assert a.post("/api/auth/register", json={"name": "wanderer", "password": "wanderer-pw"}).status_code == 201
        token = a.post("/api/auth/login", json={"name": "wanderer", "password": "wanderer-pw"}).json()["token"]
        player = {"Authorization": f"Bearer {token}"}
        assert b.get("/api/auth/me", headers=player).json()["name"] == "wanderer"  # a session made on A
        before = b.post("/api/pictionary/guess", json={"drawing": drawing}, headers=player).json()["model_version"]

        admin_token = b.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
        admin = {"Authorization": f"Bearer {admin_token}"}
        from looplab.platform import Platform
        from looplab.settings import Settings

        # a retrained version lands in the shared store as a candidate (what a training job on any replica does)
        shared = Platform.open(Settings(database_url=postgres_url, blob_url=env["LOOPLAB_BLOB_URL"], secret_key="x"))
        artifacts = tiny_model()
        metrics = json.loads(artifacts["model.json"])["metrics"]
        registered = shared.registry.register("pictionary", "tiny", artifacts, metrics=metrics)
        version = {"id": registered.id, "version": registered.version}
        shared.close()
        assert a.post(f"/api/models/{version['id']}/promote", headers=admin).status_code == 200
        promoted_at = time.monotonic()
        while (served := b.post("/api/pictionary/guess", json={"drawing": drawing}, headers=player).json())[
            "model_version"
        ] != version["version"]:
            assert time.monotonic() - promoted_at < 3 * REFRESH_S + 5, served
            time.sleep(0.1)
        assert served["model_version"] != before

        assert a.post("/api/auth/logout", headers=player).status_code in (200, 204)
        assert b.get("/api/auth/me", headers=player).status_code == 401  # logged out everywhere
