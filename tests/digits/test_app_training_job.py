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
    params = {"data_dir": str(SHARED_DATA / "mnist"), "limit": 400, "self_train_epochs": 1}
    current = run_job(platform, "digits.train", params)
    assert current.state == "succeeded", current.error
    assert 0 < current.result["acc"] <= 1 and 0 < current.result["nmi"] <= 1
    assert current.result["acc"] > 0.5  # far above chance (0.1) on 400 real digits, labels unseen by the fit
    versions = platform.registry.list("digits")
    assert len(versions) == 2
    new = next(v for v in versions if v.id == current.result["version_id"])
    assert new.parent_id == champion.id and new.metrics["n_train"] == 400
    # 400 digits do not beat the bundled model fitted on 10,000: it stays a candidate
    assert current.result["promoted"] is (current.result["acc"] >= champion.metrics["acc"])
    assert platform.registry.champion("digits").id == (new.id if current.result["promoted"] else champion.id)
    platform.notifier.drain()
    finished = [n for n in platform.notifier.history() if n.event == "digits_training_finished"]
    assert finished and "ACC" in finished[0].title


def test_training_job_without_data_fails_with_the_fetch_hint(platform, tmp_path) -> None:
    current = run_job(platform, "digits.train", {"data_dir": str(tmp_path / "nothing")}, timeout=60)
    assert current.state == "failed"
    assert "looplab digits data fetch" in current.error


def run_job(platform, kind: str, params: dict, timeout: float = 540):  # noqa: ANN001, ANN201
    runner = JobRunner(platform, poll_s=0.05)
    runner.start()
    try:
        job = runner.submit(kind, params)
        deadline = time.monotonic() + timeout
        while (current := runner.get(job.id)).state in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        runner.stop()
    return current


@pytest.mark.slow
def test_map_job_makes_a_2d_map_served_by_the_api(api, player_headers) -> None:
    if not (SHARED_DATA / "mnist").is_dir():
        pytest.skip("real MNIST not found")
    assert api.get("/api/digits/map", headers=player_headers).status_code == 404
    platform = api.app.state.platform
    job = run_job(platform, "digits.map", {"data_dir": str(SHARED_DATA / "mnist"), "points": 300})
    assert job.state == "succeeded", job.error
    points = api.get("/api/digits/map", headers=player_headers).json()
    assert len(points["x"]) == len(points["y"]) == len(points["label"]) == 300
    clusters, labels = points["cluster"], points["label"]
    # the map's clusters agree with the true labels through the evaluation mapping
    mapping = {
        c["cluster"]: c["evaluation_digit"] for c in api.get("/api/digits/clusters", headers=player_headers).json()
    }
    assert sum(mapping[c] == y for c, y in zip(clusters, labels, strict=True)) / 300 >= 0.9
