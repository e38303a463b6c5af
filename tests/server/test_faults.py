"""Faults the server must survive without a restart: its database or its S3 endpoint going away and coming
back, a replica killed in the middle of a training job, and a full disk under the embedded blob store."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.conftest import login
from tests.server.cloud_helpers import bucket_keys, digit_png, wait_for_job
from tests.services import MotoEndpoint, looplab_replica, looplab_server, start_postgres

S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
BOUNDED_S = 15.0  # a request while a store is down answers within this, never hangs
pytestmark = pytest.mark.timeout(150)  # every fault test is bounded, whatever hangs


@pytest.fixture
def own_postgres():
    server = start_postgres()
    if server is None:
        pytest.fail("PostgreSQL server binaries not found (Debian package postgresql); .ci/run installs them")
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


def _timed(call) -> tuple[httpx.Response, float]:  # noqa: ANN001
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _assert_store_down(response: httpx.Response, seconds: float) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["detail"] == "blob store unavailable, try again shortly"
    assert response.headers["retry-after"]
    assert seconds < BOUNDED_S, f"answered after {seconds:.1f} s"


def test_s3_down_gives_503_then_recovers_without_restart(tmp_path, postgres_url) -> None:
    from tests.alliance.ingest_helpers import screenshot

    s3 = MotoEndpoint().start()
    bucket = "looplab-s3-down"
    try:
        with _server_on(s3, bucket, postgres_url, tmp_path) as (url, client, headers):

            def upload(digit: int) -> httpx.Response:
                return client.post(
                    "/api/digits/images", files=[("files", (f"{digit}.png", digit_png(digit)))], headers=headers
                )

            def read_original(image_id: str) -> httpx.Response:
                return client.get(f"/api/digits/images/{image_id}/original.png", headers=headers)

            def ingest() -> httpx.Response:
                shot = ("guild_20251111.png", screenshot(6, [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]))
                return client.post("/api/alliance/ingest", files=[("files", shot)], headers=headers)

            first = upload(7).json()[0]["image"]
            assert first["digit"] == 7

            s3.stop()
            _assert_store_down(*_timed(lambda: upload(3)))
            _assert_store_down(*_timed(lambda: read_original(first["id"])))
            _assert_store_down(*_timed(ingest))
            assert client.get("/health").status_code == 200  # the process is alive
            assert [image["id"] for image in client.get("/api/digits/images", headers=headers).json()] == [first["id"]]
            assert client.get("/api/jobs", headers=headers).json() == []  # no ingest job for an unarchived upload

            s3.start()  # the same requests, same server, same session
            again = upload(3)
            assert again.status_code == 200 and again.json()[0]["image"]["digit"] == 3, again.text
            original = read_original(first["id"])
            assert original.status_code == 200 and original.content == digit_png(7)
            ingested = ingest()
            assert ingested.status_code == 202, ingested.text
            assert wait_for_job(client, ingested.json()["id"], headers)["state"] == "succeeded"

        engine = create_engine(postgres_url)
        with engine.connect() as conn:
            digit_keys = conn.execute(text("SELECT original_key, normalised_key FROM digit_images")).all()
            shot_keys = [row[0] for row in conn.execute(text("SELECT blob_key FROM alliance_screenshots"))]
        engine.dispose()
        assert len(digit_keys) == 2 and len(shot_keys) == 1  # the refused requests stored no row
        with _aws_env():
            keys = bucket_keys(s3.url, bucket, "app/")
        missing = {key for pair in digit_keys for key in pair} | set(shot_keys)
        assert missing <= keys, f"rows whose blob is missing: {sorted(missing - keys)}"
    finally:
        s3.stop()


@contextlib.contextmanager
def _server_on(s3: MotoEndpoint, bucket: str, postgres_url: str, tmp_path: Path):  # noqa: ANN202
    """A real server on PostgreSQL and a bucket of ``s3``, with an admin client: (url, client, headers)."""
    with _aws_env():
        boto3.client("s3", endpoint_url=s3.url).create_bucket(Bucket=bucket)
    env = {
        "LOOPLAB_DATABASE_URL": postgres_url,
        "LOOPLAB_BLOB_URL": f"s3://{bucket}/app",
        "LOOPLAB_SECRET_KEY": "fault-secret",
        "AWS_ENDPOINT_URL": s3.url,
        **S3_CREDENTIALS,
    }
    with looplab_server(tmp_path / "data", tmp_path / "server.log", **env) as url:
        client = httpx.Client(base_url=url, timeout=60)
        token = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()
        yield url, client, {"Authorization": f"Bearer {token['token']}"}


@contextlib.contextmanager
def _aws_env():
    saved = {name: os.environ.get(name) for name in S3_CREDENTIALS}
    os.environ.update(S3_CREDENTIALS)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value


class SilentEndpoint:
    """A listener that accepts connections and never answers: an S3 endpoint hung rather than gone."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.sock.accept()[0])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(), which a close() alone does not
        self.sock.close()
        self.thread.join(5)
        for conn in self.accepted:
            conn.close()


