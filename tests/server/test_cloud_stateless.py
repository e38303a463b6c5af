"""Cloud mode keeps nothing on the app machine: a real `looplab serve` on PostgreSQL + S3, run from an
empty working directory with an empty HOME and its own TMPDIR, serves every app (users, a digit upload, a
pictionary game over its WebSocket, alliance screenshots ingested through the API and a region classifier
trained by a server job), every row and blob it made is in PostgreSQL and S3, and the three folders are
empty at the end."""

from __future__ import annotations

import io
import json
import os

import httpx
import numpy as np
from PIL import Image, ImageDraw
from sqlalchemy import create_engine, text

from tests.alliance.ingest_helpers import screenshot
from tests.conftest import SHARED_DATA
from tests.server.cloud_helpers import bucket_keys, digit_png, wait_for_job
from tests.services import looplab_server

SCREENSHOT_VALUES = [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]


def tree(path) -> list[str]:  # noqa: ANN001
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def play_a_game(url: str, token: str) -> str:
    """Two rounds over the game's WebSocket: a real drawing of the first word, the second given up."""
    from websockets.sync.client import connect

    def until(ws, kind: str) -> dict:  # noqa: ANN001
        while (message := json.loads(ws.recv(timeout=60)))["type"] != kind:
            assert message["type"] in ("hello", "game", "round", "guesses", "result"), message
        return message

    with connect(url.replace("http://", "ws://") + f"/api/pictionary/ws?token={token}") as ws:
        ws.send(json.dumps({"type": "start"}))
        game_id = until(ws, "game")["game_id"]
        word = until(ws, "round")["word"]
        # Some starter words (bicycle, cat, diamond, fish) have bitmaps but no stroke file: draw an apple then.
        strokes = SHARED_DATA / "quickdraw_strokes" / f"{word}.ndjson"
        if not strokes.is_file():
            strokes = SHARED_DATA / "quickdraw_strokes" / "apple.ndjson"
        lines = strokes.read_text().splitlines()
        ws.send(json.dumps({"type": "draw", "round": 1, "seq": 1, "strokes": json.loads(lines[0])["drawing"]}))
        if not until(ws, "guesses")["line"].startswith("Oh, I know"):
            ws.send(json.dumps({"type": "skip", "round": 1}))
        assert until(ws, "result")["round"] == 1
        ws.send(json.dumps({"type": "next"}))
        until(ws, "round")
        ws.send(json.dumps({"type": "skip", "round": 2}))
        assert until(ws, "game_over")["summary"]["state"] == "finished"
    return game_id


def test_cloud_server_writes_nothing_locally(tmp_path, postgres_url, s3_bucket, s3_endpoint) -> None:
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
        "LOOPLAB_PICTIONARY_ROUNDS": "2",
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

            uploaded = client.post("/api/digits/images", files=[("files", ("4.png", digit_png(4)))], headers=headers)
            assert uploaded.json()[0]["image"]["digit"] == 4

            strokes = SHARED_DATA / "quickdraw_strokes" / "apple.ndjson"
            drawing = json.loads(strokes.read_text().splitlines()[0])["drawing"]
            guesses = client.post("/api/pictionary/guess", json={"drawing": drawing}, headers=headers).json()["guesses"]
            assert guesses[0][0] == "apple"
            game_id = play_a_game(url, token)

            screen = Image.fromarray(np.full((900, 720, 3), 235, np.uint8))
            ImageDraw.Draw(screen).text((60, 200), "Wolfgang   36,800", fill=(20, 20, 20), font_size=40)
            jpeg = io.BytesIO()
            screen.save(jpeg, format="JPEG")
            read = client.post("/api/alliance/read", files={"file": ("s.jpg", jpeg.getvalue())}, headers=admin_headers)
            assert read.status_code == 200

            # Alliance screenshots through the upload endpoint: archived in S3, read and booked by a server job.
            files = [
                ("files", ("guild_20251111.png", screenshot(6, SCREENSHOT_VALUES), "image/png")),
                ("files", ("guild_20251112.png", screenshot(8, [v + 500 for v in SCREENSHOT_VALUES]), "image/png")),
            ]
            ingest = client.post("/api/alliance/ingest", files=files, headers=admin_headers)
            assert ingest.status_code == 202, ingest.text
            ingest_job = wait_for_job(client, ingest.json()["id"], admin_headers)
            assert ingest_job["state"] == "succeeded", ingest_job
            assert ingest_job["result"]["booked_files"] == 2, ingest_job["result"]
            members = client.get("/api/alliance/members", headers=admin_headers).json()["members"]
            assert len(members) >= 5

            # Label the crops the ingest cut out, then train a region classifier: a server job, a new version.
            crops = client.get("/api/alliance/labels/next", params={"limit": 200}, headers=admin_headers).json()
            assert len(crops) >= 12, crops
            for crop in crops:
                labelled = client.post(
                    f"/api/alliance/labels/{crop['id']}", json={"label": crop["predicted"]}, headers=admin_headers
                )
                assert labelled.status_code == 200, labelled.text
            train = client.post("/api/alliance/train", json={"epochs": 2}, headers=admin_headers)
            assert train.status_code == 202, train.text
            train_job = wait_for_job(client, train.json()["id"], admin_headers)
            assert train_job["state"] == "succeeded", train_job
            assert train_job["result"]["version"] == 2
    finally:
        os.chdir(before)

    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        users = {row[0] for row in conn.execute(text("SELECT name FROM users"))}
        digit_keys = conn.execute(text("SELECT original_key, normalised_key FROM digit_images")).all()
        shots = conn.execute(text("SELECT status, blob_key FROM alliance_screenshots")).all()
        crop_rows = conn.execute(text("SELECT label, blob_key FROM alliance_region_crops")).all()
        jobs = conn.execute(text("SELECT kind, state, attempts FROM jobs ORDER BY created_at")).all()
        game = conn.execute(text("SELECT state FROM pictionary_games WHERE id = :g"), {"g": game_id}).scalar()
        rounds = conn.execute(
            text("SELECT round_no, bitmap_key FROM pictionary_rounds WHERE game_id = :g ORDER BY round_no"),
            {"g": game_id},
        ).all()
        versions = conn.execute(
            text("SELECT version, meta, artifacts FROM model_versions WHERE app = 'alliance' ORDER BY version")
        ).all()
    engine.dispose()
    assert users == {"admin", "nomad"}
    assert len(digit_keys) == 1
    assert game == "finished" and [number for number, _ in rounds] == [1, 2] and rounds[0][1]
    assert sorted(status for status, _ in shots) == ["booked", "booked"]
    assert len(crop_rows) >= len(crops) and sum(label is not None for label, _ in crop_rows) == len(crops)
    assert [tuple(job) for job in jobs] == [
        ("alliance.ingest", "succeeded", 1),
        ("alliance.train_regions", "succeeded", 1),
    ]
    assert [version for version, _, _ in versions] == [1, 2]
    trained_meta, trained_artifacts = (json.loads(value) for value in versions[1][1:])
    assert trained_meta["job_id"] == train_job["id"]

    keys = bucket_keys(s3_endpoint, s3_bucket, "app/")
    needed = {key for pair in digit_keys for key in pair}
    needed |= {rounds[0][1]} | {key for _, key in shots} | {key for _, key in crop_rows}
    needed |= set(trained_artifacts.values())
    assert needed <= keys, sorted(needed - keys)

    assert tree(cwd) == [], tree(cwd)
    assert tree(home) == [], tree(home)
    assert tree(tmpdir) == [] or tree(tmpdir) == ["numba"]  # numba's cache dir may be created, never filled
