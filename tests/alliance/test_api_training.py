"""Labelled crops train a new region classifier in a job; it is promoted only if not worse on held-out crops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from looplab.alliance.models import RegionCrop
from looplab.alliance.training_job import split_heldout
from looplab.imaging.regions import find_text_regions, to_gray
from tests.alliance.ingest_helpers import admin_client, png, wait_for_job
from tests.alliance.synth import labelled_regions, make_screenshot


@pytest.fixture
def server(settings) -> Iterator[TestClient]:
    yield from admin_client(settings)


def test_split_heldout_is_stratified_and_disjoint():
    labels = ["name"] * 8 + ["number"] * 4 + ["other"]
    train, heldout = split_heldout(labels, share=0.25, seed=1)
    assert sorted(train + heldout) == list(range(len(labels)))
    assert sorted(labels[i] for i in heldout) == ["name", "name", "number"]  # a lone "other" stays in training


def test_train_job_registers_a_version_and_promotes_only_if_not_worse(server):
    platform = server.app.state.platform
    count = 0
    with platform.db.session() as session:
        for seed in (31, 32):
            screen = make_screenshot(seed, size=(720, 1600), jpeg=False)
            gray = to_gray(screen.image)
            regions = find_text_regions(screen.image)
            for region, label in zip(regions, labelled_regions(screen, regions), strict=True):
                if label is None:
                    continue
                crop = png(gray[region.y : region.y2, region.x : region.x2].copy())
                key = platform.blobs.put(crop, "png")
                session.add(RegionCrop(blob_key=key, box=[region.x, region.y, region.w, region.h], label=label))
                count += 1
    assert count >= 20
    response = server.post("/api/alliance/train", json={"epochs": 2})
    assert response.status_code == 202
    job = wait_for_job(server, response.json()["id"], timeout=300)
    assert job["state"] == "succeeded", job
    result = job["result"]
    assert result["n_train"] + result["n_heldout"] == count and result["n_heldout"] > 0
    assert result["promoted"] == (result["heldout_accuracy"] >= result["champion_heldout_accuracy"])
    versions = {v["version"]: v for v in server.get("/api/models", params={"app": "alliance"}).json()}
    new = versions[result["version"]]
    assert new["metrics"]["heldout_accuracy"] == result["heldout_accuracy"]
    assert new["status"] == ("champion" if result["promoted"] else "candidate")
    assert versions[1]["status"] == ("retired" if result["promoted"] else "champion")