def test_s3_endpoint_that_hangs_gives_503_within_bounded_time(tmp_path, postgres_url) -> None:
    s3 = MotoEndpoint().start()
    bucket = "looplab-s3-hangs"
    try:
        with _server_on(s3, bucket, postgres_url, tmp_path) as (url, client, headers):
            upload = client.post("/api/digits/images", files=[("files", ("7.png", digit_png(7)))], headers=headers)
            image_id = upload.json()[0]["image"]["id"]
            original = f"/api/digits/images/{image_id}/original.png"

            s3.stop()
            silent = SilentEndpoint(s3.port)
            try:
                hung, seconds = _timed(lambda: client.get(original, headers=headers))
            finally:
                silent.close()
            assert silent.accepted, "the server never tried the endpoint"
            assert hung.status_code == 503 and hung.json()["detail"] == "blob store unavailable, try again shortly"
            assert seconds < 30, f"answered after {seconds:.1f} s"

            s3.start()
            assert client.get(original, headers=headers).content == digit_png(7)
    finally:
        s3.stop()


def _seed_labelled_crops(settings) -> int:  # noqa: ANN001
    """Labelled text crops from synthetic screenshots, as the console's labelling page would leave them."""
    from looplab.alliance.models import RegionCrop
    from looplab.imaging.regions import find_text_regions, to_gray
    from looplab.platform import Platform
    from tests.alliance.ingest_helpers import png
    from tests.alliance.synth import labelled_regions, make_screenshot

    platform = Platform.open(settings)
    count = 0
    try:
        with platform.db.session() as session:
            for seed in (31, 32, 33):
                screen = make_screenshot(seed, size=(720, 1600), jpeg=False)
                gray = to_gray(screen.image)
                regions = find_text_regions(screen.image)
                for region, label in zip(regions, labelled_regions(screen, regions), strict=True):
                    if label is not None:
                        crop = png(gray[region.y : region.y2, region.x : region.x2].copy())
                        box = [region.x, region.y, region.w, region.h]
                        session.add(RegionCrop(blob_key=platform.blobs.put(crop, "png"), box=box, label=label))
                        count += 1
    finally:
        platform.close()
    return count


def _job_row(engine, job_id: str) -> dict:  # noqa: ANN001
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT state, claimed_by, attempts, progress FROM jobs WHERE id = :id"), {"id": job_id}
        ).one()
    return dict(row._mapping)


def test_replica_killed_mid_training_job_is_rerun_once_by_the_other(
    tmp_path, settings, postgres_url, s3_bucket, s3_endpoint
) -> None:
    settings.database_url = postgres_url
    settings.blob_url = f"s3://{s3_bucket}/app"
    assert _seed_labelled_crops(settings) >= 40
    common = {
        "LOOPLAB_DATABASE_URL": postgres_url,
        "LOOPLAB_BLOB_URL": f"s3://{s3_bucket}/app",
        "LOOPLAB_SECRET_KEY": "replica-secret",
        "LOOPLAB_JOB_HEARTBEAT_S": "0.5",
        "LOOPLAB_JOB_STALE_AFTER_S": "4",
        "LOOPLAB_JOB_MAX_ATTEMPTS": "2",
    }
    engine = create_engine(postgres_url)
    with (
        looplab_replica(tmp_path / "a", tmp_path / "a.log", LOOPLAB_INSTANCE_NAME="replica-a", **common) as a,
        looplab_replica(tmp_path / "b", tmp_path / "b.log", LOOPLAB_INSTANCE_NAME="replica-b", **common) as b,
    ):
        replicas = {"replica-a": a, "replica-b": b}
        client = httpx.Client(base_url=a.url, timeout=60)
        token = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        started = client.post("/api/alliance/train", json={"epochs": 60}, headers=headers)
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]

        deadline = time.monotonic() + 40
        while (row := _job_row(engine, job_id))["progress"] <= 0.0:  # claimed, and the worker is training
            assert row["state"] in ("queued", "running"), row
            assert time.monotonic() < deadline, f"the training job did not start: {row}"
            time.sleep(0.05)
        assert row["state"] == "running" and row["attempts"] == 1
        victim = row["claimed_by"]
        survivor = next(name for name in replicas if name != victim)
        replicas[victim].kill()

        other = httpx.Client(base_url=replicas[survivor].url, timeout=60)
        job = wait_for_job(other, job_id, headers, timeout=50)
        assert job["state"] == "succeeded", job
        assert _job_row(engine, job_id) | {"progress": None} == {
            "state": "succeeded",
            "claimed_by": survivor,
            "attempts": 2,
            "progress": None,
        }
        time.sleep(1.0)  # nothing else may register a version for this job afterwards
        with engine.connect() as conn:
            versions = conn.execute(
                text("SELECT version, meta, artifacts FROM model_versions WHERE app = 'alliance' ORDER BY version")
            ).all()
    engine.dispose()
    assert [version for version, _, _ in versions] == [1, 2], versions
    assert [json.loads(meta).get("job_id") for _, meta, _ in versions] == [None, job_id]
    assert job["result"]["version"] == 2
    keys = bucket_keys(s3_endpoint, s3_bucket, "app/")
    assert set(json.loads(versions[1][2]).values()) <= keys


