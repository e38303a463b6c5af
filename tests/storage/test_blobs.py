from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from looplab.storage.blobs import BlobNotFound, BlobStore, BlobStoreError, BlobStoreFull, content_key


def test_content_addressed_keys_store_each_payload_once(tmp_path: Path) -> None:
    store = BlobStore(str(tmp_path / "blobs"))
    data = b"\x89PNG fake image bytes"
    key = store.put(data, "png")
    assert key == f"sha256/{hashlib.sha256(data).hexdigest()[:2]}/{hashlib.sha256(data).hexdigest()}.png"
    assert store.put(data, "png") == key
    assert store.get(key) == data
    assert store.list_keys() == [key]
    assert not list((tmp_path / "blobs").rglob(".tmp-*"))


def test_missing_and_malicious_keys_are_refused(tmp_path: Path) -> None:
    store = BlobStore(str(tmp_path / "blobs"))
    with pytest.raises(BlobNotFound):
        store.get(content_key(b"never stored"))
    for key in ("../etc/passwd", "/abs", "a//b", "sha256/../../x"):
        with pytest.raises(BlobStoreError):
            store.get(key)
    with pytest.raises(ValueError):
        content_key(b"x", "../png")


def test_store_that_is_not_writable_fails_the_start_check(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("I am a file")
    store = BlobStore(str(blocker / "blobs"))
    with pytest.raises(BlobStoreError, match="not writable"):
        store.check_writable()


def test_full_disk_is_reported_and_leaves_no_partial_blob(tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root); the full-disk path is untested on this machine")
    try:
        store = BlobStore(str(mount / "blobs"))
        small = store.put(b"fits")
        with pytest.raises(BlobStoreFull, match="full"):
            store.put(b"x" * 200_000)
        assert store.list_keys() == [small]
        assert not list((mount / "blobs").rglob(".tmp-*"))
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_s3_store_on_a_real_endpoint(s3_bucket: str) -> None:
    store = BlobStore(f"s3://{s3_bucket}/prefix")
    store.check_writable()
    key = store.put(b"hello s3", "txt")
    assert store.exists(key)
    assert store.get(key) == b"hello s3"
    assert store.list_keys() == [key]
    with pytest.raises(BlobNotFound):
        store.get(content_key(b"absent"))
