"""The digits training job end to end: server prepare, worker fit, registry, notification."""

from __future__ import annotations

import time

import pytest
from tests.conftest import SHARED_DATA

from looplab.jobs.runner import JobRunner
from looplab.learning.serving import ModelServer


@pytest.mark.slow
def test_training_job_registers_a_scored_candidate_and_notifies(platform) -> None:
    if not (SHARED_DATA / "mnist").is_dir():
        pytest.skip("real MNIST not found")
    from looplab.digits.serving import MODEL

    ModelServer(platform.registry, [MODEL]).prepare_defaults()
    champion = platform.registry.champion("digits")
    runner = JobRunner(platform, poll_s=0.05)
    runner.start()
    try:
        params = {"data_dir": str(SHARED_DATA / "mnist"), "limit": 600, "self_train_epochs": 1}
        job = runner.submit("digits.train", params)
        deadline = time.monotonic() + 300
        while (current := runner.get(job.id)).state in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        runner.stop()
    assert current.state == "succeeded", current.error
    assert 0 < current.result["acc"] <= 1 and 0 < current.result["nmi"] <= 1
    assert current.result["acc"] > 0.5  # far above chance (0.1) on 600 real digits, labels unseen by the fit
    versions = platform.registry.list("digits")
    assert len(versions) == 2
    new = next(v for v in versions if v.id == current.result["version_id"])
    assert new.parent_id == champion.id and new.metrics["n_train"] == 600
    # 600 digits do not beat the bundled model fitted on 10,000: it stays a candidate
    assert current.result["promoted"] is (current.result["acc"] >= champion.metrics["acc"])
    assert platform.registry.champion("digits").id == (new.id if current.result["promoted"] else champion.id)
    platform.notifier.drain()
    finished = [n for n in platform.notifier.history() if n.event == "digits_training_finished"]
    assert finished and "ACC" in finished[0].title


def test_training_job_without_data_fails_with_the_fetch_hint(platform, tmp_path) -> None:
    runner = JobRunner(platform, poll_s=0.05)
    runner.start()
    try:
        job = runner.submit("digits.train", {"data_dir": str(tmp_path / "nothing")})
        deadline = time.monotonic() + 60
        while (current := runner.get(job.id)).state in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        runner.stop()
    assert current.state == "failed"
    assert "looplab digits data fetch" in current.error