def test_full_disk_under_embedded_blobs_gives_507_then_recovers(tmp_path) -> None:
    """The blob folder on a small tmpfs (needs root or CAP_SYS_ADMIN, as in CI's container run as root)."""
    mount = tmp_path / "blobfs"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True)
    assert mounted.returncode == 0, f"cannot mount a tmpfs for the full-disk test: {mounted.stderr.decode()}"
    try:
        blobs = mount / "blobs"
        env = {"LOOPLAB_BLOB_URL": str(blobs)}
        with looplab_server(tmp_path / "data", tmp_path / "server.log", **env) as url:
            client = httpx.Client(base_url=url, timeout=60)
            assert (
                client.post("/api/auth/register", json={"name": "pat", "password": "pat-password"}).status_code == 201
            )
            token = client.post("/api/auth/login", json={"name": "pat", "password": "pat-password"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            files = [("files", ("5.png", digit_png(5)))]
            keys_before = _files(blobs)

            filler = _fill(mount / "filler")
            full = client.post("/api/digits/images", files=files, headers=headers)
            assert full.status_code == 507, full.text
            assert "full" in full.json()["detail"]
            assert client.get("/api/digits/images", headers=headers).json() == []  # no row
            assert _files(blobs) == keys_before  # no half-written blob or temporary file left behind

            filler.unlink()  # space freed: the same request, the same server
            stored = client.post("/api/digits/images", files=files, headers=headers)
            assert stored.status_code == 200 and stored.json()[0]["image"]["digit"] == 5, stored.text
            [image] = client.get("/api/digits/images", headers=headers).json()
            original = client.get(f"/api/digits/images/{image['id']}/original.png", headers=headers)
            assert original.content == digit_png(5)
            assert len(_files(blobs)) == len(keys_before) + 2  # the original and its normalised image
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _fill(path: Path) -> Path:
    """Write until the filesystem says ENOSPC, in ever smaller pieces, so not even one page is left."""
    with open(path, "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    probe = path.with_name("probe")
    with pytest.raises(OSError) as refused:
        probe.write_bytes(b"x" * 4096)
    assert refused.value.errno == errno.ENOSPC
    probe.unlink(missing_ok=True)
    return path


def test_a_replica_that_lost_its_job_records_nothing(settings, postgres_url) -> None:
    """A replica too slow to beat (not dead) loses its job to another; its late result must not count."""
    from looplab.jobs.models import Job
    from looplab.jobs.runner import JobRunner
    from looplab.platform import Platform
    from looplab.storage.base import utcnow

    settings.database_url = postgres_url
    platform = Platform.open(settings)
    slow, other = JobRunner(platform, instance="replica-slow"), JobRunner(platform, instance="replica-other")
    try:
        stale = utcnow() - timedelta(seconds=settings.job_stale_after_s + 1)
        with platform.db.session() as session:
            job = Job(kind="demo", params={"steps": 1}, state="running", claimed_by="replica-slow", attempts=1)
            job.heartbeat_at = stale
            session.add(job)
        assert slow.recover_stale() == 0  # a replica never hands over its own jobs
        assert other.recover_stale() == 1
        assert (other.get(job.id).state, other.get(job.id).claimed_by) == ("queued", None)
        assert other._claim_and_start()  # noqa: SLF001 - the other replica runs it again
        deadline = time.monotonic() + 30
        while other.get(job.id).state != "succeeded":
            assert time.monotonic() < deadline, other.get(job.id).state
            time.sleep(0.05)
        assert not slow._still_mine(job.id)  # noqa: SLF001 - the slow replica's result is dropped
        slow._finish(job.id, "failed", error="late")  # noqa: SLF001 - and its outcome is not recorded
        final = other.get(job.id)
        assert (final.state, final.claimed_by, final.attempts, final.error) == ("succeeded", "replica-other", 2, None)
    finally:
        other.stop()
        slow.stop()
        platform.close()
