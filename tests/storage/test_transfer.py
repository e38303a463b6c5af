from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from looplab.auth.models import User
from looplab.learning.registry import ModelRegistry
from looplab.storage.blobs import BlobStore
from looplab.storage.db import Database
from looplab.storage.transfer import TransferError, transfer


def seeded(tmp_path) -> tuple[Database, BlobStore]:  # noqa: ANN001
    db = Database(f"duckdb:///{tmp_path / 'source.duckdb'}")
    db.migrate()
    blobs = BlobStore(str(tmp_path / "blobs"))
    registry = ModelRegistry(db, blobs)
    registry.register("digits", "n2d", {"model.onnx": b"weights-1", "meta.json": b"{}"}, metrics={"acc": 0.97})
    registry.register("pictionary", "cnn", {"model.onnx": b"weights-2"}, status="champion")
    with db.session() as session:
        session.add_all([User(name=f"user{i}", password_hash="x", role="player") for i in range(2500)])
    return db, blobs


def test_embedded_to_cloud_and_back_keeps_every_row_and_blob(tmp_path, postgres_url, s3_bucket) -> None:
    source_db, source_blobs = seeded(tmp_path)
    cloud_db, cloud_blobs = Database(postgres_url), BlobStore(f"s3://{s3_bucket}/copy")
    report = transfer(source_db, source_blobs, cloud_db, cloud_blobs)
    assert report.rows["users"] == 2500 and report.rows["model_versions"] == 2
    assert report.blobs_copied == 3
    assert sorted(cloud_blobs.list_keys()) == sorted(source_blobs.list_keys())
    registry = ModelRegistry(cloud_db, cloud_blobs)
    assert registry.artifact(registry.champion("pictionary"), "model.onnx") == b"weights-2"

    back_db, back_blobs = Database(f"duckdb:///{tmp_path / 'back.duckdb'}"), BlobStore(str(tmp_path / "back"))
    again = transfer(cloud_db, cloud_blobs, back_db, back_blobs)
    assert again.rows == report.rows
    with back_db.session() as session:
        assert session.scalar(select(User).where(User.name == "user2499")) is not None
    with pytest.raises(TransferError, match="not empty"):
        transfer(source_db, source_blobs, back_db, back_blobs)
    for db in (source_db, cloud_db, back_db):
        db.dispose()


def test_a_corrupted_blob_stops_the_transfer(tmp_path) -> None:
    source_db, source_blobs = seeded(tmp_path)
    key = source_blobs.list_keys()[0]
    (tmp_path / "blobs" / key).write_bytes(b"tampered")
    with pytest.raises(TransferError, match="checksum"):
        transfer(
            source_db, source_blobs, Database(f"duckdb:///{tmp_path / 't.duckdb'}"), BlobStore(str(tmp_path / "t"))
        )


def test_export_command_reports_counts(tmp_path) -> None:
    source_db, _ = seeded(tmp_path)
    source_db.dispose()
    env = {
        **os.environ,
        "LOOPLAB_DATABASE_URL": f"duckdb:///{tmp_path / 'source.duckdb'}",
        "LOOPLAB_BLOB_URL": str(tmp_path / "blobs"),
        "LOOPLAB_SECRET_KEY": "k",
    }
    out = subprocess.run(
        [sys.executable, "-m", "looplab.cli", "export", "--to-database", f"duckdb:///{tmp_path / 'copy.duckdb'}",
         "--to-blobs", str(tmp_path / "copy-blobs")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "copied 2502 rows" in out.stdout and "3 blobs" in out.stdout and "verified" in out.stdout
