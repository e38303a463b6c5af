"""The same code path on PostgreSQL + S3: rows land in PostgreSQL, blobs in S3, nothing in the data dir."""

from __future__ import annotations

import io

import boto3
import numpy as np
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import create_engine, text

from tests.conftest import login


def test_server_on_postgres_and_s3_keeps_nothing_locally(settings, postgres_url, s3_bucket, s3_endpoint, tmp_path):
    from looplab.server.app import create_app

    settings.database_url = postgres_url
    settings.blob_url = f"s3://{s3_bucket}/looplab"
    settings.data_dir = tmp_path / "must-not-exist"
    settings.admin_user, settings.admin_password = "admin", "admin-password"
    canvas = Image.new("L", (160, 160), 245)
    font = ImageFont.truetype("DejaVuSans-Bold.ttf", 110)
    ImageDraw.Draw(canvas).text((80, 80), "7", fill=10, font=font, anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")

    with TestClient(create_app(settings)) as api:
        assert api.get("/health").json()["database"] == "postgresql"
        assert api.post("/api/auth/register", json={"name": "cloudy", "password": "cloudy-password"}).status_code == 201
        headers = login(api, "cloudy", "cloudy-password")
        result = api.post("/api/digits/images", files=[("files", ("7.png", buffer.getvalue()))], headers=headers).json()
        assert result[0]["error"] is None and result[0]["image"]["digit"] == 7
        image_id = result[0]["image"]["id"]
        assert api.get(f"/api/digits/images/{image_id}/original.png", headers=headers).content == buffer.getvalue()

    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users WHERE name = 'cloudy'")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM digit_images")).scalar() == 1
        apps = {row[0] for row in conn.execute(text("SELECT app FROM model_versions WHERE status = 'champion'"))}
    engine.dispose()
    assert "digits" in apps and "alliance" in apps
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=s3_bucket, Prefix="looplab/")
    keys = [item["Key"] for item in listed.get("Contents", [])]
    assert any(key.endswith(".png") for key in keys)  # the uploaded original and its normalisation
    assert any(key.endswith(".onnx") for key in keys)  # the bundled models, registered as champions
    assert not settings.data_dir.exists()
    assert np.all([not key.startswith("looplab/probe/") for key in keys])  # the start-up probe cleaned up
