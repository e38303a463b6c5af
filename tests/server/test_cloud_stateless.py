"""Cloud mode keeps nothing on the app machine: a real `looplab serve` on PostgreSQL + S3, run from an
empty working directory with an empty HOME and its own TMPDIR, serves every app and leaves all three empty."""

from __future__ import annotations

import io
import json
import os

import httpx
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.conftest import SHARED_DATA
from tests.services import looplab_server


def tree(path) -> list[str]:  # noqa: ANN001
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_cloud_server_writes_nothing_locally(tmp_path, postgres_url, s3_bucket) -> None:
    cwd, home, tmpdir, log_dir = (tmp_path / name for name in ("cwd", "home", "tmp", "logs"))
    for folder in (cwd, home, tmpdir, log_dir):
        folder.mkdir()
    env = {
        "LOOPLAB_DATABASE_URL": postgres_url,
        "LOOPLAB_BLOB_URL": f"s3://{s3_bucket}/app",
        "LOOPLAB_SECRET_KEY": "cloud-secret",
        "HOME": str(home),
        "TMPDIR": str(tmpdir),
        "NUMBA_CACHE_DIR": str(tmpdir / "numba"),
    }
    before = os.getcwd()
    os.chdir(cwd)  # the server inherits this working directory
    try:
        with looplab_server(cwd / "data", log_dir / "server.log", **env) as url:
            client = httpx.Client(base_url=url, timeout=60)
            assert (
                client.post("/api/auth/register", json={"name": "nomad", "password": "nomad-password"}).status_code
                == 201
            )
            token = client.post("/api/auth/login", json={"name": "nomad", "password": "nomad-password"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            admin = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
            admin_headers = {"Authorization": f"Bearer {admin}"}

            canvas = Image.new("L", (160, 160), 245)
            ImageDraw.Draw(canvas).text(
                (80, 80), "4", fill=10, font=ImageFont.truetype("DejaVuSans-Bold.ttf", 110), anchor="mm"
            )
            png = io.BytesIO()
            canvas.save(png, format="PNG")
            uploaded = client.post("/api/digits/images", files=[("files", ("4.png", png.getvalue()))], headers=headers)
            assert uploaded.json()[0]["image"]["digit"] == 4

            strokes = SHARED_DATA / "quickdraw_strokes" / "apple.ndjson"
            drawing = json.loads(strokes.read_text().splitlines()[0])["drawing"]
            guesses = client.post("/api/pictionary/guess", json={"drawing": drawing}, headers=headers).json()["guesses"]
            assert guesses[0][0] == "apple"

            screen = Image.fromarray(np.full((900, 720, 3), 235, np.uint8))
            ImageDraw.Draw(screen).text((60, 200), "Wolfgang   36,800", fill=(20, 20, 20), font_size=40)
            jpeg = io.BytesIO()
            screen.save(jpeg, format="JPEG")
            read = client.post("/api/alliance/read", files={"file": ("s.jpg", jpeg.getvalue())}, headers=admin_headers)
            assert read.status_code == 200
    finally:
        os.chdir(before)
    assert tree(cwd) == [], tree(cwd)
    assert tree(home) == [], tree(home)
    assert tree(tmpdir) == [] or tree(tmpdir) == ["numba"]  # numba's cache dir may be created, never filled
