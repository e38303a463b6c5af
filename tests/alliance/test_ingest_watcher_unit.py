"""The folder watcher's own logic without OCR: settling, batching, rules.toml, oversized files, failed jobs."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from looplab.alliance import ingest
from looplab.alliance.rules import load_rules
from looplab.alliance.watch import FolderWatcher


@dataclass
class FakeJob:
    id: str
    state: str = "queued"
    error: str | None = None


@dataclass
class FakeRunner:
    submitted: list[dict] = field(default_factory=list)
    jobs: dict[str, FakeJob] = field(default_factory=dict)

    def submit(self, kind: str, params: dict) -> FakeJob:
        job = FakeJob(id=f"job{len(self.jobs)}")
        self.jobs[job.id] = job
        self.submitted.append({"kind": kind, **params})
        return job

    def get(self, job_id: str) -> FakeJob:
        return self.jobs[job_id]


@pytest.fixture
def watcher(platform, settings):
    runner = FakeRunner()
    settings.input_dir.mkdir(parents=True)
    return FolderWatcher(platform, runner, settings.input_dir, settle_s=0.2), runner


def test_settled_files_are_archived_and_submitted_once(watcher, platform):
    folder, runner = watcher
    (folder.input_dir / "a_20251111.png").write_bytes(b"first")
    (folder.input_dir / "b.jpg").write_bytes(b"second")
    (folder.input_dir / "c.png.part").write_bytes(b"still copying")
    (folder.input_dir / ".hidden.png").write_bytes(b"hidden")
    assert folder.scan() == []  # first sight: not settled yet
    time.sleep(0.25)
    [job_id] = folder.scan()
    [params] = runner.submitted
    assert params["kind"] == "alliance.ingest" and params["origin"] == "watch"
    items = {item["name"]: item for item in params["files"]}
    assert set(items) == {"a_20251111.png", "b.jpg"}
    assert items["a_20251111.png"]["day"] == "2025-11-11"
    assert platform.blobs.get(items["b.jpg"]["blob_key"]) == b"second"  # the original is archived at once
    time.sleep(0.25)
    assert folder.scan() == []  # submitted files are not submitted again while their job runs
    runner.jobs[job_id].state = "succeeded"
    folder.scan()
    assert folder._jobs == {}


def test_a_file_still_growing_waits(watcher):
    folder, runner = watcher
    path = folder.input_dir / "growing.png"
    path.write_bytes(b"x")
    folder.scan()
    time.sleep(0.25)
    path.write_bytes(b"xx")
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert folder.scan() == []
    assert runner.submitted == []


def test_a_failed_job_moves_its_files_to_rejected_with_the_reason(watcher):
    folder, runner = watcher
    (folder.input_dir / "shot.png").write_bytes(b"content")
    folder.scan()
    time.sleep(0.25)
    [job_id] = folder.scan()
    runner.jobs[job_id].state, runner.jobs[job_id].error = "failed", "RuntimeError: the worker process died"
    folder.scan()
    rejected = folder.input_dir / "rejected"
    assert (rejected / "shot.png").read_bytes() == b"content"
    assert "worker process died" in (rejected / "shot.png.reason.txt").read_text()


def test_oversized_files_are_not_read(watcher, monkeypatch):
    folder, runner = watcher
    monkeypatch.setattr("looplab.alliance.watch.MAX_FILE_BYTES", 10)
    (folder.input_dir / "huge.png").write_bytes(b"x" * 11)
    folder.scan()
    time.sleep(0.25)
    folder.scan()
    [item] = runner.submitted[0]["files"]
    assert "too large" in item["error"] and "blob_key" not in item


def test_rules_toml_in_the_input_folder_updates_the_rules(watcher, platform):
    folder, _ = watcher
    rules_file = folder.input_dir / "rules.toml"
    rules_file.write_text('columns = ["points", "attacks"]\nafk_column = "attacks"\n')
    folder.scan()
    with platform.db.session() as session:
        assert load_rules(session).afk_column == "attacks"
    rules_file.write_text('columns = ["points"]\nafk_column = "attacks"\n')  # invalid: kept out
    folder.scan()
    with platform.db.session() as session:
        assert load_rules(session).columns == ["points", "attacks"]
    assert rules_file.exists()  # never moved like a screenshot


def test_move_processed_never_overwrites_and_stays_in_the_folder(tmp_path: Path):
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "a.png").write_bytes(b"old")
    (tmp_path / "a.png").write_bytes(b"new")
    moved = ingest.move_processed(tmp_path / "a.png", tmp_path, {"status": "booked"})
    assert moved.name == "a.1.png" and (tmp_path / "done" / "a.png").read_bytes() == b"old"
    outside = tmp_path / "deeper" / "elsewhere"  # neither the folder nor an alliance's subfolder
    outside.mkdir(parents=True)
    (outside / "b.png").write_bytes(b"x")
    assert ingest.move_processed(outside / "b.png", tmp_path, {"status": "rejected", "reason": "r"}) is None
    assert (outside / "b.png").exists()


def test_subfolders_are_alliances_with_their_own_rules_and_done_folders(watcher, platform):
    folder, runner = watcher
    sub = folder.input_dir / "north-wolves"
    sub.mkdir()
    (sub / "rules.toml").write_text('columns = ["power"]\n')
    (sub / "s_20251111.png").write_bytes(b"north")
    (folder.input_dir / "t_20251111.png").write_bytes(b"default")
    (folder.input_dir / "not an alliance!").mkdir()
    (folder.input_dir / "not an alliance!" / "x.png").write_bytes(b"ignored")
    folder.scan()
    time.sleep(0.25)
    assert len(folder.scan()) == 2
    by_alliance = {p["alliance"]: [f["name"] for f in p["files"]] for p in runner.submitted}
    assert by_alliance == {"default": ["t_20251111.png"], "north-wolves": ["s_20251111.png"]}
    with platform.db.session() as session:
        assert load_rules(session, "north-wolves").columns == ["power"]
        assert load_rules(session).columns == ["points"]
    moved = ingest.move_processed(sub / "s_20251111.png", folder.input_dir, {"status": "booked"})
    assert moved == sub / "done" / "s_20251111.png"
