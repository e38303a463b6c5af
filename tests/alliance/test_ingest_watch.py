"""The input folder watcher end to end: real OCR on small synthetic screenshots, bad files rejected with
reasons, originals kept, the server still answering."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from looplab.alliance.ingest import day_from_name
from tests.alliance.ingest_helpers import NAMES, admin_client, bad_files, screenshot, wait_until_empty

DAY1 = [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]
DAY2 = [13_100, 35_200, 6_000, 79_300, 9_800, 24_400]


@pytest.fixture
def server(settings) -> Iterator[TestClient]:
    yield from admin_client(settings)


def test_day_comes_from_the_file_name_else_the_mtime():
    assert day_from_name("whiteoutsurvival_20251111_192456.jpg") == date(2025, 11, 11)
    assert day_from_name("shot 2025-11-12.png") == date(2025, 11, 12)
    assert day_from_name("IMG_20251399_1.png", mtime=0.0) == date.fromtimestamp(0.0)  # no such date
    assert day_from_name("Screenshot.png", mtime=1_700_000_000) == date.fromtimestamp(1_700_000_000)


def test_watcher_books_screenshots_and_rejects_bad_files(server, settings):
    input_dir: Path = settings.input_dir
    day1, day2 = screenshot(6, DAY1), screenshot(8, DAY2)
    bad = bad_files(day1)
    files = {"alliance_20251111.png": day1, "alliance_2025-11-12.png": day2, "copy_of_first.png": day1}
    files.update({name: content for name, (content, _) in bad.items()})
    input_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (input_dir / f".{name}.part").write_bytes(content)
        os.replace(input_dir / f".{name}.part", input_dir / name)  # as a sync tool drops files
        if name == "alliance_20251111.png":
            time.sleep(0.2)  # the copy comes later, so the first one is the original

    assert wait_until_empty(input_dir) == []
    done = sorted(p.name for p in (input_dir / "done").iterdir())
    assert done == sorted(["alliance_20251111.png", "alliance_2025-11-12.png"])
    rejected = input_dir / "rejected"
    for name, (content, phrase) in bad.items():
        assert (rejected / name).read_bytes() == content  # the original is kept, unchanged
        assert phrase in (rejected / f"{name}.reason.txt").read_text(), name
    assert "duplicate of 'alliance_20251111.png'" in (rejected / "copy_of_first.png.reason.txt").read_text()
    assert server.get("/health").status_code == 200

    table = server.get("/api/alliance/members").json()
    assert table["days"] == ["2025-11-11", "2025-11-12"]
    trends = {m["name"]: m["trend"][table["columns"][0]] for m in table["members"]}
    exact = [n for n, d1, d2 in zip(NAMES, DAY1, DAY2, strict=True) if trends.get(n) == [d1, d2]]
    assert len(exact) >= 4, (trends, server.get("/api/alliance/review").json())
    shots = server.get("/api/alliance/screenshots", params={"status": "booked"}).json()
    assert len(shots) == 2
    image = server.get(f"/api/alliance/screenshots/{shots[0]['id']}/image")
    assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert server.get("/api/alliance/labels/stats").json()["unlabeled"] > 0

    # the same file dropped again later is a duplicate, and nothing is counted twice
    (input_dir / "again_20251111.png").write_bytes(day1)
    assert wait_until_empty(input_dir, 60) == []
    assert "duplicate" in (rejected / "again_20251111.png.reason.txt").read_text()
    again = {m["name"]: m["trend"][table["columns"][0]] for m in server.get("/api/alliance/members").json()["members"]}
    assert again == trends
