from __future__ import annotations

import time

import pytest

from looplab.learning.registry import ChampionCache, ModelRegistry, RegistryError
from looplab.platform import Platform
from looplab.storage.blobs import BlobStore
from looplab.storage.db import Database


@pytest.fixture
def registry(database_url: str, tmp_path) -> ModelRegistry:
    db = Database(database_url)
    db.migrate()
    return ModelRegistry(db, BlobStore(str(tmp_path / "blobs")))


def test_versions_promote_and_rollback(registry: ModelRegistry) -> None:
    first = registry.register("pictionary", "cnn", {"model.onnx": b"v1"}, metrics={"top1": 0.9}, status="champion")
    second = registry.register("pictionary", "cnn", {"model.onnx": b"v2"}, metrics={"top1": 0.93}, parent_id=first.id)
    other_app = registry.register("digits", "n2d", {"model.onnx": b"d1"})
    assert (first.version, second.version, other_app.version) == (1, 2, 1)
    assert registry.champion("pictionary").id == first.id
    assert registry.get(second.id).status == "candidate"
    registry.promote(second.id)
    assert registry.champion("pictionary").id == second.id
    assert registry.get(first.id).status == "retired"
    assert registry.artifact(registry.champion("pictionary"), "model.onnx") == b"v2"
    back = registry.rollback("pictionary")
    assert back.id == first.id and registry.champion("pictionary").id == first.id
    assert registry.get(second.id).status == "retired"
    with pytest.raises(RegistryError):
        registry.rollback("digits")
    with pytest.raises(RegistryError):
        registry.set_status(first.id, "retired")


def test_same_artifact_bytes_are_stored_once(registry: ModelRegistry) -> None:
    a = registry.register("digits", "n2d", {"model.onnx": b"same"})
    b = registry.register("digits", "n2d", {"model.onnx": b"same"})
    assert a.artifacts == b.artifacts
    assert len(registry.blobs.list_keys()) == 1


def test_champion_cache_hot_swaps_after_a_promotion_elsewhere(registry: ModelRegistry) -> None:
    loads = []

    def loader(version, reg):  # noqa: ANN001, ANN202
        loads.append(version.version)
        return reg.artifact(version, "model.onnx").decode()

    registry.ensure_default("pictionary", "cnn", lambda: {"model.onnx": b"bundled"})
    cache = ChampionCache(registry, "pictionary", loader, refresh_s=0.05)
    assert cache.get()[0] == "bundled"
    assert cache.get()[0] == "bundled" and loads == [1]
    new = registry.register("pictionary", "cnn", {"model.onnx": b"retrained"})
    registry.promote(new.id)
    time.sleep(0.1)
    model, version = cache.get()
    assert model == "retrained" and version.version == 2 and loads == [1, 2]
    registry.ensure_default("pictionary", "cnn", lambda: {"model.onnx": b"bundled"})
    assert len(registry.list("pictionary")) == 2  # the bundled default is registered once


def test_promotion_notifies(platform: Platform) -> None:
    version = platform.registry.register("digits", "n2d", {"m.onnx": b"x"}, metrics={"acc": 0.97})
    platform.registry.promote(version.id)
    history = platform.notifier.history()
    assert history[0].event == "model_promoted" and "acc=0.97" in history[0].body


def test_a_job_run_again_registers_its_model_version_once(registry: ModelRegistry) -> None:
    """A replica died after registering a job's model but before finishing the job; the re-run must not add one."""
    first = registry.register("digits", "n2d", {"m.onnx": b"first run"}, meta={"job_id": "job-1"})
    again = registry.register("digits", "n2d", {"m.onnx": b"second run"}, meta={"job_id": "job-1"})
    other = registry.register("digits", "n2d", {"m.onnx": b"another job"}, meta={"job_id": "job-2"})
    assert again.id == first.id and other.id != first.id
    assert sorted(v.version for v in registry.list("digits")) == [1, 2]


def test_champion_cache_keeps_serving_while_the_database_is_away(registry: ModelRegistry, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    registry.ensure_default("pictionary", "cnn", lambda: {"model.onnx": b"bundled"})
    cache = ChampionCache(registry, "pictionary", lambda version, reg: reg.artifact(version, "model.onnx"), 0.01)
    assert cache.get()[0] == b"bundled"

    def database_down(app: str) -> str:
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(registry, "champion_id", database_down)
    time.sleep(0.02)
    assert cache.get()[0] == b"bundled"  # the loaded champion, not an error
    empty = ChampionCache(registry, "pictionary", lambda version, reg: b"", 0.01)
    with pytest.raises(OperationalError):  # nothing loaded yet: the error is the caller's
        empty.get()
